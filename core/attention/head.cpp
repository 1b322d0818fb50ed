#include "core/attention/head.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace attnviz {

bool MaskedSoftmaxRow(const float* logits, const std::uint8_t* mask, int n, float* weights) {
  // Max-subtracted softmax: exp never sees a positive argument, so logits of any
  // finite size (1e4, 1e30) cannot overflow.
  // Branch-free loops over a 0/1 float copy of the mask, so the compiler vectorises them.
  constexpr float kNegInf = -std::numeric_limits<float>::infinity();
  float max = kNegInf;
  for (int j = 0; j < n; ++j) max = std::max(max, mask[j] ? logits[j] : kNegInf);
  if (max == kNegInf) {  // no allowed key
    for (int j = 0; j < n; ++j) weights[j] = 0.0f;
    return false;
  }
  // Masked entries enter exp as -100 and are then multiplied by 0, so they end
  // up exactly 0 whatever exp returns for them; allowed entries use Eigen's
  // vectorised exp (a few ulps, many times faster than calling expf per entry).
  Eigen::Map<Eigen::ArrayXf> w(weights, n);
  for (int j = 0; j < n; ++j) {
    const float allowed = static_cast<float>(mask[j]);
    weights[j] = allowed * (logits[j] - max) + (1.0f - allowed) * -100.0f;
  }
  w = w.exp();
  for (int j = 0; j < n; ++j) weights[j] *= static_cast<float>(mask[j]);
  // sum >= 1 because the max element contributes exp(0) = 1.
  w *= 1.0f / w.sum();
  return true;
}

namespace {
// True when every entry is finite: 0 * x is 0 for finite x and NaN for inf/NaN,
// and a vectorised sum of those is a single cheap pass.
bool AllFinite(const Mat& m) { return (m.array() * 0.0f).sum() == 0.0f; }
}  // namespace

HeadSteps ComputeHeadSteps(const Mat& q, const Mat& k, const Mat& v, const MaskMat& mask, const Mat& bias,
                           float scale_factor, float temperature) {
  const int n = static_cast<int>(q.rows());
  HeadSteps s;
  s.scores.noalias() = q * k.transpose();  // (N, N)
  const float inv_t = 1.0f / temperature;
  if (bias.size() != 0) s.logits = (scale_factor * s.scores + bias) * inv_t;
  else s.logits = (scale_factor * inv_t) * s.scores;
  s.weights.resize(n, n);
  for (int i = 0; i < n; ++i) {
    const std::uint8_t* m = &mask(i, 0);
    float* lg = &s.logits(i, 0);
    // Masked logits are stored as 0 (never -inf): the mask says which are real.
    for (int j = 0; j < n; ++j) lg[j] = m[j] ? lg[j] : 0.0f;
    if (!MaskedSoftmaxRow(lg, m, n, &s.weights(i, 0))) s.empty_rows.push_back(i);
  }
  s.output.noalias() = s.weights * v;  // (N, dv); empty rows give zero output
  s.finite = AllFinite(s.scores) && AllFinite(s.logits) && AllFinite(s.output);
  return s;
}

}  // namespace attnviz
