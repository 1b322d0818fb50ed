// The `gqa` lesson: G = H changes nothing (pooling groups of one is the
// identity), a pooled group's K and V are the means of its heads' own K and V
// (written out here), and the bytes per token follow 2 L G dk B.
#include <catch2/catch.hpp>

#include "core/engine.h"
#include "core/lessons/gqa.h"
#include "tests/unit/head-matrices.h"
#include "tests/unit/lesson-json.h"

using namespace attnviz;
using namespace attnviz::lessons;

TEST_CASE("gqa: G = H is the identity; pooled K and V are the group means", "[lesson][gqa]") {
  Engine engine;
  Request r;
  r.model = "random";
  r.layers = 2;
  r.positional = Positional::Rope;
  r.text = "grouped queries share their keys and values in groups";
  GqaParams p;
  p.layer = 1;
  const GqaLesson L = RunGqaLesson(engine, r, p);
  REQUIRE(L.groupings.size() == 4);  // 8, 4, 2, 1
  REQUIRE(L.groupings[0].kv_heads == 8);
  REQUIRE(L.groupings[0].attention == "MHA");
  REQUIRE(L.groupings[3].attention == "MQA");
  for (const GqaHead& h : L.groupings[0].heads) REQUIRE(h.max_abs_diff == 0.0);
  REQUIRE(L.groupings[0].output_rel_error == 0.0);
  // The G = H trace is the unpooled model: its weights are the ones a plain
  // trace of the request computes.
  const TracePtr plain = RunTrace(r);
  const Mat a = test::WeightsOf(*plain, 1, 6), b = test::WeightsOf(*L.groupings[0].trace, 1, 6);
  REQUIRE((a - b).cwiseAbs().maxCoeff() == 0.0f);
  // Layer 0 (same input for every G): pooled K of group g = mean of the native K's (RoPE is linear).
  for (const GqaGrouping& G : L.groupings) {
    const int per = 8 / G.kv_heads;
    for (int g = 0; g < G.kv_heads; ++g) {
      Mat mean = Mat::Zero(plain->n(), 8), vmean = Mat::Zero(plain->n(), 8);
      for (int k = 0; k < per; ++k) {
        mean += plain->layers[0].kv_heads[g * per + k].K / static_cast<float>(per);
        vmean += plain->layers[0].kv_heads[g * per + k].V / static_cast<float>(per);
      }
      REQUIRE((G.trace->layers[0].kv_heads[g].K - mean).cwiseAbs().maxCoeff() < 1e-4);
      REQUIRE((G.trace->layers[0].kv_heads[g].V - vmean).cwiseAbs().maxCoeff() < 1e-4);
    }
    REQUIRE(G.bytes_per_token == 2.0 * 2 * G.kv_heads * 8 * 4);
    REQUIRE(G.bytes_for_sentence == G.bytes_per_token * L.n);
    for (int h = 0; h < 8; ++h) REQUIRE(G.heads[h].kv_head == h / per);
  }
  REQUIRE(L.groupings[3].mean_tv > 0);
}

TEST_CASE("gqa: attnviz lesson prints core's numbers", "[lesson][gqa][cli]") {
  const nlohmann::json j = test::LessonJson({"gqa", "--bytes", "2", "--text", "one two three four five"});
  Engine engine;
  Request r;
  r.text = "one two three four five";
  GqaParams p;
  p.bytes_per_value = 2;
  const GqaLesson L = RunGqaLesson(engine, r, p);
  REQUIRE(j["groupings"].size() == L.groupings.size());
  for (std::size_t i = 0; i < L.groupings.size(); ++i) {
    REQUIRE(j["groupings"][i]["kv_heads"] == L.groupings[i].kv_heads);
    REQUIRE(j["groupings"][i]["bytes_per_token"].get<double>() == L.groupings[i].bytes_per_token);
    REQUIRE(j["groupings"][i]["mean_tv"].get<double>() == L.groupings[i].mean_tv);
  }
}
