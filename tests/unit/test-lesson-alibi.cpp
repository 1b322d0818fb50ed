// The `alibi` lesson: Press et al.'s slopes written out by hand (a power of two
// and not), the engine's slopes, the uniform-content share against a plain sum,
// and the measured share against the trace's own weights.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/attention/positional.h"
#include "core/engine.h"
#include "core/lessons/alibi.h"
#include "tests/unit/lesson-json.h"

using namespace attnviz;
using namespace attnviz::lessons;

TEST_CASE("alibi: Press et al.'s slopes, H a power of two and not", "[lesson][alibi]") {
  // 8 heads: 1/2, 1/4, ..., 1/256.
  const std::vector<double> s8 = PressAlibiSlopes(8);
  REQUIRE(s8.size() == 8);
  for (int h = 0; h < 8; ++h) REQUIRE(s8[h] == Approx(std::pow(2.0, -(h + 1))));
  // 12 heads: the 8 above, then slopes 1, 3, 5, 7 (0-based 0, 2, 4, 6) of 16 heads: 2^-0.5, 2^-1.5, 2^-2.5, 2^-3.5.
  std::vector<bool> inter;
  const std::vector<double> s12 = PressAlibiSlopes(12, &inter);
  REQUIRE(s12.size() == 12);
  for (int h = 0; h < 8; ++h) REQUIRE(s12[h] == Approx(std::pow(2.0, -(h + 1))));
  for (int k = 0; k < 4; ++k) {
    REQUIRE(s12[8 + k] == Approx(std::pow(2.0, -0.5 - k)));
    REQUIRE(inter[8 + k]);
  }
  REQUIRE(!inter[0]);
  // 6 heads: 2^-2, 2^-4, 2^-6, 2^-8, then 2^-1, 2^-3.
  const std::vector<double> s6 = PressAlibiSlopes(6);
  const double want6[] = {0.25, 1.0 / 16, 1.0 / 64, 1.0 / 256, 0.5, 0.125};
  for (int h = 0; h < 6; ++h) REQUIRE(s6[h] == Approx(want6[h]));
  // The engine uses the same slopes.
  for (int H : {1, 3, 5, 6, 8, 12, 16, 20}) {
    const std::vector<float> e = AlibiSlopes(H);
    const std::vector<double> p = PressAlibiSlopes(H);
    REQUIRE(e.size() == p.size());
    for (int h = 0; h < H; ++h) REQUIRE(e[h] == Approx(p[h]).epsilon(1e-6));
  }
}

TEST_CASE("alibi: how much attention stays within the sentence's length", "[lesson][alibi]") {
  Engine engine;
  Request r;
  r.text = "The cat sat on the mat because it was tired .";
  AlibiParams p;
  p.repeat = 3;
  p.slope_heads = 12;
  const AlibiLesson L = RunAlibiLesson(engine, r, p);
  REQUIRE(L.n == 11);
  REQUIRE(L.long_n == 33);
  REQUIRE(L.slopes_table.size() == 12);
  REQUIRE(L.bias.size() == 8);
  REQUIRE(L.bias[2](3, 7) == Approx(-L.slopes[2] * 4));
  for (const AlibiHead& a : L.per_head) {
    // Uniform content: a plain sum of e^(-m d).
    for (std::size_t k = 0; k < L.lengths.size(); k += 5) {
      double within = 0, all = 0;
      for (int d = 0; d < static_cast<int>(L.lengths[k]); ++d) {
        const double w = std::exp(-a.slope * d);
        all += w;
        if (d < L.n) within += w;
      }
      REQUIRE(a.uniform_share[k] == Approx(within / all).epsilon(1e-9));
    }
    REQUIRE(a.reach90 == Approx(std::log(10.0) / a.slope));
    // Measured: the long trace's last row, summed over the last N keys.
    double share = 0, total = 0;
    for (int d = 0; d < L.long_n; ++d) {
      total += a.measured_by_distance[d];
      if (d < L.n) share += a.measured_by_distance[d];
    }
    REQUIRE(total == Approx(1.0).epsilon(1e-5));
    REQUIRE(a.measured_share == Approx(share));
  }
  // The steepest head (1/2) keeps essentially everything within 11 tokens.
  REQUIRE(L.per_head[0].uniform_share.back() > 0.99);
  REQUIRE(L.per_head[7].uniform_share.back() < L.per_head[0].uniform_share.back());
}

TEST_CASE("alibi: attnviz lesson prints core's numbers", "[lesson][alibi][cli]") {
  const nlohmann::json j = test::LessonJson({"alibi", "--slope-heads", "12", "--repeat", "2", "--text", "a b c d e"});
  REQUIRE(j["slope_heads"] == 12);
  REQUIRE(j["slopes_table"].get<std::vector<double>>() == PressAlibiSlopes(12));
  REQUIRE(j["long_n"] == 10);
  REQUIRE(j["per_head"].size() == 8);
  Engine engine;
  Request r;
  r.text = "a b c d e";
  AlibiParams p;
  p.repeat = 2;
  p.slope_heads = 12;
  const AlibiLesson L = RunAlibiLesson(engine, r, p);
  REQUIRE(j["per_head"][5]["measured_share"].get<double>() == L.per_head[5].measured_share);
}
