// The tiled attention kernel without instruction-set flags: GCC/Clang vector
// extensions of 4 floats (SSE2 on any x86-64, NEON on arm64), the fallback for
// CPUs without AVX2 and the third path every test runs.
#include <cstring>

#include "core/attention/attention_kernel.h"

namespace attnviz::kernel::portable {
namespace {

// [SECTION] Vector layer
typedef float V __attribute__((vector_size(16)));
typedef int VI __attribute__((vector_size(16)));
constexpr int kW = 4;
constexpr int kQkNv = 2;  // 6 x 2 = 12 accumulators of the 16 xmm registers
constexpr int kPvNv = 2;

inline V VLoad(const float* p) {
  V v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline void VStore(float* p, V v) { std::memcpy(p, &v, sizeof v); }
inline V VSet1(float x) { return V{x, x, x, x}; }
inline V VZero() { return V{0, 0, 0, 0}; }
inline V VAdd(V a, V b) { return a + b; }
inline V VSub(V a, V b) { return a - b; }
inline V VMul(V a, V b) { return a * b; }
inline V VFma(V a, V b, V c) { return a * b + c; }
inline V VSelect(VI m, V a, V b) { return (V)(((VI)a & m) | ((VI)b & ~m)); }
inline V VMax(V a, V b) { return VSelect(a > b, a, b); }
inline V VMin(V a, V b) { return VSelect(a < b, a, b); }
inline V VAbs(V a) { return (V)((VI)a & VI{0x7fffffff, 0x7fffffff, 0x7fffffff, 0x7fffffff}); }
inline V VIota() { return V{0, 1, 2, 3}; }
inline V VMaskBits(V s, unsigned bits, V fill) {
  const int b = static_cast<int>(bits);
  const VI lane = {1, 2, 4, 8};
  return VSelect((VI{b, b, b, b} & lane) != 0, s, fill);
}
inline float VHMax(V a) {
  const float x = a[0] > a[1] ? a[0] : a[1], y = a[2] > a[3] ? a[2] : a[3];
  return x > y ? x : y;
}
inline float VHSum(V a) { return (a[0] + a[1]) + (a[2] + a[3]); }
// Round to nearest by adding and removing 1.5 * 2^23 (|x| < 2^22 here).
inline V VRound(V x) { return (x + VSet1(12582912.0f)) - VSet1(12582912.0f); }
inline V VLdexp(V p, V n) {
  const VI ni = __builtin_convertvector(n, VI);
  const VI n1 = ni >> 1;
  const VI n2 = ni - n1;
  const VI bias = {127, 127, 127, 127};
  return p * (V)((n1 + bias) << 23) * (V)((n2 + bias) << 23);
}

#include "core/attention/attention_kernel_body.inc"

}  // namespace
}  // namespace attnviz::kernel::portable

namespace attnviz::kernel {
void RunBlockPortable(const Problem& p, int h, int i0, int i1, const Scratch& s, BlockWork* w) { portable::RunBlock(p, h, i0, i1, s, w); }
void ExpArrayPortable(const float* x, float* y, long n) { portable::ExpArray(x, y, n); }
double FmaLoopPortable(long iters) { return portable::FmaLoop(iters); }
}  // namespace attnviz::kernel
