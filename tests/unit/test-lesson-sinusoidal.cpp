// The `sinusoidal` lesson against the formula of Vaswani et al. written out in
// double: the matrix, the dot products and their dependence on the offset only.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/lessons/sinusoidal.h"
#include "tests/unit/lesson-json.h"

using namespace attnviz;
using namespace attnviz::lessons;

namespace {
double Pe(int p, int d, int D) {
  const double w = std::pow(10000.0, -static_cast<double>(d - d % 2) / D);
  return d % 2 == 0 ? std::sin(w * p) : std::cos(w * p);
}
}  // namespace

TEST_CASE("sinusoidal: the matrix, the waves and the offset curve", "[lesson][sinusoidal]") {
  SinusoidalParams p;
  p.from = 5;
  p.positions = 40;
  const SinusoidalLesson L = ComputeSinusoidalLesson(12, 64, p);
  REQUIRE(L.pe.rows() == 12);
  REQUIRE(L.pe.cols() == 64);
  for (int pos = 0; pos < 12; ++pos)
    for (int d = 0; d < 64; ++d) REQUIRE(L.pe(pos, d) == Approx(Pe(pos, d, 64)).margin(1e-6));  // float of a double
  for (const SinusoidalWave& w : L.waves) {
    REQUIRE(w.wavelength == Approx(2 * M_PI * std::pow(10000.0, (w.dim - w.dim % 2) / 64.0)));
    for (std::size_t s = 0; s < w.x.size(); s += 17) REQUIRE(w.y[s] == Approx(Pe(0, w.dim, 64) * 0 + (w.dim % 2 ? std::cos(w.x[s] * std::pow(10000.0, -(w.dim - w.dim % 2) / 64.0)) : std::sin(w.x[s] * std::pow(10000.0, -(w.dim - w.dim % 2) / 64.0)))).margin(1e-12));
  }
  REQUIRE(L.dot.size() == 40);
  for (int q = 0; q < 40; ++q) {
    double dot = 0, closed = 0;
    for (int d = 0; d < 64; ++d) dot += Pe(5, d, 64) * Pe(q, d, 64);
    for (int i = 0; i < 32; ++i) closed += std::cos(std::pow(10000.0, -2.0 * i / 64) * (q - 5));
    REQUIRE(L.offsets[q] == q - 5);
    REQUIRE(L.dot[q] == Approx(dot).margin(1e-4));  // the lesson reads the float matrix
    REQUIRE(L.closed_form[q] == Approx(closed).margin(1e-9));
    REQUIRE(dot == Approx(closed).margin(1e-9));    // the identity itself
  }
  REQUIRE(L.dot[5] == Approx(32.0).margin(1e-4));   // |PE(p)|^2 = D/2
  REQUIRE(L.max_offset_deviation < 1e-4);
}

TEST_CASE("sinusoidal: attnviz lesson prints core's numbers", "[lesson][sinusoidal][cli]") {
  const nlohmann::json j = test::LessonJson({"sinusoidal", "--from", "3", "--positions", "20", "--text", "one two three four"});
  SinusoidalParams p;
  p.from = 3;
  p.positions = 20;
  const SinusoidalLesson L = ComputeSinusoidalLesson(4, 64, p);
  REQUIRE(j["n"] == 4);
  REQUIRE(j["d_model"] == 64);
  REQUIRE(j["pe"].size() == 4);
  REQUIRE(j["pe"][2][7].get<double>() == Approx(L.pe(2, 7)));
  REQUIRE(j["dot"].get<std::vector<double>>() == L.dot);
  REQUIRE(j["max_offset_deviation"].get<double>() == L.max_offset_deviation);
}
