// Positional information (SPEC.md "Positional information").
#pragma once
#include <vector>

#include "core/types.h"

namespace attnviz {

// PE[p, 2i] = sin(p / 10000^(2i/D)), PE[p, 2i+1] = cos(p / 10000^(2i/D)): (n, d_model).
Mat SinusoidalEncoding(int n, int d_model);

// Rotary positions as a model applies them.
enum class RopePairing {
  Interleaved,  // pairs (2i, 2i+1): RoFormer, SPEC.md "Positional information"
  HalfSplit,    // pairs (i, i + dk/2): Hugging Face's rotate_half (Llama family)
};

struct RopeSpec {
  double theta = 10000.0;                      // inv_freq_i = theta^(-2i/dk) (rope_theta)
  RopePairing pairing = RopePairing::Interleaved;
  // rope_scaling {"rope_type": "llama3"} (Llama 3.1/3.2): wavelengths longer
  // than original/low_freq_factor are divided by `factor`, those shorter than
  // original/high_freq_factor kept, the band between interpolated, as
  // transformers' _compute_llama3_parameters does. factor 0 = no scaling.
  double llama3_factor = 0;
  double llama3_low_freq_factor = 1;
  double llama3_high_freq_factor = 4;
  double llama3_original_max_positions = 8192;
  // Angles as Hugging Face computes them: inv_freq in float32 and p * inv_freq
  // rounded to float32 before cos/sin (LlamaRotaryEmbedding), so a checkpoint
  // sees the rotations it was trained with to the last bit; false: in double
  // (the built-in model, SPEC.md).
  bool float32_angles = false;
  bool operator==(const RopeSpec&) const = default;
};

// The rotation frequency of each pair i < dk/2 (the spec's theta and scaling).
std::vector<double> RopeFrequencies(const RopeSpec& spec, int dk);

// Rotates each row of x (rows, dk) by its position: row r is position r % period
// (period 0: r), pair i by angle p * freq_i (RopeFrequencies). dk must be even
// (checked by the request and the loaders).
void ApplyRope(Mat& x, const RopeSpec& spec = {}, int period = 0);
// One row x (dk) at position p, with freq = RopeFrequencies(spec, dk).
void ApplyRopeRow(float* x, int dk, const std::vector<double>& freq, const RopeSpec& spec, int p);

// ALiBi slopes for H heads (Press et al.): H a power of two: m_h = 2^(-8(h+1)/H);
// otherwise the slopes of the lower power of two P, then every other slope of 2P.
std::vector<float> AlibiSlopes(int heads);

// bias[i, j] = -slope * |i - j|: (n, n).
Mat AlibiBias(int n, float slope);

}  // namespace attnviz
