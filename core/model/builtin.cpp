// The built-in model (first cut: shapes and interface only; heads are being designed).
#include "core/model/builtin.h"

#include <cstdint>
#include <string>

namespace attnviz {
namespace {

constexpr int kD = kBuiltinDModel;
constexpr int kH = kBuiltinHeads;
constexpr int kDk = kD / kH;

std::uint64_t Fnv1a64(const std::string& s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) { h ^= c; h *= 1099511628211ull; }
  return h;
}

class BuiltinModel final : public WeightSource {
 public:
  BuiltinModel() {
    layer_.q_heads.resize(kH);
    layer_.kv_heads.resize(kH);
    for (int h = 0; h < kH; ++h) {
      layer_.q_heads[h].W_q = Mat::Zero(kD, kDk);
      layer_.q_heads[h].b_q = RowVec::Zero(kDk);
      layer_.kv_heads[h].W_k = Mat::Zero(kD, kDk);
      layer_.kv_heads[h].b_k = RowVec::Zero(kDk);
      layer_.kv_heads[h].W_v = Mat::Zero(kD, kDk);
      layer_.kv_heads[h].b_v = RowVec::Zero(kDk);
    }
    layer_.W_o = Mat::Identity(kH * kDk, kD);
    layer_.b_o = RowVec::Zero(kD);
  }
  ModelShape Shape() const override { return {"builtin", kD, kH, kH, kDk, 1, false}; }
  Mat Embed(const std::vector<Token>& tokens) const override {
    Mat x = Mat::Zero(static_cast<int>(tokens.size()), kD);
    for (int i = 0; i < x.rows(); ++i) {
      std::uint64_t h = Fnv1a64(tokens[i].text);
      for (int d = 16; d < kD; ++d) x(i, d) = ((h >> (d % 64)) & 1) ? 0.1f : -0.1f;
    }
    return x;
  }
  const LayerWeights& Layer(int) const override { return layer_; }

 private:
  LayerWeights layer_;
};

}  // namespace

std::shared_ptr<const WeightSource> MakeBuiltinModel() {
  static const std::shared_ptr<const WeightSource> model = std::make_shared<BuiltinModel>();
  return model;
}

}  // namespace attnviz
