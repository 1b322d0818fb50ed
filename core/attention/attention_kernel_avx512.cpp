// The tiled attention kernel for AVX-512F/DQ/BW/VL + FMA. This file alone is
// compiled with those -m flags (core/CMakeLists.txt); it runs only after
// KernelIsaSupported(KernelIsa::Avx512) said yes. It includes nothing but
// intrinsics and plain-data headers, and the kernel sits in an unnamed
// namespace, so no AVX-512 code can leak into another path (attention_kernel.h).
#include "core/attention/attention_kernel.h"

#if defined(__x86_64__) && defined(__AVX512F__)
// GCC 12's _mm512_undefined_ps (inside _mm512_max_ps, _mm512_scalef_ps, ...) reads
// an uninitialised variable on purpose and warns about it at every use (GCC PR
// 105593, fixed in 12.3). The same kernel body compiles with these warnings on
// in the AVX2 and portable files, so nothing of ours goes unchecked.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>

namespace attnviz::kernel::avx512 {
namespace {

// [SECTION] Vector layer
using V = __m512;
constexpr int kW = 16;
constexpr int kQkNv = 4;  // 6 rows x 4 vectors = one 64-key chunk, 24 zmm accumulators
constexpr int kPvNv = 4;  // 6 rows x 64 output columns

inline V VLoad(const float* p) { return _mm512_loadu_ps(p); }
inline void VStore(float* p, V v) { _mm512_storeu_ps(p, v); }
inline V VSet1(float x) { return _mm512_set1_ps(x); }
inline V VZero() { return _mm512_setzero_ps(); }
inline V VAdd(V a, V b) { return _mm512_add_ps(a, b); }
inline V VSub(V a, V b) { return _mm512_sub_ps(a, b); }
inline V VMul(V a, V b) { return _mm512_mul_ps(a, b); }
inline V VFma(V a, V b, V c) { return _mm512_fmadd_ps(a, b, c); }
inline V VMax(V a, V b) { return _mm512_max_ps(a, b); }
inline V VMin(V a, V b) { return _mm512_min_ps(a, b); }
inline V VAbs(V a) { return _mm512_abs_ps(a); }
inline V VIota() { return _mm512_setr_ps(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15); }
inline V VMaskBits(V s, unsigned bits, V fill) { return _mm512_mask_blend_ps(static_cast<__mmask16>(bits), fill, s); }
inline float VHMax(V a) { return _mm512_reduce_max_ps(a); }
inline float VHSum(V a) { return _mm512_reduce_add_ps(a); }
inline V VRound(V x) { return _mm512_roundscale_ps(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
// scalef rounds once, also into the subnormal range, and overflows to +inf.
inline V VLdexp(V p, V n) { return _mm512_scalef_ps(p, n); }

#include "core/attention/attention_kernel_body.inc"

}  // namespace
}  // namespace attnviz::kernel::avx512

namespace attnviz::kernel {
void RunBlockAvx512(const Problem& p, int h, int i0, int i1, const Scratch& s, BlockWork* w) { avx512::RunBlock(p, h, i0, i1, s, w); }
void ExpArrayAvx512(const float* x, float* y, long n) { avx512::ExpArray(x, y, n); }
double FmaLoopAvx512(long iters) { return avx512::FmaLoop(iters); }
}  // namespace attnviz::kernel

#else  // not built for AVX-512 (another architecture): never called, KernelIsaSupported says no

namespace attnviz::kernel {
void RunBlockAvx512(const Problem&, int, int, int, const Scratch&, BlockWork*) { __builtin_trap(); }
void ExpArrayAvx512(const float*, float*, long) { __builtin_trap(); }
double FmaLoopAvx512(long) { __builtin_trap(); }
}  // namespace attnviz::kernel

#endif
