#include "core/lessons/weights_difference.h"

#include <algorithm>
#include <cmath>

namespace attnviz::lessons {

namespace {
constexpr int kRowBlock = 64;
}

WeightsDifference CompareHeadWeights(const Trace& a, const Trace& b, int layer, int head, const std::vector<int>& order,
                                     bool keep_rows, const CancelToken* cancel, HeadMatrix which) {
  const int n = b.n();
  WeightsDifference d;
  if (n == 0 || a.n() != n) return d;
  if (keep_rows) d.row_tv.assign(n, 0.0);
  Mat rb(kRowBlock, n), ra(1, n);
  Mat block_a;  // rows of a in the same order as the block of b (contiguous only without a reorder)
  double tv_sum = 0;
  for (int r0 = 0; r0 < n; r0 += kRowBlock) {
    ThrowIfCancelled(cancel);
    const int rows = std::min(kRowBlock, n - r0);
    b.MatrixRows(layer, head, which, r0, rows, rb.data());
    if (order.empty()) {
      block_a.resize(rows, n);
      a.MatrixRows(layer, head, which, r0, rows, block_a.data());
    }
    for (int k = 0; k < rows; ++k) {
      const float* row_a;
      if (order.empty()) {
        row_a = &block_a(k, 0);
      } else {
        a.MatrixRows(layer, head, which, order[r0 + k], 1, ra.data());
        row_a = ra.data();
      }
      double tv = 0;
      for (int l = 0; l < n; ++l) {
        const double va = row_a[order.empty() ? l : order[l]];
        const double diff = std::abs(static_cast<double>(rb(k, l)) - va);
        d.max_abs = std::max(d.max_abs, diff);
        tv += diff;
      }
      tv *= 0.5;
      tv_sum += tv;
      d.max_tv = std::max(d.max_tv, tv);
      if (keep_rows) d.row_tv[r0 + k] = tv;
    }
  }
  d.mean_tv = tv_sum / n;
  return d;
}

WeightsDifference CompareMatrices(const Mat& a, const Mat& b, bool keep_rows) {
  WeightsDifference d;
  if (a.rows() != b.rows() || a.cols() != b.cols() || a.rows() == 0) return d;
  if (keep_rows) d.row_tv.assign(a.rows(), 0.0);
  double tv_sum = 0;
  for (Eigen::Index i = 0; i < a.rows(); ++i) {
    double tv = 0;
    for (Eigen::Index j = 0; j < a.cols(); ++j) {
      const double diff = std::abs(static_cast<double>(a(i, j)) - b(i, j));
      d.max_abs = std::max(d.max_abs, diff);
      tv += diff;
    }
    tv *= 0.5;
    tv_sum += tv;
    d.max_tv = std::max(d.max_tv, tv);
    if (keep_rows) d.row_tv[i] = tv;
  }
  d.mean_tv = tv_sum / static_cast<double>(a.rows());
  return d;
}

Mat WeightsChange(const Trace& a, const Trace& b, int layer, int head) {
  const MatPtr wa = a.Matrix(layer, head, HeadMatrix::Weights);
  const MatPtr wb = b.Matrix(layer, head, HeadMatrix::Weights);
  return *wb - *wa;
}

double MaxAbsDifference(const Mat& a, const Mat& b) {
  if (a.rows() != b.rows() || a.cols() != b.cols() || a.size() == 0) return 0;
  return static_cast<double>((a - b).cwiseAbs().maxCoeff());
}

double PreviousTokenHits(const Trace& t, int layer, int head, const CancelToken* cancel) {
  const int n = t.n();
  if (n < 2) return 0;
  Mat rows(kRowBlock, n);
  int hits = 0;
  for (int r0 = 0; r0 < n; r0 += kRowBlock) {
    ThrowIfCancelled(cancel);
    const int count = std::min(kRowBlock, n - r0);
    t.MatrixRows(layer, head, HeadMatrix::Weights, r0, count, rows.data());
    for (int k = 0; k < count; ++k) {
      const int i = r0 + k;
      if (i == 0) continue;
      int best = 0;
      for (int j = 1; j < n; ++j)
        if (rows(k, j) > rows(k, best)) best = j;
      hits += best == i - 1 ? 1 : 0;
    }
  }
  return static_cast<double>(hits) / (n - 1);
}

}  // namespace attnviz::lessons
