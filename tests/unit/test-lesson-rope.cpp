// The `rope` lesson: the rotation against the engine's RoPE, the score matrix
// constant along its diagonals (checked with a plain 2x2 rotation per pair), and
// the score against the offset for both bases.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/attention/positional.h"
#include "core/engine.h"
#include "core/lessons/rope.h"
#include "tests/unit/lesson-json.h"

using namespace attnviz;
using namespace attnviz::lessons;

namespace {
// R(p) x with one explicit 2x2 matrix per pair.
std::vector<double> Rotate(const std::vector<double>& x, int p, double base) {
  std::vector<double> y(x.size());
  const int dk = static_cast<int>(x.size());
  for (int i = 0; i < dk / 2; ++i) {
    const double a = p * std::pow(base, -2.0 * i / dk);
    const double R[2][2] = {{std::cos(a), -std::sin(a)}, {std::sin(a), std::cos(a)}};
    y[2 * i] = R[0][0] * x[2 * i] + R[0][1] * x[2 * i + 1];
    y[2 * i + 1] = R[1][0] * x[2 * i] + R[1][1] * x[2 * i + 1];
  }
  return y;
}
double Dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}
}  // namespace

TEST_CASE("rope: the lesson's rotation is the engine's", "[lesson][rope]") {
  Mat x(20, 8);
  for (int i = 0; i < 20; ++i)
    for (int c = 0; c < 8; ++c) x(i, c) = static_cast<float>(std::sin(1.3 * i + 0.7 * c));
  Mat y = x;
  ApplyRope(y);
  for (int i = 0; i < 20; ++i) {
    const std::vector<double> row(x.row(i).data(), x.row(i).data() + 8);
    const std::vector<double> r = RotateRope(row, i, kRopeBase);
    for (int c = 0; c < 8; ++c) REQUIRE(r[c] == Approx(y(i, c)).margin(1e-6));
  }
}

TEST_CASE("rope: q_m . k_n is constant along diagonals", "[lesson][rope]") {
  Engine engine;
  Request r;
  r.model = "random";
  r.text = "the river bank was steep and the bank downtown was closed";
  RopeParams p;
  p.head = 3;
  p.token = 8;
  p.key = 2;
  p.positions = 50;
  const RopeLesson L = RunRopeLesson(engine, r, p);
  REQUIRE(L.rope_in_trace);
  REQUIRE(L.d_k == 8);
  REQUIRE(L.diagonal.rows() == 50);
  // Every (m, n) against (m + 1, n + 1), with the plain rotation.
  for (int m = 0; m + 1 < 50; m += 3)
    for (int n = 0; n + 1 < 50; n += 2) {
      const double here = Dot(Rotate(L.q, m, kRopeBase), Rotate(L.k, n, kRopeBase));
      const double next = Dot(Rotate(L.q, m + 1, kRopeBase), Rotate(L.k, n + 1, kRopeBase));
      REQUIRE(here == Approx(next).margin(1e-9));
      REQUIRE(L.diagonal(m, n) == Approx(here).margin(1e-4 * (1 + std::abs(here))));
    }
  REQUIRE(L.max_diagonal_deviation < 1e-9);
  // The score against the offset: the query `off` positions after the key.
  for (int off = 0; off < 50; off += 7) {
    REQUIRE(L.score[off] == Approx(Dot(Rotate(L.q, off, kRopeBase), Rotate(L.k, 0, kRopeBase))).margin(1e-9));
    REQUIRE(L.score_llama3[off] == Approx(Dot(Rotate(L.q, off + 5, kLlama3RopeBase), Rotate(L.k, 5, kLlama3RopeBase))).margin(1e-9));
  }
  // The engine's Q_8 . K_2 is the lesson's rotation of the same vectors.
  REQUIRE(L.engine_score == Approx(L.lesson_score).margin(1e-4 * (1 + std::abs(L.lesson_score))));
  // Wavelengths 2 pi base^(2i/dk); the slowest pair of base 500,000 is 50^(3/4) times longer.
  REQUIRE(L.wavelength[0] == Approx(2 * M_PI));
  REQUIRE(L.wavelength_llama3[3] / L.wavelength[3] == Approx(std::pow(50.0, 0.75)));
}

TEST_CASE("rope: attnviz lesson prints core's numbers", "[lesson][rope][cli]") {
  const nlohmann::json j = test::LessonJson({"rope", "--model", "random", "--head", "2", "--token", "4", "--key", "1",
                                              "--positions", "30", "--text", "a b c d e f g"});
  Engine engine;
  Request r;
  r.model = "random";
  r.text = "a b c d e f g";
  RopeParams p;
  p.head = 2;
  p.token = 4;
  p.key = 1;
  p.positions = 30;
  const RopeLesson L = RunRopeLesson(engine, r, p);
  REQUIRE(j["token"] == 4);
  REQUIRE(j["key"] == 1);
  REQUIRE(j["q"].get<std::vector<double>>() == L.q);
  REQUIRE(j["score"].get<std::vector<double>>() == L.score);
  REQUIRE(j["max_diagonal_deviation"].get<double>() == L.max_diagonal_deviation);
  REQUIRE(j["diagonal"].size() == 30);
}
