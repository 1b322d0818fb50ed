// ComputeService: chapters' off-thread work. Newest request per slot wins, a
// superseded computation is cancelled (it stops, it is not merely ignored),
// results are cached by key, errors come back as data, and the last good
// result stays readable while a new one computes.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include "core/compute/compute_service.h"
#include "core/trace_worker.h"

using namespace attnviz;

// "lit" + std::to_string(i), built by appending: GCC 12 warns falsely
// (-Wrestrict, bug 105329) on operator+ of a literal and a temporary string.
inline std::string Tagged(const char* prefix, long i) {
  std::string s = prefix;
  s += std::to_string(i);
  return s;
}

namespace {
using Job = std::function<std::shared_ptr<const int>(const CancelToken&)>;

Job Value(int v) {
  return [v](const CancelToken&) { return std::make_shared<const int>(v); };
}

// Runs until cancelled (or 10 s, so a broken cancel fails instead of hanging).
Job UntilCancelled(std::atomic<bool>* started, std::atomic<bool>* stopped) {
  return [started, stopped](const CancelToken& c) -> std::shared_ptr<const int> {
    *started = true;
    const auto t0 = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - t0 < std::chrono::seconds(10)) {
      if (c.IsCancelled()) {
        *stopped = true;
        throw Cancelled();
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return std::make_shared<const int>(-1);
  };
}
}  // namespace

TEST_CASE("compute service: a result arrives, is cached by key, and asking again does not recompute", "[compute]") {
  ComputeService s(2);
  Computed<int> r = s.Ask<int>("slot", "k1", Value(7));
  REQUIRE(r.pending);
  s.WaitIdle();
  r = s.Ask<int>("slot", "k1", Value(7));
  REQUIRE(r.current);
  REQUIRE_FALSE(r.pending);
  REQUIRE(*r.value == 7);
  const long done = s.CompletedCount();
  // Another slot asking for the same key gets the cached value at once.
  const Computed<int> other = s.Ask<int>("other", "k1", Value(99));
  REQUIRE(other.current);
  REQUIRE(*other.value == 7);
  REQUIRE(s.CompletedCount() == done);
}

TEST_CASE("compute service: a newer key cancels the running job; the last good value stays meanwhile", "[compute]") {
  ComputeService s(1);
  s.Ask<int>("slot", "good", Value(1));
  s.WaitIdle();
  std::atomic<bool> started{false}, stopped{false};
  Computed<int> r = s.Ask<int>("slot", "slow", UntilCancelled(&started, &stopped));
  while (!started) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  // While "slow" computes, the slot still shows "good" (not current, pending).
  REQUIRE(r.value);
  REQUIRE(*r.value == 1);
  REQUIRE_FALSE(r.current);
  REQUIRE(r.pending);
  // The newest request supersedes it: the job stops (cancelled, not finished).
  r = s.Ask<int>("slot", "next", Value(3));
  s.WaitIdle();
  REQUIRE(stopped);
  REQUIRE(s.CancelledCount() >= 1);
  r = s.Ask<int>("slot", "next", Value(3));
  REQUIRE(r.current);
  REQUIRE(*r.value == 3);
}

TEST_CASE("compute service: errors come back as data and keep the last good value", "[compute]") {
  ComputeService s(2);
  s.Ask<int>("slot", "ok", Value(5));
  s.WaitIdle();
  Job failing = [](const CancelToken&) -> std::shared_ptr<const int> { throw InputError("window 0 is not allowed"); };
  s.Ask<int>("slot", "bad", failing);
  s.WaitIdle();
  const Computed<int> r = s.Ask<int>("slot", "bad", failing);
  REQUIRE(r.error == "window 0 is not allowed");
  REQUIRE_FALSE(r.current);
  REQUIRE(*r.value == 5);
  REQUIRE_FALSE(r.pending);
  // The error is cached too: asking again every frame does not rerun the job.
  const long done = s.CompletedCount();
  s.Ask<int>("slot", "bad", failing);
  s.WaitIdle();
  REQUIRE(s.CompletedCount() == done);
}

TEST_CASE("compute service: workers are persistent threads, not one per request", "[compute]") {
  ComputeService s(2);
  std::mutex mu;
  std::set<std::thread::id> ids;
  for (int i = 0; i < 40; ++i) {
    s.Ask<int>(Tagged("slot", i % 4), Tagged("k", i), [&, i](const CancelToken&) {
      std::lock_guard<std::mutex> lock(mu);
      ids.insert(std::this_thread::get_id());
      return std::make_shared<const int>(i);
    });
    s.WaitIdle();
  }
  REQUIRE(ids.size() <= 2);
  REQUIRE(ids.count(std::this_thread::get_id()) == 0);
}

TEST_CASE("compute service: traces of modified requests side by side", "[compute]") {
  ComputeService s(2);
  Request causal, full;
  causal.text = full.text = "the cat sat on the mat";
  causal.mask.causal = true;
  s.AskTrace("a", causal);
  s.AskTrace("b", full);
  s.WaitIdle();
  const Computed<Trace> a = s.AskTrace("a", causal), b = s.AskTrace("b", full);
  REQUIRE(a.current);
  REQUIRE(b.current);
  REQUIRE(a.value->config.mask.causal);
  REQUIRE_FALSE(b.value->config.mask.causal);
  REQUIRE(a.value->mask(0, 5) == 0);
  REQUIRE(b.value->mask(0, 5) == 1);
  Request bad = full;
  bad.text = "";
  s.AskTrace("b", bad);
  s.WaitIdle();
  const Computed<Trace> e = s.AskTrace("b", bad);
  REQUIRE_THAT(e.error, Catch::Contains("text is empty"));
  REQUIRE(e.value == b.value);  // the last good trace stays
  REQUIRE(RequestKey(causal) != RequestKey(full));
  REQUIRE(RequestKey(full) == RequestKey(Request(full)));
}

TEST_CASE("trace worker: a new request cancels the trace it supersedes", "[worker]") {
  TraceWorker w;
  Request big;
  big.model = "random";
  big.layers = 8;
  for (int i = 0; i < 3000; ++i) big.text += Tagged("w", i % 50) + " ";
  w.Post(big);
  std::this_thread::sleep_for(std::chrono::milliseconds(30));  // let it start
  Request small;
  small.text = "one two";
  w.Post(small);
  w.Wait();
  REQUIRE(w.Latest()->n() == 2);
  // The big trace was stopped by its cancel token: it never reached the screen.
  REQUIRE(w.CancelledCount() == 1);
}
