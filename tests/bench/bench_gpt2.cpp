// The GPT-2 model's own parts of the forward pass (core/model/gpt2_model.h),
// one thread, on a checkpoint written by attnviz_make_checkpoint:
//   build/tests/tools/attnviz_make_checkpoint /tmp/attnviz-gpt2-small
//   ATTNVIZ_BENCH_MODEL=/tmp/attnviz-gpt2-small build/tests/bench/bench_gpt2
// Read the CPU column on a shared machine (wall time includes waiting for a core).
//   Mlp/N          Mlp: LayerNorm ln_2, c_fc, GELU, c_proj (N x 768 x 3072 twice)
//   AttentionInput LayerNorm ln_1 of N rows
//   PredictNext    ln_f of the last row, logits over 50,257 tokens, softmax, top 10
//   Load           config, tokenizer, mapped safetensors to float32
//   ModelView/N/S  chapter 3's model view after the forward pass: every head's
//                  weights streamed in row blocks, pooled to S x S texels, with
//                  its statistics (the `heads` lesson, 144 heads, one thread)
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <memory>
#include <string>

#include "core/engine.h"
#include "core/forward.h"
#include "core/lessons/heads.h"
#include "core/model/gpt2_model.h"

namespace {

std::string ModelDir() {
  const char* d = std::getenv("ATTNVIZ_BENCH_MODEL");
  return d ? d : "/tmp/attnviz-gpt2-small";
}

std::shared_ptr<attnviz::Gpt2Model> Model() {
  static std::shared_ptr<attnviz::Gpt2Model> m = [] {
    auto model = attnviz::Gpt2Model::Load(ModelDir(), "bench");
    model->SetThreads(1);
    return model;
  }();
  return m;
}

attnviz::Mat Residual(int n) {
  attnviz::Mat x = attnviz::Mat::Random(n, Model()->Shape().d_model);
  return x;
}

void BM_Mlp(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  const attnviz::Mat h = Residual(n);
  for (auto _ : state) benchmark::DoNotOptimize(Model()->Mlp(0, h));
  const double flops = 2.0 * 2 * n * Model()->Shape().d_model * Model()->Config().n_inner;
  state.counters["GFLOP/s"] = benchmark::Counter(flops, benchmark::Counter::kIsIterationInvariantRate, benchmark::Counter::kIs1000);
}
BENCHMARK(BM_Mlp)->Arg(64)->Arg(256)->Arg(1024)->Unit(benchmark::kMillisecond);

void BM_AttentionInput(benchmark::State& state) {
  const attnviz::Mat h = Residual(static_cast<int>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(Model()->AttentionInput(0, h));
}
BENCHMARK(BM_AttentionInput)->Arg(1024)->Unit(benchmark::kMillisecond);

void BM_PredictNext(benchmark::State& state) {
  const attnviz::Mat h = Residual(16);
  for (auto _ : state) {
    const auto& model = *Model();
    benchmark::DoNotOptimize(attnviz::TopTokens(model, attnviz::NextTokenDistribution(model, h), 10));
  }
}
BENCHMARK(BM_PredictNext)->Unit(benchmark::kMillisecond);

void BM_Load(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(attnviz::Gpt2Model::Load(ModelDir(), "bench"));
}
BENCHMARK(BM_Load)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_ModelView(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  attnviz::Request r;
  r.model = ModelDir();
  r.d_model = Model()->Shape().d_model;
  r.heads = r.kv_heads = Model()->Shape().heads;
  r.mask.causal = true;
  // Words of the synthetic vocabulary until the text has n tokens.
  const char* words[] = {"the", "cat", "sat", "on", "mat", "because", "it", "was", "tired", "and", "dog"};
  std::string text;
  for (int i = 0; static_cast<int>(Model()->Tokenize(text).size()) < n; ++i) text += std::string(i ? " " : "") + words[i % 11];
  r.text = text;
  const attnviz::TracePtr t = attnviz::RunTraceWith(r, Model());
  attnviz::lessons::HeadsParams p;
  p.thumb = static_cast<int>(state.range(1));
  p.threads = 1;
  for (auto _ : state) benchmark::DoNotOptimize(attnviz::lessons::ComputeHeadsLesson(*t, p));
  state.counters["tokens"] = t->n();
  state.counters["heads"] = static_cast<double>(t->layers.size() * t->layers[0].heads.size());
}
BENCHMARK(BM_ModelView)->Args({1024, 26})->Args({1024, 48})->Args({256, 48})->Unit(benchmark::kMillisecond)->Iterations(2);

}  // namespace

BENCHMARK_MAIN();
