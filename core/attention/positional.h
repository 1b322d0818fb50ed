// Positional information (SPEC.md "Positional information").
#pragma once
#include <vector>

#include "core/types.h"

namespace attnviz {

// PE[p, 2i] = sin(p / 10000^(2i/D)), PE[p, 2i+1] = cos(p / 10000^(2i/D)): (n, d_model).
Mat SinusoidalEncoding(int n, int d_model);

// Rotates each row p of x (n, dk) in interleaved pairs (RoFormer):
// theta_i = 10000^(-2i/dk), angle p*theta_i. dk must be even (checked by the request).
void ApplyRope(Mat& x);

// ALiBi slopes for H heads (Press et al.): H a power of two: m_h = 2^(-8(h+1)/H);
// otherwise the slopes of the lower power of two P, then every other slope of 2P.
std::vector<float> AlibiSlopes(int heads);

// bias[i, j] = -slope * |i - j|: (n, n).
Mat AlibiBias(int n, float slope);

}  // namespace attnviz
