// How far apart two attention patterns of the same head are: the numbers
// chapters 5-8 put beside a "variant" heatmap (shuffled, pooled, compressed,
// sparse). Two measures, because they answer different questions:
//   max |a - b|      whether anything changed at all (0 means the same numbers)
//   total variation  how much of a row's attention moved elsewhere:
//                    TV_i = 1/2 sum_j |a_ij - b_ij|, in [0, 1] for rows that sum
//                    to 1 (0 = identical, 1 = no overlap at all)
// Rows are compared in blocks (Trace::MatrixRows), so two traces of N = 4096
// never need their whole N x N matrices at once.
#pragma once
#include <vector>

#include "core/cancel.h"
#include "core/trace.h"

namespace attnviz::lessons {

struct WeightsDifference {
  double max_abs = 0;          // max over cells of |a - b|
  double mean_tv = 0;          // mean over rows of TV_i
  double max_tv = 0;           // max over rows of TV_i
  std::vector<double> row_tv;  // (N) TV_i of every row (when asked for)
};

// Weights of (layer, head) in trace b against trace a, row k of b against row
// order[k] of a and column l against column order[l] (order empty = same
// positions). Both traces must have the same N (order: a permutation).
// `which` chooses another matrix (logits: the total variation is then meaningless).
WeightsDifference CompareHeadWeights(const Trace& a, const Trace& b, int layer, int head,
                                     const std::vector<int>& order = {}, bool keep_rows = false,
                                     const CancelToken* cancel = nullptr, HeadMatrix which = HeadMatrix::Weights);

// The same for two matrices already at hand (rows x cols each).
WeightsDifference CompareMatrices(const Mat& a, const Mat& b, bool keep_rows = false);

// b's weights of (layer, head) minus a's, (N, N): the change a variant made
// (pooled, compressed, sparse) where it made it.
Mat WeightsChange(const Trace& a, const Trace& b, int layer, int head);

// max |a - b| over all entries of two same-shaped matrices (outputs, Q, K).
double MaxAbsDifference(const Mat& a, const Mat& b);

// The share of rows i >= 1 whose heaviest key is i - 1 (ties: the first), for
// the weights of (layer, head): what a previous-token head should score ~1 on.
double PreviousTokenHits(const Trace& t, int layer, int head, const CancelToken* cancel = nullptr);

}  // namespace attnviz::lessons
