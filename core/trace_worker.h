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

class TraceWorker {
 public:
  TraceWorker();
  ~TraceWorker();
  TraceWorker(const TraceWorker&) = delete;
  TraceWorker& operator=(const TraceWorker&) = delete;

  void Post(const Request& r);
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
