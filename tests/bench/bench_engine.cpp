// Engine speed: a whole trace (every intermediate kept) at the sizes the window
// shows, and one head's output by the reference path vs the tiled kernel.
//   build/tests/bench/bench_engine --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cmath>
#include <string>

#include "core/attention/head.h"
#include "core/attention/mask.h"
#include "core/attention/tiled.h"
#include "core/engine.h"

namespace {

std::string Words(int n) {
  static const char* kWords[] = {"the", "cat", "sat", "on", "a", "mat", "by", "river", "bank", "was", "eroding", "dog"};
  std::string s;
  for (int i = 0; i < n; ++i) {
    if (i) s += ' ';
    s += kWords[(i * 7 + i / 5) % 12];
  }
  return s;
}

void BM_Trace(benchmark::State& state, const char* model) {
  attnviz::Engine engine;  // caches the weight source, as the window does
  attnviz::Request r;
  r.model = model;
  r.text = Words(static_cast<int>(state.range(0)));
  r.mask.causal = true;
  for (auto _ : state) benchmark::DoNotOptimize(engine.Run(r));
  state.counters["tokens"] = static_cast<double>(state.range(0));
}
BENCHMARK_CAPTURE(BM_Trace, builtin, "builtin")->Arg(16)->Arg(256)->Arg(1024)->Arg(4096)->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Trace, random, "random")->Arg(16)->Arg(256)->Arg(1024)->Unit(benchmark::kMillisecond);

// One head, d_k = 64, causal: the reference keeps the N x N matrices, the tiled
// kernel streams key tiles with an online softmax and skips masked-out tiles.
struct HeadInputs {
  attnviz::Mat q, k, v;
  attnviz::MaskSpec mask;
  explicit HeadInputs(int n) : q(attnviz::Mat::Random(n, 64)), k(attnviz::Mat::Random(n, 64)), v(attnviz::Mat::Random(n, 64)) {
    mask.causal = true;
  }
};

void BM_HeadReference(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  HeadInputs in(n);
  const attnviz::MaskMat m = attnviz::BuildMask(in.mask, n);
  for (auto _ : state)
    benchmark::DoNotOptimize(attnviz::ComputeHeadSteps(in.q, in.k, in.v, m, attnviz::Mat(), 0.125f, 1.0f).output);
}
BENCHMARK(BM_HeadReference)->Arg(256)->Arg(1024)->Arg(4096)->Unit(benchmark::kMillisecond);

void BM_HeadTiled(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  HeadInputs in(n);
  for (auto _ : state)
    benchmark::DoNotOptimize(attnviz::TiledAttentionOutput(in.q, in.k, in.v, in.mask, 0.125f, 1.0f, 0.0f, 64));
}
BENCHMARK(BM_HeadTiled)->Arg(256)->Arg(1024)->Arg(4096)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
