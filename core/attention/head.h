// One attention head, step by step: scores -> logits -> weights -> output.
#pragma once
#include <vector>

#include "core/types.h"

namespace attnviz {

struct HeadSteps {
  Mat scores;   // (N, N) Q K^T
  Mat logits;   // (N, N) (s*scores + bias)/T where allowed, 0 where masked
  Mat weights;  // (N, N) row softmax over allowed keys, max-subtracted; exactly 0 where masked
  Mat output;   // (N, dv) weights V
  std::vector<int> empty_rows;
  bool finite = true;  // false when scores, logits or output overflowed float
};

// q: (N, dk), k: (N, dk), v: (N, dv), mask: (N, N), bias: (N, N) or empty for zeros.
// scale_factor is 1/sqrt(dk) or 1; temperature > 0.
HeadSteps ComputeHeadSteps(const Mat& q, const Mat& k, const Mat& v, const MaskMat& mask,
                           const Mat& bias, float scale_factor, float temperature);

// Row softmax of `logits` over entries where mask is 1, written into `weights`.
// Returns false when the row has no allowed entry (then the row is all zeros).
bool MaskedSoftmaxRow(const float* logits, const std::uint8_t* mask, int n, float* weights);

}  // namespace attnviz
