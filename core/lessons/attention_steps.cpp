#include "core/lessons/attention_steps.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/engine.h"

namespace attnviz::lessons {

namespace {

std::vector<float> RowOf(const Mat& m, int r) {
  return std::vector<float>(m.data() + static_cast<std::size_t>(r) * m.cols(),
                            m.data() + static_cast<std::size_t>(r + 1) * m.cols());
}

nlohmann::json Rows(const Mat& m) {
  nlohmann::json a = nlohmann::json::array();
  for (int i = 0; i < m.rows(); ++i) a.push_back(RowOf(m, i));
  return a;
}

}  // namespace

AttentionStepsLesson ComputeAttentionSteps(const Trace& t, const AttentionStepsParams& p) {
  const int n = t.n();
  if (t.layers.empty() || n == 0) throw InputError("the trace has no layers or no tokens");
  const int layers = static_cast<int>(t.layers.size());
  if (p.layer < 0 || p.layer >= layers)
    throw InputError("layer " + std::to_string(p.layer + 1) + " is out of range; the model has " +
                     std::to_string(layers));
  const LayerTrace& L = t.layers[p.layer];
  const int heads = static_cast<int>(L.heads.size());
  if (p.head < 0 || p.head >= heads)
    throw InputError("head " + std::to_string(p.head) + " is out of range; allowed 0.." + std::to_string(heads - 1));
  const int query = p.query < 0 ? n - 1 : p.query;
  if (query >= n)
    throw InputError("token " + std::to_string(query) + " is out of range; the sentence has " + std::to_string(n));
  const HeadTrace& H = L.heads[p.head];
  const KvHeadTrace& kv = L.kv_heads[H.kv_head];

  AttentionStepsLesson s;
  s.n = n;
  s.d_model = t.config.d_model;
  s.d_k = t.config.d_k;
  s.heads = heads;
  s.kv_heads = static_cast<int>(L.kv_heads.size());
  s.layers = layers;
  s.layer = p.layer;
  s.head = p.head;
  s.kv_head = H.kv_head;
  s.query = query;
  s.role = H.role;
  s.scale = t.config.scale ? 1.0f / std::sqrt(static_cast<float>(std::max(1, t.config.d_k))) : 1.0f;
  s.temperature = t.config.temperature;
  s.alibi_slope = H.alibi_slope;
  s.positional = std::string(ToString(t.config.positional));
  s.mask = DescribeMask(t.config.mask);
  for (const Token& tok : t.tokens) s.tokens.push_back(DisplayToken(tok.text));
  s.x = RowOf(L.input, query);
  s.q = RowOf(H.Q, query);
  s.K = kv.K;
  s.V = kv.V;

  // The engine's own rows: the same code path the heatmaps use.
  s.scores.resize(n);
  s.logits.resize(n);
  s.weights.resize(n);
  s.bias.resize(n);
  // The rows of the whole matrices the heatmaps draw (cached, so the chapter's
  // heatmap and its numbers share one computation): equal to the last bit.
  auto row = [&](HeadMatrix which, std::vector<float>& out) {
    const MatPtr m = t.Matrix(p.layer, p.head, which);
    std::copy(m->data() + static_cast<std::size_t>(query) * n, m->data() + static_cast<std::size_t>(query + 1) * n,
              out.begin());
  };
  row(HeadMatrix::Scores, s.scores);
  row(HeadMatrix::Logits, s.logits);
  row(HeadMatrix::Weights, s.weights);
  row(HeadMatrix::Bias, s.bias);
  s.allowed.assign(t.mask.data() + static_cast<std::size_t>(query) * n,
                   t.mask.data() + static_cast<std::size_t>(query + 1) * n);

  // What the softmax does inside, from those logits (max-subtracted, as the engine).
  float mx = -std::numeric_limits<float>::infinity();
  for (int j = 0; j < n; ++j)
    if (s.allowed[j]) mx = std::max(mx, s.logits[j]);
  s.empty_row = !std::isfinite(mx);
  s.max_logit = s.empty_row ? 0.0f : mx;
  s.exp_shifted.assign(n, 0.0f);
  s.sum_exp = 0;
  for (int j = 0; j < n; ++j)
    if (s.allowed[j]) {
      s.exp_shifted[j] = std::exp(s.logits[j] - s.max_logit);
      s.sum_exp += s.exp_shifted[j];
    }

  s.contributions.resize(n, kv.V.cols());
  for (int j = 0; j < n; ++j) s.contributions.row(j) = s.weights[j] * kv.V.row(j);
  s.output = RowOf(H.output, query);
  s.concat = RowOf(L.concat, query);
  s.result = RowOf(L.output, query);
  return s;
}

Mat ScaledScores(const Trace& t, int layer, int head) {
  const float s = t.config.scale ? 1.0f / std::sqrt(static_cast<float>(std::max(1, t.config.d_k))) : 1.0f;
  return *t.Matrix(layer, head, HeadMatrix::Scores) * s;
}

AttentionStepsLesson RunAttentionStepsLesson(Engine& engine, const Request& request, const AttentionStepsParams& p,
                                             const CancelToken* cancel) {
  const TracePtr t = engine.Run(request, cancel);
  return ComputeAttentionSteps(*t, p);
}

nlohmann::json ToJson(const AttentionStepsLesson& s) {
  nlohmann::json j;
  j["lesson"] = "attention-steps";
  j["n"] = s.n;
  j["d_model"] = s.d_model;
  j["d_k"] = s.d_k;
  j["heads"] = s.heads;
  j["kv_heads"] = s.kv_heads;
  j["layers"] = s.layers;
  j["layer"] = s.layer;
  j["head"] = s.head;
  j["kv_head"] = s.kv_head;
  j["role"] = s.role;
  j["query"] = s.query;
  j["tokens"] = s.tokens;
  j["scale"] = s.scale;
  j["temperature"] = s.temperature;
  j["alibi_slope"] = s.alibi_slope;
  j["positional"] = s.positional;
  j["mask"] = s.mask;
  j["x"] = s.x;
  j["q"] = s.q;
  j["K"] = Rows(s.K);
  j["V"] = Rows(s.V);
  j["scores"] = s.scores;
  j["bias"] = s.bias;
  std::vector<int> allowed(s.allowed.begin(), s.allowed.end());
  j["allowed"] = allowed;
  // Masked logits are null, as in the trace (SPEC: "Masked logits are null").
  nlohmann::json lg = nlohmann::json::array();
  for (int k = 0; k < s.n; ++k) lg.push_back(s.allowed[k] ? nlohmann::json(s.logits[k]) : nlohmann::json(nullptr));
  j["logits"] = std::move(lg);
  j["max_logit"] = s.max_logit;
  j["exp_shifted"] = s.exp_shifted;
  j["sum_exp"] = s.sum_exp;
  j["weights"] = s.weights;
  j["output"] = s.output;
  j["concat"] = s.concat;
  j["result"] = s.result;
  j["empty_row"] = s.empty_row;
  return j;
}

}  // namespace attnviz::lessons
