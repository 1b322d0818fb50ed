// ThreadPool: persistent worker threads for the engine's parallel loops (heads,
// query blocks, MLP rows). Threads are started once and reused, so a trace does
// not pay thread creation per layer, and the caller's thread works too (a
// ParallelFor on a pool of T threads uses the caller plus T - 1 workers), which
// also makes nested or concurrent ParallelFor calls safe: a call never waits for
// a worker that is busy elsewhere without doing work itself.
#pragma once
#include <functional>

namespace attnviz {

class ThreadPool {
 public:
  // The process-wide pool, sized to std::thread::hardware_concurrency().
  static ThreadPool& Shared();

  explicit ThreadPool(int threads);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Threads a ParallelFor may use, the caller included (>= 1).
  int threads() const { return threads_; }

  // Runs fn(i) for every i in [0, count), each exactly once, on up to
  // `max_threads` threads (0 = all of the pool's), and returns when all are
  // done. Indices are handed out dynamically (an atomic counter), so uneven
  // work (causal rows, masked tiles) balances itself. The first exception
  // thrown by fn is rethrown on the caller's thread after the others finish.
  void ParallelFor(int count, const std::function<void(int)>& fn, int max_threads = 0);

 private:
  struct Impl;
  Impl* impl_;
  int threads_;
};

// ThreadPool::Shared().ParallelFor(count, fn, max_threads).
void ParallelFor(int count, const std::function<void(int)>& fn, int max_threads = 0);

}  // namespace attnviz
