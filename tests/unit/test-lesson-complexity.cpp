// The `complexity` and `path` lessons (chapter 1) against the formulas of
// Vaswani et al.'s Table 1 written out by hand, the figures the chapter quotes
// (16.4 billion pairs at 128,000 tokens, the crossover at N = d), and the JSON
// of `attnviz lesson complexity` / `path`.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>

#include "core/lessons/complexity.h"
#include "core/lessons/path_length.h"
#include "core/types.h"
#include "tests/unit/process.h"

using namespace attnviz;
using namespace attnviz::lessons;

TEST_CASE("complexity lesson: Table 1 evaluated at N and d", "[lesson][complexity]") {
  ComplexityParams p;
  p.n = 1000;
  p.d = 512;
  p.k = 3;
  p.r = 64;
  const ComplexityLesson c = ComputeComplexityLesson(p);
  REQUIRE(c.table.size() == 4);
  // Exact: every product is an integer far below 2^53.
  CHECK(c.table[0].layer == "self-attention");
  CHECK(c.table[0].work == 1000.0 * 1000.0 * 512.0);
  CHECK(c.table[1].work == 1000.0 * 512.0 * 512.0);
  CHECK(c.table[2].work == 3.0 * 1000.0 * 512.0 * 512.0);
  CHECK(c.table[3].work == 64.0 * 1000.0 * 512.0);
  CHECK(c.table[0].sequential == 1);
  CHECK(c.table[1].sequential == 1000);
  CHECK(c.table[0].path == 1);
  CHECK(c.table[1].path == 999);
  // log_3(1000) = 6.29: seven layers of dilated kernels reach 3^7 = 2187 >= 1000.
  CHECK(c.table[2].path == 7);
  CHECK(c.table[3].path == std::ceil(1000.0 / 64.0));
  // Attention does more work than recurrence here (N > d) ...
  CHECK_FALSE(c.attention_cheaper);
  CHECK(c.work_ratio == Approx(1000.0 / 512.0));
  CHECK(c.crossover_n == 512);
  // ... and less for a sentence.
  p.n = 40;
  const ComplexityLesson s = ComputeComplexityLesson(p);
  CHECK(s.attention_cheaper);
  CHECK(s.table[0].work < s.table[1].work);
  // Restricted attention never compares more keys than there are.
  CHECK(s.table[3].work == 40.0 * 40.0 * 512.0);
}

TEST_CASE("complexity lesson: 128,000 tokens make 16.4 billion pairs per head per layer", "[lesson][complexity]") {
  ComplexityParams p;
  p.n = 128000;
  const ComplexityLesson c = ComputeComplexityLesson(p);
  CHECK(c.pairs == 16384000000.0);
  CHECK(c.pairs_long_context == 16384000000.0);
  CHECK(std::round(c.pairs / 1e8) / 10 == 16.4);
}

TEST_CASE("complexity lesson: curves span at least 1M tokens on powers of two, straight on log axes", "[lesson][complexity]") {
  ComplexityParams p;
  p.n = 3;
  p.d = 64;
  const ComplexityLesson c = ComputeComplexityLesson(p);
  REQUIRE(c.grid_n.front() == 1);
  REQUIRE(c.grid_n.back() >= 1 << 20);
  for (std::size_t i = 0; i < c.grid_n.size(); ++i) {
    const double n = c.grid_n[i];
    CHECK(c.curves[0].work[i] == n * n * 64);
    CHECK(c.curves[1].work[i] == n * 64 * 64);
    CHECK(c.steps_rnn[i] == n);
    CHECK(c.steps_attention[i] == 1);
    if (i > 0) CHECK(c.grid_n[i] == 2 * c.grid_n[i - 1]);
  }
  // The comparison table's figures.
  CHECK(c.rnn_state_values == 64);
  CHECK(c.attention_kv_values == 2 * 3 * 64);
  CHECK(c.rnn_token_work == 64 * 64);
  CHECK(c.attention_token_work_cached == 3 * 64);
  CHECK(c.attention_token_work_uncached == 9 * 64);
  p.n = 1 << 24;
  CHECK(ComputeComplexityLesson(p).grid_n.back() >= 2.0 * (1 << 24));
}

TEST_CASE("complexity lesson: out-of-range parameters are one-line errors", "[lesson][complexity]") {
  ComplexityParams p;
  p.n = 0;
  REQUIRE_THROWS_AS(ComputeComplexityLesson(p), InputError);
  p.n = 10;
  p.k = 1;
  REQUIRE_THROWS_WITH(ComputeComplexityLesson(p), Catch::Contains("kernel width k 1"));
}

TEST_CASE("path lesson: |i - j| recurrent steps against one hop", "[lesson][path]") {
  const PathLesson p = ComputePathLesson(13, 1, 9);
  CHECK(p.rnn_steps == 8);
  CHECK(p.attention_steps == 1);
  CHECK(p.first_to_last_rnn == 12);
  CHECK(p.pairs == 169);
  CHECK(ComputePathLesson(13, 4, 4).attention_steps == 0);
}

TEST_CASE("attnviz lesson complexity and path print what core computes", "[lesson][complexity][cli]") {
  const test::ProcessResult res = test::RunAttnviz({"lesson", "complexity", "--n", "128000", "--d", "4096", "--r", "512"});
  REQUIRE(res.status == 0);
  const nlohmann::json j = nlohmann::json::parse(res.out);
  REQUIRE(j["lesson"] == "complexity");
  ComplexityParams p;
  p.n = 128000;
  p.d = 4096;
  p.r = 512;
  const ComplexityLesson c = ComputeComplexityLesson(p);
  for (int i = 0; i < 4; ++i) {
    CHECK(j["table"][i]["layer"] == c.table[i].layer);
    CHECK(j["table"][i]["work"].get<double>() == c.table[i].work);
    CHECK(j["table"][i]["path"].get<double>() == c.table[i].path);
  }
  CHECK(j["pairs"].get<double>() == 16384000000.0);
  CHECK(j["attention_cheaper"] == false);
  // Without --n and --d: the sentence's N and the model's d.
  const test::ProcessResult s = test::RunAttnviz({"lesson", "complexity", "--text", "The cat sat on the mat"});
  REQUIRE(s.status == 0);
  const nlohmann::json k = nlohmann::json::parse(s.out);
  CHECK(k["n"].get<double>() == 6);
  CHECK(k["d"] == 64);
  CHECK(k["attention_cheaper"] == true);
  const test::ProcessResult bad = test::RunAttnviz({"lesson", "complexity", "--k", "1"});
  CHECK(test::IsOneLineUsageError(bad));
}
