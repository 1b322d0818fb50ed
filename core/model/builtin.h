// The built-in model: two layers, d_model 64, 8 heads of 8 dims, every weight
// set by hand (not trained) so that each head has a role a person can name and
// check. Layer 1 reads words and positions; layer 2 also reads what layer 1's
// previous-token head wrote, which is how its induction head works.
// core/model/builtin.cpp's header comment is the specification.
#pragma once
#include <array>
#include <memory>
#include <string>

#include "core/model/model.h"
#include "core/request.h"

namespace attnviz {

inline constexpr int kBuiltinDModel = 64;
inline constexpr int kBuiltinHeads = 8;
inline constexpr int kBuiltinLayers = 2;

// Residual dims that hold each word's 6-dim identity vector (norm 5, from a
// hash of the lowercased word).
inline constexpr std::array<int, 6> kBuiltinIdentityDims = {48, 50, 52, 54, 56, 58};
// Residual dims where layer 1 writes "the word before me": W_o copies the
// previous-token head's output (the previous word's identity, unit length)
// there, times 5. Layer 2's induction head keys on them.
inline constexpr std::array<int, 6> kBuiltinPreviousWordDims = {44, 45, 46, 47, 60, 62};

// The weights depend on the positional kind in one place only: the position
// heads (and the projections' PE cancellation). With sinusoidal positions
// they read the PE that X carries; with RoPE (and none and ALiBi, where X
// carries no positions) they are constant queries and keys that RoPE turns by
// position. Everything else is the same. Shared and immutable; built once per
// design (the lexicon is parsed on first use).
ModelPtr MakeBuiltinModel(Positional positional = Positional::Sinusoidal);

// The cache key of the design a positional kind uses ("builtin" or
// "builtin/rotary"): requests that differ only in it need another source.
const char* BuiltinDesignKey(Positional positional);

// Gives `r` the built-in model's shape (its d_model, heads and layers); its
// kv-heads stay when they still divide the heads (grouped-query attention on
// top of the designed heads), else one per head.
inline void ApplyBuiltinShape(Request& r) {
  r.d_model = kBuiltinDModel;
  r.heads = kBuiltinHeads;
  if (r.kv_heads < 1 || r.heads % r.kv_heads != 0) r.kv_heads = kBuiltinHeads;
  r.layers = kBuiltinLayers;
}

// "d_model 64, 8 heads, 2 layers".
inline std::string DescribeBuiltinShape() {
  return "d_model " + std::to_string(kBuiltinDModel) + ", " + std::to_string(kBuiltinHeads) + " heads, " +
         std::to_string(kBuiltinLayers) + (kBuiltinLayers == 1 ? " layer" : " layers");
}

}  // namespace attnviz
