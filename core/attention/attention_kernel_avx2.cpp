// The tiled attention kernel for AVX2 + FMA (compiled with -mavx2 -mfma for
// this file only; see attention_kernel_avx512.cpp for why it is isolated).
#include "core/attention/attention_kernel.h"

#if defined(__x86_64__) && defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

namespace attnviz::kernel::avx2 {
namespace {

// [SECTION] Vector layer
// 16 ymm registers: 6 rows x 2 vectors = 12 accumulators, 2 loads.
using V = __m256;
constexpr int kW = 8;
constexpr int kQkNv = 2;
constexpr int kPvNv = 2;

inline V VLoad(const float* p) { return _mm256_loadu_ps(p); }
inline void VStore(float* p, V v) { _mm256_storeu_ps(p, v); }
inline V VSet1(float x) { return _mm256_set1_ps(x); }
inline V VZero() { return _mm256_setzero_ps(); }
inline V VAdd(V a, V b) { return _mm256_add_ps(a, b); }
inline V VSub(V a, V b) { return _mm256_sub_ps(a, b); }
inline V VMul(V a, V b) { return _mm256_mul_ps(a, b); }
inline V VFma(V a, V b, V c) { return _mm256_fmadd_ps(a, b, c); }
inline V VMax(V a, V b) { return _mm256_max_ps(a, b); }
inline V VMin(V a, V b) { return _mm256_min_ps(a, b); }
inline V VAbs(V a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a); }
inline V VIota() { return _mm256_setr_ps(0, 1, 2, 3, 4, 5, 6, 7); }
inline V VMaskBits(V s, unsigned bits, V fill) {
  const __m256i lane = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
  const __m256i on = _mm256_cmpeq_epi32(_mm256_and_si256(_mm256_set1_epi32(static_cast<int>(bits)), lane), lane);
  return _mm256_blendv_ps(fill, s, _mm256_castsi256_ps(on));
}
inline float VHMax(V a) {
  __m128 m = _mm_max_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
  m = _mm_max_ps(m, _mm_movehl_ps(m, m));
  m = _mm_max_ss(m, _mm_shuffle_ps(m, m, 1));
  return _mm_cvtss_f32(m);
}
inline float VHSum(V a) {
  __m128 m = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
  m = _mm_add_ps(m, _mm_movehl_ps(m, m));
  m = _mm_add_ss(m, _mm_shuffle_ps(m, m, 1));
  return _mm_cvtss_f32(m);
}
inline V VRound(V x) { return _mm256_round_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
// p * 2^n in two exact-exponent steps 2^(n>>1) * 2^(n - (n>>1)): each factor is
// a normal float for |n| <= 252, and only the last product rounds (gradual underflow).
inline V VLdexp(V p, V n) {
  const __m256i ni = _mm256_cvtps_epi32(n);
  const __m256i n1 = _mm256_srai_epi32(ni, 1);
  const __m256i n2 = _mm256_sub_epi32(ni, n1);
  const __m256i bias = _mm256_set1_epi32(127);
  const V s1 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n1, bias), 23));
  const V s2 = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(n2, bias), 23));
  return _mm256_mul_ps(_mm256_mul_ps(p, s1), s2);
}

#include "core/attention/attention_kernel_body.inc"

}  // namespace
}  // namespace attnviz::kernel::avx2

namespace attnviz::kernel {
void RunBlockAvx2(const Problem& p, int h, int i0, int i1, const Scratch& s, BlockWork* w) { avx2::RunBlock(p, h, i0, i1, s, w); }
void ExpArrayAvx2(const float* x, float* y, long n) { avx2::ExpArray(x, y, n); }
double FmaLoopAvx2(long iters) { return avx2::FmaLoop(iters); }
}  // namespace attnviz::kernel

#else

namespace attnviz::kernel {
void RunBlockAvx2(const Problem&, int, int, int, const Scratch&, BlockWork*) { __builtin_trap(); }
void ExpArrayAvx2(const float*, float*, long) { __builtin_trap(); }
double FmaLoopAvx2(long) { __builtin_trap(); }
}  // namespace attnviz::kernel

#endif
