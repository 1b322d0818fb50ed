// Engine: Request -> immutable Trace, every step of SPEC.md available.
#pragma once
#include <cstddef>
#include <memory>
#include <mutex>

#include "core/cancel.h"
#include "core/model/model.h"
#include "core/request.h"
#include "core/trace.h"

namespace attnviz {

class ForwardHooks;

class Engine {
 public:
  // Throws InputError for anything wrong with the request or its text, and
  // Cancelled when `cancel` is cancelled before the trace is complete.
  // Weight sources are cached: changing only the text or the mask reuses them.
  TracePtr Run(const Request& r, const CancelToken* cancel = nullptr);
  // The model a request names (cached as Run caches it): lessons that need
  // the model itself, not a trace of it.
  ModelPtr ModelFor(const Request& r);

 private:
  std::mutex mu_;
  std::string cached_key_;
  ModelPtr cached_source_;
};

// One-shot helper for tests and tools.
TracePtr RunTrace(const Request& r);
// Runs the engine on an explicit model (tests, lessons, the lab). The trace
// keeps the model alive: its layers point at the model's weights instead of
// copying them. `hooks` (core/forward.h) read or replace values on the way.
TracePtr RunTraceWith(const Request& r, ModelPtr model, const CancelToken* cancel = nullptr,
                      ForwardHooks* hooks = nullptr);
// The same on given tokens instead of the request's text (a fixed probe, a
// shuffled order): r.text is kept only as the trace's text.
TracePtr RunTraceOnTokens(const Request& r, ModelPtr model, std::vector<Token> tokens,
                          const CancelToken* cancel = nullptr, ForwardHooks* hooks = nullptr);

// The model's tokens of the text, refusing empty text, text with no tokens and
// more than kMaxTokens tokens with one line each (the engine and the lessons).
std::vector<Token> TokenizeChecked(const Model& model, const std::string& text);

// Bytes a trace of this size stores (its per-head N x N matrices are computed
// on demand and cached separately, within Trace::MatrixCacheBudget()); the
// engine refuses past kMaxTraceBytes.
std::size_t EstimateTraceBytes(int n, int d_model, int heads, int kv_heads, int layers);

}  // namespace attnviz
