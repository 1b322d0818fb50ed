// TraceWorker: computes the window's main trace off the caller's thread. The
// caller posts the latest Request; the worker computes only the newest one:
// a request not yet started is replaced, and the one computing is cancelled
// (the engine stops within a block of work), so an edit at N = 4096 never waits
// for a trace nobody will see. The last complete trace stays readable until
// the next is ready; an error keeps it.
#pragma once
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "core/engine.h"

namespace attnviz {

// A head matrix the window will draw as soon as the trace arrives: the worker
// computes it into the trace's matrix cache before publishing the trace, so the
// window's first frame with it finds the N x N weights ready (at N = 4096 that
// is 64 MB of work the UI thread would otherwise do in one frame).
struct MatrixPrewarm {
  int layer = -1, head = -1;  // -1: nothing to prewarm
  bool with_extras = false;   // scores and logits too (the heatmap's tooltip), only for N <= kMaxExtrasN
  static constexpr int kMaxExtrasN = 1024;
};

class TraceWorker {
 public:
  TraceWorker();
  ~TraceWorker();
  TraceWorker(const TraceWorker&) = delete;
  TraceWorker& operator=(const TraceWorker&) = delete;

  void Post(const Request& r, const MatrixPrewarm& prewarm = {});
  // The newest finished trace (may be for an older request than the last posted).
  TracePtr Latest() const;
  // Error of the newest finished request, empty when it succeeded.
  std::string LatestError() const;
  bool Busy() const;
  // Blocks until every posted request is finished (tests, --screenshot).
  void Wait();
  // Incremented each time a trace or an error is published.
  unsigned long Generation() const;
  // Traces abandoned because a newer request arrived while they computed.
  long CancelledCount() const;

 private:
  void Loop();
  Engine engine_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable done_cv_;
  std::optional<Request> pending_;
  MatrixPrewarm pending_prewarm_;
  bool busy_ = false;
  CancelToken running_;               // of the request computing now
  long cancelled_ = 0;
  bool stop_ = false;
  TracePtr latest_;
  std::string error_;
  unsigned long generation_ = 0;
  std::thread thread_;
};

}  // namespace attnviz
