// Request: the single source of truth for what a trace computes.
// Widgets edit a copy; the CLI builds one from flags (core/cli/options.h).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace attnviz {

enum class Positional { None, Sinusoidal, Rope, Alibi, Learned };
enum class MaskPattern { Full, Sliding, GlobalLocal, BlockSparse };

struct MaskSpec {
  MaskPattern pattern = MaskPattern::Full;
  bool causal = false;
  int window = 3;                  // sliding and global-local, >= 1
  std::vector<int> globals{0};     // global-local; indices >= N are ignored (noted in the trace)
  int block = 4;                   // block-sparse, >= 1
  bool operator==(const MaskSpec&) const = default;
};

struct Request {
  std::string text = "The cat sat on the mat because it was tired.";
  std::string model = "builtin";   // "builtin", "random", or a checkpoint directory
  std::uint64_t seed = 1;          // random model
  int d_model = 64;
  int heads = 8;
  int kv_heads = 8;                // G; must divide heads. G < native: K/V mean-pooled per group
  int layers = 1;                  // random model only; builtin and checkpoints bring their own
  Positional positional = Positional::Sinusoidal;
  MaskSpec mask;
  bool scale = true;               // multiply scores by 1/sqrt(d_k)
  float temperature = 1.0f;        // logits are divided by it; in [kMinTemperature, kMaxTemperature]
  bool operator==(const Request&) const = default;
};

std::string_view ToString(Positional p);   // "none", "sinusoidal", "rope", "alibi", "learned"
std::string_view ToString(MaskPattern m);  // "full", "sliding", "global-local", "block-sparse"
std::optional<Positional> ParsePositional(std::string_view s);
std::optional<MaskPattern> ParseMaskPattern(std::string_view s);

// A short human description of the mask, e.g. "causal + sliding w=3".
std::string DescribeMask(const MaskSpec& m);

// Checks everything that can be checked without tokenizing or loading a model.
// Throws InputError with one line naming the option, the value and what is allowed.
void ValidateRequest(const Request& r);

}  // namespace attnviz
