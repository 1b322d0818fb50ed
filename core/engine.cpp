// Engine: the forward pass of SPEC.md with every intermediate kept.
//
// Per layer:  X = source.AttentionInput(residual)                     (N, D)
//             per kv head g: K_g = X W_k + b_k, V_g = X W_v + b_v     (N, dk)
//             per query head h: Q_h = X W_q + b_q                      (N, dk)
//             RoPE on Q_h and K_g, ALiBi bias per head, mask, softmax
//             concat (N, H dk) W_o + b_o -> output (N, D)
//             residual = source.NextResidual(residual, output)
#include "core/engine.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <string>
#include <thread>

#include "core/attention/head.h"
#include "core/attention/mask.h"
#include "core/attention/positional.h"
#include "core/limits.h"

namespace attnviz {
namespace {

std::string SourceKey(const Request& r) {
  if (r.model == "random")
    return "random/" + std::to_string(r.seed) + "/" + std::to_string(r.d_model) + "/" + std::to_string(r.heads) + "/" +
           std::to_string(r.layers);
  return r.model;
}

// Grouped-query attention from a model with `native` kv heads: group g of the
// requested G mean-pools native heads [g*native/G, (g+1)*native/G) (Ainslie et al. 2023).
std::vector<KvHeadWeights> PoolKvHeads(const std::vector<KvHeadWeights>& native, int groups) {
  const int per = static_cast<int>(native.size()) / groups;
  if (per == 1) return native;
  std::vector<KvHeadWeights> pooled(groups);
  for (int g = 0; g < groups; ++g) {
    KvHeadWeights& p = pooled[g];
    p = native[g * per];
    for (int k = 1; k < per; ++k) {
      const KvHeadWeights& n = native[g * per + k];
      p.W_k += n.W_k; p.b_k += n.b_k; p.W_v += n.W_v; p.b_v += n.b_v;
    }
    const float inv = 1.0f / static_cast<float>(per);
    p.W_k *= inv; p.b_k *= inv; p.W_v *= inv; p.b_v *= inv;
  }
  return pooled;
}

// Runs fn(i) for i in [0, count) on up to hardware_concurrency threads. Heads
// are independent, and a trace at N = 4096 is dominated by per-head N^2 work.
template <class Fn>
void ParallelFor(int count, Fn fn) {
  const int threads = std::max(1, std::min<int>(count, static_cast<int>(std::thread::hardware_concurrency())));
  if (threads <= 1 || count <= 1) {
    for (int i = 0; i < count; ++i) fn(i);
    return;
  }
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      for (int i = t; i < count; i += threads) fn(i);
    });
  for (auto& th : pool) th.join();
}

void CheckShape(const Request& r, const ModelShape& shape) {
  if (r.model == "random") return;
  if (r.d_model != shape.d_model || r.heads != shape.heads) {
    throw InputError("model " + shape.name + " has d_model " + std::to_string(shape.d_model) + " and " +
                     std::to_string(shape.heads) + " heads; --d-model and --heads choose sizes only for --model random");
  }
  if (shape.kv_heads % r.kv_heads != 0) {
    throw InputError("kv-heads " + std::to_string(r.kv_heads) + " must divide the model's " +
                     std::to_string(shape.kv_heads) + " key/value heads (groups are formed by mean-pooling)");
  }
  if (r.layers != 1 && r.layers != shape.layers) {
    throw InputError("model " + shape.name + " has " + std::to_string(shape.layers) +
                     " layer(s); --layers chooses a depth only for --model random");
  }
}

}  // namespace

std::size_t EstimateTraceBytes(int n, int d_model, int heads, int kv_heads, int layers) {
  const std::size_t nn = static_cast<std::size_t>(n) * n;
  const std::size_t dk = d_model / std::max(1, heads);
  const std::size_t per_head = 4 * nn * sizeof(float) + 2 * n * dk * sizeof(float);
  const std::size_t per_kv = 2 * n * dk * sizeof(float);
  const std::size_t per_layer = heads * per_head + kv_heads * per_kv + 3 * std::size_t(n) * d_model * sizeof(float);
  return nn + layers * per_layer;
}

TracePtr RunTraceWith(const Request& r, const WeightSource& source) {
  ValidateRequest(r);
  const ModelShape shape = source.Shape();
  CheckShape(r, shape);
  if (r.positional == Positional::Learned && !shape.has_learned_positions)
    throw InputError("positional 'learned' needs a model with learned position embeddings (a GPT-2 checkpoint)");

  auto trace = std::make_shared<Trace>();
  Trace& t = *trace;
  t.text = r.text;
  t.tokens = source.Tokenize(r.text);
  const int n = t.n();
  if (n == 0) {
    throw InputError(r.text.empty() ? "text is empty: type a sentence (at least one token)"
                                    : "text has no tokens (only whitespace): type a sentence");
  }
  if (n > kMaxTokens) {
    throw InputError("text has " + std::to_string(n) + " tokens; the limit is " + std::to_string(kMaxTokens) +
                     " (a trace keeps four N x N matrices per head)");
  }
  const int layers = shape.layers;
  const int H = shape.heads, G = r.kv_heads, dk = shape.d_k, D = shape.d_model;
  const std::size_t bytes = EstimateTraceBytes(n, D, H, G, layers);
  if (bytes > kMaxTraceBytes) {
    throw InputError("a trace of " + std::to_string(n) + " tokens x " + std::to_string(H) + " heads x " +
                     std::to_string(layers) + " layers needs " + std::to_string(bytes >> 20) +
                     " MiB; the limit is " + std::to_string(kMaxTraceBytes >> 20) + " MiB: shorten the text or use fewer heads/layers");
  }

  t.config.model = shape.name;
  t.config.d_model = D;
  t.config.heads = H;
  t.config.kv_heads = G;
  t.config.d_k = dk;
  t.config.layers = layers;
  t.config.positional = r.positional;
  t.config.scale = r.scale;
  t.config.temperature = r.temperature;
  t.config.mask = r.mask;
  t.config.seed = r.model == "random" ? r.seed : 0;

  const MaskSpec& ms = r.mask;
  for (int g : ms.globals)
    if (g >= n && ms.pattern == MaskPattern::GlobalLocal)
      t.notes.push_back("global token " + std::to_string(g) + " is past the last token (" + std::to_string(n - 1) + ") and is ignored");
  if (ms.pattern == MaskPattern::BlockSparse && ms.block >= n)
    t.notes.push_back("block " + std::to_string(ms.block) + " >= N = " + std::to_string(n) +
                      ": one block covers the whole text, so block-sparse equals " + (ms.causal ? "causal" : "full") + " attention");
  if ((ms.pattern == MaskPattern::Sliding || ms.pattern == MaskPattern::GlobalLocal) &&
      (ms.causal ? ms.window >= n : ms.window / 2 >= n - 1))
    t.notes.push_back("window " + std::to_string(ms.window) + " covers the whole text of " + std::to_string(n) +
                      " tokens: the sliding window changes nothing");
  if (G < shape.kv_heads)
    t.notes.push_back("K and V of each group of " + std::to_string(shape.kv_heads / G) +
                      " heads are mean-pooled (" + std::to_string(H) + " query heads share " + std::to_string(G) + " key/value heads)");

  t.mask = BuildMask(ms, n);
  for (int i = 0; i < n; ++i)
    if (!(t.mask.row(i).array() != 0).any()) {  // (a uint8 sum would wrap at 256)
      t.notes.push_back("some queries may attend to no key under this mask; their weights and outputs are zero");
      break;
    }

  // Residual stream: token embeddings plus absolute positions (if any).
  Mat residual = source.Embed(t.tokens);
  if (r.positional == Positional::Sinusoidal) t.positional_encoding = SinusoidalEncoding(n, D);
  if (r.positional == Positional::Learned) t.positional_encoding = source.LearnedPositions(n);
  if (t.positional_encoding.size() != 0) residual += t.positional_encoding;

  const float scale_factor = r.scale ? 1.0f / std::sqrt(static_cast<float>(dk)) : 1.0f;
  const std::vector<float> slopes = r.positional == Positional::Alibi ? AlibiSlopes(H) : std::vector<float>(H, 0.0f);
  const Mat zero_bias = Mat::Zero(n, n);

  t.layers.resize(layers);
  for (int l = 0; l < layers; ++l) {
    const LayerWeights& w = source.Layer(l);
    LayerTrace& lt = t.layers[l];
    lt.input = source.AttentionInput(l, residual);
    const Mat& X = lt.input;

    const std::vector<KvHeadWeights> kv = PoolKvHeads(w.kv_heads, G);
    lt.kv_heads.resize(G);
    for (int g = 0; g < G; ++g) {
      KvHeadTrace& k = lt.kv_heads[g];
      k.W_k = kv[g].W_k; k.b_k = kv[g].b_k; k.W_v = kv[g].W_v; k.b_v = kv[g].b_v;
      k.K = (X * k.W_k).rowwise() + k.b_k;
      k.V = (X * k.W_v).rowwise() + k.b_v;
      if (r.positional == Positional::Rope) ApplyRope(k.K);
    }

    lt.heads.resize(H);
    std::atomic<bool> overflow{false};
    ParallelFor(H, [&](int h) {
      HeadTrace& ht = lt.heads[h];
      const QueryHeadWeights& qw = w.q_heads[h];
      ht.kv_head = h / (H / G);
      ht.role = qw.role;
      ht.W_q = qw.W_q;
      ht.b_q = qw.b_q;
      ht.Q = (X * ht.W_q).rowwise() + ht.b_q;
      if (r.positional == Positional::Rope) ApplyRope(ht.Q);
      ht.alibi_slope = slopes[h];
      ht.bias = r.positional == Positional::Alibi ? AlibiBias(n, slopes[h]) : zero_bias;
      const KvHeadTrace& k = lt.kv_heads[ht.kv_head];
      HeadSteps steps = ComputeHeadSteps(ht.Q, k.K, k.V, t.mask, ht.bias, scale_factor, r.temperature);
      ht.scores = std::move(steps.scores);
      ht.logits = std::move(steps.logits);
      ht.weights = std::move(steps.weights);
      ht.output = std::move(steps.output);
      ht.empty_rows = std::move(steps.empty_rows);
      if (!steps.finite || !ht.Q.allFinite()) overflow = true;
    });

    lt.concat.resize(n, H * dk);
    for (int h = 0; h < H; ++h) lt.concat.middleCols(h * dk, dk) = lt.heads[h].output;
    lt.W_o = w.W_o;
    lt.b_o = w.b_o;
    lt.output = (lt.concat * lt.W_o).rowwise() + lt.b_o;
    bool kv_finite = lt.input.allFinite();
    for (const KvHeadTrace& k : lt.kv_heads) kv_finite = kv_finite && k.K.allFinite() && k.V.allFinite();
    if (overflow || !kv_finite || !lt.output.allFinite()) {
      throw InputError("the values overflowed float range in layer " + std::to_string(l) +
                       "; the inputs or weights are too large to compute exactly");
    }
    if (l + 1 < layers) residual = source.NextResidual(l, residual, lt.output);
  }
  return trace;
}

TracePtr Engine::Run(const Request& r) {
  ValidateRequest(r);
  std::shared_ptr<const WeightSource> source;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const std::string key = SourceKey(r);
    if (key != cached_key_ || !cached_source_) {
      cached_source_ = MakeWeightSource(r);
      cached_key_ = key;
    }
    source = cached_source_;
  }
  return RunTraceWith(r, *source);
}

TracePtr RunTrace(const Request& r) {
  ValidateRequest(r);
  return RunTraceWith(r, *MakeWeightSource(r));
}

}  // namespace attnviz
