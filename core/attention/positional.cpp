#include "core/attention/positional.h"

#include <cmath>
#include <cstdlib>

namespace attnviz {

Mat SinusoidalEncoding(int n, int d_model) {
  Mat pe(n, d_model);
  for (int p = 0; p < n; ++p) {
    for (int d = 0; d < d_model; ++d) {
      const int i2 = d - (d % 2);  // 2i for both members of a pair
      // Angles in double: p * 10000^(-2i/D) at p ~ 4096 loses digits in float.
      const double angle = p * std::pow(10000.0, -static_cast<double>(i2) / d_model);
      pe(p, d) = static_cast<float>(d % 2 == 0 ? std::sin(angle) : std::cos(angle));
    }
  }
  return pe;
}

void ApplyRope(Mat& x) {
  const int dk = static_cast<int>(x.cols());
  for (int p = 0; p < x.rows(); ++p) {
    for (int i = 0; 2 * i + 1 < dk; ++i) {
      const double theta = std::pow(10000.0, -2.0 * i / dk);
      const double c = std::cos(p * theta), s = std::sin(p * theta);
      const double a = x(p, 2 * i), b = x(p, 2 * i + 1);
      x(p, 2 * i) = static_cast<float>(a * c - b * s);
      x(p, 2 * i + 1) = static_cast<float>(a * s + b * c);
    }
  }
}

namespace {
std::vector<double> PowerOfTwoSlopes(int h) {
  std::vector<double> s(h);
  for (int k = 0; k < h; ++k) s[k] = std::pow(2.0, -8.0 * (k + 1) / h);
  return s;
}
}  // namespace

std::vector<float> AlibiSlopes(int heads) {
  if (heads <= 0) return {};
  int p = 1;
  while (p * 2 <= heads) p *= 2;
  std::vector<double> slopes = PowerOfTwoSlopes(p);
  if (p != heads) {
    // Press et al.: interleave every other slope of the next power of two.
    const std::vector<double> extra = PowerOfTwoSlopes(2 * p);
    for (std::size_t k = 0; k < extra.size() && static_cast<int>(slopes.size()) < heads; k += 2) slopes.push_back(extra[k]);
  }
  return std::vector<float>(slopes.begin(), slopes.end());
}

Mat AlibiBias(int n, float slope) {
  Mat b(n, n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) b(i, j) = -slope * static_cast<float>(std::abs(i - j));
  return b;
}

}  // namespace attnviz
