// The `heads` lesson (chapter 3): every head of the model at once, what each
// one measurably does, and what several heads do for a token that one cannot.
//
// For every (layer, head), over all query rows of the trace:
//   - mean entropy of the row (nats; 0 = one-hot, ln k = even over k keys),
//   - mean attention distance Σ_j w_ij |i − j|,
//   - mean weight on the token itself, on the previous token, on the first token,
//   - a thumbnail: the weights max-pooled into at most `thumb` x `thumb` texels
//     (every cell when N <= thumb), for the model view's grid. The window asks
//     for its thumbnails at the grid's cell size in pixels, so each texel is at
//     least one pixel and pooling (core/figure/pool.h: square f x f blocks,
//     edge blocks partial, each the maximum of its allowed cells) is the only
//     loss: a strong weight in any cell always shows. Each head's rows are
//     computed block by block and pooled as they stream past; no head's N x N
//     matrix is ever whole (GPT-2 small at N = 1,024: 144 heads would be 600 MB).
// For one query token at one layer ("one head against several"):
//   - each head's strongest key and its weight,
//   - the distinct keys they pick (the targets) and, for each, the best weight
//     any head gives it against the weight it gets in the heads' average row:
//     one softmax row asked to cover k different targets can give each about
//     1/k, so it blurs them into one average of values; H heads deliver each
//     target's value at full weight, in its own slice of the concatenation,
//     where W_o can still tell them apart;
//   - over the whole sentence, the mean number of distinct targets per token.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/cancel.h"
#include "core/figure/figure.h"
#include "core/request.h"
#include "core/trace.h"

namespace attnviz {
class Engine;
}

namespace attnviz::lessons {

struct HeadsParams {
  int layer = 0;    // the layer of the "one against several" part (0-based)
  int query = -1;   // its token; -1 = the last one
  int thumb = 48;   // thumbnail size, 4..256
  bool summaries = true;  // false: only the query part and the chosen layer's sentence targets (no L·H pass)
  int threads = 0;  // threads of the L·H pass (0 = the shared pool's; 1 = one core, for measuring)
};

// The pooling factor of a thumbnail of an N x N head asked at `thumb` texels a
// side: PoolFactorFor(n, thumb). Two budgets with the same factor give the same
// thumbnails (the window keys its job on this, not on the pixel size).
int ThumbFactor(int n, int thumb);

struct HeadSummary {
  int layer = 0, head = 0;
  std::string role;                 // the built-in model's name for it ("" for others)
  double entropy = 0;               // mean row entropy (nats), non-empty rows
  double distance = 0;              // mean Σ_j w_ij |i − j|
  double self = 0;                  // mean w_ii
  double previous = 0;              // mean w_i,i−1 over rows i >= 1
  double first = 0;                 // mean w_i,0
  int thumb_rows = 0, thumb_cols = 0;  // ceil(N / thumb_factor)
  int thumb_factor = 1;             // source rows (= columns) per texel
  std::vector<float> thumb;         // (thumb_rows, thumb_cols) max-pooled weights, row-major; 0 where !thumb_valid
  std::vector<std::uint8_t> thumb_valid;  // (thumb_rows, thumb_cols) 1 when the block holds an allowed cell
};

struct HeadTarget {
  int key = 0;                      // token index
  int best_head = 0;                // the head that gives it the most weight
  float best_weight = 0;
  float mean_weight = 0;            // its weight in the average of the heads' rows
  std::vector<int> heads;           // every head whose strongest key it is
};

struct HeadsLesson {
  int n = 0, layers = 0, heads = 0, d_model = 0, d_k = 0;
  std::vector<std::string> tokens;  // (N)
  std::vector<HeadSummary> summary; // (L·H) layer-major
  // -- one against several, at (layer, query)
  int layer = 0, query = 0;
  Mat rows;                         // (H, N) each head's weights from the query
  std::vector<int> top_key;         // (H) each head's strongest key (-1 for an empty row)
  std::vector<float> top_weight;    // (H)
  std::vector<float> mean_row;      // (N) the heads' rows averaged: one softmax doing every job
  std::vector<HeadTarget> targets;  // distinct strongest keys, in token order
  float mean_row_max = 0;           // largest weight of the average row
  double mean_row_entropy = 0;      // its entropy (nats)
  double head_entropy = 0;          // the heads' rows' mean entropy at this query
  double sentence_targets = 0;      // mean over the sentence's tokens of distinct strongest keys (this layer)
};

HeadsLesson ComputeHeadsLesson(const Trace& t, const HeadsParams& p, const CancelToken* cancel = nullptr);
HeadsLesson RunHeadsLesson(Engine& engine, const Request& request, const HeadsParams& p,
                           const CancelToken* cancel = nullptr);

nlohmann::json ToJson(const HeadsLesson& h);

// The model view as a slide: every head's thumbnail (the pooled texels the
// window shows, masked blocks hatched), one row of panels per layer, titled
// "L1 · H0 role" as on screen, on one colour range [0, vmax]. The figure
// keeps `lesson` alive. Needs the summaries (HeadsParams::summaries).
HeadGridFigure MakeModelViewFigure(std::shared_ptr<const HeadsLesson> lesson, Colormap map, float vmax,
                                   std::string subtitle);

}  // namespace attnviz::lessons
