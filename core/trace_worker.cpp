#include "core/trace_worker.h"

namespace attnviz {

TraceWorker::TraceWorker() : thread_([this] { Loop(); }) {}

TraceWorker::~TraceWorker() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void TraceWorker::Post(const Request& r, const MatrixPrewarm& prewarm) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_ = r;
    pending_prewarm_ = prewarm;  // replaces any request not yet started: only the newest matters
    if (busy_) running_.Cancel();  // and the one computing is superseded
  }
  cv_.notify_all();
}

TracePtr TraceWorker::Latest() const {
  std::lock_guard<std::mutex> lock(mu_);
  return latest_;
}

std::string TraceWorker::LatestError() const {
  std::lock_guard<std::mutex> lock(mu_);
  return error_;
}

bool TraceWorker::Busy() const {
  std::lock_guard<std::mutex> lock(mu_);
  return busy_ || pending_.has_value();
}

long TraceWorker::CancelledCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cancelled_;
}

unsigned long TraceWorker::Generation() const {
  std::lock_guard<std::mutex> lock(mu_);
  return generation_;
}

void TraceWorker::Wait() {
  std::unique_lock<std::mutex> lock(mu_);
  done_cv_.wait(lock, [this] { return !busy_ && !pending_.has_value(); });
}

void TraceWorker::Loop() {
  for (;;) {
    Request r;
    MatrixPrewarm prewarm;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [this] { return stop_ || pending_.has_value(); });
      if (stop_) return;
      r = std::move(*pending_);
      prewarm = pending_prewarm_;
      pending_.reset();
      busy_ = true;
      running_ = CancelToken();
    }
    TracePtr trace;
    std::string error;
    bool cancelled = false;
    try {
      trace = engine_.Run(r, &running_);
      // The matrix the window draws first, into the trace's cache (see MatrixPrewarm).
      if (prewarm.layer >= 0 && prewarm.layer < static_cast<int>(trace->layers.size()) && prewarm.head >= 0 &&
          prewarm.head < static_cast<int>(trace->layers[prewarm.layer].heads.size()) && !running_.IsCancelled()) {
        trace->Matrix(prewarm.layer, prewarm.head, HeadMatrix::Weights);
        if (prewarm.with_extras && trace->n() <= MatrixPrewarm::kMaxExtrasN) {
          trace->Matrix(prewarm.layer, prewarm.head, HeadMatrix::Scores);
          trace->Matrix(prewarm.layer, prewarm.head, HeadMatrix::Logits);
        }
      }
    } catch (const Cancelled&) {
      cancelled = true;
    } catch (const std::exception& e) {
      error = e.what();
    }
    if (cancelled) {  // a newer request is pending: publish nothing, go on with it
      std::lock_guard<std::mutex> lock(mu_);
      ++cancelled_;
      busy_ = false;
      continue;
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (trace) latest_ = std::move(trace);  // on error the last good trace stays on screen
      error_ = std::move(error);
      ++generation_;
      busy_ = false;
    }
    done_cv_.notify_all();
  }
}

}  // namespace attnviz
