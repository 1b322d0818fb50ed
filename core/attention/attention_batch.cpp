// Reference implementation of ComputeAttentionBatch: per head, blocks of 64
// query rows against every key (Eigen GEMM for the scores, the engine's masked
// softmax for the rows), so memory stays O(64 N) per thread. The fast tiled
// kernel replaces the body of each head without changing the contract.
#include "core/attention/attention_batch.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "core/attention/head.h"
#include "core/attention/mask.h"
#include "core/parallel/thread_pool.h"

namespace attnviz {

namespace {

using ConstMap = Eigen::Map<const Mat>;
using MutMap = Eigen::Map<Mat>;

constexpr int kRefBlock = 64;

// Rows [r0, r0 + rows) of head h. Returns false on overflow.
bool ReferenceBlock(const AttentionBatch& b, int h, int r0, int rows, AttentionWork* work) {
  const int n = b.n;
  const ConstMap q(b.q[h] + static_cast<long>(r0) * b.d_k, rows, b.d_k);
  const ConstMap k(b.k[h], n, b.d_k);
  const ConstMap v(b.v[h], n, b.d_v);
  MutMap out(b.out[h] + static_cast<long>(r0) * b.d_v, rows, b.d_v);
  Mat logits = q * k.transpose();  // (rows, N)
  const float inv_t = 1.0f / b.temperature;
  const float slope = b.alibi_slope.empty() ? 0.0f : b.alibi_slope[h];
  MaskMat allowed(1, n);
  Mat weights(rows, n);
  long pairs = 0;
  bool finite = true;
  for (int a = 0; a < rows; ++a) {
    const int i = r0 + a;
    float* lg = &logits(a, 0);
    for (int j = 0; j < n; ++j) {
      allowed(0, j) = MaskAllows(b.mask, i, j) ? 1 : 0;
      pairs += allowed(0, j);
      const float bias = slope != 0.0f ? -slope * static_cast<float>(std::abs(i - j)) : 0.0f;
      lg[j] = allowed(0, j) ? (b.scale * lg[j] + bias) * inv_t : 0.0f;
    }
    const bool any = MaskedSoftmaxRow(lg, allowed.data(), n, &weights(a, 0));
    if (!b.lse.empty() && b.lse[h]) {
      float lse = -std::numeric_limits<float>::infinity();
      if (any) {
        float mx = -std::numeric_limits<float>::infinity();
        for (int j = 0; j < n; ++j)
          if (allowed(0, j)) mx = std::max(mx, lg[j]);
        double sum = 0;
        for (int j = 0; j < n; ++j)
          if (allowed(0, j)) sum += std::exp(static_cast<double>(lg[j] - mx));
        lse = mx + static_cast<float>(std::log(sum));
      }
      b.lse[h][i] = lse;
    }
    for (int j = 0; j < n && finite; ++j) finite = std::isfinite(lg[j]);
  }
  out.noalias() = weights * v;
  finite = finite && out.allFinite();
  if (work) {
    std::atomic_ref<long>(work->pairs_allowed).fetch_add(pairs, std::memory_order_relaxed);
  }
  return finite;
}

}  // namespace

bool ComputeAttentionBatch(const AttentionBatch& b, const AttentionOptions& options, const CancelToken* cancel,
                           AttentionWork* work) {
  const int heads = static_cast<int>(b.q.size());
  if (heads == 0 || b.n == 0) return true;
  const int blocks = (b.n + kRefBlock - 1) / kRefBlock;
  std::atomic<bool> finite{true};
  if (work) *work = AttentionWork{};
  ParallelFor(
      heads * blocks,
      [&](int job) {
        ThrowIfCancelled(cancel);
        const int h = job / blocks, blk = job % blocks;
        const int r0 = blk * kRefBlock, rows = std::min(kRefBlock, b.n - r0);
        if (!ReferenceBlock(b, h, r0, rows, work)) finite = false;
      },
      options.threads);
  if (work) {
    const long per_side = (b.n + kRefBlock - 1) / kRefBlock;
    work->tiles_total = per_side * per_side * heads;
  }
  return finite;
}

}  // namespace attnviz
