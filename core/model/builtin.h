// The built-in model: one layer, d_model 64, 8 heads of 8 dims, every weight set
// by hand (not trained) so that each head has a role a person can name and check.
#pragma once
#include <memory>

#include "core/model/weight_source.h"

namespace attnviz {

inline constexpr int kBuiltinDModel = 64;
inline constexpr int kBuiltinHeads = 8;

// Shared and immutable; built once (the lexicon is parsed on first use).
std::shared_ptr<const WeightSource> MakeBuiltinModel();

}  // namespace attnviz
