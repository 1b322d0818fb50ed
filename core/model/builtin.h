// The built-in model: one layer, d_model 64, 8 heads of 8 dims, every weight set
// by hand (not trained) so that each head has a role a person can name and check.
#pragma once
#include <memory>
#include <string>

#include "core/model/weight_source.h"
#include "core/request.h"

namespace attnviz {

inline constexpr int kBuiltinDModel = 64;
inline constexpr int kBuiltinHeads = 8;
inline constexpr int kBuiltinLayers = 1;

// Shared and immutable; built once (the lexicon is parsed on first use).
std::shared_ptr<const WeightSource> MakeBuiltinModel();

// Gives `r` the built-in model's shape (its d_model, heads and layers); its
// kv-heads stay when they still divide the heads (grouped-query attention on
// top of the designed heads), else one per head.
inline void ApplyBuiltinShape(Request& r) {
  r.d_model = kBuiltinDModel;
  r.heads = kBuiltinHeads;
  if (r.kv_heads < 1 || r.heads % r.kv_heads != 0) r.kv_heads = kBuiltinHeads;
  r.layers = kBuiltinLayers;
}

// "d_model 64, 8 heads, 1 layer".
inline std::string DescribeBuiltinShape() {
  return "d_model " + std::to_string(kBuiltinDModel) + ", " + std::to_string(kBuiltinHeads) + " heads, " +
         std::to_string(kBuiltinLayers) + (kBuiltinLayers == 1 ? " layer" : " layers");
}

}  // namespace attnviz
