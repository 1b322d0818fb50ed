// The persistent thread pool: every index exactly once, exceptions rethrown,
// nested and concurrent ParallelFor, and max_threads honoured.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/parallel/thread_pool.h"

using attnviz::ThreadPool;

namespace {

// Runs ParallelFor(count) and checks that each index ran exactly once.
void RequireEachOnce(ThreadPool& pool, int count, int max_threads = 0) {
  std::vector<std::atomic<int>> hits(count);
  pool.ParallelFor(count, [&](int i) { hits[i].fetch_add(1); }, max_threads);
  for (int i = 0; i < count; ++i)
    if (hits[i].load() != 1) FAIL("index " << i << " ran " << hits[i].load() << " times (count " << count << ")");
}

}  // namespace

TEST_CASE("thread pool: every index runs exactly once", "[thread-pool]") {
  ThreadPool pool(4);
  REQUIRE(pool.threads() == 4);
  for (int count : {0, 1, 2, 3, 4, 5, 17, 1000, 20000}) RequireEachOnce(pool, count);
  for (int max_threads : {1, 2, 3, 8}) RequireEachOnce(pool, 333, max_threads);
  ThreadPool single(1);
  RequireEachOnce(single, 50);
  ThreadPool zero(0);  // asks for nothing: still one thread, the caller
  REQUIRE(zero.threads() == 1);
  RequireEachOnce(zero, 50);
}

TEST_CASE("thread pool: the first exception is rethrown and the pool keeps working", "[thread-pool]") {
  ThreadPool pool(3);
  for (int round = 0; round < 20; ++round) {
    std::atomic<int> ran{0};
    REQUIRE_THROWS_AS(pool.ParallelFor(200,
                                       [&](int i) {
                                         ran.fetch_add(1);
                                         if (i % 50 == 7) throw std::out_of_range("index " + std::to_string(i));
                                       }),
                      std::out_of_range);
    REQUIRE(ran.load() >= 1);
    REQUIRE(ran.load() <= 200);
    RequireEachOnce(pool, 100);  // nothing left behind in the queue
  }
}

TEST_CASE("thread pool: nested ParallelFor completes and covers every pair", "[thread-pool]") {
  ThreadPool pool(3);
  constexpr int kOuter = 12, kInner = 40;
  std::vector<std::atomic<int>> hits(kOuter * kInner);
  pool.ParallelFor(kOuter, [&](int o) {
    pool.ParallelFor(kInner, [&](int i) { hits[o * kInner + i].fetch_add(1); });
  });
  for (auto& h : hits) REQUIRE(h.load() == 1);
  // Three levels, on the shared pool too.
  std::atomic<int> leaves{0};
  attnviz::ParallelFor(4, [&](int) {
    attnviz::ParallelFor(4, [&](int) { attnviz::ParallelFor(4, [&](int) { leaves.fetch_add(1); }); });
  });
  REQUIRE(leaves.load() == 64);
}

TEST_CASE("thread pool: concurrent ParallelFor calls from two threads", "[thread-pool]") {
  ThreadPool pool(3);
  constexpr int kCount = 5000;
  std::vector<std::atomic<int>> a(kCount), b(kCount);
  auto caller = [&](std::vector<std::atomic<int>>& hits) {
    for (int round = 0; round < 10; ++round) pool.ParallelFor(kCount, [&](int i) { hits[i].fetch_add(1); });
  };
  std::thread t1(caller, std::ref(a)), t2(caller, std::ref(b));
  t1.join();
  t2.join();
  for (int i = 0; i < kCount; ++i) {
    REQUIRE(a[i].load() == 10);
    REQUIRE(b[i].load() == 10);
  }
}

TEST_CASE("thread pool: max_threads bounds the threads that run a call", "[thread-pool]") {
  ThreadPool pool(4);
  for (int max_threads : {1, 2, 3}) {
    std::mutex mu;
    std::set<std::thread::id> ids;
    std::atomic<int> running{0}, most{0};
    pool.ParallelFor(
        64,
        [&](int) {
          const int now = running.fetch_add(1) + 1;
          int seen = most.load();
          while (now > seen && !most.compare_exchange_weak(seen, now)) {}
          {
            std::lock_guard<std::mutex> lock(mu);
            ids.insert(std::this_thread::get_id());
          }
          std::this_thread::sleep_for(std::chrono::microseconds(200));  // give idle workers every chance to join
          running.fetch_sub(1);
        },
        max_threads);
    INFO("max_threads " << max_threads);
    REQUIRE(static_cast<int>(ids.size()) <= max_threads);
    REQUIRE(most.load() <= max_threads);
    if (max_threads == 1) REQUIRE(*ids.begin() == std::this_thread::get_id());  // one thread: the caller's
  }
}

#include "core/parallel/parallel_product.h"

TEST_CASE("ParallelProduct equals a plain double loop for every split", "[thread-pool]") {
  // Tolerance 1e-4 relative to the row's magnitude: K = 300 float products of values in [-1, 1].
  ThreadPool pool(3);
  for (int m : {1, 31, 33, 100, 257}) {
    const attnviz::Mat a = attnviz::Mat::Random(m, 300), b = attnviz::Mat::Random(300, 70);
    for (int threads : {1, 2, 3}) {
      attnviz::Mat c(m, 70);
      attnviz::ParallelProduct(a, b, c, threads, &pool);
      for (int i = 0; i < m; ++i)
        for (int j = 0; j < 70; ++j) {
          double want = 0;
          for (int k = 0; k < 300; ++k) want += double(a(i, k)) * b(k, j);
          REQUIRE(std::abs(c(i, j) - want) <= 1e-4 * 300);
        }
    }
  }
}
