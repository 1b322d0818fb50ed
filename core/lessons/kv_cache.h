// The `kv-cache` lesson (chapter 6): what the cache of the model on screen
// holds. Every generated token appends one K row and one V row per key/value
// head and layer; with G < H key/value heads (grouped-query attention) the
// cache is H/G times smaller than multi-head attention's.
#pragma once
#include <nlohmann/json.hpp>

#include "core/model/layer_weights.h"

namespace attnviz::lessons {

struct KvCacheLesson {
  int n = 0;                        // tokens of the sentence
  int layers = 0, heads = 0, kv_heads = 0, d_k = 0;
  int bytes_per_value = 4;          // float32, as attnviz computes
  double cache_bytes_per_token = 0; // 2 x layers x kv_heads x d_k x bytes
  double cache_bytes = 0;           // for the sentence
  double mha_bytes_per_token = 0;   // with G = H
  double reduction = 1;             // mha / this = H / G
};

KvCacheLesson ComputeKvCacheLesson(const ModelShape& shape, int kv_heads_in_use, int n, int bytes_per_value);

nlohmann::json ToJson(const KvCacheLesson& k);

}  // namespace attnviz::lessons
