// ComputeAttentionBatch: picks the instruction-set path, lays K and V out for
// the tiled kernel (core/attention/attention_kernel_body.inc), and runs it over
// (head, query block) jobs on the persistent pool. Also the plain reference
// path (options.reference), kept for tests and as the fallback when the logits
// could overflow float, where only the reference reports it exactly.
//
// Index
// [SECTION] Instruction-set choice
// [SECTION] Reference path
// [SECTION] Layout for the kernel
// [SECTION] ComputeAttentionBatch
#include "core/attention/attention_batch.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <map>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>

#include "core/attention/attention_kernel.h"
#include "core/attention/head.h"
#include "core/attention/mask.h"
#include "core/attention/mask_rows.h"
#include "core/parallel/thread_pool.h"

namespace attnviz {

// [SECTION] Instruction-set choice

std::string_view ToString(KernelIsa isa) {
  switch (isa) {
    case KernelIsa::Auto: return "auto";
    case KernelIsa::Avx512: return "avx512";
    case KernelIsa::Avx2: return "avx2";
    case KernelIsa::Portable: return "portable";
  }
  return "auto";
}

bool KernelIsaSupported(KernelIsa isa) {
  switch (isa) {
    case KernelIsa::Auto:
    case KernelIsa::Portable: return true;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    // __builtin_cpu_supports also checks that the OS saves the wide registers (XCR0).
    case KernelIsa::Avx512:
      return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
             __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
             __builtin_cpu_supports("fma") && __builtin_cpu_supports("popcnt");
    case KernelIsa::Avx2:
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") && __builtin_cpu_supports("popcnt");
#else
    case KernelIsa::Avx512:
    case KernelIsa::Avx2: return false;
#endif
  }
  return false;
}

KernelIsa ResolveKernelIsa(KernelIsa requested) {
  if (requested == KernelIsa::Auto) {
    if (const char* env = std::getenv("ATTNVIZ_KERNEL")) {
      const std::string_view e(env);
      if (e == "avx512") requested = KernelIsa::Avx512;
      else if (e == "avx2") requested = KernelIsa::Avx2;
      else if (e == "portable") requested = KernelIsa::Portable;
    }
  }
  if (requested != KernelIsa::Auto && KernelIsaSupported(requested)) return requested;
  if (KernelIsaSupported(KernelIsa::Avx512)) return KernelIsa::Avx512;
  if (KernelIsaSupported(KernelIsa::Avx2)) return KernelIsa::Avx2;
  return KernelIsa::Portable;
}

void ExpArray(const float* x, float* y, long n) {
  static const kernel::ExpArrayFn fn = [] {
    switch (ResolveKernelIsa(KernelIsa::Auto)) {
      case KernelIsa::Avx512: return kernel::ExpArrayAvx512;
      case KernelIsa::Avx2: return kernel::ExpArrayAvx2;
      default: return kernel::ExpArrayPortable;
    }
  }();
  fn(x, y, n);
}

namespace {

kernel::RunBlockFn RunBlockFor(KernelIsa isa) {
  switch (isa) {
    case KernelIsa::Avx512: return kernel::RunBlockAvx512;
    case KernelIsa::Avx2: return kernel::RunBlockAvx2;
    default: return kernel::RunBlockPortable;
  }
}

// [SECTION] Reference path

using ConstMap = Eigen::Map<const Mat>;
using MutMap = Eigen::Map<Mat>;

constexpr int kRefBlock = 64;

// Rows [r0, r0 + rows) of head h, every key tested with MaskAllows, the
// engine's masked softmax per row. Returns false on overflow.
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
  if (work) std::atomic_ref<long>(work->pairs_allowed).fetch_add(pairs, std::memory_order_relaxed);
  return finite;
}

bool ReferenceBatch(const AttentionBatch& b, const AttentionOptions& options, const CancelToken* cancel,
                    AttentionWork* work) {
  const int heads = static_cast<int>(b.q.size());
  const int blocks = (b.n + kRefBlock - 1) / kRefBlock;
  std::atomic<bool> finite{true};
  ThreadPool& pool = options.pool ? *options.pool : ThreadPool::Shared();
  pool.ParallelFor(
      heads * blocks,
      [&](int job) {
        ThrowIfCancelled(cancel);
        const int h = job / blocks, blk = job % blocks;
        const int r0 = blk * kRefBlock, rows = std::min(kRefBlock, b.n - r0);
        if (!ReferenceBlock(b, h, r0, rows, work)) finite = false;
      },
      options.threads);
  if (work) work->tiles_total = static_cast<long>(blocks) * blocks * heads;  // nothing skipped
  return finite;
}

// [SECTION] Layout for the kernel

// 64-byte aligned float/word storage (one cache line; whole zmm loads).
template <class T>
struct AlignedArray {
  struct Free {
    void operator()(T* p) const { ::operator delete[](p, std::align_val_t(64)); }
  };
  std::unique_ptr<T[], Free> data;
  explicit AlignedArray(std::size_t count = 0)
      : data(count ? static_cast<T*>(::operator new[](sizeof(T) * count, std::align_val_t(64))) : nullptr) {}
  T* get() const { return data.get(); }
};

// K of one kv head transposed per 64-key chunk: kt[c][d][t] = K[64 c + t][d],
// zero for keys >= N, so the QK micro-kernel reads each chunk's K contiguously.
void PackKt(const float* k, int n, int dk, float* kt) {
  const int chunks = (n + kernel::kChunk - 1) / kernel::kChunk;
  std::memset(kt, 0, sizeof(float) * static_cast<std::size_t>(chunks) * dk * kernel::kChunk);
  for (int j = 0; j < n; ++j) {
    float* dst = kt + static_cast<std::size_t>(j / kernel::kChunk) * dk * kernel::kChunk + j % kernel::kChunk;
    const float* src = k + static_cast<std::size_t>(j) * dk;
    for (int d = 0; d < dk; ++d) dst[static_cast<std::size_t>(d) * kernel::kChunk] = src[d];
  }
}

// V with rows padded to dv_pad floats and N padded to whole chunks, with zeros.
void PackV(const float* v, int n, int dv, int dv_pad, float* vp) {
  const int rows = (n + kernel::kChunk - 1) / kernel::kChunk * kernel::kChunk;
  std::memset(vp, 0, sizeof(float) * static_cast<std::size_t>(rows) * dv_pad);
  for (int j = 0; j < n; ++j)
    std::memcpy(vp + static_cast<std::size_t>(j) * dv_pad, v + static_cast<std::size_t>(j) * dv, sizeof(float) * dv);
}

// Largest Euclidean row norm, in double (NaN or inf when the rows hold them).
double MaxRowNorm(const float* x, int n, int d) {
  double best = 0;
  for (int i = 0; i < n; ++i) {
    double s = 0;
    for (int c = 0; c < d; ++c) s += static_cast<double>(x[static_cast<std::size_t>(i) * d + c]) * x[static_cast<std::size_t>(i) * d + c];
    if (!(s <= best)) best = s;  // NaN sticks
  }
  return std::sqrt(best);
}

// The kernel needs every logit finite (it subtracts row maxima). By
// Cauchy-Schwarz |q . k| <= |q| |k|, so this bound proves it before any work.
bool LogitsSurelyFinite(const AttentionBatch& b, const std::vector<double>& q_norm, const std::vector<double>& k_norm) {
  const int heads = static_cast<int>(b.q.size());
  for (int h = 0; h < heads; ++h) {
    const double slope = b.alibi_slope.empty() ? 0.0 : std::abs(static_cast<double>(b.alibi_slope[h]));
    const double bound = (q_norm[h] * k_norm[h] * std::abs(static_cast<double>(b.scale)) + slope * b.n) /
                         static_cast<double>(b.temperature);
    if (!(bound < 1e37)) return false;  // also catches NaN
  }
  return true;
}

}  // namespace

// [SECTION] ComputeAttentionBatch

bool ComputeAttentionBatch(const AttentionBatch& b, const AttentionOptions& options, const CancelToken* cancel,
                           AttentionWork* work) {
  const int heads = static_cast<int>(b.q.size());
  if (work) *work = AttentionWork{};
  if (heads == 0 || b.n <= 0) return true;
  if (static_cast<int>(b.k.size()) != heads || static_cast<int>(b.v.size()) != heads ||
      static_cast<int>(b.out.size()) != heads || (!b.lse.empty() && static_cast<int>(b.lse.size()) != heads) ||
      (!b.alibi_slope.empty() && static_cast<int>(b.alibi_slope.size()) != heads) || b.d_k < 1 || b.d_v < 1 ||
      !(b.temperature > 0.0f))
    throw std::invalid_argument("ComputeAttentionBatch: inconsistent batch (one q, k, v, out per head; d_k, d_v >= 1; T > 0)");
  if (options.reference) return ReferenceBatch(b, options, cancel, work);
  ThrowIfCancelled(cancel);

  const int n = b.n;
  const KernelIsa isa = ResolveKernelIsa(options.isa);
  ThreadPool& pool = options.pool ? *options.pool : ThreadPool::Shared();

  // K and V packed once per distinct kv head: query heads of one GQA group share them.
  std::map<const float*, int> k_index, v_index;
  std::vector<const float*> k_src, v_src;
  std::vector<int> head_k(heads), head_v(heads);
  for (int h = 0; h < heads; ++h) {
    auto [kit, knew] = k_index.emplace(b.k[h], static_cast<int>(k_src.size()));
    if (knew) k_src.push_back(b.k[h]);
    head_k[h] = kit->second;
    auto [vit, vnew] = v_index.emplace(b.v[h], static_cast<int>(v_src.size()));
    if (vnew) v_src.push_back(b.v[h]);
    head_v[h] = vit->second;
  }
  std::vector<double> q_norm(heads), k_norm_src(k_src.size()), k_norm(heads);
  for (int h = 0; h < heads; ++h) q_norm[h] = MaxRowNorm(b.q[h], n, b.d_k);
  for (std::size_t g = 0; g < k_src.size(); ++g) k_norm_src[g] = MaxRowNorm(k_src[g], n, b.d_k);
  for (int h = 0; h < heads; ++h) k_norm[h] = k_norm_src[head_k[h]];
  if (!LogitsSurelyFinite(b, q_norm, k_norm)) return ReferenceBatch(b, options, cancel, work);

  const int chunks = (n + kernel::kChunk - 1) / kernel::kChunk;
  const int dv_pad = (b.d_v + 15) / 16 * 16;
  const std::size_t kt_floats = static_cast<std::size_t>(chunks) * b.d_k * kernel::kChunk;
  const std::size_t v_floats = static_cast<std::size_t>(chunks) * kernel::kChunk * dv_pad;
  AlignedArray<float> kt_all(kt_floats * k_src.size()), v_all(v_floats * v_src.size());
  const int packs = static_cast<int>(k_src.size() + v_src.size());
  pool.ParallelFor(
      packs,
      [&](int t) {
        const int nk = static_cast<int>(k_src.size());
        if (t < nk) PackKt(k_src[t], n, b.d_k, kt_all.get() + kt_floats * t);
        else PackV(v_src[t - nk], n, b.d_v, dv_pad, v_all.get() + v_floats * (t - nk));
      },
      options.threads);

  const MaskRows rows = BuildMaskRows(b.mask, n);
  std::vector<const float*> kt(heads), vp(heads);
  std::vector<float> bias_coef(heads);
  for (int h = 0; h < heads; ++h) {
    kt[h] = kt_all.get() + kt_floats * head_k[h];
    vp[h] = v_all.get() + v_floats * head_v[h];
    const float slope = b.alibi_slope.empty() ? 0.0f : b.alibi_slope[h];
    bias_coef[h] = -slope / b.temperature;  // logit = (s q.k - slope |i-j|) / T
  }
  kernel::Problem p;
  p.n = n;
  p.d_k = b.d_k;
  p.d_v = b.d_v;
  p.dv_pad = dv_pad;
  p.tile_q = std::clamp(options.tile_q > 0 ? options.tile_q : kDefaultTileQ, 1, n);
  const int tile_k = options.tile_k > 0 ? options.tile_k : kDefaultTileK;
  p.tile_k = (std::min(tile_k, chunks * kernel::kChunk) + kernel::kChunk - 1) / kernel::kChunk * kernel::kChunk;
  p.q = b.q.data();
  p.kt = kt.data();
  p.v = vp.data();
  p.out = b.out.data();
  p.lse = b.lse.empty() ? nullptr : b.lse.data();
  p.bias_coef = bias_coef.data();
  p.logit_scale = b.scale / b.temperature;
  p.row_lo = rows.lo.data();
  p.row_hi = rows.hi.data();
  p.extra = rows.extra.empty() ? nullptr : rows.extra.data();
  p.extra_prefix = rows.extra_prefix.empty() ? nullptr : rows.extra_prefix.data();
  p.causal = rows.causal;
  p.window = rows.window;

  // Jobs: (head, query block), the last blocks first: under a causal mask they
  // carry the most keys, so the dynamic hand-out ends with the short ones.
  const int qblocks = (n + p.tile_q - 1) / p.tile_q;
  const int jobs = heads * qblocks;
  const int max_threads = options.threads > 0 ? std::min(options.threads, pool.threads()) : pool.threads();
  const int tasks = std::max(1, std::min(max_threads, jobs));
  const kernel::RunBlockFn run = RunBlockFor(isa);

  // One scratch per task (a task is one thread's loop over jobs), allocated here,
  // never inside the loops.
  const int rows_pad = (p.tile_q + kernel::kR - 1) / kernel::kR * kernel::kR;
  const int cpt = p.tile_k / kernel::kChunk;
  const std::size_t s_floats = static_cast<std::size_t>(kernel::kR) * p.tile_k;
  const std::size_t o_floats = static_cast<std::size_t>(rows_pad) * dv_pad;
  // Rounded to 16 floats so every task's arrays start on a cache line.
  const std::size_t per_task_floats = (s_floats + o_floats + 3 * static_cast<std::size_t>(rows_pad) + 15) / 16 * 16;
  AlignedArray<float> float_scratch(per_task_floats * tasks);
  AlignedArray<std::uint64_t> bit_scratch(static_cast<std::size_t>(rows_pad) * cpt * tasks);
  std::vector<unsigned char> mode_scratch(static_cast<std::size_t>(cpt) * tasks);
  std::vector<int> active_scratch(static_cast<std::size_t>(cpt) * tasks);
  std::vector<kernel::BlockWork> task_work(tasks);

  std::atomic<int> next_job{0};
  pool.ParallelFor(
      tasks,
      [&](int t) {
        kernel::Scratch sc;
        float* f = float_scratch.get() + per_task_floats * t;
        sc.s = f;
        sc.o = f + s_floats;
        sc.m = sc.o + o_floats;
        sc.l = sc.m + rows_pad;
        sc.corr = sc.l + rows_pad;
        sc.bits = bit_scratch.get() + static_cast<std::size_t>(rows_pad) * cpt * t;
        sc.mode = mode_scratch.data() + static_cast<std::size_t>(cpt) * t;
        sc.active = active_scratch.data() + static_cast<std::size_t>(cpt) * t;
        kernel::BlockWork w;  // local: the tasks' counters must not share a cache line
        for (;;) {
          const int job = next_job.fetch_add(1, std::memory_order_relaxed);
          if (job >= jobs) break;
          ThrowIfCancelled(cancel);  // between query blocks: a superseded call stops within one block
          const int qb = qblocks - 1 - job / heads, h = job % heads;
          const int i0 = qb * p.tile_q, i1 = std::min(n, i0 + p.tile_q);
          run(p, h, i0, i1, sc, &w);
        }
        task_work[t] = w;
      },
      tasks);

  bool finite = true;
  AttentionWork total;
  for (const kernel::BlockWork& w : task_work) {
    total.tiles_total += w.tiles_total;
    total.tiles_skipped += w.tiles_skipped;
    total.pairs_allowed += w.pairs_allowed;
    finite = finite && w.finite;
  }
  if (work) *work = total;
  return finite;
}

}  // namespace attnviz
