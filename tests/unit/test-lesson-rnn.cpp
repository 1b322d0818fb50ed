// The `rnn` lesson (SPEC "Lessons") against independent computations: the
// states against the recurrence written out, the Jacobian norms against
// central finite differences of the network itself, the spectral radius
// against its definition, and the JSON of `attnviz lesson rnn`.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>

#include "core/engine.h"
#include "core/lessons/rnn.h"
#include "core/model/builtin.h"
#include "tests/unit/process.h"

using namespace attnviz;

// "lit" + std::to_string(i), built by appending: GCC 12 warns falsely
// (-Wrestrict, bug 105329) on operator+ of a literal and a temporary string.
inline std::string Tagged(const char* prefix, long i) {
  std::string s = prefix;
  s += std::to_string(i);
  return s;
}
using namespace attnviz::lessons;

namespace {

Mat Embeddings(const std::string& text) {
  const auto m = MakeBuiltinModel();
  return m->Embed(TokenizeWords(text));
}

// h_{N-1} as a function of h_t (everything before t held fixed), written as
// plain loops from the lesson's weights and inputs.
std::vector<double> RunFrom(const RnnLesson& r, int t, const std::vector<double>& h_t) {
  std::vector<double> h = h_t, next(r.hidden);
  for (int s = t + 1; s < r.n; ++s) {
    for (int j = 0; j < r.hidden; ++j) {
      double a = r.b(j);
      for (int i = 0; i < r.hidden; ++i) a += h[i] * r.W_hh(i, j);
      for (int e = 0; e < r.input_dim; ++e) a += r.inputs(s, e) * r.W_xh(e, j);
      next[j] = std::tanh(a);
    }
    h = next;
  }
  return h;
}

}  // namespace

TEST_CASE("rnn lesson: states follow h_t = tanh(h_{t-1} W_hh + x_t W_xh + b) from h_{-1} = 0", "[lesson][rnn]") {
  RnnParams p;
  p.hidden = 6;
  p.radius = 1.3;
  const RnnLesson r = ComputeRnnLesson(Embeddings("the cat sat on the mat"), p);
  REQUIRE(r.n == 6);
  REQUIRE(r.states.rows() == 6);
  std::vector<double> h(6, 0.0);
  for (int t = 0; t < r.n; ++t) {
    std::vector<double> next(6);
    for (int j = 0; j < 6; ++j) {
      double a = r.b(j);
      for (int i = 0; i < 6; ++i) a += h[i] * r.W_hh(i, j);
      for (int e = 0; e < r.input_dim; ++e) a += r.inputs(t, e) * r.W_xh(e, j);
      next[j] = std::tanh(a);
    }
    h = next;
    // The same double arithmetic in another order: 1e-12 covers the rounding.
    for (int j = 0; j < 6; ++j) REQUIRE(r.states(t, j) == Approx(h[j]).margin(1e-12));
  }
  // Inputs are the embeddings scaled to unit RMS.
  for (int t = 0; t < r.n; ++t) REQUIRE(std::sqrt(r.inputs.row(t).squaredNorm() / r.input_dim) == Approx(1.0).epsilon(1e-12));
}

TEST_CASE("rnn lesson: W_hh has exactly the asked spectral radius", "[lesson][rnn]") {
  for (double radius : {0.5, 1.0, 2.5}) {
    RnnParams p;
    p.hidden = 10;
    p.radius = radius;
    const RnnLesson r = ComputeRnnLesson(Embeddings("a b c"), p);
    // Independent: the largest |eigenvalue| by power iteration on W^T W would give the
    // spectral norm, not the radius; use Eigen's complex solver on a copy instead.
    Eigen::EigenSolver<Eigen::MatrixXd> es(Eigen::MatrixXd(r.W_hh));
    REQUIRE(es.eigenvalues().cwiseAbs().maxCoeff() == Approx(radius).epsilon(1e-9));
    REQUIRE(r.measured_radius == Approx(radius).epsilon(1e-9));
  }
}

TEST_CASE("rnn lesson: Jacobian norms equal central finite differences", "[lesson][rnn]") {
  // Each column of dh_{N-1}/dh_t by (f(h_t + eps e_j) - f(h_t - eps e_j)) / 2 eps.
  // With eps = 1e-5 the truncation error is O(eps^2) = 1e-10 relative (the
  // network's curvature is O(1)), and rounding adds ~1e-16 / eps = 1e-11 per
  // entry in absolute terms, which matters only for tiny norms: 1e-6 relative
  // plus 1e-9 absolute covers both with a wide margin.
  for (double radius : {0.6, 1.8}) {
    RnnParams p;
    p.hidden = 5;
    p.radius = radius;
    p.seed = 7;
    const RnnLesson r = ComputeRnnLesson(Embeddings("The cat that I saw yesterday at the park sat on the mat"), p);
    REQUIRE(r.n == 13);
    for (int t = 0; t < r.n; ++t) {
      std::vector<double> base(r.hidden);
      for (int j = 0; j < r.hidden; ++j) base[j] = r.states(t, j);
      double frob2 = 0;
      const double eps = 1e-5;
      for (int j = 0; j < r.hidden; ++j) {
        std::vector<double> plus = base, minus = base;
        plus[j] += eps;
        minus[j] -= eps;
        const std::vector<double> fp = RunFrom(r, t, plus), fm = RunFrom(r, t, minus);
        for (int i = 0; i < r.hidden; ++i) frob2 += std::pow((fp[i] - fm[i]) / (2 * eps), 2);
      }
      INFO("radius " << radius << ", t = " << t);
      REQUIRE(r.grad_norm[t] == Approx(std::sqrt(frob2)).epsilon(1e-6).margin(1e-9));
      if (frob2 > 1e-12) REQUIRE(r.log10_grad_norm[t] == Approx(std::log10(std::sqrt(frob2))).margin(1e-5));
    }
    // The last state's Jacobian with respect to itself is the identity: sqrt(D).
    REQUIRE(r.grad_norm.back() == Approx(std::sqrt(5.0)).epsilon(1e-12));
  }
}

TEST_CASE("rnn lesson: below radius 1 the gradient vanishes with distance, far above it stays large", "[lesson][rnn]") {
  std::string text;
  for (int i = 0; i < 60; ++i) text += Tagged("word", i % 7) + " ";
  RnnParams p;
  p.hidden = 16;
  p.radius = 0.5;
  const RnnLesson small = ComputeRnnLesson(Embeddings(text), p);
  // Each step multiplies by at most ||J|| <= ||W_hh||; with radius 0.5 the norm
  // falls by orders of magnitude over 59 steps.
  REQUIRE(small.log10_grad_norm[0] < small.log10_grad_norm.back() - 8);
  p.radius = 2.5;
  const RnnLesson big = ComputeRnnLesson(Embeddings(text), p);
  REQUIRE(big.log10_grad_norm[0] > small.log10_grad_norm[0] + 8);
}

TEST_CASE("rnn lesson: an exploding norm past double range stays finite in log10 and null in JSON", "[lesson][rnn]") {
  // Hidden 128 at radius 3 over many tokens: norms can pass 1e308.
  std::string text;
  for (int i = 0; i < 900; ++i) text += Tagged("w", i % 13) + " ";
  RnnParams p;
  p.hidden = 64;
  p.radius = 3.0;
  const RnnLesson r = ComputeRnnLesson(Embeddings(text), p);
  for (double v : r.log10_grad_norm) REQUIRE((std::isfinite(v) || v == -INFINITY));
  const nlohmann::json j = ToJson(r);
  const std::string dumped = j.dump();  // would throw on NaN / inf? nlohmann writes null: check it parses
  REQUIRE(nlohmann::json::parse(dumped)["grad_norm"].size() == 900);
}

TEST_CASE("rnn lesson: out-of-range parameters are refused with one line", "[lesson][rnn]") {
  RnnParams p;
  p.hidden = 1;
  REQUIRE_THROWS_WITH(ComputeRnnLesson(Embeddings("a b"), p), Catch::Contains("hidden size 1 is out of range"));
  p.hidden = 8;
  p.radius = 0;
  REQUIRE_THROWS_WITH(ComputeRnnLesson(Embeddings("a b"), p), Catch::Contains("spectral radius"));
}

TEST_CASE("attnviz lesson rnn prints the contract's JSON", "[lesson][rnn][cli]") {
  const test::ProcessResult res = test::RunAttnviz({"lesson", "rnn", "--text", "The cat sat on the mat", "--hidden", "8",
                                                    "--radius", "0.7", "--seed", "3", "--format", "json"});
  REQUIRE(res.status == 0);
  const nlohmann::json j = nlohmann::json::parse(res.out);
  REQUIRE(j["lesson"] == "rnn");
  REQUIRE(j["n"] == 6);
  REQUIRE(j["hidden"] == 8);
  REQUIRE(j["radius"].get<double>() == 0.7);
  REQUIRE(j["inputs"].size() == 6);
  REQUIRE(j["inputs"][0].size() == 64);  // E = the built-in model's d_model
  REQUIRE(j["W_xh"].size() == 64);
  REQUIRE(j["W_xh"][0].size() == 8);
  REQUIRE(j["W_hh"].size() == 8);
  REQUIRE(j["b"].size() == 8);
  REQUIRE(j["states"].size() == 6);
  REQUIRE(j["grad_norm"].size() == 6);
  REQUIRE(j["grad_norm"][5].get<double>() == Approx(std::sqrt(8.0)));
  REQUIRE(j["path_length"]["rnn"] == 5);
  REQUIRE(j["path_length"]["attention"] == 1);
  // The same numbers as the core function on the same inputs.
  RnnParams p;
  p.hidden = 8;
  p.radius = 0.7;
  p.seed = 3;
  const RnnLesson r = ComputeRnnLesson(Embeddings("The cat sat on the mat"), p);
  for (int t = 0; t < 6; ++t) REQUIRE(j["grad_norm"][t].get<double>() == r.grad_norm[t]);
  for (int t = 0; t < 6; ++t)
    for (int d = 0; d < 8; ++d) REQUIRE(j["states"][t][d].get<double>() == r.states(t, d));
  // Bad values are usage errors naming the option.
  const test::ProcessResult bad = test::RunAttnviz({"lesson", "rnn", "--hidden", "1000"});
  REQUIRE(bad.status == 2);
  REQUIRE_THAT(bad.err, Catch::Contains("--hidden: '1000' is not allowed; expected an integer in 2..128"));
}
