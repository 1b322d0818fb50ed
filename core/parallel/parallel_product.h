// C = A B on the thread pool: the rows of A split into one slice per thread,
// each slice one product (one OpenBLAS call when core is built with it, which
// runs single-threaded inside our workers; see core/CMakeLists.txt). For the
// big products of a loaded model (Q/K/V projections, the MLP, the LM head).
#pragma once
#include <Eigen/Dense>

#include "core/types.h"

namespace attnviz {

class ThreadPool;

// a: (M, K), b: (K, N), c: (M, N), row-major (c must not alias a or b).
// threads 0 = the pool's size; slices are at least 32 rows.
void ParallelProduct(const Eigen::Ref<const Mat>& a, const Eigen::Ref<const Mat>& b, Eigen::Ref<Mat> c,
                     int threads = 0, ThreadPool* pool = nullptr);

}  // namespace attnviz
