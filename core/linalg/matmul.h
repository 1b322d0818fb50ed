// Dense products of loaded models (GPT-2's projections and MLP): C = A B on
// row-major float matrices given as pointers with leading dimensions.
//
// Why a separate entry point instead of Eigen expressions in the model: the
// shipped binary is built without -march (it must run on any x86-64), so Eigen
// there uses SSE2 and reaches about 40 GFLOP/s per core on this machine, while
// the same GEMM with AVX2 + FMA reaches about 100. The AVX2 path lives in its
// own translation unit, compiled with -mavx2 -mfma, and is chosen at run time
// from the CPU (cpuid); see matmul_avx2.cpp for how it keeps its Eigen
// instantiations apart from the SSE2 ones.
//
// No AVX-512 path: on this machine's Zen 4 cores a 512-bit FMA loop peaks at
// the same ~117 GFLOP/s per core as a 256-bit one, and a hand-written AVX-512
// GEMM (8 x 32 register tile, packed B) measured no faster than Eigen's AVX2
// one (~90 GFLOP/s CPU time at 1024 x 768 x 3072). A CPU with two full-width
// 512-bit FMA units would change that.
//
// When core is built with OpenBLAS (ATTNVIZ_OPENBLAS, core/CMakeLists.txt),
// Eigen hands every product to it (EIGEN_USE_BLAS) and OpenBLAS picks its
// AVX-512/AVX2 kernels at run time: the generic path is then the fast one
// (~92 GFLOP/s per core here, the same as the AVX2 path) and the AVX2 file is
// not built. DenseProductPath() says which is in use.
//
// Single-threaded by design: callers split rows over core/parallel/thread_pool.h,
// which keeps the threads of the whole forward pass under one pool.
#pragma once

namespace attnviz {

enum class MatMulIsa { Generic, Avx2Fma };

// C(m, n) = A(m, k) B(k, n), or C += A B when `accumulate`. Row-major, leading
// dimensions in elements (lda >= k, ldb >= n, ldc >= n). C must not alias A or B.
void MatMul(int m, int n, int k, const float* A, int lda, const float* B, int ldb, float* C, int ldc,
            bool accumulate = false);

// x <- gelu_tanh(x) = 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), GPT-2's
// "gelu_new" (Hendrycks & Gimpel 2016, the tanh approximation).
void GeluTanhInPlace(float* x, long count);

// The path MatMul and GeluTanhInPlace take on this CPU.
MatMulIsa ActiveMatMulIsa();
const char* ToString(MatMulIsa isa);  // "generic", "avx2+fma"
bool CpuSupports(MatMulIsa isa);
// "openblas", "avx2+fma" or "generic": what MatMul runs on (for benchmarks).
const char* DenseProductPath();

// The same operations on a given path (tests compare every supported path
// with a plain loop); the path must be supported by the CPU.
void MatMulWith(MatMulIsa isa, int m, int n, int k, const float* A, int lda, const float* B, int ldb, float* C,
                int ldc, bool accumulate);
void GeluTanhInPlaceWith(MatMulIsa isa, float* x, long count);

}  // namespace attnviz
