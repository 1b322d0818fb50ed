// Dispatch for core/linalg/matmul.h: the generic path (this file, the
// program's own flags) and the AVX2 + FMA one (matmul_avx2.cpp).
#include "core/linalg/matmul.h"

#include <Eigen/Core>

#include "core/linalg/matmul_kernels.h"

#define ATTNVIZ_KERNEL_SUFFIX(name) name##Generic
#include "core/linalg/matmul_body.inc"

namespace attnviz {

bool CpuSupports(MatMulIsa isa) {
  switch (isa) {
    case MatMulIsa::Generic: return true;
    case MatMulIsa::Avx2Fma:
#if defined(ATTNVIZ_HAVE_AVX2_KERNELS)
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
      return false;
#endif
  }
  return false;
}

MatMulIsa ActiveMatMulIsa() {
  static const MatMulIsa isa = CpuSupports(MatMulIsa::Avx2Fma) ? MatMulIsa::Avx2Fma : MatMulIsa::Generic;
  return isa;
}

const char* DenseProductPath() {
#if defined(ATTNVIZ_OPENBLAS)
  return "openblas";
#else
  return ToString(ActiveMatMulIsa());
#endif
}

const char* ToString(MatMulIsa isa) { return isa == MatMulIsa::Avx2Fma ? "avx2+fma" : "generic"; }

void MatMulWith(MatMulIsa isa, int m, int n, int k, const float* A, int lda, const float* B, int ldb, float* C,
                int ldc, bool accumulate) {
  if (m <= 0 || n <= 0) return;
#if defined(ATTNVIZ_HAVE_AVX2_KERNELS)
  if (isa == MatMulIsa::Avx2Fma) return matmul_kernels::MatMulAvx2(m, n, k, A, lda, B, ldb, C, ldc, accumulate);
#endif
  (void)isa;
  matmul_kernels::MatMulGeneric(m, n, k, A, lda, B, ldb, C, ldc, accumulate);
}

void GeluTanhInPlaceWith(MatMulIsa isa, float* x, long count) {
  if (count <= 0) return;
#if defined(ATTNVIZ_HAVE_AVX2_KERNELS)
  if (isa == MatMulIsa::Avx2Fma) return matmul_kernels::GeluAvx2(x, count);
#endif
  (void)isa;
  matmul_kernels::GeluGeneric(x, count);
}

void MatMul(int m, int n, int k, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
            bool accumulate) {
  MatMulWith(ActiveMatMulIsa(), m, n, k, A, lda, B, ldb, C, ldc, accumulate);
}

void GeluTanhInPlace(float* x, long count) { GeluTanhInPlaceWith(ActiveMatMulIsa(), x, count); }

}  // namespace attnviz
