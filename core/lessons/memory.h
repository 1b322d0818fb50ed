// The `memory` lesson (SPEC "Lessons"): how many bytes a KV cache holds per
// token and for a whole context, for published model configurations and the
// model loaded now. Chapter 6 draws it as a table and a chart.
//
//   MHA / GQA / MQA:  2 (K and V) x layers x kv_heads x head_dim x bytes
//   MLA (DeepSeek-V2): layers x (kv_lora_rank + qk_rope_head_dim) x bytes
//                      one compressed latent plus the decoupled RoPE key per
//                      token and layer, shared by every head
//   sliding window:   the cache is a rolling buffer of `window` tokens, so a
//                      context longer than the window costs no more
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/model/model.h"

namespace attnviz::lessons {

struct ModelMemoryConfig {
  std::string name;            // "Llama-3-8B"
  int layers = 0;
  int heads = 0;               // query heads
  int kv_heads = 0;            // key/value heads (= heads for MHA and MLA, 1 for MQA)
  int head_dim = 0;            // per head
  std::string attention;       // "MHA", "GQA", "MQA" or "MLA"
  int sliding_window = 0;      // > 0: the cache keeps only this many tokens (Mistral's rolling buffer)
  int kv_lora_rank = 0;        // MLA: the compressed latent cached per token and layer
  int qk_rope_head_dim = 0;    // MLA: the decoupled RoPE key cached beside it
  std::string source;          // where the figures come from (the model's published config)
  bool current = false;        // the model attnviz has loaded now
};

struct ModelMemoryRow {
  ModelMemoryConfig config;
  double cache_bytes_per_token = 0;     // what one more token adds (0 past a full sliding window)
  double cache_bytes = 0;               // for the whole context
  double cached_tokens = 0;             // min(context, window) with a window, else context
  double mha_bytes_per_token = 0;       // the same model with one K/V head per query head (no GQA, no MLA)
  std::vector<double> curve_bytes;      // cache bytes at each of MemoryLesson::curve_contexts
};

struct MemoryLesson {
  int context = 4096;
  int bytes_per_value = 2;
  std::vector<ModelMemoryRow> models;
  std::vector<double> curve_contexts;   // 256, 512, ... 2^20 tokens: the chart's x axis
};

// GPT-2 small, Llama-2-7B, Llama-3-8B, Mistral-7B and DeepSeek-V2, from their
// published configuration files.
const std::vector<ModelMemoryConfig>& PublishedModelConfigs();

// The model loaded now, as a row of the table (kv_heads: the grouping in use).
ModelMemoryConfig ConfigOfModel(const ModelShape& shape, int kv_heads_in_use);

// Bytes per token of one configuration.
double CacheBytesPerToken(const ModelMemoryConfig& c, int bytes_per_value);

MemoryLesson ComputeMemoryLesson(int context, int bytes_per_value, const std::vector<ModelMemoryConfig>& models);

nlohmann::json ToJson(const MemoryLesson& m);

}  // namespace attnviz::lessons
