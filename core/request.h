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
  // A model's own sliding window (Mistral's sliding_window W): keys with
  // i - j >= W are never allowed, whatever the pattern; 0 = none. Set by the
  // forward pass from the model, never by a person.
  int model_window = 0;
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

// Global-token lists: the one rule for the CLI (--globals 0,5), the window's
// globals field and the settings file. Token indices in 0..kMaxTokens-1, at
// most kMaxTokens of them; a repeated index counts once (the first stays, in
// order). Indices past the sentence's last token are allowed here and ignored
// by the mask (with a note in the trace), since the text may still grow.
std::optional<std::vector<int>> GlobalTokensFrom(const std::vector<long long>& indices);
// "0,5", "0, 5" or "0 5" -> {0, 5}; "" or "none" -> {}; one trailing comma is
// allowed ("0," -> {0}: a list being typed). An empty item ("0,,5", ",5"), a
// sign, or anything that is not a whole number is nullopt.
std::optional<std::vector<int>> ParseGlobalTokens(std::string_view text);
// {0, 5} -> "0,5" (what ParseGlobalTokens reads back).
std::string FormatGlobalTokens(const std::vector<int>& globals);

// The Request field a problem is about, so the window can show the message
// under that control (never by matching the message's words).
enum class RequestField { None, DModel, Heads, KvHeads, Layers, Temperature, Positional, Window, Block, Globals };

struct RequestProblem {
  RequestField field = RequestField::None;  // None: no problem
  std::string message;                      // one line: the option, the value and what is allowed
  explicit operator bool() const { return field != RequestField::None; }
};

// Checks everything that can be checked without tokenizing or loading a model;
// the first problem found, or field None.
RequestProblem FindRequestProblem(const Request& r);
// The same, thrown as InputError(message) (the engine and the CLI).
void ValidateRequest(const Request& r);

}  // namespace attnviz
