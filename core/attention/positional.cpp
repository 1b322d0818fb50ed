#include "core/attention/positional.h"

#include <cmath>
#include <cstdlib>
#include <numbers>

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

std::vector<double> RopeFrequencies(const RopeSpec& spec, int dk) {
  const int pairs = dk / 2;
  std::vector<double> f(pairs);
  for (int i = 0; i < pairs; ++i) {
    const double exponent = 2.0 * i / dk;
    f[i] = spec.float32_angles ? static_cast<double>(1.0f / static_cast<float>(std::pow(spec.theta, exponent)))
                               : std::pow(spec.theta, -exponent);
  }
  if (spec.llama3_factor > 0) {
    // transformers' _compute_llama3_parameters, per frequency.
    const double low_wavelen = spec.llama3_original_max_positions / spec.llama3_low_freq_factor;
    const double high_wavelen = spec.llama3_original_max_positions / spec.llama3_high_freq_factor;
    for (double& inv : f) {
      const double wavelen = 2.0 * std::numbers::pi / inv;
      if (wavelen > low_wavelen) {
        inv /= spec.llama3_factor;
      } else if (!(wavelen < high_wavelen)) {
        const double smooth = (spec.llama3_original_max_positions / wavelen - spec.llama3_low_freq_factor) /
                              (spec.llama3_high_freq_factor - spec.llama3_low_freq_factor);
        inv = (1 - smooth) * inv / spec.llama3_factor + smooth * inv;
      }
      if (spec.float32_angles) inv = static_cast<float>(inv);
    }
  }
  return f;
}

void ApplyRopeRow(float* x, int dk, const std::vector<double>& freq, const RopeSpec& spec, int p) {
  const int pairs = dk / 2;
  for (int i = 0; i < pairs; ++i) {
    // float32_angles: position * inv_freq rounded to float, as torch computes
    // it; otherwise in double (p * theta at p ~ 4096 loses digits in float).
    const double angle =
        spec.float32_angles ? static_cast<double>(static_cast<float>(p) * static_cast<float>(freq[i])) : p * freq[i];
    const double c = std::cos(angle), s = std::sin(angle);
    // The pair (a, b) as the model forms it; x' = (a cos - b sin, a sin + b cos).
    const int ia = spec.pairing == RopePairing::Interleaved ? 2 * i : i;
    const int ib = spec.pairing == RopePairing::Interleaved ? 2 * i + 1 : i + pairs;
    if (spec.float32_angles) {
      // torch: q * cos + rotate_half(q) * sin, each product and the sum in float.
      const float cf = static_cast<float>(c), sf = static_cast<float>(s), a = x[ia], b = x[ib];
      x[ia] = a * cf + (-b) * sf;
      x[ib] = b * cf + a * sf;
    } else {
      const double a = x[ia], b = x[ib];
      x[ia] = static_cast<float>(a * c - b * s);
      x[ib] = static_cast<float>(a * s + b * c);
    }
  }
}

void ApplyRope(Mat& x, const RopeSpec& spec, int period) {
  const int dk = static_cast<int>(x.cols());
  const std::vector<double> freq = RopeFrequencies(spec, dk);
  for (int r = 0; r < x.rows(); ++r) ApplyRopeRow(&x(r, 0), dk, freq, spec, period > 0 ? r % period : r);
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
