// The random model. Weights ~ N(0, 1/fan_in) so that Q, K and V rows have unit
// scale whatever d_model is; embeddings ~ N(0, 1), derived from the token text
// and the seed, so the same word gets the same vector everywhere in a sentence.
#include "core/model/random_model.h"

#include <cmath>
#include <string>

#include "core/seeded_rng.h"

namespace attnviz {
namespace {

using SplitMix64 = SeededRng;

std::uint64_t Fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ull;
  return h;
}

Mat RandomMat(SplitMix64& rng, int rows, int cols, float stddev) {
  Mat m(rows, cols);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) m(i, j) = stddev * rng.Normal();
  return m;
}

RowVec RandomVec(SplitMix64& rng, int n, float stddev) {
  RowVec v(n);
  for (int i = 0; i < n; ++i) v(i) = stddev * rng.Normal();
  return v;
}

class RandomModel final : public Model {
 public:
  RandomModel(std::uint64_t seed, int d_model, int heads, int layers) : seed_(seed) {
    shape_.name = "random";
    shape_.family = "random";
    shape_.d_model = d_model;
    shape_.heads = heads;
    shape_.kv_heads = heads;
    shape_.d_k = d_model / heads;
    shape_.layers = layers;
    SplitMix64 rng{seed ^ 0xA77E'0000'0000'0001ull};
    const int dk = shape_.d_k;
    const float w = 1.0f / std::sqrt(static_cast<float>(d_model));
    const float b = 0.1f;
    for (int l = 0; l < layers; ++l) {
      LayerWeights lw;
      for (int h = 0; h < heads; ++h) {
        lw.q_heads.push_back({RandomMat(rng, d_model, dk, w), RandomVec(rng, dk, b), ""});
        KvHeadWeights kv;
        kv.W_k = RandomMat(rng, d_model, dk, w);
        kv.b_k = RandomVec(rng, dk, b);
        kv.W_v = RandomMat(rng, d_model, dk, w);
        kv.b_v = RandomVec(rng, dk, b);
        lw.kv_heads.push_back(std::move(kv));
      }
      lw.W_o = RandomMat(rng, heads * dk, d_model, 1.0f / std::sqrt(static_cast<float>(heads * dk)));
      lw.b_o = RandomVec(rng, d_model, b);
      layers_.push_back(std::make_shared<const LayerWeights>(std::move(lw)));
    }
  }

  const ModelShape& Shape() const override { return shape_; }

  Mat Embed(const std::vector<Token>& tokens) const override {
    Mat x(static_cast<int>(tokens.size()), shape_.d_model);
    for (int i = 0; i < x.rows(); ++i) {
      SplitMix64 rng{Fnv1a(tokens[i].text) ^ (seed_ * 0x9E3779B97F4A7C15ull)};
      for (int d = 0; d < x.cols(); ++d) x(i, d) = rng.Normal();
    }
    return x;
  }

  std::shared_ptr<const LayerWeights> Layer(int layer) const override { return layers_.at(layer); }

  // Layer 0 reads embeddings plus positions as they are; deeper layers read the
  // row-normalised residual stream (pre-LN, no gain), which keeps every layer's
  // logits on the same scale however many layers are stacked.
  Mat AttentionInput(int layer, const Mat& residual) const override {
    if (layer == 0) return residual;
    Mat x = residual;
    for (int i = 0; i < x.rows(); ++i) {
      const float mean = x.row(i).mean();
      x.row(i).array() -= mean;
      const float var = x.row(i).squaredNorm() / static_cast<float>(x.cols());
      x.row(i) /= std::sqrt(var + 1e-5f);
    }
    return x;
  }

 private:
  std::uint64_t seed_;
  ModelShape shape_;
  std::vector<std::shared_ptr<const LayerWeights>> layers_;
};

}  // namespace

ModelPtr MakeRandomModel(std::uint64_t seed, int d_model, int heads, int layers) {
  return std::make_shared<RandomModel>(seed, d_model, heads, layers);
}

}  // namespace attnviz
