// Dense products around attention: Eigen's GEMM as shipped (no -march: SSE2)
// against Debian's OpenBLAS (kernels chosen at run time for the CPU), on 1 and
// 2 threads, for the projection shapes (N x D times D x dk) and GPT-2's MLP
// (1024 x 768 times 768 x 3072, and back). Decides whether core should hand
// its products to BLAS (README "Benchmarks").
//   build/tests/bench/bench_gemm --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
// bench_gemm_native is the same file built with -march=native and no OpenBLAS:
// what Eigen could do if the binary were not portable (it does not link core,
// so no Eigen code compiled for another CPU mixes with core's).
#include <benchmark/benchmark.h>

#include <Eigen/Dense>
#include <thread>
#include <vector>

#if !defined(ATTNVIZ_GEMM_NATIVE)
#include <cblas.h>

#include "core/parallel/thread_pool.h"
#endif

namespace {

using Mat = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct Shape {
  int m, k, n;
};
// Projections: N = 1024 tokens from width D to one head (dk = 64) and to all of
// Q, K, V at once (3 D); then the MLP of GPT-2 small.
const Shape kShapes[] = {{1024, 64, 64},    {1024, 256, 64},  {1024, 768, 64},  {1024, 768, 768},
                         {1024, 768, 2304}, {1024, 768, 3072}, {1024, 3072, 768}};

void Counters(benchmark::State& state, const Shape& s) {
  state.counters["GFLOP/s"] =
      benchmark::Counter(2.0 * s.m * s.k * s.n * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
  state.SetLabel(std::to_string(s.m) + "x" + std::to_string(s.k) + "x" + std::to_string(s.n));
}

// args: shape index, threads. Eigen is single-threaded here (no OpenMP), so two
// threads split the rows of A, as the engine's pool would.
void BM_Eigen(benchmark::State& state) {
  const Shape s = kShapes[state.range(0)];
  const int threads = static_cast<int>(state.range(1));
  const Mat a = Mat::Random(s.m, s.k), b = Mat::Random(s.k, s.n);
  Mat c(s.m, s.n);
#if defined(ATTNVIZ_GEMM_NATIVE)
  if (threads != 1) {
    state.SkipWithError("native build: 1 thread only");
    return;
  }
  for (auto _ : state) {
    c.noalias() = a * b;
    benchmark::ClobberMemory();
  }
#else
  attnviz::ThreadPool pool(threads);
  const int rows = (s.m + threads - 1) / threads;
  for (auto _ : state) {
    pool.ParallelFor(threads, [&](int t) {
      const int r0 = t * rows, r = std::min(rows, s.m - r0);
      c.middleRows(r0, r).noalias() = a.middleRows(r0, r) * b;
    });
    benchmark::ClobberMemory();
  }
#endif
  Counters(state, s);
}

#if !defined(ATTNVIZ_GEMM_NATIVE)
// OpenBLAS with its own threads (openblas_set_num_threads).
void BM_OpenBlas(benchmark::State& state) {
  const Shape s = kShapes[state.range(0)];
  openblas_set_num_threads(static_cast<int>(state.range(1)));
  const Mat a = Mat::Random(s.m, s.k), b = Mat::Random(s.k, s.n);
  Mat c(s.m, s.n);
  for (auto _ : state) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, s.m, s.n, s.k, 1.0f, a.data(), s.k, b.data(), s.n, 0.0f,
                c.data(), s.n);
    benchmark::ClobberMemory();
  }
  Counters(state, s);
}

// OpenBLAS single-threaded inside each of our pool's threads, rows split: how
// core would use it without two thread pools fighting over two cores.
void BM_OpenBlasOnPool(benchmark::State& state) {
  const Shape s = kShapes[state.range(0)];
  const int threads = static_cast<int>(state.range(1));
  openblas_set_num_threads(1);
  attnviz::ThreadPool pool(threads);
  const Mat a = Mat::Random(s.m, s.k), b = Mat::Random(s.k, s.n);
  Mat c(s.m, s.n);
  const int rows = (s.m + threads - 1) / threads;
  for (auto _ : state) {
    pool.ParallelFor(threads, [&](int t) {
      const int r0 = t * rows, r = std::min(rows, s.m - r0);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, r, s.n, s.k, 1.0f, a.data() + static_cast<long>(r0) * s.k,
                  s.k, b.data(), s.n, 0.0f, c.data() + static_cast<long>(r0) * s.n, s.n);
    });
    benchmark::ClobberMemory();
  }
  Counters(state, s);
}
#endif

void Args(benchmark::internal::Benchmark* b) {
  b->ArgNames({"shape", "threads"});
  for (int t : {1, 2})
    for (int s = 0; s < static_cast<int>(std::size(kShapes)); ++s) b->Args({s, t});
  b->Unit(benchmark::kMillisecond)->MinTime(0.3)->UseRealTime();
}

BENCHMARK(BM_Eigen)->Apply(Args);
#if !defined(ATTNVIZ_GEMM_NATIVE)
BENCHMARK(BM_OpenBlas)->Apply(Args);
BENCHMARK(BM_OpenBlasOnPool)->Apply(Args);
#endif

}  // namespace

BENCHMARK_MAIN();
