// The attention kernel against the straightforward Eigen attention, side by side
// in one run (issue 12's targets), one layer's outputs, d = 64:
//   build/tests/bench/bench_attention --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
// Filter with e.g. --benchmark_filter='N:4096'. Counters: GFLOP/s (4 d flops per
// allowed pair, as `attnviz bench`) and peak = that over the FMA peak measured
// here for the same number of threads (MeasureFmaPeakGflops).
#include <benchmark/benchmark.h>

#include <cmath>
#include <map>
#include <memory>
#include <vector>

#include "core/attention/attention_batch.h"
#include "core/attention/mask.h"
#include "core/attention/mask_rows.h"
#include "core/bench/attention_bench.h"
#include "core/parallel/thread_pool.h"

namespace {

using namespace attnviz;

constexpr int kD = 64;

struct Inputs {
  int n, heads;
  std::vector<std::vector<float>> q, k, v, out;
  Inputs(int n_, int heads_) : n(n_), heads(heads_) {
    std::uint64_t s = 12345;
    auto fill = [&](std::vector<float>& x) {
      x.resize(static_cast<std::size_t>(n) * kD);
      for (float& f : x) {
        s = s * 6364136223846793005ull + 1442695040888963407ull;
        f = static_cast<float>(static_cast<double>(s >> 40) / static_cast<double>(1ull << 24) * 2.0 - 1.0);
      }
    };
    q.resize(heads), k.resize(heads), v.resize(heads), out.resize(heads);
    for (int h = 0; h < heads; ++h) fill(q[h]), fill(k[h]), fill(v[h]), out[h].resize(q[h].size());
  }
};

MaskSpec MaskFor(int id) {
  MaskSpec m;
  switch (id) {
    case 0: break;                                                            // full (bidirectional)
    case 1: m.causal = true; break;                                           // full + causal
    case 2: m.pattern = MaskPattern::Sliding; m.window = 256; break;          // sliding 256 (bidirectional: 257 keys)
    case 3: m.pattern = MaskPattern::Sliding; m.causal = true; m.window = 256; break;
    case 4: m.pattern = MaskPattern::BlockSparse; m.block = 64; break;
    case 5: m.pattern = MaskPattern::GlobalLocal; m.window = 256; m.globals = {0}; break;
  }
  return m;
}
const char* kMaskNames[] = {"full", "causal", "sliding256", "causal-sliding256", "block-sparse64", "global-local256"};

double Peak(int threads) {
  static std::map<int, double> peak;
  if (!peak.count(threads)) peak[threads] = MeasureFmaPeakGflops(threads);
  return peak[threads];
}

void SetCounters(benchmark::State& state, int n, int heads, const MaskSpec& mask, int threads) {
  const double flops = 4.0 * kD * static_cast<double>(CountAllowedPairs(BuildMaskRows(mask, n))) * heads;
  state.counters["GFLOP/s"] = benchmark::Counter(flops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["peak_GFLOP/s"] = Peak(threads);
  state.SetLabel(kMaskNames[state.range(1)]);
}

// The straightforward Eigen attention (a full N x N matrix per head), as shipped (no -march).
void BM_Straightforward(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const MaskSpec mask = MaskFor(static_cast<int>(state.range(1)));
  Inputs in(n, 1);
  const MaskMat m = BuildMask(mask, n);
  for (auto _ : state) {
    StraightforwardAttention(in.q[0].data(), in.k[0].data(), in.v[0].data(), n, kD, kD, m, 0.125f, in.out[0].data());
    benchmark::ClobberMemory();
  }
  SetCounters(state, n, 1, mask, 1);
}

// The tiled kernel: args N, mask, threads, instruction set (0 auto, 1 avx512, 2 avx2, 3 portable).
void BM_Tiled(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const MaskSpec mask = MaskFor(static_cast<int>(state.range(1)));
  const int threads = static_cast<int>(state.range(2));
  const KernelIsa isa = static_cast<KernelIsa>(state.range(3));
  if (!KernelIsaSupported(isa)) {
    state.SkipWithError("this CPU lacks the instruction set");
    return;
  }
  Inputs in(n, 1);
  ThreadPool pool(threads);
  AttentionBatch b;
  b.n = n;
  b.d_k = b.d_v = kD;
  b.q = {in.q[0].data()};
  b.k = {in.k[0].data()};
  b.v = {in.v[0].data()};
  b.out = {in.out[0].data()};
  b.mask = mask;
  b.scale = 0.125f;
  AttentionOptions opt;
  opt.pool = &pool;
  opt.isa = isa;
  for (auto _ : state) {
    ComputeAttentionBatch(b, opt);
    benchmark::ClobberMemory();
  }
  SetCounters(state, n, 1, mask, threads);
  state.counters["threads"] = threads;
}

void StraightforwardArgs(benchmark::internal::Benchmark* b) {
  b->ArgNames({"N", "mask"});
  for (int n : {1024, 2048, 4096}) b->Args({n, 0});
  b->Args({4096, 1});
  b->Unit(benchmark::kMillisecond)->MinTime(0.5);
}

void TiledArgs(benchmark::internal::Benchmark* b) {
  b->ArgNames({"N", "mask", "threads", "isa"});
  for (int n : {1024, 2048, 4096})
    for (int mask : {0, 1, 2, 3, 4, 5})
      for (int threads : {1, 2}) b->Args({n, mask, threads, 0});
  for (int isa : {1, 2, 3}) b->Args({4096, 0, 1, isa});
  b->Unit(benchmark::kMillisecond)->MinTime(0.3)->UseRealTime();
}

BENCHMARK(BM_Straightforward)->Apply(StraightforwardArgs);
BENCHMARK(BM_Tiled)->Apply(TiledArgs);

}  // namespace

BENCHMARK_MAIN();
