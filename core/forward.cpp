// The forward pass, one layer at a time, with hook points (see forward.h).
//
// Index
//   [SECTION] Settings from a request and a model
//   [SECTION] Effective weights (grouped-query pooling)
//   [SECTION] Embeddings
//   [SECTION] One layer
//   [SECTION] After the last layer
#include "core/forward.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>

#include "core/attention/attention_batch.h"
#include "core/attention/head.h"
#include "core/attention/mask.h"
#include "core/attention/positional.h"
#include "core/parallel/thread_pool.h"

namespace attnviz {

// [SECTION] Settings from a request and a model

ForwardSettings SettingsFor(const Request& request, const ModelShape& shape, int n, std::vector<std::string>* notes) {
  ForwardSettings s;
  s.n = n;
  s.positional = request.positional;
  s.rope = shape.rope;
  s.mask = request.mask;
  // A trained model brings its own positions and its own causality.
  if (shape.positional) {
    if (request.positional != *shape.positional && request.positional != Positional::Sinusoidal && notes)
      notes->push_back("positional '" + std::string(ToString(request.positional)) + "' does not apply to " + shape.name +
                       ": it was trained with " +
                       (*shape.positional == Positional::Learned ? std::string("learned position embeddings")
                                                                 : std::string(ToString(*shape.positional)) + " positions"));
    s.positional = *shape.positional;
  } else if (request.positional == Positional::Learned) {
    throw InputError("positional 'learned' needs a model with learned position embeddings (a GPT-2 checkpoint)");
  }
  if (shape.causal && !s.mask.causal) {
    if (notes) notes->push_back(shape.name + " was trained causal: every pattern is ANDed with the causal mask");
    s.mask.causal = true;
  }
  if (shape.sliding_window > 0) {
    s.mask.model_window = shape.sliding_window;
    if (shape.sliding_window < n && notes)
      notes->push_back(shape.name + " attends within its own sliding window of " + std::to_string(shape.sliding_window) +
                       " tokens: older keys are masked in every layer");
  }
  const int dk = std::max(1, shape.d_k);
  s.scale = request.scale ? 1.0f / std::sqrt(static_cast<float>(dk)) : 1.0f;
  s.temperature = request.temperature;
  s.alibi_slopes = s.positional == Positional::Alibi ? AlibiSlopes(shape.heads) : std::vector<float>(shape.heads, 0.0f);
  s.kv_groups = request.kv_heads;
  if (s.kv_groups < 1 || shape.kv_heads % s.kv_groups != 0 || shape.heads % s.kv_groups != 0)
    throw InputError("kv-heads " + std::to_string(s.kv_groups) + " must divide the model's " +
                     std::to_string(shape.kv_heads) + " key/value heads (groups are formed by mean-pooling)");
  return s;
}

// [SECTION] Effective weights (grouped-query pooling)

std::shared_ptr<const LayerWeights> EffectiveWeights(const Model& model, int layer, int groups) {
  std::shared_ptr<const LayerWeights> w = model.Layer(layer);
  const int native = static_cast<int>(w->kv_heads.size());
  if (groups <= 0 || groups == native) return w;
  // Group g of the requested G mean-pools native heads [g*native/G, (g+1)*native/G).
  const int per = native / groups;
  auto pooled = std::make_shared<LayerWeights>(*w);
  pooled->kv_heads.resize(groups);
  for (int g = 0; g < groups; ++g) {
    KvHeadWeights& p = pooled->kv_heads[g];
    p = w->kv_heads[g * per];
    for (int k = 1; k < per; ++k) {
      const KvHeadWeights& o = w->kv_heads[g * per + k];
      p.W_k += o.W_k; p.b_k += o.b_k; p.W_v += o.W_v; p.b_v += o.b_v;
    }
    const float inv = 1.0f / static_cast<float>(per);
    p.W_k *= inv; p.b_k *= inv; p.W_v *= inv; p.b_v *= inv;
  }
  return pooled;
}

// [SECTION] Embeddings

Mat EmbedTokens(const Model& model, const std::vector<Token>& tokens, const ForwardSettings& s, int batch,
                Mat* positional_encoding) {
  const int n = static_cast<int>(tokens.size());
  Mat x = model.Embed(tokens);  // (N, D)
  Mat pe;
  if (s.positional == Positional::Sinusoidal) pe = SinusoidalEncoding(n, static_cast<int>(x.cols()));
  if (s.positional == Positional::Learned) pe = model.LearnedPositions(n);
  if (pe.size() != 0) x += pe;
  if (positional_encoding) *positional_encoding = std::move(pe);
  if (batch <= 1) return x;
  Mat stacked(static_cast<long>(n) * batch, x.cols());
  for (int b = 0; b < batch; ++b) stacked.middleRows(static_cast<long>(b) * n, n) = x;
  return stacked;
}

// [SECTION] One layer

namespace {

// Qwen3's q_norm / k_norm: RMSNorm of each row over the head dim, then the gain.
void HeadRmsNorm(Mat& x, const RowVec& gain, float eps) {
  if (gain.size() == 0) return;
  for (int r = 0; r < x.rows(); ++r) {
    const float ms = x.row(r).squaredNorm() / static_cast<float>(x.cols());
    x.row(r) = (x.row(r) * (1.0f / std::sqrt(ms + eps))).cwiseProduct(gain);
  }
}

// Q (per query head) and K, V (per kv head) of the layer input, with the
// per-head norm and RoPE. The heads are independent products: they run in
// parallel on the shared pool (one job per projection).
void Project(const Mat& X, const LayerWeights& w, const ForwardSettings& s, LayerTrace& lt) {
  const int H = static_cast<int>(w.q_heads.size()), G = static_cast<int>(w.kv_heads.size());
  lt.kv_heads.resize(G);
  lt.heads.resize(H);
  const bool rope = s.positional == Positional::Rope;
  ParallelFor(H + 2 * G, [&](int job) {
    if (job < H) {
      Mat& q = lt.heads[job].Q;
      q.noalias() = X * w.q_heads[job].W_q;
      q.rowwise() += w.q_heads[job].b_q;
      HeadRmsNorm(q, w.q_norm, w.qk_norm_eps);
      if (rope) ApplyRope(q, s.rope, s.n);
      return;
    }
    const int g = (job - H) / 2;
    const KvHeadWeights& kv = w.kv_heads[g];
    if ((job - H) % 2 == 0) {
      Mat& k = lt.kv_heads[g].K;
      k.noalias() = X * kv.W_k;
      k.rowwise() += kv.b_k;
      HeadRmsNorm(k, w.k_norm, w.qk_norm_eps);
      if (rope) ApplyRope(k, s.rope, s.n);
    } else {
      Mat& v = lt.kv_heads[g].V;
      v.noalias() = X * kv.W_v;
      v.rowwise() += kv.b_v;
    }
  });
}

// One head's weights for one sequence, explicitly (N, N), as the reference
// computes them: for the Pattern hook only.
Mat ExplicitPattern(const LayerTrace& lt, int h, int b, const ForwardSettings& s, const MaskMat& mask) {
  const int n = s.n;
  const HeadTrace& ht = lt.heads[h];
  const KvHeadTrace& kv = lt.kv_heads[ht.kv_head];
  const Mat q = ht.Q.middleRows(static_cast<long>(b) * n, n), k = kv.K.middleRows(static_cast<long>(b) * n, n),
            v = kv.V.middleRows(static_cast<long>(b) * n, n);
  const Mat bias = ht.alibi_slope != 0.0f ? AlibiBias(n, ht.alibi_slope) : Mat();
  return ComputeHeadSteps(q, k, v, mask, bias, s.scale, s.temperature).weights;
}

}  // namespace

void RunLayer(const Model& model, int layer, const LayerWeights& w, const ForwardSettings& s, Mat& residual,
              ForwardHooks* hooks, LayerTrace* record, const CancelToken* cancel) {
  ThrowIfCancelled(cancel);
  const int n = s.n, B = std::max(1, s.batch);
  const int H = static_cast<int>(w.q_heads.size()), G = static_cast<int>(w.kv_heads.size());
  const int dk = H > 0 ? static_cast<int>(w.q_heads[0].W_q.cols()) : 0;
  LayerTrace scratch;
  LayerTrace& lt = record ? *record : scratch;

  if (hooks) hooks->ResidPre(layer, residual);
  if (record) lt.residual = residual;
  lt.input = model.AttentionInput(layer, residual);
  Project(lt.input, w, s, lt);

  // Attention: every head of each sequence at once (the kernel runs heads x
  // query blocks on the pool). Sequence b reads rows [b n, (b+1) n).
  for (int h = 0; h < H; ++h) {
    HeadTrace& ht = lt.heads[h];
    ht.kv_head = h / (H / G);
    ht.role = w.q_heads[h].role;
    ht.alibi_slope = s.alibi_slopes.empty() ? 0.0f : s.alibi_slopes[h];
    ht.output.resize(static_cast<long>(B) * n, dk);
    ht.lse.resize(static_cast<long>(B) * n);
  }
  bool finite = true;
  for (int b = 0; b < B; ++b) {
    AttentionBatch batch;
    batch.n = n;
    batch.d_k = batch.d_v = dk;
    batch.mask = s.mask;
    batch.scale = s.scale;
    batch.temperature = s.temperature;
    batch.alibi_slope = s.alibi_slopes;
    const long off = static_cast<long>(b) * n * dk;
    for (int h = 0; h < H; ++h) {
      HeadTrace& ht = lt.heads[h];
      const KvHeadTrace& kv = lt.kv_heads[ht.kv_head];
      batch.q.push_back(ht.Q.data() + off);
      batch.k.push_back(kv.K.data() + off);
      batch.v.push_back(kv.V.data() + off);
      batch.out.push_back(ht.output.data() + off);
      batch.lse.push_back(ht.lse.data() + static_cast<long>(b) * n);
    }
    finite = ComputeAttentionBatch(batch, AttentionOptions{}, cancel) && finite;
  }

  if (hooks) {
    MaskMat mask;
    for (int h = 0; h < H; ++h) {
      if (!hooks->WantsPattern(layer, h)) continue;
      if (mask.size() == 0) mask = BuildMask(s.mask, n);
      HeadTrace& ht = lt.heads[h];
      for (int b = 0; b < B; ++b) {
        Mat weights = ExplicitPattern(lt, h, b, s, mask);
        const Mat before = weights;
        hooks->Pattern(layer, h, b, weights);
        if (weights.rows() != n || weights.cols() != n)
          throw InputError("a pattern hook returned a " + std::to_string(weights.rows()) + " x " +
                           std::to_string(weights.cols()) + " matrix; the head's pattern is " + std::to_string(n) +
                           " x " + std::to_string(n));
        if (weights == before) continue;
        ht.output.middleRows(static_cast<long>(b) * n, n).noalias() =
            weights * lt.kv_heads[ht.kv_head].V.middleRows(static_cast<long>(b) * n, n);
        ht.pattern_replaced = true;
      }
    }
    for (int h = 0; h < H; ++h) hooks->Z(layer, h, lt.heads[h].output);
  }

  lt.concat.resize(static_cast<long>(B) * n, static_cast<long>(H) * dk);
  for (int h = 0; h < H; ++h) lt.concat.middleCols(static_cast<long>(h) * dk, dk) = lt.heads[h].output;
  lt.output.noalias() = lt.concat * w.W_o;
  lt.output.rowwise() += w.b_o;
  if (hooks) hooks->AttnOut(layer, lt.output);

  bool all_finite = finite && lt.input.allFinite() && lt.output.allFinite();
  for (const HeadTrace& ht : lt.heads) all_finite = all_finite && ht.Q.allFinite();
  for (const KvHeadTrace& k : lt.kv_heads) all_finite = all_finite && k.K.allFinite() && k.V.allFinite();
  if (!all_finite) {
    throw InputError("the values overflowed float range in layer " + std::to_string(layer) +
                     "; the inputs or weights are too large to compute exactly");
  }

  residual += lt.output;  // h_l' = h_l + attn_l
  ThrowIfCancelled(cancel);
  Mat mlp = model.Mlp(layer, residual);
  if (mlp.size() != 0) {
    if (hooks) hooks->MlpOut(layer, mlp);
    if (!mlp.allFinite())
      throw InputError("the values overflowed float range in layer " + std::to_string(layer) +
                       "'s MLP; the inputs or weights are too large to compute exactly");
    residual += mlp;  // h_{l+1} = h_l' + mlp
  }
  if (record) lt.mlp_out = std::move(mlp);
}

// [SECTION] After the last layer

Mat FinalLogits(const Model& model, const Mat& final_rows, ForwardHooks* hooks, std::vector<float>* scale) {
  const ModelShape& shape = model.Shape();
  if (!shape.predicts_tokens() || final_rows.rows() == 0) return Mat();
  std::vector<float> sc;
  const Mat normed = ApplyNorm(model.FinalNorm(), final_rows, &sc);
  if (hooks) hooks->FinalScale(sc);
  if (scale) *scale = sc;
  Mat logits(final_rows.rows(), shape.vocab_size);
  model.Unembed(normed.data(), static_cast<int>(normed.rows()), logits.data());
  return logits;
}

std::vector<double> NextTokenDistribution(const Model& model, const Mat& final_residual, ForwardHooks* hooks) {
  if (!model.Shape().predicts_tokens() || final_residual.rows() == 0) return {};
  const Mat logits = FinalLogits(model, final_residual.bottomRows(1), hooks);
  // Softmax in double: the 50k-150k terms sum without losing the small ones.
  const long V = logits.cols();
  double mx = -std::numeric_limits<double>::infinity();
  for (long v = 0; v < V; ++v) mx = std::max(mx, static_cast<double>(logits(0, v)));
  std::vector<double> p(V);
  double sum = 0;
  for (long v = 0; v < V; ++v) sum += (p[v] = std::exp(static_cast<double>(logits(0, v)) - mx));
  for (double& x : p) x /= sum;
  return p;
}

std::vector<NextToken> TopTokens(const Model& model, const std::vector<double>& p, int k) {
  k = std::min<int>(k, static_cast<int>(p.size()));
  if (k <= 0) return {};
  std::vector<int> ids(p.size());
  std::iota(ids.begin(), ids.end(), 0);
  // Most likely first; equal probabilities by id, so the order is reproducible.
  std::partial_sort(ids.begin(), ids.begin() + k, ids.end(),
                    [&](int a, int b) { return p[a] != p[b] ? p[a] > p[b] : a < b; });
  std::vector<NextToken> out;
  for (int i = 0; i < k; ++i) out.push_back({ids[i], model.TokenText(ids[i]), static_cast<float>(p[ids[i]])});
  return out;
}

}  // namespace attnviz
