#include "core/lessons/memory.h"

#include <algorithm>
#include <cstdint>

namespace attnviz::lessons {

const std::vector<ModelMemoryConfig>& PublishedModelConfigs() {
  // Figures from each model's config.json on the Hugging Face hub:
  //   gpt2: n_layer 12, n_head 12, n_embd 768 (head 64)
  //   Llama-2-7b-hf: num_hidden_layers 32, num_attention_heads 32, num_key_value_heads 32, hidden 4096 (head 128)
  //   Meta-Llama-3-8B: 32 layers, 32 heads, num_key_value_heads 8, hidden 4096 (head 128)
  //   Mistral-7B-v0.1: 32 layers, 32 heads, 8 kv heads, head 128, sliding_window 4096
  //   DeepSeek-V2: 60 layers, 128 heads, kv_lora_rank 512, qk_rope_head_dim 64, v_head_dim 128
  static const std::vector<ModelMemoryConfig> kModels = {
      {"GPT-2 small", 12, 12, 12, 64, "MHA", 0, 0, 0, "openai-community/gpt2 config.json", false},
      {"Llama-2-7B", 32, 32, 32, 128, "MHA", 0, 0, 0, "meta-llama/Llama-2-7b-hf config.json", false},
      {"Llama-3-8B", 32, 32, 8, 128, "GQA", 0, 0, 0, "meta-llama/Meta-Llama-3-8B config.json", false},
      {"Mistral-7B", 32, 32, 8, 128, "GQA", 4096, 0, 0, "mistralai/Mistral-7B-v0.1 config.json", false},
      {"DeepSeek-V2", 60, 128, 128, 128, "MLA", 0, 512, 64, "deepseek-ai/DeepSeek-V2 config.json", false},
  };
  return kModels;
}

ModelMemoryConfig ConfigOfModel(const ModelShape& shape, int kv_heads_in_use) {
  ModelMemoryConfig c;
  c.name = shape.name;
  c.layers = shape.layers;
  c.heads = shape.heads;
  c.kv_heads = kv_heads_in_use > 0 ? kv_heads_in_use : shape.kv_heads;
  c.head_dim = shape.d_k;
  c.attention = c.kv_heads == c.heads ? "MHA" : c.kv_heads == 1 ? "MQA" : "GQA";
  c.source = "loaded now";
  c.current = true;
  return c;
}

double CacheBytesPerToken(const ModelMemoryConfig& c, int bytes_per_value) {
  if (c.attention == "MLA")
    return static_cast<double>(c.layers) * (c.kv_lora_rank + c.qk_rope_head_dim) * bytes_per_value;
  return 2.0 * c.layers * c.kv_heads * c.head_dim * bytes_per_value;
}

MemoryLesson ComputeMemoryLesson(int context, int bytes_per_value, const std::vector<ModelMemoryConfig>& models) {
  MemoryLesson m;
  m.context = context;
  m.bytes_per_value = bytes_per_value;
  for (const ModelMemoryConfig& c : models) {
    ModelMemoryRow r;
    r.config = c;
    const double per_token = CacheBytesPerToken(c, bytes_per_value);
    r.cached_tokens = c.sliding_window > 0 ? std::min(context, c.sliding_window) : context;
    r.cache_bytes_per_token = per_token;
    r.cache_bytes = per_token * r.cached_tokens;
    r.mha_bytes_per_token = 2.0 * c.layers * c.heads * c.head_dim * bytes_per_value;
    m.models.push_back(r);
  }
  return m;
}

nlohmann::json ToJson(const MemoryLesson& m) {
  nlohmann::json j;
  j["lesson"] = "memory";
  j["context"] = m.context;
  j["bytes_per_value"] = m.bytes_per_value;
  nlohmann::json models = nlohmann::json::array();
  for (const ModelMemoryRow& r : m.models) {
    const ModelMemoryConfig& c = r.config;
    nlohmann::json o;
    o["name"] = c.name;
    o["layers"] = c.layers;
    o["heads"] = c.heads;
    o["kv_heads"] = c.kv_heads;
    o["head_dim"] = c.head_dim;
    o["attention"] = c.attention;
    if (c.sliding_window > 0) o["sliding_window"] = c.sliding_window;
    if (c.attention == "MLA") {
      o["kv_lora_rank"] = c.kv_lora_rank;
      o["qk_rope_head_dim"] = c.qk_rope_head_dim;
    }
    // Whole bytes: every term is an integer count times an integer size.
    o["cache_bytes_per_token"] = static_cast<std::int64_t>(r.cache_bytes_per_token);
    o["cache_bytes"] = static_cast<std::int64_t>(r.cache_bytes);
    o["cached_tokens"] = static_cast<std::int64_t>(r.cached_tokens);
    o["mha_bytes_per_token"] = static_cast<std::int64_t>(r.mha_bytes_per_token);
    o["source"] = c.source;
    if (c.current) o["current"] = true;
    models.push_back(std::move(o));
  }
  j["models"] = std::move(models);
  return j;
}

}  // namespace attnviz::lessons
