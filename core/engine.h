// Engine: Request -> immutable Trace, every step of SPEC.md available.
#pragma once
#include <cstddef>
#include <memory>
#include <mutex>

#include "core/cancel.h"
#include "core/model/weight_source.h"
#include "core/request.h"
#include "core/trace.h"

namespace attnviz {

class Engine {
 public:
  // Throws InputError for anything wrong with the request or its text, and
  // Cancelled when `cancel` is cancelled before the trace is complete.
  // Weight sources are cached: changing only the text or the mask reuses them.
  TracePtr Run(const Request& r, const CancelToken* cancel = nullptr);
  // The weight source a request names (cached as Run caches it): lessons that
  // need the model itself, not a trace of it.
  std::shared_ptr<const WeightSource> Source(const Request& r);

 private:
  std::mutex mu_;
  std::string cached_key_;
  std::shared_ptr<const WeightSource> cached_source_;
};

// One-shot helper for tests and tools.
TracePtr RunTrace(const Request& r);
// Runs the engine on explicit weights (tests, lessons). The trace keeps the
// source alive: its layers point at the source's weights instead of copying them.
TracePtr RunTraceWith(const Request& r, std::shared_ptr<const WeightSource> source,
                      const CancelToken* cancel = nullptr);

// The model's tokens of the text, refusing empty text, text with no tokens and
// more than kMaxTokens tokens with one line each (the engine and the lessons).
std::vector<Token> TokenizeChecked(const WeightSource& source, const std::string& text);

// Bytes a trace of this size stores (its per-head N x N matrices are computed
// on demand and cached separately, within Trace::MatrixCacheBudget()); the
// engine refuses past kMaxTraceBytes.
std::size_t EstimateTraceBytes(int n, int d_model, int heads, int kv_heads, int layers);

}  // namespace attnviz
