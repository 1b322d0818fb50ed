// Engine: the forward pass of SPEC.md, keeping what every view needs.
//
// Per layer:  X = source.AttentionInput(residual)                     (N, D)
//             per kv head g: K_g = X W_k + b_k, V_g = X W_v + b_v     (N, dk)
//             per query head h: Q_h = X W_q + b_q                      (N, dk)
//             RoPE on Q_h and K_g
//             outputs and row log-sum-exps of every head at once
//               (ComputeAttentionBatch: mask, ALiBi, scale, temperature)
//             concat (N, H dk) W_o + b_o -> output (N, D)
//             residual = source.NextResidual(residual, output)
// The per-head N x N matrices are not computed here: Trace::Matrix computes
// the one a view shows, when it shows it (core/trace.h).
#include "core/engine.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "core/attention/attention_batch.h"
#include "core/attention/mask.h"
#include "core/attention/positional.h"
#include "core/limits.h"
#include "core/model/builtin.h"

namespace attnviz {
namespace {

std::string SourceKey(const Request& r) {
  // The built-in model has a design per positional kind (builtin.h).
  if (r.model == "builtin") return BuiltinDesignKey(r.positional);
  if (r.model == "random")
    return "random/" + std::to_string(r.seed) + "/" + std::to_string(r.d_model) + "/" + std::to_string(r.heads) + "/" +
           std::to_string(r.layers);
  return r.model;
}

// Grouped-query attention from a model with `native` kv heads: group g of the
// requested G mean-pools native heads [g*native/G, (g+1)*native/G) (Ainslie et al. 2023).
// Without pooling the trace points at the source's own weights (no copy).
std::shared_ptr<const LayerWeights> EffectiveWeights(const std::shared_ptr<const WeightSource>& source, int layer,
                                                     int groups) {
  const LayerWeights& w = source->Layer(layer);
  const int per = static_cast<int>(w.kv_heads.size()) / groups;
  if (per == 1) return std::shared_ptr<const LayerWeights>(source, &w);  // aliasing: keeps the source alive
  auto pooled = std::make_shared<LayerWeights>();
  pooled->q_heads = w.q_heads;
  pooled->W_o = w.W_o;
  pooled->b_o = w.b_o;
  pooled->kv_heads.resize(groups);
  for (int g = 0; g < groups; ++g) {
    KvHeadWeights& p = pooled->kv_heads[g];
    p = w.kv_heads[g * per];
    for (int k = 1; k < per; ++k) {
      const KvHeadWeights& n = w.kv_heads[g * per + k];
      p.W_k += n.W_k; p.b_k += n.b_k; p.W_v += n.W_v; p.b_v += n.b_v;
    }
    const float inv = 1.0f / static_cast<float>(per);
    p.W_k *= inv; p.b_k *= inv; p.W_v *= inv; p.b_v *= inv;
  }
  return pooled;
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

// Projects X through the layer's weights into Q (per query head) and K, V (per kv head).
void Project(const Mat& X, const LayerWeights& w, bool rope, LayerTrace& lt) {
  const int H = static_cast<int>(w.q_heads.size()), G = static_cast<int>(w.kv_heads.size());
  lt.kv_heads.resize(G);
  for (int g = 0; g < G; ++g) {
    KvHeadTrace& k = lt.kv_heads[g];
    k.K.noalias() = X * w.kv_heads[g].W_k;
    k.K.rowwise() += w.kv_heads[g].b_k;
    k.V.noalias() = X * w.kv_heads[g].W_v;
    k.V.rowwise() += w.kv_heads[g].b_v;
    if (rope) ApplyRope(k.K);
  }
  lt.heads.resize(H);
  for (int h = 0; h < H; ++h) {
    HeadTrace& ht = lt.heads[h];
    ht.Q.noalias() = X * w.q_heads[h].W_q;
    ht.Q.rowwise() += w.q_heads[h].b_q;
    if (rope) ApplyRope(ht.Q);
  }
}

// Refuses an oversized random model before its weights are drawn (48 layers
// of d_model 1024 take seconds to generate; the refusal should not).
void CheckRandomBudget(const Request& r) {
  if (r.model != "random") return;
  const std::size_t n = TokenizeWords(r.text).size();
  const std::size_t bytes = EstimateTraceBytes(static_cast<int>(std::min<std::size_t>(n, kMaxTokens)), r.d_model,
                                               r.heads, r.kv_heads, r.layers);
  if (n <= static_cast<std::size_t>(kMaxTokens) && bytes > kMaxTraceBytes)
    throw InputError("a trace of " + std::to_string(n) + " tokens x " + std::to_string(r.heads) + " heads x " +
                     std::to_string(r.layers) + " layers needs " + std::to_string(bytes >> 20) + " MiB; the limit is " +
                     std::to_string(kMaxTraceBytes >> 20) + " MiB: shorten the text or use fewer heads/layers");
}

}  // namespace

std::vector<Token> TokenizeChecked(const WeightSource& source, const std::string& text) {
  std::vector<Token> tokens = source.Tokenize(text);
  if (tokens.empty()) {
    throw InputError(text.empty() ? "text is empty: type a sentence (at least one token)"
                                  : "text has no tokens (only whitespace): type a sentence");
  }
  if (tokens.size() > static_cast<std::size_t>(kMaxTokens)) {
    throw InputError("text has " + std::to_string(tokens.size()) + " tokens; the limit is " + std::to_string(kMaxTokens) +
                     " (the most a view can show exactly)");
  }
  return tokens;
}

std::size_t EstimateTraceBytes(int n, int d_model, int heads, int kv_heads, int layers) {
  // What a trace stores: the mask (N^2 bytes), per layer the input, concat and
  // output (N x D each), per query head Q, output and lse, per kv head K and V.
  const std::size_t N = n, dk = d_model / std::max(1, heads), f = sizeof(float);
  const std::size_t per_layer = 3 * N * d_model * f + heads * (2 * N * dk + N) * f + kv_heads * 2 * N * dk * f;
  return N * N + layers * per_layer;
}

TracePtr RunTraceWith(const Request& request, std::shared_ptr<const WeightSource> source, const CancelToken* cancel) {
  ValidateRequest(request);
  const ModelShape shape = source->Shape();
  CheckShape(request, shape);
  Request r = request;
  auto trace = std::make_shared<Trace>();
  Trace& t = *trace;
  // A trained model brings its own positions and its own causality.
  if (shape.has_learned_positions) {
    if (r.positional != Positional::Learned && r.positional != Positional::Sinusoidal)
      t.notes.push_back("positional '" + std::string(ToString(r.positional)) + "' does not apply to " + shape.name +
                        ": it was trained with learned position embeddings");
    r.positional = Positional::Learned;
  } else if (r.positional == Positional::Learned) {
    throw InputError("positional 'learned' needs a model with learned position embeddings (a GPT-2 checkpoint)");
  }
  if (shape.causal && !r.mask.causal) {
    t.notes.push_back(shape.name + " was trained causal: every pattern is ANDed with the causal mask");
    r.mask.causal = true;
  }

  t.text = r.text;
  t.tokens = TokenizeChecked(*source, r.text);
  const int n = t.n();
  const int layers = shape.layers;
  const int H = shape.heads, G = r.kv_heads, dk = shape.d_k, D = shape.d_model;
  const std::size_t bytes = EstimateTraceBytes(n, D, H, G, layers);
  if (bytes > kMaxTraceBytes) {
    throw InputError("a trace of " + std::to_string(n) + " tokens x " + std::to_string(H) + " heads x " +
                     std::to_string(layers) + " layers needs " + std::to_string(bytes >> 20) +
                     " MiB; the limit is " + std::to_string(kMaxTraceBytes >> 20) + " MiB: shorten the text or use fewer heads/layers");
  }

  t.source = source;
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
  std::vector<int> empty_rows;
  for (int i = 0; i < n; ++i)
    if (!(t.mask.row(i).array() != 0).any()) empty_rows.push_back(i);  // (a uint8 sum would wrap at 256)
  if (!empty_rows.empty())
    t.notes.push_back("some queries may attend to no key under this mask; their weights and outputs are zero");

  // Residual stream: token embeddings plus absolute positions (if any).
  Mat residual = source->Embed(t.tokens);
  if (r.positional == Positional::Sinusoidal) t.positional_encoding = SinusoidalEncoding(n, D);
  if (r.positional == Positional::Learned) t.positional_encoding = source->LearnedPositions(n);
  if (t.positional_encoding.size() != 0) residual += t.positional_encoding;

  const float scale_factor = r.scale ? 1.0f / std::sqrt(static_cast<float>(dk)) : 1.0f;
  const std::vector<float> slopes = r.positional == Positional::Alibi ? AlibiSlopes(H) : std::vector<float>(H, 0.0f);

  t.layers.resize(layers);
  for (int l = 0; l < layers; ++l) {
    ThrowIfCancelled(cancel);
    LayerTrace& lt = t.layers[l];
    lt.weights = EffectiveWeights(source, l, G);
    const LayerWeights& w = *lt.weights;
    lt.input = source->AttentionInput(l, residual);
    Project(lt.input, w, r.positional == Positional::Rope, lt);

    AttentionBatch batch;
    batch.n = n;
    batch.d_k = batch.d_v = dk;
    batch.mask = ms;
    batch.scale = scale_factor;
    batch.temperature = r.temperature;
    batch.alibi_slope = slopes;
    for (int h = 0; h < H; ++h) {
      HeadTrace& ht = lt.heads[h];
      ht.kv_head = h / (H / G);
      ht.role = w.q_heads[h].role;
      ht.alibi_slope = slopes[h];
      ht.empty_rows = empty_rows;
      ht.output.resize(n, dk);
      ht.lse.resize(n);
      const KvHeadTrace& kv = lt.kv_heads[ht.kv_head];
      batch.q.push_back(ht.Q.data());
      batch.k.push_back(kv.K.data());
      batch.v.push_back(kv.V.data());
      batch.out.push_back(ht.output.data());
      batch.lse.push_back(ht.lse.data());
    }
    const bool finite = ComputeAttentionBatch(batch, AttentionOptions{}, cancel);

    lt.concat.resize(n, H * dk);
    for (int h = 0; h < H; ++h) lt.concat.middleCols(h * dk, dk) = lt.heads[h].output;
    lt.output.noalias() = lt.concat * w.W_o;
    lt.output.rowwise() += w.b_o;
    bool all_finite = finite && lt.input.allFinite() && lt.output.allFinite();
    for (const HeadTrace& ht : lt.heads) all_finite = all_finite && ht.Q.allFinite();
    for (const KvHeadTrace& k : lt.kv_heads) all_finite = all_finite && k.K.allFinite() && k.V.allFinite();
    if (!all_finite) {
      throw InputError("the values overflowed float range in layer " + std::to_string(l) +
                       "; the inputs or weights are too large to compute exactly");
    }
    // The residual after the last layer is needed only to predict the next token.
    if (l + 1 < layers || shape.vocab_size > 0) residual = source->NextResidual(l, residual, lt.output);
  }
  ThrowIfCancelled(cancel);
  if (shape.vocab_size > 0) t.next_token = source->PredictNext(residual, 10);
  return trace;
}

TracePtr Engine::Run(const Request& r, const CancelToken* cancel) {
  ValidateRequest(r);
  CheckRandomBudget(r);
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
  return RunTraceWith(r, std::move(source), cancel);
}

std::shared_ptr<const WeightSource> Engine::Source(const Request& r) {
  ValidateRequest(r);
  std::lock_guard<std::mutex> lock(mu_);
  const std::string key = SourceKey(r);
  if (key != cached_key_ || !cached_source_) {
    cached_source_ = MakeWeightSource(r);
    cached_key_ = key;
  }
  return cached_source_;
}

TracePtr RunTrace(const Request& r) {
  ValidateRequest(r);
  CheckRandomBudget(r);
  return RunTraceWith(r, MakeWeightSource(r));
}

}  // namespace attnviz
