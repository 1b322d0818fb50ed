// The random model: seeded Gaussian weights for any d_model, heads and layers.
// Same seed and shape give the same weights on every machine (own PRNG, no
// std::normal_distribution, whose output the standard leaves to the library).
#pragma once
#include <cstdint>
#include <memory>

#include "core/model/model.h"

namespace attnviz {

ModelPtr MakeRandomModel(std::uint64_t seed, int d_model, int heads, int layers);

}  // namespace attnviz
