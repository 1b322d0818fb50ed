// The `attention-steps` lesson (chapter 2) against an independent
// double-precision recomputation of scaled dot-product attention from the
// layer input and the weights (plain loops, SPEC "Logits, masks, weights"),
// and against the trace it copies (the chapter's wiring: its numbers must be
// the engine's own, bit for bit).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <vector>

#include "core/engine.h"
#include "core/lessons/attention_steps.h"
#include "tests/unit/process.h"

using namespace attnviz;
using namespace attnviz::lessons;

namespace {

struct Reference {
  std::vector<double> q, scores, logits, weights, output, result;
};

// From X and the weights alone: no trace matrix is read.
Reference Recompute(const Trace& t, int layer, int head, int i) {
  const LayerTrace& L = t.layers[layer];
  const int n = t.n(), D = static_cast<int>(L.input.cols()), dk = static_cast<int>(L.W_q(head).cols());
  const int g = L.heads[head].kv_head;
  auto project = [&](const Mat& W, const RowVec& b, int row) {
    std::vector<double> out(dk);
    for (int c = 0; c < dk; ++c) {
      double a = b(c);
      for (int e = 0; e < D; ++e) a += static_cast<double>(L.input(row, e)) * W(e, c);
      out[c] = a;
    }
    return out;
  };
  Reference r;
  r.q = project(L.W_q(head), L.b_q(head), i);
  const double s = t.config.scale ? 1.0 / std::sqrt(static_cast<double>(dk)) : 1.0;
  double mx = -1e300;
  r.scores.resize(n);
  r.logits.resize(n);
  std::vector<std::vector<double>> v(n);
  for (int j = 0; j < n; ++j) {
    const std::vector<double> k = project(L.W_k(g), L.b_k(g), j);
    v[j] = project(L.W_v(g), L.b_v(g), j);
    double dot = 0;
    for (int c = 0; c < dk; ++c) dot += r.q[c] * k[c];
    r.scores[j] = dot;
    r.logits[j] = (s * dot) / t.config.temperature;
    if (t.mask(i, j)) mx = std::max(mx, r.logits[j]);
  }
  double z = 0;
  r.weights.assign(n, 0);
  for (int j = 0; j < n; ++j)
    if (t.mask(i, j)) z += std::exp(r.logits[j] - mx);
  for (int j = 0; j < n; ++j)
    if (t.mask(i, j)) r.weights[j] = std::exp(r.logits[j] - mx) / z;
  r.output.assign(dk, 0);
  for (int j = 0; j < n; ++j)
    for (int c = 0; c < dk; ++c) r.output[c] += r.weights[j] * v[j][c];
  return r;
}

}  // namespace

TEST_CASE("attention-steps: every number agrees with attention recomputed from X and the weights", "[lesson][attention-steps]") {
  Request req;
  req.text = "The cat sat on the mat because it was tired.";
  req.mask.causal = true;
  req.temperature = 0.7f;
  req.positional = Positional::Sinusoidal;  // no RoPE, no bias: Q is exactly X W_q + b_q
  const TracePtr t = RunTrace(req);
  for (int head : {0, 3, 7}) {
    AttentionStepsParams p;
    p.head = head;
    p.query = 6;
    const AttentionStepsLesson s = ComputeAttentionSteps(*t, p);
    const Reference r = Recompute(*t, 0, head, 6);
    // Tolerance: float products of length 64 and 8 against double, logits up to ~40.
    for (int c = 0; c < s.d_k; ++c) CHECK(s.q[c] == Approx(r.q[c]).margin(1e-4));
    double wsum = 0;
    for (int j = 0; j < s.n; ++j) {
      CHECK(s.scores[j] == Approx(r.scores[j]).margin(1e-3));
      CHECK(s.allowed[j] == (j <= 6 ? 1 : 0));
      if (s.allowed[j]) CHECK(s.logits[j] == Approx(r.logits[j]).margin(1e-3));
      CHECK(s.weights[j] == Approx(r.weights[j]).margin(1e-5));
      CHECK(s.exp_shifted[j] / s.sum_exp == Approx(r.weights[j]).margin(1e-5));
      wsum += s.weights[j];
    }
    CHECK(wsum == Approx(1.0).margin(1e-5));
    for (int c = 0; c < s.d_k; ++c) {
      CHECK(s.output[c] == Approx(r.output[c]).margin(1e-4));
      double contrib = 0;
      for (int j = 0; j < s.n; ++j) contrib += s.contributions(j, c);
      CHECK(contrib == Approx(s.output[c]).margin(1e-4));
    }
  }
}

TEST_CASE("attention-steps: the numbers are the trace's own (the chapter's wiring)", "[lesson][attention-steps]") {
  Request req;
  req.text = "one two three one two three four";
  req.positional = Positional::Alibi;  // a bias on every pair
  req.mask.pattern = MaskPattern::Sliding;
  req.mask.window = 3;
  const TracePtr t = RunTrace(req);
  AttentionStepsParams p;
  p.head = 2;
  p.query = 4;
  const AttentionStepsLesson s = ComputeAttentionSteps(*t, p);
  const Mat W = *t->Matrix(0, 2, HeadMatrix::Weights), Lg = *t->Matrix(0, 2, HeadMatrix::Logits);
  const Mat Sc = *t->Matrix(0, 2, HeadMatrix::Scores), B = *t->Matrix(0, 2, HeadMatrix::Bias);
  for (int j = 0; j < s.n; ++j) {
    // Exactly equal: copies, not recomputations.
    CHECK(s.weights[j] == W(4, j));
    CHECK(s.logits[j] == Lg(4, j));
    CHECK(s.scores[j] == Sc(4, j));
    CHECK(s.bias[j] == B(4, j));
    CHECK(s.bias[j] == Approx(-t->layers[0].heads[2].alibi_slope * std::abs(4 - j)));
  }
  for (int c = 0; c < s.d_k; ++c) CHECK(s.output[c] == t->layers[0].heads[2].output(4, c));
  for (int c = 0; c < static_cast<int>(s.concat.size()); ++c) CHECK(s.concat[c] == t->layers[0].concat(4, c));
  for (int c = 0; c < s.d_model; ++c) CHECK(s.result[c] == t->layers[0].output(4, c));
  // The result is concat W_o + b_o (double, against the layer's own weights).
  for (int c = 0; c < s.d_model; ++c) {
    double a = t->layers[0].b_o()(c);
    for (int k = 0; k < static_cast<int>(s.concat.size()); ++k) a += static_cast<double>(s.concat[k]) * t->layers[0].W_o()(k, c);
    CHECK(s.result[c] == Approx(a).margin(1e-3));
  }
  CHECK_FALSE(s.empty_row);
  AttentionStepsParams bad = p;
  bad.query = 99;
  REQUIRE_THROWS_AS(ComputeAttentionSteps(*t, bad), InputError);
}

TEST_CASE("attnviz lesson attention-steps prints the trace's numbers", "[lesson][attention-steps][cli]") {
  const test::ProcessResult res =
      test::RunAttnviz({"lesson", "attention-steps", "--text", "The cat sat on the mat", "--head", "3", "--query", "2", "--causal"});
  REQUIRE(res.status == 0);
  const nlohmann::json j = nlohmann::json::parse(res.out);
  REQUIRE(j["lesson"] == "attention-steps");
  Request req;
  req.text = "The cat sat on the mat";
  req.mask.causal = true;
  const TracePtr t = RunTrace(req);
  const Mat W = *t->Matrix(0, 3, HeadMatrix::Weights);
  REQUIRE(j["weights"].size() == 6);
  for (int k = 0; k < 6; ++k) CHECK(j["weights"][k].get<float>() == W(2, k));
  CHECK(j["logits"][3].is_null());  // masked: −∞, written as null as in the trace
  CHECK(j["allowed"][3] == 0);
  CHECK(j["role"] == t->layers[0].heads[3].role);
  CHECK(j["x"].size() == 64);
  CHECK(j["concat"].size() == 64);
  const test::ProcessResult bad = test::RunAttnviz({"lesson", "attention-steps", "--head", "99"});
  CHECK(bad.status == 2);
}
