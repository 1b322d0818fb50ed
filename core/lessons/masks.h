// The `masks` lesson (chapter 4): one head's logits under the masks of the
// three architectures, side by side on the same sentence.
//
//   bidirectional (encoder, BERT)   every key the pattern allows
//   causal (decoder, GPT)           only keys j <= i
//   prefix-LM (T5's prefix LM, UniLM)  keys j < P fully visible, then causal
//
// The logits (s·score + bias)/T do not depend on the mask: a mask only decides
// which of them enter the softmax. A masked logit is −∞, so exp(−∞) = 0: the
// softmax renormalises what remains. For a query row, the causal weights are
// exactly the bidirectional ones restricted to j <= i and divided by the mass
// they kept,  w_causal[j] = w_bi[j] / Σ_{j' <= i} w_bi[j'],  and the lesson
// reports that mass and the largest deviation from the identity.
//
// The variants share the user's mask pattern (sliding window, global-local,
// block-sparse: its bidirectional form), so a pattern shows in all three.
// They are applied to the chosen layer's own logits; in a model of several
// layers the mask would also change what earlier layers hand this one (the
// lesson notes that). Matrices past kMasksMaxSide tokens are max-pooled for
// display; the query row is always exact.
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

inline constexpr int kMasksMaxSide = 1024;

struct MasksParams {
  int layer = 0, head = 0;
  int prefix = -1;  // P, tokens of the prefix-LM's visible prefix; -1 = half the sentence (rounded up)
  int query = -1;   // the row shown in detail; -1 = the last token
};

struct MaskVariant {
  std::string name;                    // "bidirectional", "causal", "prefix-LM"
  std::string models;                  // "BERT, RoBERTa" ...
  int side = 0;                        // rows = cols of the matrices below (N, or pooled)
  int pool = 1;                        // tokens per cell (1 = exact)
  MaskMat mask;                        // (side, side) 1 = allowed (pooled: any allowed in the block)
  Mat weights;                         // (side, side) softmax over allowed keys (pooled: block max)
  long allowed_pairs = 0;              // exact count over N x N
  std::vector<int> empty_rows;         // queries with no allowed key (zero weights, never NaN)
  // The query row, exact (N entries each).
  std::vector<std::uint8_t> row_allowed;
  std::vector<float> row_weights;
  double kept_mass = 0;                // Σ over this variant's allowed keys of the bidirectional weights
  double renorm_error = 0;             // max_j |w[j] − w_bi[j] / kept_mass| over allowed j
};

struct MasksLesson {
  int n = 0, layer = 0, head = 0, prefix = 0, query = 0, layers = 0;
  std::string role, pattern;           // the head's role; the user's pattern without causal
  float scale = 1, temperature = 1;
  std::vector<std::string> tokens;     // (N)
  std::vector<float> row_logits;       // (N) the query's logits before any mask: (s·score + bias)/T
  std::vector<MaskVariant> variants;   // bidirectional, causal, prefix-LM
  std::string note;                    // e.g. the layer > 0 caveat; "" when none
};

MasksLesson ComputeMasksLesson(const Trace& t, const MasksParams& p, const CancelToken* cancel = nullptr);
MasksLesson RunMasksLesson(Engine& engine, const Request& request, const MasksParams& p,
                           const CancelToken* cancel = nullptr);

// The three masks at (i, j) for a pattern (its causal flag ignored) and prefix P.
bool BidirectionalAllows(const MaskSpec& pattern, int i, int j);
bool CausalAllows(const MaskSpec& pattern, int i, int j);
bool PrefixLmAllows(const MaskSpec& pattern, int prefix, int i, int j);

nlohmann::json ToJson(const MasksLesson& m);

}  // namespace attnviz::lessons
