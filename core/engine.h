// Engine: Request -> immutable Trace, every step of SPEC.md kept.
#pragma once
#include <cstddef>
#include <memory>
#include <mutex>

#include "core/model/weight_source.h"
#include "core/request.h"
#include "core/trace.h"

namespace attnviz {

class Engine {
 public:
  // Throws InputError for anything wrong with the request or its text.
  // Weight sources are cached: changing only the text or the mask reuses them.
  TracePtr Run(const Request& r);

 private:
  std::mutex mu_;
  std::string cached_key_;
  std::shared_ptr<const WeightSource> cached_source_;
};

// One-shot helper for tests and tools.
TracePtr RunTrace(const Request& r);
// Runs the engine on explicit weights (tests, lessons).
TracePtr RunTraceWith(const Request& r, const WeightSource& source);

// Bytes a trace of this size would hold; the engine refuses past kMaxTraceBytes.
std::size_t EstimateTraceBytes(int n, int d_model, int heads, int kv_heads, int layers);

}  // namespace attnviz
