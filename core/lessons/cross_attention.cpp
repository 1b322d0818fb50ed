#include "core/lessons/cross_attention.h"

#include <algorithm>
#include <cmath>

#include "core/attention/head.h"
#include "core/engine.h"

namespace attnviz::lessons {

namespace {

nlohmann::json Rows(const Mat& m) {
  nlohmann::json a = nlohmann::json::array();
  for (int i = 0; i < m.rows(); ++i) a.push_back(std::vector<float>(m.data() + i * m.cols(), m.data() + (i + 1) * m.cols()));
  return a;
}

}  // namespace

CrossAttentionLesson ComputeCrossAttention(const Mat& target_input, const Mat& source_input, const LayerWeights& w,
                                           int head, int kv_head, float scale, float temperature) {
  if (head < 0 || head >= static_cast<int>(w.q_heads.size()) || kv_head < 0 ||
      kv_head >= static_cast<int>(w.kv_heads.size()))
    throw InputError("cross-attention: head " + std::to_string(head) + " / kv head " + std::to_string(kv_head) +
                     " is outside the layer");
  const QueryHeadWeights& qw = w.q_heads[head];
  const KvHeadWeights& kw = w.kv_heads[kv_head];
  if (target_input.cols() != qw.W_q.rows() || source_input.cols() != kw.W_k.rows())
    throw InputError("cross-attention: the inputs' width does not match the layer's weights");
  if (!(temperature > 0)) throw InputError("cross-attention: the temperature must be positive");
  CrossAttentionLesson c;
  c.n_target = static_cast<int>(target_input.rows());
  c.n_source = static_cast<int>(source_input.rows());
  c.head = head;
  c.kv_head = kv_head;
  c.d_k = static_cast<int>(qw.W_q.cols());
  c.role = qw.role;
  c.scale = scale;
  c.temperature = temperature;
  c.Q = (target_input * qw.W_q).rowwise() + qw.b_q;
  c.K = (source_input * kw.W_k).rowwise() + kw.b_k;
  c.V = (source_input * kw.W_v).rowwise() + kw.b_v;
  c.scores = c.Q * c.K.transpose();
  c.weights.resize(c.n_target, c.n_source);
  std::vector<float> logits(c.n_source);
  const std::vector<std::uint8_t> all(c.n_source, 1);  // cross-attention has no mask
  for (int i = 0; i < c.n_target; ++i) {
    for (int j = 0; j < c.n_source; ++j) logits[j] = scale * c.scores(i, j) / temperature;
    MaskedSoftmaxRow(logits.data(), all.data(), c.n_source, &c.weights(i, 0));
  }
  c.output = c.weights * c.V;
  return c;
}

CrossAttentionLesson RunCrossAttentionLesson(Engine& engine, const Request& request, const CrossAttentionParams& p,
                                             const CancelToken* cancel) {
  const TracePtr target = engine.Run(request, cancel);
  // The source runs as an encoder: every pair visible (a causal checkpoint keeps its own mask).
  Request src = request;
  src.text = p.source;
  src.mask = MaskSpec{};
  src.mask.causal = false;
  {
    const auto source = engine.ModelFor(src);
    const int ns = static_cast<int>(TokenizeChecked(*source, src.text).size());
    if (ns > kCrossMaxSourceTokens)
      throw InputError("the source sentence has " + std::to_string(ns) + " tokens; the cross-attention view takes at most " +
                       std::to_string(kCrossMaxSourceTokens));
  }
  const TracePtr source = engine.Run(src, cancel);
  const int L = static_cast<int>(target->layers.size());
  if (p.layer < 0 || p.layer >= L)
    throw InputError("layer " + std::to_string(p.layer + 1) + " is out of range; the model has " + std::to_string(L));
  const LayerTrace& lt = target->layers[p.layer];
  if (p.head < 0 || p.head >= static_cast<int>(lt.heads.size()))
    throw InputError("head " + std::to_string(p.head) + " is out of range; allowed 0.." + std::to_string(lt.heads.size() - 1));
  const float scale = target->config.scale ? 1.0f / std::sqrt(static_cast<float>(std::max(1, target->config.d_k))) : 1.0f;
  CrossAttentionLesson c = ComputeCrossAttention(lt.input, source->layers[p.layer].input, *lt.weights, p.head,
                                                 lt.heads[p.head].kv_head, scale, target->config.temperature);
  c.layer = p.layer;
  for (const Token& t : target->tokens) c.target_tokens.push_back(DisplayToken(t.text));
  for (const Token& t : source->tokens) c.source_tokens.push_back(DisplayToken(t.text));
  return c;
}

nlohmann::json ToJson(const CrossAttentionLesson& c) {
  nlohmann::json j;
  j["lesson"] = "cross-attention";
  j["n_target"] = c.n_target;
  j["n_source"] = c.n_source;
  j["layer"] = c.layer;
  j["head"] = c.head;
  j["kv_head"] = c.kv_head;
  j["role"] = c.role;
  j["d_k"] = c.d_k;
  j["scale"] = c.scale;
  j["temperature"] = c.temperature;
  j["target_tokens"] = c.target_tokens;
  j["source_tokens"] = c.source_tokens;
  j["Q"] = Rows(c.Q);
  j["K"] = Rows(c.K);
  j["V"] = Rows(c.V);
  j["scores"] = Rows(c.scores);
  j["weights"] = Rows(c.weights);
  j["output"] = Rows(c.output);
  return j;
}

}  // namespace attnviz::lessons
