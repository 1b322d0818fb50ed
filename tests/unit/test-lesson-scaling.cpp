// The `scaling` lesson (chapter 2): the dot-product variance against its
// definition recomputed from the same seeded stream (plain loops), against the
// theory Var(q·k) = dₖ within sampling error, the softmax saturation trend,
// and the sentence part against a direct softmax of the trace's scores.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <vector>

#include "core/engine.h"
#include "core/lessons/scaling.h"
#include "core/seeded_rng.h"
#include "tests/unit/process.h"

using namespace attnviz;
using namespace attnviz::lessons;

TEST_CASE("scaling: sample variance of q·k is the two-pass variance of the same draws", "[lesson][scaling]") {
  ScalingParams p;
  p.samples = 300;
  p.trials = 4;
  p.seed = 7;
  const ScalingLesson r = ComputeScalingRandom(p);
  REQUIRE(r.d_k.size() == 11);
  REQUIRE(r.d_k.front() == 1);
  REQUIRE(r.d_k.back() == 1024);
  // Redraw width 16's stream as the lesson documents it: pairs first, q·k each.
  for (std::size_t w : {0u, 4u, 7u}) {
    const int dk = r.d_k[w];
    SeededRng rng{7 * 0x9E3779B97F4A7C15ull + 0xd07ull * static_cast<std::uint64_t>(dk)};
    std::vector<double> dots(p.samples);
    for (double& d : dots) {
      d = 0;
      for (int i = 0; i < dk; ++i) {
        const double a = rng.NormalDouble();
        d += a * rng.NormalDouble();
      }
    }
    double mean = 0;
    for (double d : dots) mean += d / p.samples;
    double var = 0;
    for (double d : dots) var += (d - mean) * (d - mean) / (p.samples - 1);
    // Welford against two passes: equal to rounding (relative 1e-10).
    CHECK(r.var_raw[w] == Approx(var).epsilon(1e-10));
    CHECK(r.mean_raw[w] == Approx(mean).margin(1e-9 * std::sqrt(dk)));
    CHECK(r.var_scaled[w] == Approx(var / dk).epsilon(1e-10));
  }
}

TEST_CASE("scaling: Var(q·k) grows as dₖ while Var(q·k/√dₖ) stays 1", "[lesson][scaling]") {
  ScalingParams p;
  p.samples = 2000;
  p.trials = 16;
  const ScalingLesson r = ComputeScalingRandom(p);
  for (std::size_t w = 0; w < r.d_k.size(); ++w) {
    // The sample variance of 2000 draws of a sum of dₖ products of unit normals
    // (kurtosis at most 9 at dₖ = 1) has relative error under 7% (> 3 sigma).
    CHECK(r.var_raw[w] == Approx(r.d_k[w]).epsilon(0.2));
    CHECK(r.var_scaled[w] == Approx(1.0).epsilon(0.2));
  }
  // Unscaled rows saturate towards one-hot as the width grows; scaled ones do not.
  CHECK(r.max_weight_raw.back() > 0.9);
  CHECK(r.entropy_raw.back() < 0.3);
  CHECK(r.max_weight_raw.back() > r.max_weight_raw.front());
  CHECK(std::fabs(r.max_weight_scaled.back() - r.max_weight_scaled[3]) < 0.1);
  CHECK(r.entropy_scaled.back() > 1.0);
  CHECK(r.entropy_uniform == Approx(std::log(16.0)));
}

TEST_CASE("scaling: the sentence's rows against a direct softmax of the trace's scores", "[lesson][scaling]") {
  Request req;
  req.text = "The cat sat on the mat because it was tired.";
  req.mask.causal = true;
  req.temperature = 0.5f;
  const TracePtr t = RunTrace(req);
  ScalingParams p;
  p.samples = 100;
  p.trials = 1;
  p.head = 3;
  ScalingLesson r;
  ComputeScalingSentence(*t, p, &r);
  REQUIRE(r.n == t->n());
  const Mat S = *t->Matrix(0, 3, HeadMatrix::Scores);
  const double s = 1.0 / std::sqrt(8.0);
  for (int i = 0; i < r.n; ++i) {
    for (double scale : {s, 1.0}) {
      double mx = -1e300;
      for (int j = 0; j <= i; ++j) mx = std::max(mx, scale * S(i, j) / 0.5);
      double z = 0;
      for (int j = 0; j <= i; ++j) z += std::exp(scale * S(i, j) / 0.5 - mx);
      double h = 0;
      for (int j = 0; j <= i; ++j) {
        const double w = std::exp(scale * S(i, j) / 0.5 - mx) / z;
        if (w > 0) h -= w * std::log(w);
      }
      const double maxw = 1.0 / z;
      CHECK((scale == s ? r.row_max_scaled[i] : r.row_max_raw[i]) == Approx(maxw).margin(1e-9));
      CHECK((scale == s ? r.row_entropy_scaled[i] : r.row_entropy_raw[i]) == Approx(h).margin(1e-9));
    }
    CHECK(r.row_entropy_uniform[i] == Approx(std::log(i + 1.0)));
    // Without the scale the same row is at least as sharp.
    CHECK(r.row_max_raw[i] >= r.row_max_scaled[i] - 1e-12);
  }
  // Lower temperature, sharper rows: the sweep's mean largest weight falls as T rises.
  for (std::size_t k = 1; k < r.temperatures.size(); ++k) {
    CHECK(r.temperatures[k] > r.temperatures[k - 1]);
    CHECK(r.sweep_max_scaled[k] <= r.sweep_max_scaled[k - 1] + 1e-12);
  }
  CHECK(r.sweep_rows == r.n);
}

TEST_CASE("attnviz lesson scaling prints the lesson", "[lesson][scaling][cli]") {
  const test::ProcessResult res = test::RunAttnviz(
      {"lesson", "scaling", "--text", "a b c", "--samples", "100", "--trials", "2", "--keys", "4", "--seed", "5"});
  REQUIRE(res.status == 0);
  const nlohmann::json j = nlohmann::json::parse(res.out);
  REQUIRE(j["lesson"] == "scaling");
  ScalingParams p;
  p.samples = 100;
  p.trials = 2;
  p.keys = 4;
  p.seed = 5;
  const ScalingLesson r = ComputeScalingRandom(p);
  for (std::size_t w = 0; w < r.d_k.size(); ++w) {
    CHECK(j["random"]["variance"][w].get<double>() == r.var_raw[w]);
    CHECK(j["random"]["max_weight"][w].get<double>() == r.max_weight_raw[w]);
  }
  CHECK(j["sentence"]["n"] == 3);
  CHECK(test::IsOneLineUsageError(test::RunAttnviz({"lesson", "scaling", "--samples", "5"})));
}
