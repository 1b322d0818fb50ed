#include "core/parallel/parallel_product.h"

#include <algorithm>

#include "core/parallel/thread_pool.h"

namespace attnviz {

void ParallelProduct(const Eigen::Ref<const Mat>& a, const Eigen::Ref<const Mat>& b, Eigen::Ref<Mat> c, int threads,
                     ThreadPool* pool) {
  ThreadPool& p = pool ? *pool : ThreadPool::Shared();
  const int m = static_cast<int>(a.rows());
  const int t = std::max(1, std::min({threads > 0 ? threads : p.threads(), p.threads(), (m + 31) / 32}));
  if (t == 1) {
    c.noalias() = a * b;
    return;
  }
  const int rows = (m + t - 1) / t;
  p.ParallelFor(
      t,
      [&](int s) {
        const int r0 = s * rows, r = std::min(rows, m - r0);
        if (r > 0) c.middleRows(r0, r).noalias() = a.middleRows(r0, r) * b;
      },
      t);
}

}  // namespace attnviz
