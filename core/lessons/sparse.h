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
//     dropped keys.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/attention/attention_batch.h"
#include "core/cancel.h"
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
};

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
};

struct SparseLesson {
  int n = 0, layer = 0, head = 0, tile = 0;
  bool causal = false;
  TracePtr full;
  AttentionWork full_kernel;
  std::vector<SparsePattern> patterns;  // sliding, global-local, block-sparse
};

SparseLesson RunSparseLesson(Engine& engine, const Request& request, const SparseParams& p,
                             const CancelToken* cancel = nullptr);

nlohmann::json ToJson(const SparseLesson& l);

}  // namespace attnviz::lessons
