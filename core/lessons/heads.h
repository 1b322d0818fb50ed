// The `heads` lesson (chapter 3): every head of the model at once, what each
// one measurably does, and what several heads do for a token that one cannot.
//
// For every (layer, head), over all query rows of the trace:
//   - mean entropy of the row (nats; 0 = one-hot, ln k = even over k keys),
//   - mean attention distance Σ_j w_ij |i − j|,
//   - mean weight on the token itself, on the previous token, on the first token,
//   - a thumbnail: the weights max-pooled into at most `thumb` x `thumb` blocks
//     (every cell when N <= thumb), for the model view's grid.
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

struct HeadsParams {
  int layer = 0;    // the layer of the "one against several" part (0-based)
  int query = -1;   // its token; -1 = the last one
  int thumb = 48;   // thumbnail size, 4..256
  bool summaries = true;  // false: only the query part and the chosen layer's sentence targets (no L·H pass)
};

struct HeadSummary {
  int layer = 0, head = 0;
  std::string role;                 // the built-in model's name for it ("" for others)
  double entropy = 0;               // mean row entropy (nats), non-empty rows
  double distance = 0;              // mean Σ_j w_ij |i − j|
  double self = 0;                  // mean w_ii
  double previous = 0;              // mean w_i,i−1 over rows i >= 1
  double first = 0;                 // mean w_i,0
  int thumb_rows = 0, thumb_cols = 0;
  std::vector<float> thumb;         // (thumb_rows, thumb_cols) max-pooled weights, row-major
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

// Max-pools a (rows, cols) row-major matrix into at most (size, size) blocks:
// block (a, b) covers rows [a·rows/R, (a+1)·rows/R) (R = min(rows, size)), the same for columns.
std::vector<float> MaxPoolMatrix(const float* m, int rows, int cols, int size, int* out_rows, int* out_cols);

nlohmann::json ToJson(const HeadsLesson& h);

}  // namespace attnviz::lessons
