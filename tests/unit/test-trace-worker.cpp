// TraceWorker: traces computed off the caller's thread, newest request wins,
// and an error keeps the last good trace readable.
#include <catch2/catch.hpp>

#include "core/trace_worker.h"

using namespace attnviz;

TEST_CASE("worker publishes the newest request and keeps the last good trace on error", "[worker]") {
  TraceWorker w;
  REQUIRE(w.Latest() == nullptr);
  Request r;
  r.text = "one two three";
  w.Post(r);
  w.Wait();
  REQUIRE(w.Latest() != nullptr);
  REQUIRE(w.Latest()->n() == 3);
  REQUIRE(w.LatestError().empty());
  const auto gen = w.Generation();

  // A burst of edits: only the last one has to be visible once the worker is idle.
  for (int i = 1; i <= 20; ++i) {
    r.text = "";
    for (int k = 0; k < i; ++k) r.text += "w ";
    w.Post(r);
  }
  w.Wait();
  REQUIRE(w.Latest()->n() == 20);
  REQUIRE(w.Generation() > gen);
  REQUIRE_FALSE(w.Busy());

  // An invalid request: the error is reported, the previous trace stays.
  Request bad = r;
  bad.text = "";
  w.Post(bad);
  w.Wait();
  REQUIRE_THAT(w.LatestError(), Catch::Contains("empty"));
  REQUIRE(w.Latest()->n() == 20);

  // The next good request clears the error.
  w.Post(r);
  w.Wait();
  REQUIRE(w.LatestError().empty());
}
