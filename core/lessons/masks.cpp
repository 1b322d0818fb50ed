#include "core/lessons/masks.h"

#include <algorithm>
#include <cmath>

#include "core/attention/head.h"
#include "core/attention/mask.h"
#include "core/engine.h"

namespace attnviz::lessons {

namespace {

MaskSpec WithoutCausal(MaskSpec m) {
  m.causal = false;
  return m;
}

nlohmann::json MaskRows(const MaskMat& m) {
  nlohmann::json a = nlohmann::json::array();
  for (int i = 0; i < m.rows(); ++i) {
    std::vector<int> row(m.cols());
    for (int j = 0; j < m.cols(); ++j) row[j] = m(i, j);
    a.push_back(std::move(row));
  }
  return a;
}

nlohmann::json Rows(const Mat& m) {
  nlohmann::json a = nlohmann::json::array();
  for (int i = 0; i < m.rows(); ++i) a.push_back(std::vector<float>(&m(i, 0), &m(i, 0) + m.cols()));
  return a;
}

}  // namespace

bool BidirectionalAllows(const MaskSpec& pattern, int i, int j) { return MaskAllows(WithoutCausal(pattern), i, j); }

bool CausalAllows(const MaskSpec& pattern, int i, int j) {
  MaskSpec c = pattern;
  c.causal = true;
  return MaskAllows(c, i, j);
}

bool PrefixLmAllows(const MaskSpec& pattern, int prefix, int i, int j) {
  // The prefix is read in both directions by everyone; what follows it is causal.
  return j < prefix ? BidirectionalAllows(pattern, i, j) : CausalAllows(pattern, i, j);
}

MasksLesson ComputeMasksLesson(const Trace& t, const MasksParams& p, const CancelToken* cancel) {
  const int n = t.n();
  if (t.layers.empty() || n == 0) throw InputError("the trace has no layers or no tokens");
  const int L = static_cast<int>(t.layers.size());
  if (p.layer < 0 || p.layer >= L)
    throw InputError("layer " + std::to_string(p.layer + 1) + " is out of range; the model has " + std::to_string(L));
  const int H = static_cast<int>(t.layers[p.layer].heads.size());
  if (p.head < 0 || p.head >= H)
    throw InputError("head " + std::to_string(p.head) + " is out of range; allowed 0.." + std::to_string(H - 1));
  const int query = p.query < 0 ? n - 1 : p.query;
  if (query >= n) throw InputError("token " + std::to_string(query) + " is out of range; the sentence has " + std::to_string(n));
  const int prefix = p.prefix < 0 ? (n + 1) / 2 : std::min(p.prefix, n);

  MasksLesson r;
  r.n = n;
  r.layer = p.layer;
  r.head = p.head;
  r.layers = L;
  r.prefix = prefix;
  r.query = query;
  r.role = t.layers[p.layer].heads[p.head].role;
  r.pattern = DescribeMask(WithoutCausal(t.config.mask));
  r.scale = t.config.scale ? 1.0f / std::sqrt(static_cast<float>(std::max(1, t.config.d_k))) : 1.0f;
  r.temperature = t.config.temperature;
  for (const Token& tok : t.tokens) r.tokens.push_back(DisplayToken(tok.text));
  if (p.layer > 0)
    r.note = "Layer " + std::to_string(p.layer + 1) + "'s logits come from the trace's own earlier layers; "
             "a model run entirely under another mask would hand this layer different inputs.";

  const MaskSpec& pattern = t.config.mask;
  struct Rule {
    const char* name;
    const char* models;
    int kind;  // 0 bidirectional, 1 causal, 2 prefix-LM
  };
  const Rule rules[3] = {{"bidirectional", "encoder: BERT, RoBERTa", 0},
                         {"causal", "decoder: GPT, Llama", 1},
                         {"prefix-LM", "prefix LM: T5 (prefix-LM variant), UniLM", 2}};
  // The specs once (MaskAllows per pair must not copy a spec and its globals).
  const MaskSpec bi = WithoutCausal(pattern);
  MaskSpec ca = bi;
  ca.causal = true;
  auto allows = [&](int kind, int i, int j) {
    const bool visible = kind == 0 || (kind == 2 && j < prefix);
    return MaskAllows(visible ? bi : ca, i, j);
  };

  const int pool = (n + kMasksMaxSide - 1) / kMasksMaxSide;  // 1 up to kMasksMaxSide tokens
  const int side = (n + pool - 1) / pool;
  for (const Rule& rule : rules) {
    MaskVariant v;
    v.name = rule.name;
    v.models = rule.models;
    v.side = side;
    v.pool = pool;
    v.mask = MaskMat::Zero(side, side);
    v.weights = Mat::Zero(side, side);
    r.variants.push_back(std::move(v));
  }

  // Row by row: the logits once (mask-independent), then each variant's softmax.
  std::vector<float> logits(n), w(n), bias(n);
  std::vector<std::uint8_t> allowed(n);
  const float s = r.scale, inv_t = 1.0f / r.temperature;
  for (int i = 0; i < n; ++i) {
    if ((i & 63) == 0) ThrowIfCancelled(cancel);
    t.MatrixRows(p.layer, p.head, HeadMatrix::Scores, i, 1, logits.data());
    t.MatrixRows(p.layer, p.head, HeadMatrix::Bias, i, 1, bias.data());
    for (int j = 0; j < n; ++j) logits[j] = (s * logits[j] + bias[j]) * inv_t;
    if (i == query) r.row_logits = logits;
    for (int k = 0; k < 3; ++k) {
      MaskVariant& v = r.variants[k];
      for (int j = 0; j < n; ++j) allowed[j] = allows(rules[k].kind, i, j) ? 1 : 0;
      if (!MaskedSoftmaxRow(logits.data(), allowed.data(), n, w.data())) v.empty_rows.push_back(i);
      const int a = i / pool;
      for (int j = 0; j < n; ++j) {
        v.allowed_pairs += allowed[j];
        const int b = j / pool;
        v.mask(a, b) = v.mask(a, b) | allowed[j];
        v.weights(a, b) = std::max(v.weights(a, b), w[j]);
      }
      if (i == query) {
        v.row_allowed = allowed;
        v.row_weights = w;
      }
    }
  }
  // How each variant renormalises the bidirectional row.
  const std::vector<float>& wb = r.variants[0].row_weights;
  for (MaskVariant& v : r.variants) {
    double kept = 0;
    for (int j = 0; j < n; ++j)
      if (v.row_allowed[j]) kept += wb[j];
    v.kept_mass = kept;
    double err = 0;
    if (kept > 0)
      for (int j = 0; j < n; ++j)
        if (v.row_allowed[j]) err = std::max(err, std::fabs(v.row_weights[j] - wb[j] / kept));
    v.renorm_error = err;
  }
  return r;
}

MasksLesson RunMasksLesson(Engine& engine, const Request& request, const MasksParams& p, const CancelToken* cancel) {
  const TracePtr t = engine.Run(request, cancel);
  return ComputeMasksLesson(*t, p, cancel);
}

nlohmann::json ToJson(const MasksLesson& m) {
  nlohmann::json j;
  j["lesson"] = "masks";
  j["n"] = m.n;
  j["layer"] = m.layer;
  j["head"] = m.head;
  j["role"] = m.role;
  j["pattern"] = m.pattern;
  j["prefix"] = m.prefix;
  j["query"] = m.query;
  j["scale"] = m.scale;
  j["temperature"] = m.temperature;
  j["tokens"] = m.tokens;
  j["row_logits"] = m.row_logits;
  nlohmann::json vs = nlohmann::json::array();
  for (const MaskVariant& v : m.variants) {
    // Masked logits are null (SPEC), i.e. −∞ before the softmax.
    nlohmann::json lg = nlohmann::json::array();
    for (int k = 0; k < m.n; ++k) lg.push_back(v.row_allowed[k] ? nlohmann::json(m.row_logits[k]) : nlohmann::json(nullptr));
    nlohmann::json o = {{"name", v.name},
                        {"models", v.models},
                        {"pool", v.pool},
                        {"allowed_pairs", v.allowed_pairs},
                        {"empty_rows", v.empty_rows},
                        {"row_logits", std::move(lg)},
                        {"row_weights", v.row_weights},
                        {"kept_mass", v.kept_mass},
                        {"renorm_error", v.renorm_error}};
    if (v.pool == 1) {
      o["mask"] = MaskRows(v.mask);
      o["weights"] = Rows(v.weights);
    }
    vs.push_back(std::move(o));
  }
  j["variants"] = std::move(vs);
  if (!m.note.empty()) j["note"] = m.note;
  return j;
}

}  // namespace attnviz::lessons
