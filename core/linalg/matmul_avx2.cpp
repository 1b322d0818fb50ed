// The AVX2 + FMA path of core/linalg/matmul.h. This file alone is compiled with
// -mavx2 -mfma (core/CMakeLists.txt) and only called after cpuid says the CPU
// has both.
//
// Eigen's templates are instantiated here with different packet sizes than in
// the rest of the program. Were they in namespace Eigen, the linker would merge
// identically named instantiations across translation units (the one
// definition rule), and an SSE2 caller could end up running AVX2 code, or this
// file running SSE2 code. Renaming the namespace for this translation unit
// gives every instantiation here its own symbol. Nothing Eigen-typed leaves the
// file (matmul_kernels.h takes plain pointers).
#if defined(ATTNVIZ_HAVE_AVX2_KERNELS)
#define Eigen attnviz_eigen_avx2
#include <Eigen/Core>

#include "core/linalg/matmul_kernels.h"

#if !defined(__AVX2__) || !defined(__FMA__)
#error "matmul_avx2.cpp must be compiled with -mavx2 -mfma"
#endif

#define ATTNVIZ_KERNEL_SUFFIX(name) name##Avx2
#include "core/linalg/matmul_body.inc"
#endif
