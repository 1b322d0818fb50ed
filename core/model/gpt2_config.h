// GPT-2's config.json (Hugging Face GPT2Config): the sizes a checkpoint
// directory declares, validated before any weight is read.
#pragma once
#include <string>
#include <string_view>

namespace attnviz {

struct Gpt2Config {
  int n_embd = 0;                    // D, d_model (GPT-2 small: 768)
  int n_head = 0;                    // H (12); d_k = n_embd / n_head
  int n_layer = 0;                   // (12)
  int n_positions = 0;               // rows of wpe, the longest input (1024)
  int vocab_size = 0;                // rows of wte (50257)
  double layer_norm_epsilon = 1e-5;  // GPT2Config's default when absent
  int n_inner = 0;                   // MLP width; "n_inner": null or absent means 4 * n_embd
};

// Parses config.json's text; `source` names the file in messages. Throws
// InputError with one line for: invalid JSON, a missing or non-integer size,
// a size outside its range, n_embd not divisible by n_head, a non-positive or
// non-finite layer_norm_epsilon, or a "model_type" other than "gpt2".
// Old configs spell n_positions "n_ctx"; both are accepted (equal if both).
// The forward pass attnviz computes is the GPT-2 one of SPEC.md, so settings
// that would change it are refused by name rather than ignored: an
// "activation_function" other than gelu_new / gelu_pytorch_tanh (both are the
// tanh approximation), "scale_attn_weights": false, and
// "scale_attn_by_inverse_layer_idx": true.
Gpt2Config ParseGpt2Config(std::string_view json_text, std::string_view source = "config.json");

// Reads the file (at most 1 MiB; a real one is under 1 KB) and parses it.
Gpt2Config ReadGpt2Config(const std::string& path);

// Throws InputError when the model is bigger than attnviz traces (core/limits.h:
// kMaxDModel, kMaxHeads, kMaxLayers), naming the size and the limit. Separate
// from parsing so a too-large but valid config is reported as exactly that.
void CheckGpt2ConfigFitsLimits(const Gpt2Config& c, std::string_view source = "config.json");

}  // namespace attnviz
