#include "core/bench/attention_bench.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <thread>
#include <vector>

#include "core/attention/attention_kernel.h"
#include "core/attention/mask.h"
#include "core/attention/mask_rows.h"
#include "core/parallel/thread_pool.h"

namespace attnviz {

std::string_view ToString(BenchImpl impl) { return impl == BenchImpl::Reference ? "reference" : "tiled"; }

namespace {

using Clock = std::chrono::steady_clock;

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

// Seeded values in [-1, 1] (a fixed LCG, the same on every standard library).
void FillRandom(std::vector<float>& x, std::uint64_t seed) {
  std::uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
  for (float& v : x) {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    v = static_cast<float>(static_cast<double>(s >> 40) / static_cast<double>(1ull << 24) * 2.0 - 1.0);
  }
}

// Runs fn on exactly `threads` std::threads (the caller is one), started together.
void OnThreads(int threads, const std::function<void(int)>& fn) {
  std::atomic<int> ready{0};
  auto body = [&](int t) {
    ready.fetch_add(1);
    while (ready.load() < threads) std::this_thread::yield();
    fn(t);
  };
  std::vector<std::thread> others;
  for (int t = 1; t < threads; ++t) others.emplace_back(body, t);
  body(0);
  for (std::thread& th : others) th.join();
}

}  // namespace

void StraightforwardAttention(const float* q, const float* k, const float* v, int n, int d, int dv,
                              const MaskMat& mask, float scale, float* out) {
  using ConstMap = Eigen::Map<const Mat>;
  const ConstMap Q(q, n, d), K(k, n, d), V(v, n, dv);
  Mat scores = (Q * K.transpose()) * scale;  // (N, N)
  scores = (mask.array() != 0).select(scores, -std::numeric_limits<float>::infinity());
  Eigen::VectorXf row_max = scores.rowwise().maxCoeff();
  // A row with no allowed key would give -inf - -inf: subtract 0 there (its weights become 0).
  row_max = (row_max.array() == -std::numeric_limits<float>::infinity()).select(0.0f, row_max);
  scores = (scores.colwise() - row_max).array().exp();
  Eigen::VectorXf sums = scores.rowwise().sum();
  sums = (sums.array() > 0).select(sums.cwiseInverse(), 0.0f);
  scores = sums.asDiagonal() * scores;
  Eigen::Map<Mat>(out, n, dv).noalias() = scores * V;
}

double MeasureFmaPeakGflops(int threads) {
  threads = std::max(1, threads);
  const KernelIsa isa = ResolveKernelIsa(KernelIsa::Avx512);  // the widest this CPU has
  const kernel::FmaLoopFn loop = isa == KernelIsa::Avx512 ? kernel::FmaLoopAvx512
                                 : isa == KernelIsa::Avx2 ? kernel::FmaLoopAvx2
                                                          : kernel::FmaLoopPortable;
  // Calibrate on one thread so that each measured run lasts about 15 ms.
  long iters = 1 << 16;
  for (;;) {
    const auto t0 = Clock::now();
    loop(iters);
    const double ms = Ms(Clock::now() - t0);
    if (ms > 2.0 || iters > (1L << 30)) {
      iters = static_cast<long>(static_cast<double>(iters) * 15.0 / std::max(ms, 1e-3));
      break;
    }
    iters *= 4;
  }
  double best = 0;
  for (int rep = 0; rep < 3; ++rep) {
    std::vector<double> flops(threads);
    const auto t0 = Clock::now();
    OnThreads(threads, [&](int t) { flops[t] = loop(iters); });
    const double s = Ms(Clock::now() - t0) / 1e3;
    double total = 0;
    for (double f : flops) total += f;
    best = std::max(best, total / s / 1e9);
  }
  return best;
}

AttentionBenchResult RunAttentionBench(const AttentionBenchConfig& config, double peak_gflops) {
  AttentionBenchResult r;
  r.config = config;
  const AttentionBenchConfig& c = config;
  const int n = c.n, d = c.d, heads = c.heads;
  const std::size_t per_head = static_cast<std::size_t>(n) * d;
  std::vector<std::vector<float>> q(heads, std::vector<float>(per_head)), k = q, v = q, out = q;
  for (int h = 0; h < heads; ++h) {
    FillRandom(q[h], 3 * h + 1);
    FillRandom(k[h], 3 * h + 2);
    FillRandom(v[h], 3 * h + 3);
  }
  r.pairs_allowed = CountAllowedPairs(BuildMaskRows(c.mask, n)) * heads;
  const float scale = 1.0f / std::sqrt(static_cast<float>(d));
  ThreadPool pool(std::max(1, c.threads));

  std::function<void()> run;
  MaskMat mask;
  AttentionBatch batch;
  AttentionOptions options;
  if (c.impl == BenchImpl::Reference) {
    mask = BuildMask(c.mask, n);  // built once, as a model keeps its mask tensor
    run = [&] {
      pool.ParallelFor(heads, [&](int h) {
        StraightforwardAttention(q[h].data(), k[h].data(), v[h].data(), n, d, d, mask, scale, out[h].data());
      });
    };
  } else {
    batch.n = n;
    batch.d_k = batch.d_v = d;
    for (int h = 0; h < heads; ++h) {
      batch.q.push_back(q[h].data());
      batch.k.push_back(k[h].data());
      batch.v.push_back(v[h].data());
      batch.out.push_back(out[h].data());
    }
    batch.mask = c.mask;
    batch.scale = scale;
    options.pool = &pool;
    options.isa = c.isa;
    options.tile_q = c.tile_q;
    options.tile_k = c.tile_k;
    r.isa = ResolveKernelIsa(c.isa);
    run = [&] { ComputeAttentionBatch(batch, options, nullptr, &r.work); };
  }

  run();  // warm-up: page faults, caches, the pool's threads
  std::vector<double> ms;
  for (int i = 0; i < std::max(1, c.runs); ++i) {
    const auto t0 = Clock::now();
    run();
    ms.push_back(Ms(Clock::now() - t0));
  }
  std::sort(ms.begin(), ms.end());
  const std::size_t m = ms.size();
  r.median_ms = m % 2 ? ms[m / 2] : 0.5 * (ms[m / 2 - 1] + ms[m / 2]);
  r.min_ms = ms.front();
  r.gflops = 4.0 * d * static_cast<double>(r.pairs_allowed) / (r.median_ms * 1e-3) / 1e9;
  // The peak is a property of the machine: on a shared machine the best
  // estimate is the highest seen, so the caller's figure is raised by one
  // taken right after the runs (under the same load as the runs).
  r.peak_gflops = std::max(peak_gflops, MeasureFmaPeakGflops(c.threads));
  r.peak_fraction = r.peak_gflops > 0 ? r.gflops / r.peak_gflops : 0;
  return r;
}

}  // namespace attnviz
