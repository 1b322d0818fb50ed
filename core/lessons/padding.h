// The `padding` lesson (chapter 4): two sentences of different lengths in one
// batch, padded to one length L, with and without the padding mask.
//
// A batch is a rectangle, so the shorter sentence is filled with [pad] tokens,
// after its text (right padding, the usual choice for encoders) or before it
// (left padding, the usual choice for decoders generating in a batch). A pad's
// token embedding is the zero vector (PyTorch's padding_idx); what reaches the
// layer is its position alone (sinusoidal or learned; nothing without them),
// at its own index after the text (right padding) or at position 0 (left
// padding, where the real tokens keep positions 0..n−1). Its query, key and
// value are that input's projections.
//   - With the padding mask (key j allowed only when j is a real token, AND-ed
//     with the request's own mask over the padded positions), every real
//     token's weights and output are exactly those of its sentence run alone:
//     the batch changes nothing.
//   - Without it, real tokens also attend to the pads: weight leaks onto them
//     (a pad's key scores like any other key) and their values are mixed in,
//     so the same sentence gives a different result depending on how long its
//     batch mates are.
//   - Left padding with a causal mask leaves the pads' own query rows with no
//     allowed key at all: every logit is −∞, and a naive softmax computes
//     exp(−∞ − (−∞)) = exp(NaN). The engine's rule (SPEC) gives such a row zero
//     weights and a zero output instead, and lists it as empty.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/cancel.h"
#include "core/request.h"
#include "core/trace.h"

namespace attnviz {
class Engine;
}

namespace attnviz::lessons {

inline constexpr int kPaddingMaxTokens = 2048;
inline constexpr const char* kDefaultSecondText = "A short one.";

struct PaddingParams {
  int layer = 0, head = 0;
  std::string second = kDefaultSecondText;  // the batch's other sentence
  bool left = false;                        // pad before the text instead of after it
};

struct PaddedSequence {
  int length = 0;                       // real tokens
  int pad_before = 0;                   // pads in front (left padding), else 0
  std::vector<std::string> tokens;      // (L) real tokens and "[pad]"
  std::vector<std::uint8_t> is_pad;     // (L)
  MaskMat mask_with;                    // (L, L) request mask AND key is real
  MaskMat mask_without;                 // (L, L) request mask only
  Mat weights_with;                     // (L, L)
  Mat weights_without;                  // (L, L)
  Mat output_with;                      // (L, dv)
  Mat output_without;                   // (L, dv)
  std::vector<float> leak;              // (L) weight on pad keys without the mask (0 for pad queries)
  std::vector<int> empty_rows_with;     // query rows with no allowed key under the padding mask
  double max_leak = 0;                  // over real queries
  double alone_error_with = 0;          // max |output_with − output alone| over real tokens (float rounding)
  double alone_error_without = 0;       // the same without the padding mask (what goes wrong)
};

struct PaddingLesson {
  int padded_length = 0;                // L
  int layer = 0, head = 0;
  bool left = false;
  std::string mask;                     // the request's mask, e.g. "causal"
  std::vector<PaddedSequence> batch;    // the typed sentence, then the second one
};

// One sentence's head inputs: what its trace holds for its real tokens, and
// what a pad would contribute at each padded index.
struct PaddingInput {
  std::vector<std::string> tokens;      // (n)
  Mat Q, K, V;                          // (n, dk) after RoPE when on
  Mat output;                           // (n, dv) the head's output when the sentence runs alone
  Mat pad_Q, pad_K, pad_V;              // (L, dk) a pad's query, key, value if it sat at padded index i
};

// The batch from its sentences' inputs (every pad_* has L rows, L = the longest
// sentence). `alibi_slope` adds −m|i − j| over padded indices.
PaddingLesson ComputePaddingLesson(const std::vector<PaddingInput>& inputs, const MaskSpec& mask, bool left,
                                   float alibi_slope, float scale, float temperature);

PaddingLesson RunPaddingLesson(Engine& engine, const Request& request, const PaddingParams& p,
                               const CancelToken* cancel = nullptr);

nlohmann::json ToJson(const PaddingLesson& p);

}  // namespace attnviz::lessons
