#include "core/attention/head.h"

#include <cmath>
#include <limits>

namespace attnviz {

bool MaskedSoftmaxRow(const float* logits, const std::uint8_t* mask, int n, float* weights) {
  // Max-subtracted softmax: exp never sees a positive argument, so logits of any
  // finite size (1e4, 1e30) cannot overflow; the row sum is accumulated in double.
  float max = -std::numeric_limits<float>::infinity();
  bool any = false;
  for (int j = 0; j < n; ++j)
    if (mask[j]) { max = std::max(max, logits[j]); any = true; }
  if (!any) {
    for (int j = 0; j < n; ++j) weights[j] = 0.0f;
    return false;
  }
  double sum = 0.0;
  for (int j = 0; j < n; ++j) {
    if (mask[j]) {
      const float e = std::exp(logits[j] - max);
      weights[j] = e;
      sum += e;
    } else {
      weights[j] = 0.0f;  // exactly zero, not exp(-inf)
    }
  }
  // sum >= 1 because the max element contributes exp(0) = 1.
  const double inv = 1.0 / sum;
  for (int j = 0; j < n; ++j)
    if (mask[j]) weights[j] = static_cast<float>(weights[j] * inv);
  return true;
}

HeadSteps ComputeHeadSteps(const Mat& q, const Mat& k, const Mat& v, const MaskMat& mask, const Mat& bias,
                           float scale_factor, float temperature) {
  const int n = static_cast<int>(q.rows());
  HeadSteps s;
  s.scores.noalias() = q * k.transpose();  // (N, N)
  s.logits.resize(n, n);
  s.weights.resize(n, n);
  const bool has_bias = bias.size() != 0;
  const float inv_t = 1.0f / temperature;
  for (int i = 0; i < n; ++i) {
    const std::uint8_t* m = &mask(i, 0);
    float* lg = &s.logits(i, 0);
    for (int j = 0; j < n; ++j) {
      // Masked logits are stored as 0 (never -inf): the mask says which are real.
      lg[j] = m[j] ? (scale_factor * s.scores(i, j) + (has_bias ? bias(i, j) : 0.0f)) * inv_t : 0.0f;
    }
    if (!MaskedSoftmaxRow(lg, m, n, &s.weights(i, 0))) s.empty_rows.push_back(i);
  }
  s.output.noalias() = s.weights * v;  // (N, dv); empty rows give zero output
  return s;
}

}  // namespace attnviz
