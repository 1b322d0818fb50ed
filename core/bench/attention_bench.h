// `attnviz bench` (SPEC.md "attnviz bench --format json"): times one layer's
// attention outputs for H heads of N tokens, either by the straightforward
// Eigen attention (a full N x N score matrix per head: the baseline of issue 12)
// or by the tiled kernel (ComputeAttentionBatch), and relates the speed to the
// FMA peak this machine reaches on the same number of threads. In core so that
// chapter 8 can show the same live numbers as the command line.
#pragma once
#include <string>
#include <string_view>

#include "core/attention/attention_batch.h"
#include "core/request.h"

namespace attnviz {

enum class BenchImpl { Reference, Tiled };
std::string_view ToString(BenchImpl impl);  // "reference", "tiled"

struct AttentionBenchConfig {
  BenchImpl impl = BenchImpl::Tiled;
  int n = 1024;                 // tokens
  int d = 64;                   // d_k = d_v
  int heads = 1;
  MaskSpec mask;
  int threads = 1;
  int runs = 5;                 // timed runs after one warm-up run
  KernelIsa isa = KernelIsa::Auto;  // tiled only
  int tile_q = 0, tile_k = 0;       // tiled only; 0 = the kernel's default
};

struct AttentionBenchResult {
  AttentionBenchConfig config;
  KernelIsa isa = KernelIsa::Auto;  // the path that ran (tiled), or Auto (reference)
  long pairs_allowed = 0;           // over all heads
  AttentionWork work;               // tiled: the kernel's own count of what it computed and skipped
  double median_ms = 0, min_ms = 0;
  double gflops = 0;                // 4 d flops per allowed (query, key) pair / median time
  double peak_gflops = 0;           // MeasureFmaPeakGflops(threads)
  double peak_fraction = 0;         // gflops / peak_gflops
};

// Runs the benchmark. Inputs are seeded random values in [-1, 1]; scale
// 1/sqrt(d), temperature 1, no ALiBi. The peak is measured right after the
// runs; `peak_gflops` (an earlier measurement, or 0) is used when it is higher.
AttentionBenchResult RunAttentionBench(const AttentionBenchConfig& config, double peak_gflops = 0);

// fp32 FMA GFLOP/s of `threads` threads running a register-resident FMA loop
// (12 independent chains) with the widest vector path this CPU supports, each
// on its own std::thread (all started together), best of 3 runs of ~15 ms.
double MeasureFmaPeakGflops(int threads);

// The straightforward attention of one head, as most code writes it with Eigen:
// scores = Q K^T s (N x N), masked to -inf, row softmax, P V. Exposed for the
// Google Benchmark suite (tests/bench/bench_attention.cpp). q, k: (N, d), v: (N, dv).
void StraightforwardAttention(const float* q, const float* k, const float* v, int n, int d, int dv,
                              const MaskMat& mask, float scale, float* out);

}  // namespace attnviz
