// Chapter 4's lessons against direct loops: the three architectures' masks
// (`masks`), encoder-decoder cross-attention (`cross-attention`) and a padded
// batch (`padding`), each recomputed in double from the same inputs.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <vector>

#include "core/engine.h"
#include "core/lessons/cross_attention.h"
#include "core/lessons/masks.h"
#include "core/lessons/padding.h"
#include "tests/unit/process.h"

using namespace attnviz;
using namespace attnviz::lessons;

namespace {

// softmax of `logits` over the allowed entries, in double; all zero when none is allowed.
std::vector<double> Softmax(const std::vector<double>& logits, const std::vector<int>& allowed) {
  double mx = -1e300;
  for (std::size_t j = 0; j < logits.size(); ++j)
    if (allowed[j]) mx = std::max(mx, logits[j]);
  std::vector<double> w(logits.size(), 0.0);
  if (mx == -1e300) return w;
  double z = 0;
  for (std::size_t j = 0; j < logits.size(); ++j)
    if (allowed[j]) z += std::exp(logits[j] - mx);
  for (std::size_t j = 0; j < logits.size(); ++j)
    if (allowed[j]) w[j] = std::exp(logits[j] - mx) / z;
  return w;
}

}  // namespace

TEST_CASE("masks lesson: bidirectional, causal and prefix-LM against direct loops", "[lesson][masks]") {
  Request req;
  req.text = "The cat sat on the mat because it was tired.";
  const TracePtr t = RunTrace(req);
  MasksParams p;
  p.head = 3;
  p.prefix = 4;
  p.query = 6;
  const MasksLesson m = ComputeMasksLesson(*t, p);
  const int n = t->n();
  REQUIRE(m.variants.size() == 3);
  CHECK(m.variants[0].name == "bidirectional");
  CHECK(m.variants[1].name == "causal");
  CHECK(m.variants[2].name == "prefix-LM");
  const Mat S = *t->Matrix(0, 3, HeadMatrix::Scores);
  const double s = 1.0 / std::sqrt(8.0);
  for (int k = 0; k < 3; ++k) {
    long pairs = 0;
    for (int i = 0; i < n; ++i) {
      std::vector<double> lg(n);
      std::vector<int> allowed(n);
      for (int j = 0; j < n; ++j) {
        lg[j] = s * S(i, j);
        allowed[j] = k == 0 ? 1 : k == 1 ? (j <= i) : (j < 4 || j <= i);
        pairs += allowed[j];
        CHECK(m.variants[k].mask(i, j) == allowed[j]);
      }
      const std::vector<double> w = Softmax(lg, allowed);
      for (int j = 0; j < n; ++j) CHECK(m.variants[k].weights(i, j) == Approx(w[j]).margin(1e-6));
    }
    CHECK(m.variants[k].allowed_pairs == pairs);
    CHECK(m.variants[k].empty_rows.empty());
  }
  // Renormalisation: the causal row is the bidirectional row cut at j <= 6 and divided by what it kept.
  const MaskVariant& bi = m.variants[0];
  const MaskVariant& ca = m.variants[1];
  double kept = 0;
  for (int j = 0; j <= 6; ++j) kept += bi.row_weights[j];
  CHECK(ca.kept_mass == Approx(kept).margin(1e-7));
  for (int j = 0; j < n; ++j) CHECK(ca.row_weights[j] == Approx(j <= 6 ? bi.row_weights[j] / kept : 0.0).margin(1e-6));
  CHECK(ca.renorm_error < 1e-6);
  CHECK(bi.kept_mass == Approx(1.0).margin(1e-6));
  // The row's logits are the mask-independent ones.
  for (int j = 0; j < n; ++j) CHECK(m.row_logits[j] == Approx(s * S(6, j)).margin(1e-5));
}

TEST_CASE("masks lesson: a sliding pattern shows in all three, and large N is pooled", "[lesson][masks]") {
  Request req;
  req.text = "a b c d e f g h i j";
  req.mask.pattern = MaskPattern::Sliding;
  req.mask.window = 3;
  const TracePtr t = RunTrace(req);
  const MasksLesson m = ComputeMasksLesson(*t, MasksParams{});
  CHECK(m.prefix == 5);
  // Bidirectional sliding w=3: |i - j| <= 1; causal: 0 <= i - j < 3.
  CHECK(m.variants[0].mask(5, 6) == 1);
  CHECK(m.variants[0].mask(5, 7) == 0);
  CHECK(m.variants[1].mask(5, 3) == 1);
  CHECK(m.variants[1].mask(5, 6) == 0);
  // Prefix (P = 5): key 2 < P is visible from query 1 under the bidirectional window (|1 - 2| <= 1).
  CHECK(m.variants[2].mask(1, 2) == 1);
  CHECK(m.variants[2].mask(1, 3) == 0);
}

TEST_CASE("cross-attention: a rectangular target x source softmax against a direct loop", "[lesson][cross-attention]") {
  // Small hand-made inputs: 3 target rows, 4 source rows, D = 4, dk = 2.
  Mat xt(3, 4), xs(4, 4);
  xt << 1, 0, 2, -1, 0.5, 1, 0, 0, -1, 2, 1, 0.5;
  xs << 0, 1, 0, 1, 1, 1, -1, 0, 2, 0, 0, -2, 0.5, 0.5, 0.5, 0.5;
  LayerWeights w;
  w.q_heads.resize(1);
  w.kv_heads.resize(1);
  w.q_heads[0].W_q = Mat(4, 2);
  w.q_heads[0].W_q << 1, 0, 0, 1, 1, 1, -1, 0.5;
  w.q_heads[0].b_q = RowVec::Zero(2);
  w.q_heads[0].b_q << 0.1, -0.2;
  w.kv_heads[0].W_k = Mat(4, 2);
  w.kv_heads[0].W_k << 0, 1, 1, 0, 0.5, 0.5, 1, -1;
  w.kv_heads[0].b_k = RowVec::Zero(2);
  w.kv_heads[0].W_v = Mat(4, 2);
  w.kv_heads[0].W_v << 1, 2, 3, 4, 5, 6, 7, 8;
  w.kv_heads[0].b_v = RowVec::Zero(2);
  w.kv_heads[0].b_v << 1, -1;
  const float scale = 0.7f, T = 1.3f;
  const CrossAttentionLesson c = ComputeCrossAttention(xt, xs, w, 0, 0, scale, T);
  REQUIRE(c.weights.rows() == 3);
  REQUIRE(c.weights.cols() == 4);
  for (int i = 0; i < 3; ++i) {
    double q[2];
    for (int a = 0; a < 2; ++a) {
      q[a] = w.q_heads[0].b_q(a);
      for (int e = 0; e < 4; ++e) q[a] += xt(i, e) * w.q_heads[0].W_q(e, a);
    }
    std::vector<double> lg(4), v0(4), v1(4);
    for (int j = 0; j < 4; ++j) {
      double k[2] = {0, 0};
      v0[j] = w.kv_heads[0].b_v(0), v1[j] = w.kv_heads[0].b_v(1);
      for (int e = 0; e < 4; ++e) {
        k[0] += xs(j, e) * w.kv_heads[0].W_k(e, 0);
        k[1] += xs(j, e) * w.kv_heads[0].W_k(e, 1);
        v0[j] += xs(j, e) * w.kv_heads[0].W_v(e, 0);
        v1[j] += xs(j, e) * w.kv_heads[0].W_v(e, 1);
      }
      const double dot = q[0] * k[0] + q[1] * k[1];
      CHECK(c.scores(i, j) == Approx(dot).margin(1e-5));
      lg[j] = scale * dot / T;
    }
    const std::vector<double> wt = Softmax(lg, {1, 1, 1, 1});
    double o0 = 0, o1 = 0;
    for (int j = 0; j < 4; ++j) {
      CHECK(c.weights(i, j) == Approx(wt[j]).margin(1e-6));
      o0 += wt[j] * v0[j], o1 += wt[j] * v1[j];
    }
    CHECK(c.output(i, 0) == Approx(o0).margin(1e-5));
    CHECK(c.output(i, 1) == Approx(o1).margin(1e-5));
  }
}

TEST_CASE("cross-attention lesson on two sentences: queries from the target, keys from the source", "[lesson][cross-attention]") {
  Engine engine;
  Request req;
  req.text = "The cat sat on the mat.";
  CrossAttentionParams p;
  p.head = 6;  // duplicate-token: the same word in both sentences lines up
  p.source = "A cat slept on a mat.";
  const CrossAttentionLesson c = RunCrossAttentionLesson(engine, req, p);
  CHECK(c.n_target == 7);
  CHECK(c.n_source == 7);
  CHECK(c.target_tokens[1] == "cat");
  CHECK(c.source_tokens[1] == "cat");
  // Every row is a distribution over the source.
  for (int i = 0; i < c.n_target; ++i) CHECK(c.weights.row(i).sum() == Approx(1.0f).margin(1e-5));
  // Queries are the target's layer input through W_q (no RoPE in cross-attention).
  const TracePtr t = engine.Run(req);
  const Mat q = (t->layers[0].input * t->layers[0].W_q(6)).rowwise() + t->layers[0].b_q(6);
  CHECK((q - c.Q).cwiseAbs().maxCoeff() < 1e-5f);
  const test::ProcessResult res = test::RunAttnviz({"lesson", "cross-attention", "--text", "The cat sat on the mat.",
                                                    "--head", "6", "--source", "A cat slept on a mat."});
  REQUIRE(res.status == 0);
  const nlohmann::json j = nlohmann::json::parse(res.out);
  CHECK(j["lesson"] == "cross-attention");
  REQUIRE(j["weights"].size() == 7);
  for (int i = 0; i < 7; ++i)
    for (int k = 0; k < 7; ++k) CHECK(j["weights"][i][k].get<float>() == c.weights(i, k));
}

TEST_CASE("padding: with the mask a padded sentence attends as it does alone; without it weight leaks", "[lesson][padding]") {
  for (bool left : {false, true}) {
    Engine engine;
    Request req;
    req.text = "The cat sat on the mat because it was tired.";
    req.mask.causal = left;  // decoders pad on the left
    PaddingParams p;
    p.head = 3;
    p.second = "A short one.";
    p.left = left;
    const PaddingLesson r = RunPaddingLesson(engine, req, p);
    REQUIRE(r.padded_length == 11);
    REQUIRE(r.batch.size() == 2);
    const PaddedSequence& s = r.batch[1];
    CHECK(s.length == 4);
    CHECK(s.pad_before == (left ? 7 : 0));
    // The same head on the short sentence alone, as a direct loop on its own trace's weights.
    Request alone = req;
    alone.text = p.second;
    const TracePtr t = engine.Run(alone);
    const Mat W = *t->Matrix(0, 3, HeadMatrix::Weights);
    for (int a = 0; a < 4; ++a) {
      const int i = a + s.pad_before;
      for (int b = 0; b < 4; ++b) CHECK(s.weights_with(i, b + s.pad_before) == Approx(W(a, b)).margin(1e-6));
      double on_pads = 0;
      for (int j = 0; j < 11; ++j) {
        if (s.is_pad[j]) {
          CHECK(s.weights_with(i, j) == 0.0f);
          CHECK(s.mask_with(i, j) == 0);
          on_pads += s.weights_without(i, j);
        }
      }
      CHECK(s.leak[i] == Approx(on_pads).margin(1e-6));
    }
    CHECK(s.alone_error_with < 1e-5);
    CHECK(s.max_leak > 0.01);  // the same-topic head spreads onto the pads' keys
    CHECK(s.alone_error_without > 1e-3);
    // Left padding with a causal mask: the pads' own rows have nothing to read.
    if (left) {
      REQUIRE(s.empty_rows_with.size() == 7);
      for (int i : s.empty_rows_with) {
        CHECK(s.weights_with.row(i).cwiseAbs().sum() == 0.0f);
        CHECK(s.output_with.row(i).cwiseAbs().sum() == 0.0f);
      }
    } else {
      CHECK(s.empty_rows_with.empty());
    }
    CHECK(s.weights_with.allFinite());
    CHECK(s.output_with.allFinite());
    // The longer sentence has no pads: nothing changes either way.
    CHECK(r.batch[0].max_leak == 0);
  }
}

TEST_CASE("attnviz lesson masks and padding print the lessons", "[lesson][masks][padding][cli]") {
  const test::ProcessResult m = test::RunAttnviz({"lesson", "masks", "--text", "a b c d", "--query", "1", "--prefix", "2"});
  REQUIRE(m.status == 0);
  const nlohmann::json j = nlohmann::json::parse(m.out);
  REQUIRE(j["lesson"] == "masks");
  CHECK(j["variants"][1]["row_logits"][2].is_null());  // causal: key 2 > query 1 is −∞
  CHECK(j["variants"][2]["row_logits"][2].is_null());  // prefix 2: key 2 is after the prefix and the query
  CHECK_FALSE(j["variants"][0]["row_logits"][2].is_null());
  CHECK(j["variants"][1]["weights"][0][1] == 0);
  const test::ProcessResult p =
      test::RunAttnviz({"lesson", "padding", "--text", "a b c d e", "--second", "x y", "--side", "left", "--causal"});
  REQUIRE(p.status == 0);
  const nlohmann::json k = nlohmann::json::parse(p.out);
  CHECK(k["lesson"] == "padding");
  CHECK(k["batch"][1]["tokens"][0] == "[pad]");
  CHECK(k["batch"][1]["empty_rows_with_padding"].size() == 3);
  CHECK(test::IsOneLineUsageError(test::RunAttnviz({"lesson", "padding", "--side", "middle"})));
}
