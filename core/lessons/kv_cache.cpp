#include "core/lessons/kv_cache.h"

#include <cstdint>

namespace attnviz::lessons {

KvCacheLesson ComputeKvCacheLesson(const ModelShape& shape, int kv_heads_in_use, int n, int bytes_per_value) {
  KvCacheLesson k;
  k.n = n;
  k.layers = shape.layers;
  k.heads = shape.heads;
  k.kv_heads = kv_heads_in_use > 0 ? kv_heads_in_use : shape.kv_heads;
  k.d_k = shape.d_k;
  k.bytes_per_value = bytes_per_value;
  k.cache_bytes_per_token = 2.0 * k.layers * k.kv_heads * k.d_k * bytes_per_value;
  k.cache_bytes = k.cache_bytes_per_token * n;
  k.mha_bytes_per_token = 2.0 * k.layers * k.heads * k.d_k * bytes_per_value;
  k.reduction = k.cache_bytes_per_token > 0 ? k.mha_bytes_per_token / k.cache_bytes_per_token : 1.0;
  return k;
}

nlohmann::json ToJson(const KvCacheLesson& k) {
  return {{"lesson", "kv-cache"},
          {"n", k.n},
          {"layers", k.layers},
          {"heads", k.heads},
          {"kv_heads", k.kv_heads},
          {"d_k", k.d_k},
          {"bytes_per_value", k.bytes_per_value},
          {"cache_bytes_per_token", static_cast<std::int64_t>(k.cache_bytes_per_token)},
          {"cache_bytes", static_cast<std::int64_t>(k.cache_bytes)},
          {"mha_bytes_per_token", static_cast<std::int64_t>(k.mha_bytes_per_token)},
          {"reduction", k.reduction}};
}

}  // namespace attnviz::lessons
