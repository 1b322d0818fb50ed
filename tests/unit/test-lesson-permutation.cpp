// The `permutation` lesson: without positions attention is permutation-
// equivariant, checked against a plain double-precision attention written
// here; with positions it is not; a model with learned positions and a causal
// mask is stripped of both for the "off" side; `attnviz lesson` prints core's numbers.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

#include "core/engine.h"
#include "core/lessons/permutation.h"
#include "core/lessons/variant_source.h"
#include "core/model/model.h"
#include "tests/unit/head-matrices.h"
#include "tests/unit/lesson-json.h"

using namespace attnviz;
using namespace attnviz::lessons;

namespace {

// Softmax attention weights of one head in double, from Q and K rows only.
Eigen::MatrixXd PlainWeights(const Mat& q, const Mat& k, double scale) {
  const int n = static_cast<int>(q.rows());
  Eigen::MatrixXd w(n, n);
  for (int i = 0; i < n; ++i) {
    double mx = -1e300;
    for (int j = 0; j < n; ++j) {
      double s = 0;
      for (int c = 0; c < q.cols(); ++c) s += static_cast<double>(q(i, c)) * k(j, c);
      w(i, j) = s * scale;
      mx = std::max(mx, w(i, j));
    }
    double sum = 0;
    for (int j = 0; j < n; ++j) sum += (w(i, j) = std::exp(w(i, j) - mx));
    w.row(i) /= sum;
  }
  return w;
}

// A stand-in for a trained checkpoint: the random model plus a learned
// position table and a causal mask, as GPT-2 declares them.
class LearnedPositionsModel final : public ModelVariant {
 public:
  explicit LearnedPositionsModel(ModelPtr base) : ModelVariant(std::move(base)), shape_(Base()->Shape()) {
    shape_.positional = Positional::Learned;
    shape_.causal = true;
  }
  const ModelShape& Shape() const override { return shape_; }
  Mat LearnedPositions(int n) const override {
    Mat p(n, shape_.d_model);
    for (int i = 0; i < n; ++i)
      for (int c = 0; c < p.cols(); ++c) p(i, c) = static_cast<float>(std::sin(0.37 * i * (c + 1)));
    return p;
  }

 private:
  ModelShape shape_;
};

}  // namespace

TEST_CASE("shuffled orders move every token and are permutations", "[lesson][permutation]") {
  for (int n : {2, 3, 5, 11, 64}) {
    for (std::uint64_t seed : {0ull, 1ull, 2ull, 99ull}) {
      const std::vector<int> p = ShuffledOrder(n, seed);
      REQUIRE(IsPermutation(p, n));
      // A shuffle moves every token; the reversal keeps the middle one of an odd n.
      for (int k = 0; k < n; ++k) REQUIRE((p[k] != k || (seed == 0 && n % 2 == 1 && k == n / 2)));
    }
  }
  REQUIRE(ShuffledOrder(4, 0) == std::vector<int>{3, 2, 1, 0});
  REQUIRE(!IsPermutation({0, 0, 1}, 3));
  REQUIRE(!IsPermutation({0, 1}, 3));
}

TEST_CASE("permutation: positions off, every head's weights move with the tokens", "[lesson][permutation]") {
  Engine engine;
  Request r;
  r.model = "random";
  r.layers = 2;
  r.text = "alpha beta gamma delta epsilon zeta eta theta";
  r.positional = Positional::Rope;  // "on" uses the request's kind
  PermutationParams p;
  p.shuffle = 7;
  const PermutationLesson L = RunPermutationLesson(engine, r, p);
  REQUIRE(L.n == 8);
  REQUIRE(IsPermutation(L.order, 8));
  REQUIRE(L.off.positional == Positional::None);
  REQUIRE(L.on.positional == Positional::Rope);
  REQUIRE(L.off.heads.size() == 16);
  // Independent check on every head of the first layer: plain double attention
  // from the traces' own Q and K, original against shuffled.
  const double scale = 1.0 / std::sqrt(8.0);
  for (int h = 0; h < 8; ++h) {
    const Eigen::MatrixXd a = PlainWeights(L.off.original->layers[0].heads[h].Q, L.off.original->KvOf(0, h).K, scale);
    const Eigen::MatrixXd b = PlainWeights(L.off.shuffled->layers[0].heads[h].Q, L.off.shuffled->KvOf(0, h).K, scale);
    for (int k = 0; k < 8; ++k)
      for (int l = 0; l < 8; ++l) REQUIRE(std::abs(b(k, l) - a(L.order[k], L.order[l])) < 1e-6);
  }
  // The lesson's own measure over both layers: zero up to float rounding (a
  // row's exponentials are summed in another order: a few units of 1e-7).
  for (const PermutationHead& h : L.off.heads) REQUIRE(h.max_abs_diff < 1e-6);
  REQUIRE(L.off.max_abs_diff < 1e-6);
  REQUIRE(L.off.max_abs_diff_output < 1e-5);
  // With RoPE the shuffle is not a symmetry, and the measure is the real one:
  // recomputed for one head from the whole matrices (rows computed in other
  // blocks round differently, hence the 1e-6).
  REQUIRE(L.on.max_abs_diff > 1e-3);
  const Mat wa = test::WeightsOf(*L.on.original, 1, 3), wb = test::WeightsOf(*L.on.shuffled, 1, 3);
  double m = 0;
  for (int k = 0; k < 8; ++k)
    for (int l = 0; l < 8; ++l) m = std::max<double>(m, std::abs(wb(k, l) - wa(L.order[k], L.order[l])));
  REQUIRE(m > 1e-3);
  REQUIRE(L.on.heads[8 + 3].max_abs_diff == Approx(m).margin(1e-6));
}

TEST_CASE("permutation: the built-in previous-token head needs positions", "[lesson][permutation]") {
  Engine engine;
  Request r;  // built-in model, sinusoidal
  r.text = "The cat sat on the mat because it was tired and the dog slept .";
  const PermutationLesson L = RunPermutationLesson(engine, r, PermutationParams{});
  const auto prev = std::find_if(L.on.heads.begin(), L.on.heads.end(), [](const PermutationHead& h) { return h.role == "previous-token"; });
  REQUIRE(prev != L.on.heads.end());
  // With positions it finds the token before, in either order.
  REQUIRE(prev->prev_hits == 1.0);
  REQUIRE(prev->prev_hits_shuffled == 1.0);
  // Without, it cannot tell the token before from any other.
  const PermutationHead& off = L.off.heads[prev - L.on.heads.begin()];
  REQUIRE(off.prev_hits < 0.5);
  REQUIRE(L.off.max_abs_diff < 1e-6);
}

TEST_CASE("permutation: learned positions and a causal mask are left out when positions are off", "[lesson][permutation]") {
  Request r;
  r.model = "random";
  r.text = "one two three four five six seven";
  auto base = MakeModel(r);
  auto learned = std::make_shared<LearnedPositionsModel>(base);
  VariantChanges no_positions;
  no_positions.strip_positions = true;
  auto stripped = std::make_shared<VariantSource>(learned, no_positions);
  REQUIRE(!stripped->Shape().has_learned_positions());
  REQUIRE(!stripped->Shape().causal);
  REQUIRE(stripped->LearnedPositions(7).size() == 0);
  // Stripped and shuffled: equivariant. The trained shape: causal, and not.
  VariantChanges reversed = no_positions;
  reversed.token_order = {6, 5, 4, 3, 2, 1, 0};
  auto shuffled = std::make_shared<VariantSource>(learned, reversed);
  Request off = r;
  off.positional = Positional::None;
  const TracePtr a = RunTraceWith(off, stripped), b = RunTraceWith(off, shuffled);
  REQUIRE(!a->config.mask.causal);
  REQUIRE(b->tokens[0].text == "seven");
  const Mat wa = test::WeightsOf(*a, 0, 2), wb = test::WeightsOf(*b, 0, 2);
  for (int k = 0; k < 7; ++k)
    for (int l = 0; l < 7; ++l) REQUIRE(std::abs(wb(k, l) - wa(6 - k, 6 - l)) < 1e-6);
  const TracePtr trained = RunTraceWith(off, learned);
  REQUIRE(trained->config.mask.causal);
  REQUIRE(trained->config.positional == Positional::Learned);
}

TEST_CASE("permutation: attnviz lesson prints core's numbers", "[lesson][permutation][cli]") {
  const nlohmann::json j = test::LessonJson({"permutation", "--shuffle", "3", "--text", "a b c d e f"});
  REQUIRE(j["n"] == 6);
  REQUIRE(j["order"].get<std::vector<int>>() == ShuffledOrder(6, 3));
  Engine engine;
  Request r;
  r.text = "a b c d e f";
  PermutationParams p;
  p.shuffle = 3;
  const PermutationLesson L = RunPermutationLesson(engine, r, p);
  REQUIRE(j["off"]["positional"] == "none");
  REQUIRE(j["on"]["positional"] == "sinusoidal");
  REQUIRE(j["off"]["max_abs_diff"].get<double>() == L.off.max_abs_diff);
  REQUIRE(j["on"]["max_abs_diff"].get<double>() == L.on.max_abs_diff);
  REQUIRE(j["on"]["heads"].size() == L.on.heads.size());  // every head of every layer
  REQUIRE(j["on"]["heads"][0]["previous_token_hits"].get<double>() == L.on.heads[0].prev_hits);
}
