#include "core/lessons/kv_cache.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>

#include "core/attention/mask.h"
#include "core/attention/positional.h"
#include "core/engine.h"
#include "core/model/model.h"

namespace attnviz::lessons {

namespace {

// Qwen3's per-head q/k norm on one row (the engine's, core/forward.cpp).
void HeadRmsNormRow(RowVec& x, const RowVec& gain, float eps) {
  if (gain.size() == 0) return;
  const float ms = x.squaredNorm() / static_cast<float>(x.size());
  x = (x * (1.0f / std::sqrt(ms + eps))).cwiseProduct(gain);
}

void Add(GenerationWork& a, const GenerationWork& b) {
  a.projections += b.projections;
  a.dot_products += b.dot_products;
  a.flops += b.flops;
}

// Whether a causal sliding window makes the cache a rolling buffer of w rows.
int RollingWindow(const MaskSpec& m) { return m.causal && m.pattern == MaskPattern::Sliding ? m.window : 0; }

// A verified decode costs one matrix-vector pass per token and layer; past this
// many flops (about a second here) the decoder checks a prefix only.
constexpr double kDecodeFlopBudget = 4e9;

}  // namespace

KvCacheLesson ComputeKvCacheLesson(const ModelShape& shape, int kv_heads_in_use, int n, int bytes_per_value) {
  KvCacheLesson k;
  k.n = n;
  k.layers = shape.layers;
  k.heads = shape.heads;
  k.kv_heads = kv_heads_in_use > 0 ? kv_heads_in_use : shape.kv_heads;
  k.d_k = shape.d_k;
  k.d_model = shape.d_model;
  k.bytes_per_value = bytes_per_value;
  k.cache_bytes_per_token = 2.0 * k.layers * k.kv_heads * k.d_k * bytes_per_value;
  k.cache_bytes = k.cache_bytes_per_token * n;
  k.mha_bytes_per_token = 2.0 * k.layers * k.heads * k.d_k * bytes_per_value;
  k.reduction = k.cache_bytes_per_token > 0 ? k.mha_bytes_per_token / k.cache_bytes_per_token : 1.0;
  return k;
}

void CountGenerationWork(const ModelShape& shape, int kv_heads, const MaskSpec& mask, int n,
                         std::vector<GenerationWork>* cached, std::vector<GenerationWork>* uncached,
                         std::vector<int>* cache_rows) {
  const double L = shape.layers, H = shape.heads, G = kv_heads, dk = shape.d_k, D = shape.d_model;
  cached->assign(n, {});
  uncached->assign(n, {});
  cache_rows->assign(n, 0);
  const int window = RollingWindow(mask);
  GenerationWork prefix;
  for (int t = 0; t < n; ++t) {
    long pairs = 0;
    for (int j = 0; j <= t; ++j) pairs += MaskAllows(mask, t, j) ? 1 : 0;
    GenerationWork& c = (*cached)[t];
    c.projections = L * (H + 2 * G);
    c.dot_products = L * H * pairs;
    c.flops = L * ((H + 2 * G) * 2 * D * dk + H * pairs * 4 * dk + 2 * H * dk * D);
    // Without a cache, step t recomputes the whole prefix: every earlier step's work again.
    Add(prefix, c);
    (*uncached)[t] = prefix;
    (*cache_rows)[t] = window > 0 ? std::min(t + 1, window) : t + 1;
  }
}

// [SECTION] The decoder

KvCacheDecoder::KvCacheDecoder(const Model& source, const Request& r,
                               std::vector<std::shared_ptr<const LayerWeights>> weights, int n)
    : source_(source), r_(r), weights_(std::move(weights)) {
  const ModelShape& shape = source.Shape();
  if (r.positional == Positional::Sinusoidal) positions_ = SinusoidalEncoding(n, shape.d_model);
  if (r.positional == Positional::Learned) positions_ = source.LearnedPositions(n);
  slopes_ = r.positional == Positional::Alibi ? AlibiSlopes(shape.heads) : std::vector<float>(shape.heads, 0.0f);
  rope_freq_ = RopeFrequencies(shape.rope, shape.d_k);
  const int layers = static_cast<int>(weights_.size());
  K_.resize(layers);
  V_.resize(layers);
  q_.resize(layers);
  w_.resize(layers);
  for (int l = 0; l < layers; ++l) {
    const int G = static_cast<int>(weights_[l]->kv_heads.size()), H = static_cast<int>(weights_[l]->q_heads.size());
    K_[l].assign(G, Mat(0, shape.d_k));
    V_[l].assign(G, Mat(0, shape.d_k));
    q_[l].assign(H, RowVec());
    w_[l].assign(H, {});
  }
}

Mat KvCacheDecoder::Step(const Token& token, GenerationWork* work) {
  const ModelShape& shape = source_.Shape();
  const int t = steps_;
  const int D = shape.d_model, dk = shape.d_k;
  const float scale = r_.scale ? 1.0f / std::sqrt(static_cast<float>(dk)) : 1.0f;
  Mat x = source_.Embed({token});  // (1, D)
  if (positions_.rows() > t) x += positions_.row(t);
  const int layers = static_cast<int>(weights_.size());
  Mat outputs(layers, D);
  for (int l = 0; l < layers; ++l) {
    const LayerWeights& w = *weights_[l];
    const int H = static_cast<int>(w.q_heads.size()), G = static_cast<int>(w.kv_heads.size());
    const Mat a = source_.AttentionInput(l, x);  // (1, D)
    for (int g = 0; g < G; ++g) {
      RowVec k = a * w.kv_heads[g].W_k + w.kv_heads[g].b_k;
      const RowVec v = a * w.kv_heads[g].W_v + w.kv_heads[g].b_v;
      HeadRmsNormRow(k, w.k_norm, w.qk_norm_eps);
      if (r_.positional == Positional::Rope) ApplyRopeRow(k.data(), dk, rope_freq_, shape.rope, t);
      Mat& K = K_[l][g];
      Mat& V = V_[l][g];
      K.conservativeResize(t + 1, dk);
      V.conservativeResize(t + 1, dk);
      K.row(t) = k;
      V.row(t) = v;
    }
    Mat concat(1, H * dk);
    long pairs = 0;
    for (int h = 0; h < H; ++h) {
      RowVec q = a * w.q_heads[h].W_q + w.q_heads[h].b_q;
      HeadRmsNormRow(q, w.q_norm, w.qk_norm_eps);
      if (r_.positional == Positional::Rope) ApplyRopeRow(q.data(), dk, rope_freq_, shape.rope, t);
      const int g = h / (H / G);
      const Mat& K = K_[l][g];
      const Mat& V = V_[l][g];
      // Logits over the cached rows the mask allows, softmax in double.
      std::vector<double> lg(t + 1, -std::numeric_limits<double>::infinity());
      double mx = -std::numeric_limits<double>::infinity();
      for (int j = 0; j <= t; ++j) {
        if (!MaskAllows(r_.mask, t, j)) continue;
        ++pairs;
        const double bias = slopes_[h] != 0.0f ? -static_cast<double>(slopes_[h]) * std::abs(t - j) : 0.0;
        lg[j] = (scale * static_cast<double>(q.dot(K.row(j))) + bias) / r_.temperature;
        mx = std::max(mx, lg[j]);
      }
      std::vector<double> wt(t + 1, 0.0);
      Eigen::RowVectorXd out = Eigen::RowVectorXd::Zero(dk);
      if (mx > -std::numeric_limits<double>::infinity()) {
        double sum = 0;
        for (int j = 0; j <= t; ++j)
          if (std::isfinite(lg[j])) sum += (wt[j] = std::exp(lg[j] - mx));
        for (int j = 0; j <= t; ++j) {
          wt[j] /= sum;
          if (wt[j] != 0) out += wt[j] * V.row(j).cast<double>();
        }
      }
      concat.block(0, h * dk, 1, dk) = out.cast<float>();
      q_[l][h] = q;
      w_[l][h] = std::move(wt);
    }
    Mat attn = concat * w.W_o;
    attn.row(0) += w.b_o;
    outputs.row(l) = attn.row(0);
    if (work) {
      work->projections += H + 2 * G;
      work->dot_products += static_cast<double>(pairs);
      work->flops += (H + 2.0 * G) * 2 * D * dk + pairs * 4.0 * dk + 2.0 * H * dk * D;
    }
    if (l + 1 < layers) {
      x += attn;
      const Mat mlp = source_.Mlp(l, x);
      if (mlp.size() != 0) x += mlp;
    }
  }
  ++steps_;
  return outputs;
}

// [SECTION] The lesson

KvCacheLesson RunKvCacheLesson(Engine& engine, const Request& request, const KvCacheParams& p, const CancelToken* cancel) {
  Request r = request;
  r.mask.causal = true;  // generation reads only what was already written
  const auto source = engine.ModelFor(r);
  const ModelShape shape = source->Shape();
  const TracePtr t = engine.Run(r, cancel);
  const int n = t->n();
  KvCacheLesson k = ComputeKvCacheLesson(shape, t->config.kv_heads, n, p.bytes_per_value);
  k.trace = t;
  k.mask = t->config.mask;
  k.window = RollingWindow(k.mask);
  if (k.window > 0) k.cache_bytes = k.cache_bytes_per_token * std::min(n, k.window);
  CountGenerationWork(shape, k.kv_heads, k.mask, n, &k.cached, &k.uncached, &k.cache_rows);
  for (int s = 0; s < n; ++s) {
    Add(k.cached_total, k.cached[s]);
    Add(k.uncached_total, k.uncached[s]);
  }
  k.step = p.step < 0 ? n - 1 : std::min(p.step, n - 1);
  k.layer = std::clamp(p.layer, 0, k.layers - 1);
  k.head = std::clamp(p.head, 0, k.heads - 1);
  k.kv_head = t->layers[k.layer].heads[k.head].kv_head;

  // Decode token by token with the trace's own weights (after any pooling) and
  // its resolved settings (a checkpoint's learned positions, say).
  Request eff = r;
  eff.positional = t->config.positional;
  eff.mask = t->config.mask;
  eff.scale = t->config.scale;
  eff.temperature = t->config.temperature;
  std::vector<std::shared_ptr<const LayerWeights>> weights;
  for (const LayerTrace& lt : t->layers) weights.push_back(lt.weights);
  KvCacheDecoder dec(*source, eff, weights, n);
  const double per_token = k.cached.empty() ? 1 : std::max(1.0, k.cached.back().flops) + 24.0 * shape.layers * shape.d_model * shape.d_model;
  const int budget_steps = std::max(16, static_cast<int>(kDecodeFlopBudget / per_token));
  k.verified_steps = std::min(n, budget_steps);
  for (int s = 0; s < k.verified_steps; ++s) {
    ThrowIfCancelled(cancel);
    const Mat out = dec.Step(t->tokens[s], &k.counted);
    for (int l = 0; l < k.layers; ++l)
      k.max_abs_diff = std::max(k.max_abs_diff, static_cast<double>((out.row(l) - t->layers[l].output.row(s)).cwiseAbs().maxCoeff()));
    if (s == k.step) {
      // The cache as step `step` left it: a rolling buffer keeps the last `window` rows.
      const int rows = k.cache_rows[s];
      const int first = s + 1 - rows;
      k.K_cache = dec.K(k.layer, k.kv_head).middleRows(first, rows);
      k.V_cache = dec.V(k.layer, k.kv_head).middleRows(first, rows);
      for (int j = first; j <= s; ++j) k.cache_positions.push_back(j);
      k.query = dec.LastQuery(k.layer, k.head);
      const std::vector<double>& w = dec.LastWeights(k.layer, k.head);
      k.weights.assign(w.begin() + first, w.end());
    }
  }
  // The shown step lies past the verified prefix: its cache is the trace's K and V rows
  // (a causal trace's row j is exactly what the decoder would have cached).
  if (k.step >= k.verified_steps) {
    const int rows = k.cache_rows[k.step];
    const int first = k.step + 1 - rows;
    const KvHeadTrace& kv = t->layers[k.layer].kv_heads[k.kv_head];
    k.K_cache = kv.K.middleRows(first, rows);
    k.V_cache = kv.V.middleRows(first, rows);
    for (int j = first; j <= k.step; ++j) k.cache_positions.push_back(j);
    k.query = t->layers[k.layer].heads[k.head].Q.row(k.step);
    std::vector<float> row(n);
    t->MatrixRows(k.layer, k.head, HeadMatrix::Weights, k.step, 1, row.data());
    k.weights.assign(row.begin() + first, row.begin() + k.step + 1);
  }
  return k;
}

nlohmann::json ToJson(const KvCacheLesson& k) {
  nlohmann::json j = {{"lesson", "kv-cache"},
                      {"n", k.n},
                      {"layers", k.layers},
                      {"heads", k.heads},
                      {"kv_heads", k.kv_heads},
                      {"d_k", k.d_k},
                      {"bytes_per_value", k.bytes_per_value},
                      {"cache_bytes_per_token", static_cast<std::int64_t>(k.cache_bytes_per_token)},
                      {"cache_bytes", static_cast<std::int64_t>(k.cache_bytes)},
                      {"mha_bytes_per_token", static_cast<std::int64_t>(k.mha_bytes_per_token)},
                      {"reduction", k.reduction}};
  if (k.cached.empty()) return j;
  auto work = [](const GenerationWork& w) {
    return nlohmann::json{{"projections", w.projections}, {"dot_products", w.dot_products}, {"flops", w.flops}};
  };
  nlohmann::json steps = nlohmann::json::array();
  for (int s = 0; s < k.n; ++s)
    steps.push_back({{"cached", work(k.cached[s])}, {"uncached", work(k.uncached[s])}, {"cache_rows", k.cache_rows[s]}});
  j["mask"] = DescribeMask(k.mask);
  if (k.window > 0) j["rolling_window"] = k.window;
  j["steps"] = steps;
  j["total"] = {{"cached", work(k.cached_total)}, {"uncached", work(k.uncached_total)}};
  std::vector<double> w(k.weights.begin(), k.weights.end());
  j["at_step"] = {{"step", k.step},
                  {"layer", k.layer},
                  {"head", k.head},
                  {"kv_head", k.kv_head},
                  {"cache_positions", k.cache_positions},
                  {"weights", w}};
  j["verified_steps"] = k.verified_steps;
  j["counted_by_decoder"] = work(k.counted);
  j["max_abs_diff"] = k.max_abs_diff;
  return j;
}

}  // namespace attnviz::lessons
