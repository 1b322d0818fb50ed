// The `linear` lesson: the recurrent and parallel forms of linear attention
// agree, and both match a plain triple loop of the definition.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/engine.h"
#include "core/lessons/linear_attention.h"
#include "core/seeded_rng.h"
#include "tests/unit/lesson-json.h"

using namespace attnviz;
using namespace attnviz::lessons;

TEST_CASE("linear: recurrent and parallel forms agree with the definition", "[lesson][linear]") {
  SeededRng rng{11};
  const int n = 17, dk = 6, dv = 5;
  Mat q(n, dk), k(n, dk), v(n, dv);
  for (int i = 0; i < n; ++i) {
    for (int c = 0; c < dk; ++c) q(i, c) = 2 * rng.Normal(), k(i, c) = 2 * rng.Normal();
    for (int c = 0; c < dv; ++c) v(i, c) = rng.Normal();
  }
  const LinearAttentionResult r = ComputeLinearAttention(q, k, v, 7);
  auto phi = [](double x) { return x > 0 ? x + 1 : std::exp(x); };
  for (int i = 0; i < n; ++i) {
    // out_i = sum_{j<=i} (phi(q_i).phi(k_j)) v_j / sum_{j<=i} phi(q_i).phi(k_j)
    std::vector<double> num(dv, 0.0);
    double den = 0;
    for (int j = 0; j <= i; ++j) {
      double a = 0;
      for (int c = 0; c < dk; ++c) a += phi(q(i, c)) * phi(k(j, c));
      den += a;
      for (int c = 0; c < dv; ++c) num[c] += a * v(j, c);
    }
    for (int c = 0; c < dv; ++c) {
      REQUIRE(r.parallel(i, c) == Approx(num[c] / den).margin(1e-12));
      REQUIRE(r.recurrent(i, c) == Approx(num[c] / den).margin(1e-12));
    }
    double rowsum = 0;
    for (int j = 0; j < n; ++j) rowsum += r.implied(i, j);
    REQUIRE(rowsum == Approx(1.0).epsilon(1e-6));
    for (int j = i + 1; j < n; ++j) REQUIRE(r.implied(i, j) == 0);
  }
  // The state at token 7: sum of phi(k_j) v_j^T over j <= 7.
  for (int a = 0; a < dk; ++a)
    for (int b = 0; b < dv; ++b) {
      double s = 0;
      for (int j = 0; j <= 7; ++j) s += phi(k(j, a)) * v(j, b);
      REQUIRE(r.state(a, b) == Approx(s).margin(1e-12));
    }
  REQUIRE(EluPlusOne(-30) > 0);
}

TEST_CASE("linear: the lesson on the sentence's head; attnviz lesson prints core's numbers", "[lesson][linear][cli]") {
  Engine engine;
  Request r;
  r.text = "a b c d e f g";
  LinearParams p;
  p.head = 3;
  p.token = 4;
  const LinearLesson L = RunLinearLesson(engine, r, p);
  REQUIRE(L.max_abs_diff < 1e-12);
  REQUIRE(L.softmax(2, 5) == 0);  // causal
  REQUIRE(L.linear_macs[0] == L.linear_macs[6]);   // constant per token
  REQUIRE(L.softmax_macs[6] == 7 * L.softmax_macs[0]);  // grows with the position
  // Past t* = (2 dk dv + 2 dk) / (dk + dv) = (128 + 16) / 16 = 9 a linear step is the cheaper one.
  REQUIRE(L.crossover == Approx(9.0));
  REQUIRE(L.softmax_macs[8] == L.linear_macs[8]);   // t = 9: equal
  REQUIRE(L.softmax_macs[9] > L.linear_macs[9]);
  const nlohmann::json j = test::LessonJson({"linear", "--head", "3", "--token", "4", "--text", "a b c d e f g"});
  REQUIRE(j["max_abs_diff"].get<double>() == L.max_abs_diff);
  REQUIRE(j["mean_tv"].get<double>() == L.mean_tv);
  REQUIRE(j["state"].size() == 8);
  REQUIRE(j["implied"][3][1].get<double>() == Approx(L.implied(3, 1)));
}
