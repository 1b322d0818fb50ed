#include "core/lessons/induction.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "core/attention/positional.h"
#include "core/engine.h"
#include "core/lessons/lesson.h"
#include "core/model/builtin.h"

namespace attnviz::lessons {

namespace {

using RowMatD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

int HeadWithRole(const Trace& t, int layer, const std::string& role) {
  if (layer >= static_cast<int>(t.layers.size())) return -1;
  const auto& heads = t.layers[layer].heads;
  for (std::size_t h = 0; h < heads.size(); ++h)
    if (heads[h].role == role) return static_cast<int>(h);
  return -1;
}

std::string LowerAscii(const std::string& s) {
  std::string out = s;
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// The token among 0..last whose identity is closest in angle to v; ties (the
// same word twice) go to `prefer` when it is one of them, else to the latest.
// `units` holds the identities scaled to unit length (zero rows stay zero).
// -1 when v is zero.
int ClosestIdentity(const Eigen::RowVectorXd& v, const RowMatD& units, int last, int prefer, double* cosine) {
  const double nv = v.norm();
  *cosine = 0.0;
  if (nv == 0) return -1;
  const Eigen::VectorXd c = units.topRows(last + 1) * (v.transpose() / nv);  // (last + 1) cosines
  int best = -1;
  double best_cos = -2;
  for (int k = 0; k <= last; ++k) {
    const bool tie = best >= 0 && std::abs(c(k) - best_cos) <= 1e-9;
    if (c(k) > best_cos + 1e-9 || (tie && (k == prefer || best != prefer))) {
      best = k;
      best_cos = c(k);
    }
  }
  *cosine = best_cos;
  return best;
}

}  // namespace

InductionLesson ComputeInductionLesson(const Trace& t, const InductionParams& p, const CancelToken* cancel) {
  if (p.top < 1 || p.top > kInductionMaxTop)
    throw InputError("top " + std::to_string(p.top) + " is out of range; allowed 1.." + std::to_string(kInductionMaxTop));
  InductionLesson l;
  l.prev_layer = 0;
  l.induction_layer = 1;
  l.prev_head = HeadWithRole(t, 0, "previous-token");
  l.induction_head = HeadWithRole(t, 1, "induction");
  if (t.config.model != "builtin" || l.prev_head < 0 || l.induction_head < 0)
    throw InputError("the induction lesson explains the built-in model's hand-set circuit (layer 1's previous-token head, "
                     "layer 2's induction head); model " + t.config.model + " has no such heads: use --model builtin");
  const int n = t.n();
  l.n = n;
  l.causal = t.config.mask.causal;
  l.positional = t.config.positional;
  l.previous_word_dims.assign(kBuiltinPreviousWordDims.begin(), kBuiltinPreviousWordDims.end());
  l.identity_dims.assign(kBuiltinIdentityDims.begin(), kBuiltinIdentityDims.end());
  const int m = static_cast<int>(l.identity_dims.size());

  // Each token's identity vector, as the embedding made it: the layer-1 input
  // minus the positional encoding that was added to it.
  const LayerTrace& L1 = t.layers[0];
  const LayerTrace& L2 = t.layers[1];
  RowMatD identity(n, m), written(n, m);
  for (int i = 0; i < n; ++i)
    for (int c = 0; c < m; ++c) {
      const int d = l.identity_dims[c];
      identity(i, c) = L1.input(i, d) - (t.positional_encoding.size() ? t.positional_encoding(i, d) : 0.0f);
      written(i, c) = L1.output(i, l.previous_word_dims[c]);
    }

  RowMatD units = identity;
  for (int i = 0; i < n; ++i)
    if (units.row(i).norm() > 0) units.row(i).normalize();

  // The induction key split by what it reads, each part rotated as the key is.
  const HeadTrace& ih = L2.heads[l.induction_head];
  const int g = ih.kv_head;
  const Mat& Wk = L2.W_k(g);
  const int dk = static_cast<int>(Wk.cols());
  Mat k_match = Mat::Zero(n, dk), k_copy = Mat::Zero(n, dk);
  for (int c = 0; c < m; ++c) {
    k_match += L2.input.col(l.previous_word_dims[c]) * Wk.row(l.previous_word_dims[c]);
    k_copy += L2.input.col(l.identity_dims[c]) * Wk.row(l.identity_dims[c]);
  }
  k_match.rowwise() += L2.b_k(g);  // the bias cancels PE(0) in the previous-word dims: it belongs to them
  if (t.config.positional == Positional::Rope) {
    ApplyRope(k_match);
    ApplyRope(k_copy);
  }
  const double scale = (t.config.scale ? 1.0 / std::sqrt(static_cast<double>(dk)) : 1.0) / t.config.temperature;

  // Which token each key's previous-word dims name, for the listing.
  std::vector<int> named(n, -1);
  for (int j = 0; j < n; ++j) {
    double c = 0;
    named[j] = ClosestIdentity(written.row(j), units, n - 1, j - 1, &c);
  }

  std::vector<std::string> lower(n);
  for (int i = 0; i < n; ++i) lower[i] = LowerAscii(t.tokens[i].text);

  const int block = 128;
  Mat prev_w, ind_w, ind_l;
  l.tokens.resize(n);
  for (int r0 = 0; r0 < n; r0 += block) {
    ThrowIfCancelled(cancel);
    const int rows = std::min(block, n - r0);
    prev_w.resize(rows, n);
    ind_w.resize(rows, n);
    ind_l.resize(rows, n);
    t.MatrixRows(0, l.prev_head, HeadMatrix::Weights, r0, rows, prev_w.data());
    t.MatrixRows(1, l.induction_head, HeadMatrix::Weights, r0, rows, ind_w.data());
    t.MatrixRows(1, l.induction_head, HeadMatrix::Logits, r0, rows, ind_l.data());
    for (int r = 0; r < rows; ++r) {
      const int i = r0 + r;
      InductionToken& tok = l.tokens[i];
      tok.text = DisplayToken(t.tokens[i].text);
      // Step 1.
      Eigen::Index j = 0;
      tok.prev_weight = prev_w.row(r).maxCoeff(&j);
      tok.prev_source = tok.prev_weight > 0 ? static_cast<int>(j) : -1;
      tok.written.assign(written.row(i).data(), written.row(i).data() + m);
      tok.copied = ClosestIdentity(written.row(i), units, i, i - 1, &tok.copied_cosine);
      // Step 2.
      tok.query.assign(ih.Q.row(i).data(), ih.Q.row(i).data() + dk);
      const Mat& K = t.KvOf(1, l.induction_head).K;
      tok.key.assign(K.row(i).data(), K.row(i).data() + dk);
      auto key_at = [&](int key) {
        InductionKey k;
        k.key = key;
        k.logit = ind_l(r, key);
        k.weight = ind_w(r, key);
        k.match = scale * ih.Q.row(i).dot(k_match.row(key));
        k.copy = scale * ih.Q.row(i).dot(k_copy.row(key));
        k.rest = k.logit - k.match - k.copy;
        k.previous_word = named[key];
        return k;
      };
      std::vector<int> order;
      for (int key = 0; key < n; ++key)
        if (t.mask(i, key)) order.push_back(key);
      const int top = std::min<int>(p.top, static_cast<int>(order.size()));
      std::partial_sort(order.begin(), order.begin() + top, order.end(), [&](int a, int b) {
        return ind_w(r, a) != ind_w(r, b) ? ind_w(r, a) > ind_w(r, b) : a < b;
      });
      for (int k = 0; k < top; ++k) tok.top.push_back(key_at(order[k]));
      tok.attends_to = top > 0 && ind_w(r, order[0]) > 0 ? order[0] : -1;
      tok.attends_weight = tok.attends_to >= 0 ? ind_w(r, tok.attends_to) : 0.0;
      const Eigen::RowVectorXd out = ih.output.row(i).head(m).cast<double>();
      tok.predicted = ClosestIdentity(out, units, n - 1, tok.attends_to, &tok.predicted_cosine);
      // Summary: earlier copies of the same word and the tokens after them.
      for (int k = 0; k < i; ++k)
        if (lower[k] == lower[i]) {
          tok.earlier.push_back(k);
          tok.targets.push_back(k + 1);
        }
      if (!tok.earlier.empty()) {
        for (int target : tok.targets)
          if (t.mask(i, target)) tok.at_targets.push_back(key_at(target));
        tok.hit = std::find(tok.targets.begin(), tok.targets.end(), tok.attends_to) != tok.targets.end();
        ++l.repeated;
        if (tok.hit) ++l.hits;
        else l.misses.push_back(i);
      }
    }
  }

  if (!l.causal)
    l.notes.push_back("without the causal mask the token right after each token also follows a copy of it (itself), "
                      "so a repeated token splits its weight between that token and the one after its earlier "
                      "copy: induction is a decoder's circuit, turn the causal mask on");
  switch (t.config.positional) {
    case Positional::None:
      l.notes.push_back("positions none: layer 1's previous-token head is uniform, so the previous-word dims hold the "
                        "average word, and nothing in layer 2 matches one token more than another");
      break;
    case Positional::Alibi:
      l.notes.push_back("ALiBi: layer 1's previous-token head becomes a recency head centred on the token itself, so "
                        "the previous-word dims hold a blur of the token and its neighbours, not the word before");
      break;
    case Positional::Rope:
      l.notes.push_back("RoPE: layer 1's previous-token head still works (it is designed for RoPE), but RoPE also "
                        "turns the induction head's identity match by the distance between query and key (pairs "
                        "that turn 1 and 0.1 radians per token), so the match is scrambled beyond a few tokens");
      break;
    default: break;
  }
  if (t.config.kv_heads < static_cast<int>(L1.heads.size()))
    l.notes.push_back("key/value heads are mean-pooled: layer 1's previous-token head shares its value with other "
                      "heads (with 4, next-token's part of speech), so what it writes is only partly the previous word");
  return l;
}

InductionLesson RunInductionLesson(Engine& engine, const Request& request, const InductionParams& p,
                                   const CancelToken* cancel) {
  const TracePtr t = engine.Run(request, cancel);
  return ComputeInductionLesson(*t, p, cancel);
}

namespace {

nlohmann::json KeyJson(const InductionKey& k) {
  return {{"key", k.key},         {"logit", FiniteOrNull(k.logit)}, {"weight", k.weight},
          {"match", k.match},     {"copy", k.copy},                 {"rest", FiniteOrNull(k.rest)},
          {"previous_word", k.previous_word}};
}

nlohmann::json KeysJson(const std::vector<InductionKey>& keys) {
  nlohmann::json a = nlohmann::json::array();
  for (const InductionKey& k : keys) a.push_back(KeyJson(k));
  return a;
}

}  // namespace

nlohmann::json ToJson(const InductionLesson& l) {
  nlohmann::json j;
  j["lesson"] = "induction";
  j["n"] = l.n;
  j["causal"] = l.causal;
  j["positional"] = std::string(ToString(l.positional));
  j["heads"] = {{"previous_token", {{"layer", l.prev_layer}, {"head", l.prev_head}}},
                {"induction", {{"layer", l.induction_layer}, {"head", l.induction_head}}}};
  j["previous_word_dims"] = l.previous_word_dims;
  j["identity_dims"] = l.identity_dims;
  nlohmann::json tokens = nlohmann::json::array();
  for (const InductionToken& t : l.tokens) {
    nlohmann::json o;
    o["text"] = t.text;
    o["previous_token"] = {{"source", t.prev_source},
                           {"weight", t.prev_weight},
                           {"written", t.written},
                           {"copied", t.copied},
                           {"copied_cosine", t.copied_cosine}};
    o["induction"] = {{"query", t.query},
                      {"key", t.key},
                      {"attends_to", t.attends_to},
                      {"weight", t.attends_weight},
                      {"top", KeysJson(t.top)},
                      {"predicted", t.predicted},
                      {"predicted_cosine", t.predicted_cosine}};
    if (!t.earlier.empty())
      o["repeat"] = {{"earlier", t.earlier}, {"targets", t.targets}, {"at_targets", KeysJson(t.at_targets)}, {"hit", t.hit}};
    else
      o["repeat"] = nullptr;
    tokens.push_back(std::move(o));
  }
  j["tokens"] = std::move(tokens);
  j["summary"] = {{"repeated", l.repeated},
                  {"hits", l.hits},
                  {"hit_rate", l.repeated ? nlohmann::json(static_cast<double>(l.hits) / l.repeated) : nlohmann::json(nullptr)},
                  {"misses", l.misses}};
  j["notes"] = l.notes;
  return j;
}

}  // namespace attnviz::lessons
