// The `sparse` lesson (chapter 7): three sparse patterns side by side on the
// sentence, and what each really saves.
//
// Sliding window (Mistral; Longformer's local part), global + local (Longformer,
// BigBird: a few tokens that read and are read by everyone) and fixed block-
// sparse (Child et al. 2019: blocks plus one summary position per block), each
// with the request's window, globals, block and causal setting. For each:
//   - density: the share of (query, key) pairs the mask keeps;
//   - the work really skipped: the engine's attention kernel run on the
//     pattern's Q, K, V reports how many (query tile, key tile) blocks it
//     computed and how many the mask left empty and it never touched
//     (AttentionWork); the readable one-head tiled reference does the same at a
//     tile size you choose (TileStats), so a short sentence shows it too;
//   - the difference from full attention after renormalisation: each kept
//     key's weight grows by 1 / (kept share) in the first layer, so the share of
//     attention that moved equals the weight full attention had put on the
//     dropped keys;
//   - with a loaded model (one with a vocabulary: GPT-2), what the pattern does
//     to the model's next-token prediction: every layer runs under the pattern
//     (ANDed with the model's own causal mask, as the engine does for a model
//     trained causal), and KL(p_full || p_sparse) of the two next-token
//     distributions over the whole vocabulary, with the top tokens before and
//     after, from each trace's final residual through the model's final norm
//     and unembedding (core/forward.h: the same path as the next-token panel).
//     The built-in model has no vocabulary: next_available is false and the
//     chapter says why.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/attention/attention_batch.h"
#include "core/cancel.h"
#include "core/model/model.h"
#include "core/request.h"
#include "core/trace.h"

namespace attnviz {
class Engine;
}

namespace attnviz::lessons {

// Allowed (query, key) pairs of a mask over n tokens, counted row by row in
// O(n (1 + |globals|)) (no n x n walk: the cost curves go to 2^20 tokens).
double CountAllowedPairs(const MaskSpec& mask, long n);

struct SparseParams {
  int layer = 0, head = 0;
  int tile = 8;             // the tiled reference's tile size (queries = keys)
  int top = 5;              // next tokens listed before and after (1..50)
};

// One candidate next token and its probability with and without the pattern.
struct SparseNextToken {
  int id = -1;
  std::string text;         // as a person reads it (DisplayToken of its bytes)
  double p_full = 0;        // full (causal) attention
  double p_sparse = 0;      // under the pattern
};

// KL(p || q) = Σ_v p_v ln(p_v / q_v) in nats, over v with p_v > 0.
double KlDivergence(const std::vector<double>& p, const std::vector<double>& q);

struct SparseHeadChange {
  int head = 0;
  std::string role;
  double max_abs_diff = 0;  // against full attention
  double mean_tv = 0;       // attention moved (first layer: the weight on dropped keys)
};

struct SparsePattern {
  std::string name;                  // "sliding", "global-local", "block-sparse"
  MaskSpec mask;
  double pairs_allowed = 0, pairs_total = 0, density = 0;
  AttentionWork kernel;              // the engine's kernel over the layer's heads
  int tile = 0;
  long tiles_total = 0, tiles_skipped = 0;  // the tiled reference, one head
  double tiled_max_abs_diff = 0;     // its output against the trace's
  std::vector<SparseHeadChange> heads;
  TracePtr trace;
  // -- next token (next_available only)
  double kl = 0;                          // KL(p_full || p_sparse), nats
  double top_changed = 0;                 // total variation ½ Σ |p_full − p_sparse|
  std::vector<SparseNextToken> top;       // (top) the pattern's most likely next tokens
  std::vector<SparseNextToken> before;    // (top) full attention's most likely, with p under the pattern
};

struct SparseLesson {
  int n = 0, layer = 0, head = 0, tile = 0;
  bool causal = false;
  TracePtr full;
  AttentionWork full_kernel;
  bool next_available = false;            // the model predicts a next token (a loaded model)
  std::vector<SparseNextToken> full_top;  // (top) full attention's most likely next tokens, p_sparse unset
  std::vector<SparsePattern> patterns;  // sliding, global-local, block-sparse
};

SparseLesson RunSparseLesson(Engine& engine, const Request& request, const SparseParams& p,
                             const CancelToken* cancel = nullptr);

nlohmann::json ToJson(const SparseLesson& l);

}  // namespace attnviz::lessons
