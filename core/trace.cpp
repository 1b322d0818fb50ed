// The per-head N x N matrices of a trace, computed on demand (see trace.h).
//
// Every formula here is the reference's (core/attention/head.cpp,
// ComputeHeadSteps), row by row, so a matrix computed now equals the one the
// engine would have stored: scores = Q K^T, logits = (s scores + bias) / T where
// allowed and 0 where masked, weights = the max-subtracted masked softmax of
// each row (with the kernel's vectorised exp). Tests compare them with an independent
// double-precision loop (tests/unit/test-engine.cpp).
#include "core/trace.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <list>
#include <mutex>

#include "core/attention/attention_batch.h"
#include "core/attention/head.h"
#include "core/parallel/thread_pool.h"

namespace attnviz {

// [SECTION] The cache: one process-wide LRU of whole matrices, keyed by
// (trace, layer, head, which), so the window's main trace and every variant a
// chapter keeps share one budget instead of each holding its own.
class HeadMatrixCache {
 public:
  static HeadMatrixCache& Shared() {
    static HeadMatrixCache* cache = new HeadMatrixCache;  // never destroyed: traces may outlive statics
    return *cache;
  }
  MatPtr Find(const Trace* t, int layer, int head, HeadMatrix which) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = entries_.begin(); it != entries_.end(); ++it)
      if (it->trace == t && it->layer == layer && it->head == head && it->which == which) {
        entries_.splice(entries_.begin(), entries_, it);  // most recently used first
        return it->m;
      }
    return nullptr;
  }
  // Keeps m unless another thread cached the same matrix meanwhile (then that
  // one is returned, so every caller sees one object). Evicts the least
  // recently used beyond the budget, never the one just added; holders of an
  // evicted matrix keep it alive through their shared_ptr.
  MatPtr Insert(const Trace* t, int layer, int head, HeadMatrix which, MatPtr m) {
    std::lock_guard<std::mutex> lock(mu_);
    for (const Entry& e : entries_)
      if (e.trace == t && e.layer == layer && e.head == head && e.which == which) return e.m;
    entries_.push_front({t, layer, head, which, m});
    bytes_ += Bytes(*m);
    while (bytes_ > Trace::MatrixCacheBudget() && entries_.size() > 1) {
      bytes_ -= Bytes(*entries_.back().m);
      entries_.pop_back();
    }
    return m;
  }
  void Forget(const Trace* t) {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (it->trace == t) {
        bytes_ -= Bytes(*it->m);
        it = entries_.erase(it);
      } else {
        ++it;
      }
    }
  }
  std::size_t BytesOf(const Trace* t) const {
    std::lock_guard<std::mutex> lock(mu_);
    std::size_t b = 0;
    for (const Entry& e : entries_)
      if (e.trace == t) b += Bytes(*e.m);
    return b;
  }

 private:
  struct Entry {
    const Trace* trace;
    int layer, head;
    HeadMatrix which;
    MatPtr m;
  };
  static std::size_t Bytes(const Mat& m) { return static_cast<std::size_t>(m.size()) * sizeof(float); }
  mutable std::mutex mu_;
  std::list<Entry> entries_;
  std::size_t bytes_ = 0;
};

Trace::Trace() = default;
Trace::~Trace() { HeadMatrixCache::Shared().Forget(this); }

// At N = 4096 one matrix is 64 MiB: six of them (the head on screen with its
// tooltip's scores and logits, twice), or about a hundred at N = 1024.
std::size_t Trace::MatrixCacheBudget() { return std::size_t(384) << 20; }

std::size_t Trace::CachedMatrixBytes() const { return HeadMatrixCache::Shared().BytesOf(this); }

// [SECTION] Rows, columns and whole matrices

namespace {

float ScaleOf(const Trace& t) {
  return t.config.scale ? 1.0f / std::sqrt(static_cast<float>(std::max(1, t.config.d_k))) : 1.0f;
}

}  // namespace

void Trace::MatrixRows(int layer, int head, HeadMatrix which, int row0, int rows, float* out) const {
  const int N = n();
  const LayerTrace& L = layers[layer];
  const HeadTrace& H = L.heads[head];
  const KvHeadTrace& kv = L.kv_heads[H.kv_head];
  Eigen::Map<Mat> o(out, rows, N);
  const float slope = H.alibi_slope;
  if (which == HeadMatrix::Bias) {
    for (int a = 0; a < rows; ++a)
      for (int j = 0; j < N; ++j) o(a, j) = slope != 0.0f ? -slope * static_cast<float>(std::abs(row0 + a - j)) : 0.0f;
    return;
  }
  o.noalias() = H.Q.middleRows(row0, rows) * kv.K.transpose();  // scores (rows, N)
  if (which == HeadMatrix::Scores) return;
  const float s = ScaleOf(*this), inv_t = 1.0f / config.temperature;
  constexpr float kNegInf = -std::numeric_limits<float>::infinity();
  for (int a = 0; a < rows; ++a) {
    const int i = row0 + a;
    const std::uint8_t* m = &mask(i, 0);
    float* lg = &o(a, 0);
    // As ComputeHeadSteps: (s * score + bias) / T, with the bias 0 without ALiBi.
    if (which == HeadMatrix::Logits) {
      for (int j = 0; j < N; ++j) {
        const float bias = slope != 0.0f ? -slope * static_cast<float>(std::abs(i - j)) : 0.0f;
        lg[j] = m[j] ? (s * lg[j] + bias) * inv_t : 0.0f;
      }
      continue;
    }
    // Weights: the max-subtracted softmax of the allowed logits, with the
    // kernel's vectorised exp. Masked keys enter as -inf and come out exactly
    // 0; a row with no allowed key is all 0. (The row's stored lse is not used
    // as the shift: at logits of 1e12 this path's rounding and the kernel's
    // differ by more than exp's range, while the max is this row's own.)
    for (int j = 0; j < N; ++j) {
      const float bias = slope != 0.0f ? -slope * static_cast<float>(std::abs(i - j)) : 0.0f;
      lg[j] = m[j] ? (s * lg[j] + bias) * inv_t : kNegInf;
    }
    Eigen::Map<Eigen::ArrayXf> w(lg, N);
    const float max = w.maxCoeff();
    if (max == kNegInf) {
      w.setZero();
      continue;
    }
    w -= max;
    ExpArray(lg, lg, N);
    w *= 1.0f / w.sum();  // sum >= 1: the max contributes exp(0)
  }
}

void Trace::WeightsColumn(int layer, int head, int key, float* out) const {
  const int N = n();
  const LayerTrace& L = layers[layer];
  const HeadTrace& H = L.heads[head];
  const KvHeadTrace& kv = L.kv_heads[H.kv_head];
  const Eigen::VectorXf scores = H.Q * kv.K.row(key).transpose();  // (N)
  const float s = ScaleOf(*this), inv_t = 1.0f / config.temperature;
  for (int i = 0; i < N; ++i) {
    if (!mask(i, key) || !std::isfinite(H.lse(i))) {
      out[i] = 0.0f;
      continue;
    }
    const float bias = H.alibi_slope != 0.0f ? -H.alibi_slope * static_cast<float>(std::abs(i - key)) : 0.0f;
    const float logit = (s * scores(i) + bias) * inv_t;
    out[i] = std::exp(logit - H.lse(i));
  }
}

MatPtr Trace::Matrix(int layer, int head, HeadMatrix which) const {
  if (MatPtr hit = HeadMatrixCache::Shared().Find(this, layer, head, which)) return hit;
  const int N = n();
  auto m = std::make_shared<Mat>(N, N);
  constexpr int kBlock = 64;
  const int blocks = (N + kBlock - 1) / kBlock;
  ParallelFor(blocks, [&](int b) {
    const int r0 = b * kBlock;
    MatrixRows(layer, head, which, r0, std::min(kBlock, N - r0), m->data() + static_cast<std::size_t>(r0) * N);
  });
  return HeadMatrixCache::Shared().Insert(this, layer, head, which, std::move(m));
}

}  // namespace attnviz
