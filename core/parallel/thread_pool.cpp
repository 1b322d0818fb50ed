#include "core/parallel/thread_pool.h"

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

#if defined(ATTNVIZ_OPENBLAS)
// Debian's default OpenBLAS (libopenblas0-pthread) would run each product on
// its own threads, as many as cores; called from our workers that means
// cores^2 threads spinning on 2 cores. One thread: parallelism is the pool's
// (core/parallel/parallel_product.h splits big products across it). OpenBLAS's
// constructor has run before this (shared libraries initialise first).
extern "C" void openblas_set_num_threads(int);
namespace {
const bool kOpenBlasOnOneThread = (openblas_set_num_threads(1), true);
}  // namespace
#endif

namespace attnviz {

// One ParallelFor call. It lives on the caller's stack; the caller returns only
// when every index is done and no worker is still inside the job.
struct PoolJob {
  const std::function<void(int)>* fn = nullptr;
  int count = 0;
  int max_helpers = 0;            // workers allowed to join (threads - 1)
  int helpers = 0;                // workers that joined      (guarded by Impl::mu)
  int active = 0;                 // workers inside RunIndices (guarded by Impl::mu)
  std::atomic<int> next{0};       // next index to hand out
  std::atomic<int> done{0};       // indices finished
  std::exception_ptr error;       // first exception (guarded by Impl::mu)
};

struct ThreadPool::Impl {
  std::mutex mu;
  std::condition_variable work_cv;   // workers wait for a job
  std::condition_variable done_cv;   // callers wait for their job to finish
  std::deque<PoolJob*> jobs;         // jobs with indices left to hand out
  bool stop = false;
  std::vector<std::thread> workers;

  // Takes indices until none are left. Exceptions stop the hand-out.
  void RunIndices(PoolJob& job) {
    for (;;) {
      const int i = job.next.fetch_add(1, std::memory_order_relaxed);
      if (i >= job.count) return;
      try {
        (*job.fn)(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mu);
        if (!job.error) job.error = std::current_exception();
        job.next.store(job.count, std::memory_order_relaxed);
      }
      job.done.fetch_add(1, std::memory_order_acq_rel);
    }
  }

  void WorkerLoop() {
    std::unique_lock<std::mutex> lock(mu);
    for (;;) {
      work_cv.wait(lock, [&] { return stop || !jobs.empty(); });
      if (stop) return;
      PoolJob* job = jobs.front();
      if (job->next.load(std::memory_order_relaxed) >= job->count || job->helpers >= job->max_helpers) {
        jobs.pop_front();  // nothing left to hand out, or enough helpers: the caller finishes it
        continue;
      }
      ++job->helpers;
      ++job->active;
      lock.unlock();
      RunIndices(*job);
      lock.lock();
      --job->active;
      done_cv.notify_all();
    }
  }
};

ThreadPool& ThreadPool::Shared() {
  static ThreadPool pool(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  return pool;
}

ThreadPool::ThreadPool(int threads) : impl_(new Impl), threads_(std::max(1, threads)) {
  for (int t = 1; t < threads_; ++t) impl_->workers.emplace_back([this] { impl_->WorkerLoop(); });
}

ThreadPool::~ThreadPool() {
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->stop = true;
  }
  impl_->work_cv.notify_all();
  for (std::thread& t : impl_->workers) t.join();
  delete impl_;
}

void ThreadPool::ParallelFor(int count, const std::function<void(int)>& fn, int max_threads) {
  if (count <= 0) return;
  const int threads = std::min(count, max_threads > 0 ? std::min(max_threads, threads_) : threads_);
  if (threads <= 1) {
    for (int i = 0; i < count; ++i) fn(i);
    return;
  }
  PoolJob job;
  job.fn = &fn;
  job.count = count;
  job.max_helpers = threads - 1;
  {
    std::lock_guard<std::mutex> lock(impl_->mu);
    impl_->jobs.push_back(&job);
  }
  impl_->work_cv.notify_all();
  impl_->RunIndices(job);
  std::unique_lock<std::mutex> lock(impl_->mu);
  // Nobody may join once the caller stops waiting: remove the job first.
  auto it = std::find(impl_->jobs.begin(), impl_->jobs.end(), &job);
  if (it != impl_->jobs.end()) impl_->jobs.erase(it);
  impl_->done_cv.wait(lock, [&] { return job.active == 0; });
  // Every index was handed out and every worker that took one has left.
  if (job.error) std::rethrow_exception(job.error);
}

void ParallelFor(int count, const std::function<void(int)>& fn, int max_threads) {
  ThreadPool::Shared().ParallelFor(count, fn, max_threads);
}

}  // namespace attnviz
