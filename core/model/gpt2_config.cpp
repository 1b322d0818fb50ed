// config.json for GPT-2 checkpoints. The ranges below are sanity bounds for a
// file (a typo or a corrupt download), not attnviz's limits, which
// CheckGpt2ConfigFitsLimits applies with their own message.
#include "core/model/gpt2_config.h"

#include <cmath>
#include <fstream>

#include "core/limits.h"
#include "core/model/json_input.h"
#include "core/types.h"

namespace attnviz {
namespace {

constexpr int kMaxConfigSize = 1 << 24;  // no real dimension, layer count or vocabulary is near 16 M

int RequireSize(const nlohmann::json& j, const char* key, const std::string& src, int min, int max) {
  const auto it = j.find(key);
  if (it == j.end()) throw InputError(src + ": missing \"" + key + "\"");
  if (!it->is_number_integer()) throw InputError(src + ": \"" + key + "\" must be an integer");
  // Unsigned values past INT64_MAX would wrap in get<long long>; compare as unsigned first.
  if (it->is_number_unsigned() && it->get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
    throw InputError(src + ": \"" + key + "\" is " + std::to_string(it->get<std::uint64_t>()) + "; expected " +
                     std::to_string(min) + ".." + std::to_string(max));
  }
  const long long v = it->get<long long>();
  if (v < min || v > max) {
    throw InputError(src + ": \"" + key + "\" is " + std::to_string(v) + "; expected " + std::to_string(min) + ".." +
                     std::to_string(max));
  }
  return static_cast<int>(v);
}

}  // namespace

Gpt2Config ParseGpt2Config(std::string_view json_text, std::string_view source) {
  const std::string src(source);
  const nlohmann::json j = ParseJsonInput(json_text, src, /*reject_duplicate_keys=*/true);
  if (!j.is_object()) throw InputError(src + ": expected a JSON object");

  if (const auto mt = j.find("model_type"); mt != j.end()) {
    if (!mt->is_string() || mt->get_ref<const std::string&>() != "gpt2") {
      std::string shown = mt->is_string() ? mt->get<std::string>() : mt->dump();
      if (shown.size() > 40) shown = shown.substr(0, 40) + "...";
      for (char& c : shown) {
        if (static_cast<unsigned char>(c) < 0x20) c = '?';
      }
      throw InputError(src + ": model_type '" + shown + "' is not a GPT-2 checkpoint (expected \"gpt2\")");
    }
  }

  Gpt2Config c;
  c.n_embd = RequireSize(j, "n_embd", src, 1, kMaxConfigSize);
  c.n_head = RequireSize(j, "n_head", src, 1, kMaxConfigSize);
  c.n_layer = RequireSize(j, "n_layer", src, 1, kMaxConfigSize);
  c.vocab_size = RequireSize(j, "vocab_size", src, 1, kMaxConfigSize);
  const bool has_pos = j.contains("n_positions"), has_ctx = j.contains("n_ctx");
  if (!has_pos && !has_ctx) throw InputError(src + ": missing \"n_positions\" (or the older \"n_ctx\")");
  c.n_positions = RequireSize(j, has_pos ? "n_positions" : "n_ctx", src, 1, kMaxConfigSize);
  if (has_pos && has_ctx) {
    const int ctx = RequireSize(j, "n_ctx", src, 1, kMaxConfigSize);
    if (ctx != c.n_positions) {
      throw InputError(src + ": \"n_ctx\" " + std::to_string(ctx) + " and \"n_positions\" " +
                       std::to_string(c.n_positions) + " disagree");
    }
  }
  if (c.n_embd % c.n_head != 0) {
    throw InputError(src + ": n_embd " + std::to_string(c.n_embd) + " is not divisible by n_head " +
                     std::to_string(c.n_head));
  }
  if (const auto eps = j.find("layer_norm_epsilon"); eps != j.end()) {
    if (!eps->is_number()) throw InputError(src + ": \"layer_norm_epsilon\" must be a number");
    c.layer_norm_epsilon = eps->get<double>();
    // The epsilon keeps LayerNorm's 1/sqrt(var + eps) finite; 0 or less can divide by zero.
    if (!std::isfinite(c.layer_norm_epsilon) || c.layer_norm_epsilon <= 0 || c.layer_norm_epsilon > 1) {
      throw InputError(src + ": \"layer_norm_epsilon\" is " + eps->dump() + "; expected a number in (0, 1]");
    }
  }
  if (const auto inner = j.find("n_inner"); inner != j.end() && !inner->is_null()) {
    c.n_inner = RequireSize(j, "n_inner", src, 1, kMaxConfigSize);
  } else {
    if (c.n_embd > kMaxConfigSize / 4) throw InputError(src + ": n_embd " + std::to_string(c.n_embd) + " is too large");
    c.n_inner = 4 * c.n_embd;
  }
  if (const auto act = j.find("activation_function"); act != j.end()) {
    const bool tanh_gelu = act->is_string() && (act->get_ref<const std::string&>() == "gelu_new" ||
                                                act->get_ref<const std::string&>() == "gelu_pytorch_tanh");
    if (!tanh_gelu) {
      std::string shown = act->is_string() ? act->get<std::string>() : act->dump();
      if (shown.size() > 40) shown = shown.substr(0, 40) + "...";
      for (char& ch : shown) {
        if (static_cast<unsigned char>(ch) < 0x20) ch = '?';
      }
      throw InputError(src + ": activation_function '" + shown +
                       "' is not supported (attnviz computes GPT-2's gelu_new, the tanh approximation)");
    }
  }
  if (const auto s = j.find("scale_attn_weights"); s != j.end() && !(s->is_boolean() && s->get<bool>())) {
    throw InputError(src + ": \"scale_attn_weights\" must be true (attnviz divides scores by sqrt(d_k), as GPT-2 does)");
  }
  if (const auto s = j.find("scale_attn_by_inverse_layer_idx"); s != j.end() && !(s->is_boolean() && !s->get<bool>())) {
    throw InputError(src + ": \"scale_attn_by_inverse_layer_idx\" is not supported (expected false, GPT-2's setting)");
  }
  return c;
}

Gpt2Config ReadGpt2Config(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open");
  std::string text;
  char buf[4096];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > (1u << 20)) throw InputError(path + ": more than 1 MiB; not a config.json");
  }
  return ParseGpt2Config(text, path);
}

void CheckGpt2ConfigFitsLimits(const Gpt2Config& c, std::string_view source) {
  const std::string src(source);
  auto check = [&](const char* what, int v, int limit) {
    if (v > limit) {
      throw InputError(src + ": " + what + " " + std::to_string(v) + " is more than attnviz traces (at most " +
                       std::to_string(limit) + ", see core/limits.h)");
    }
  };
  check("n_embd", c.n_embd, kMaxDModel);
  check("n_head", c.n_head, kMaxHeads);
  check("n_layer", c.n_layer, kMaxLayers);
}

}  // namespace attnviz
