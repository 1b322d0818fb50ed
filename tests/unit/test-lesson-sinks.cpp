// The `sinks` lesson: the StreamingLLM mask against its definition, the
// built-in first-token head as a sink (dropping it moves nearly all its
// attention, keeping it almost none), the per-row changes against a plain
// computation, and the CLI.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/engine.h"
#include "core/lessons/sinks.h"
#include "tests/unit/head-matrices.h"
#include "tests/unit/lesson-json.h"

using namespace attnviz;
using namespace attnviz::lessons;

TEST_CASE("sinks: the mask keeps the sinks and a recent window", "[lesson][sinks]") {
  Engine engine;
  Request r;
  r.text = "The cat sat on the mat because it was tired and the dog slept by the fire all night long .";
  SinksParams p;
  p.sinks = 2;
  p.window = 4;
  p.head = 2;
  const SinksLesson L = RunSinksLesson(engine, r, p);
  const int n = L.n;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) {
      REQUIRE(L.streaming->mask(i, j) == ((j <= i && (j < 2 || i - j < 4)) ? 1 : 0));
      REQUIRE(L.window_only->mask(i, j) == ((j <= i && i - j < 4) ? 1 : 0));
      REQUIRE(L.full->mask(i, j) == (j <= i ? 1 : 0));
    }
  // The first-token head parks its weight on token 0: dropping it moves almost
  // all of that weight, keeping it moves almost none.
  const SinksHead& sink = L.heads[2];
  REQUIRE(sink.role == "first-token");
  REQUIRE(sink.sink_mass > 0.9);
  REQUIRE(sink.tv_window > 0.9);
  REQUIRE(sink.tv_streaming < 0.1);
  // Per-row changes, written out.
  const Mat f = test::WeightsOf(*L.full, 0, 2), w = test::WeightsOf(*L.window_only, 0, 2);
  for (int i = 0; i < n; ++i) {
    double tv = 0, sink_mass = 0;
    for (int j = 0; j < n; ++j) tv += 0.5 * std::abs(static_cast<double>(f(i, j)) - w(i, j));
    for (int j = 0; j < 2; ++j) sink_mass += f(i, j);
    REQUIRE(L.row_tv_window[i] == Approx(tv).margin(1e-6));
    REQUIRE(L.row_sink_mass[i] == Approx(sink_mass).margin(1e-6));
    if (i < 4) REQUIRE(L.row_tv_window[i] < 1e-6);  // nothing dropped yet
  }
}

TEST_CASE("sinks: attnviz lesson prints core's numbers", "[lesson][sinks][cli]") {
  const nlohmann::json j = test::LessonJson({"sinks", "--sinks", "1", "--recent", "3", "--head", "2", "--text", "a b c d e f g h"});
  Engine engine;
  Request r;
  r.text = "a b c d e f g h";
  SinksParams p;
  p.sinks = 1;
  p.window = 3;
  p.head = 2;
  const SinksLesson L = RunSinksLesson(engine, r, p);
  REQUIRE(j["first_affected_row"] == 3);
  REQUIRE(j["row_tv_window"].get<std::vector<double>>() == L.row_tv_window);
  REQUIRE(j["heads"][2]["sink_mass"].get<double>() == L.heads[2].sink_mass);
}
