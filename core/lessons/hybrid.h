// The `hybrid` lesson (chapter 8): what a stack of layers costs at long context
// when only some of its layers are full attention.
//
// Per layer and context N (H query heads, G key/value heads, head size d, B bytes):
//   full attention     cache 2 G d B N bytes; prefill 4 d H N(N+1)/2 flops;
//                      one more token 4 d H N flops
//   sliding window w   cache 2 G d B min(N, w); prefill 4 d H (pairs of the
//                      causal window); one more token 4 d H min(N, w)
//   linear attention   state H (d^2 + d) B, whatever N; prefill 4 d^2 H N;
//                      one more token 4 d^2 H
// Hybrids interleave r cheap layers (linear or sliding) with one full layer, as
// Jamba (1 attention layer in 8, the rest Mamba), Gemma 2 (local and global
// alternating) and Gemma 3 (5 local : 1 global) do: the full layers keep exact
// access to every token, the cheap ones carry most of the depth. Projections
// and MLPs cost the same in every stack and are left out of these numbers.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/lessons/memory.h"

namespace attnviz::lessons {

enum class LayerKind { Full, Sliding, Linear };

struct HybridParams {
  ModelMemoryConfig base;   // layers, heads, kv heads, head dim (a published model or the one loaded)
  double context = 131072;  // N
  int ratio = 3;            // r cheap layers per full layer
  int window = 4096;        // w of the sliding layers
  int bytes_per_value = 2;
};

// One layer of a kind at context n.
struct LayerCost {
  double memory_bytes = 0;   // KV cache or state
  double prefill_flops = 0;  // attention over the whole context
  double decode_flops = 0;   // one more token at position n
};
LayerCost CostOfLayer(LayerKind kind, const ModelMemoryConfig& c, double n, int window, int bytes_per_value);

struct HybridStack {
  std::string name;                  // "full", "sliding w=4096", "linear", "hybrid 3 linear : 1 full", ...
  int full = 0, sliding = 0, linear = 0;  // layers of each kind
  LayerCost total;                   // at the lesson's context
  std::vector<double> memory_curve, prefill_curve, decode_curve;  // at each of HybridLesson::lengths
};

struct HybridLesson {
  HybridParams params;
  LayerCost full_layer, sliding_layer, linear_layer;  // one layer of each kind at the context
  std::vector<double> lengths;       // N = 1k .. 1M
  std::vector<HybridStack> stacks;   // full, sliding, linear, hybrid linear, hybrid sliding
};

HybridLesson ComputeHybridLesson(const HybridParams& p);

nlohmann::json ToJson(const HybridLesson& l);

}  // namespace attnviz::lessons
