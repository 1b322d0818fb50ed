// The per-ISA bodies behind core/linalg/matmul.h. Plain pointers only: the AVX2
// translation unit sees Eigen under another namespace, so no Eigen type may
// cross this boundary.
#pragma once

namespace attnviz::matmul_kernels {

void MatMulGeneric(int m, int n, int k, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
                   bool accumulate);
void GeluGeneric(float* x, long count);

#if defined(ATTNVIZ_HAVE_AVX2_KERNELS)
void MatMulAvx2(int m, int n, int k, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
                bool accumulate);
void GeluAvx2(float* x, long count);
#endif

}  // namespace attnviz::matmul_kernels
