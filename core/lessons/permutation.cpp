#include "core/lessons/permutation.h"

#include <algorithm>
#include <cmath>

#include "core/engine.h"
#include "core/text/tokenizer.h"
#include "core/lessons/lesson.h"
#include "core/lessons/variant_source.h"
#include "core/lessons/weights_difference.h"

namespace attnviz::lessons {

namespace {

void CompareSide(PermutationSide& s, const std::vector<int>& order, const CancelToken* cancel) {
  const Trace& a = *s.original;
  const Trace& b = *s.shuffled;
  s.heads.clear();
  s.max_abs_diff = 0;
  for (int l = 0; l < static_cast<int>(a.layers.size()); ++l) {
    for (int h = 0; h < static_cast<int>(a.layers[l].heads.size()); ++h) {
      PermutationHead ph;
      ph.layer = l;
      ph.head = h;
      ph.role = a.layers[l].heads[h].role;
      const WeightsDifference d = CompareHeadWeights(a, b, l, h, order, false, cancel);
      ph.max_abs_diff = d.max_abs;
      ph.mean_tv = d.mean_tv;
      ph.prev_hits = PreviousTokenHits(a, l, h, cancel);
      ph.prev_hits_shuffled = PreviousTokenHits(b, l, h, cancel);
      s.max_abs_diff = std::max(s.max_abs_diff, d.max_abs);
      s.heads.push_back(ph);
    }
  }
  const Mat& oa = a.layers.back().output;
  const Mat& ob = b.layers.back().output;
  double m = 0;
  for (int k = 0; k < b.n(); ++k) m = std::max(m, static_cast<double>((ob.row(k) - oa.row(order[k])).cwiseAbs().maxCoeff()));
  s.max_abs_diff_output = m;
}

}  // namespace

PermutationLesson RunPermutationLesson(Engine& engine, const Request& request, const PermutationParams& p,
                                       const CancelToken* cancel) {
  const ModelPtr base = engine.ModelFor(request);
  const ModelShape shape = base->Shape();
  PermutationLesson L;
  const std::vector<Token> tokens = TokenizeChecked(*base, request.text);
  L.n = static_cast<int>(tokens.size());
  for (const Token& t : tokens) L.tokens.push_back(DisplayToken(t.text));
  L.order = p.order.empty() ? ShuffledOrder(L.n, p.shuffle) : p.order;
  if (!IsPermutation(L.order, L.n))
    throw InputError("the token order must list each of the " + std::to_string(L.n) + " tokens exactly once");

  // Both sides use the full bidirectional mask: a causal mask already knows the
  // order (token k may read only tokens before it), which is the point at issue.
  Request off = request;
  off.mask = MaskSpec{};
  off.positional = Positional::None;
  Request on = off;
  on.positional = shape.positional ? *shape.positional
                  : request.positional == Positional::None || request.positional == Positional::Learned
                      ? Positional::Sinusoidal
                      : request.positional;

  // The built-in model has a design per positional kind: each side runs its own.
  const ModelPtr off_source = engine.ModelFor(off);
  const ModelPtr on_source = engine.ModelFor(on);
  VariantChanges no_positions, no_positions_shuffled, shuffle;
  no_positions.strip_positions = no_positions_shuffled.strip_positions = true;
  no_positions_shuffled.token_order = shuffle.token_order = L.order;
  auto stripped = std::make_shared<VariantSource>(off_source, no_positions);
  auto stripped_shuffled = std::make_shared<VariantSource>(off_source, no_positions_shuffled);
  auto shuffled = std::make_shared<VariantSource>(on_source, shuffle);
  if (shape.positional)
    L.notes.push_back(shape.name + " without positions: its " +
                      (shape.has_learned_positions() ? std::string("learned position embeddings are")
                                                     : std::string(ToString(*shape.positional)) + " positions are") +
                      " left out and its causal mask lifted, so the model sees a set of tokens");
  if (shape.causal)
    L.notes.push_back(shape.name + " with positions is run as trained: its own positions and the causal mask");

  L.off.positional = Positional::None;
  L.off.original = RunTraceWith(off, stripped, cancel);
  L.off.shuffled = RunTraceWith(off, stripped_shuffled, cancel);
  L.off.causal = L.off.original->config.mask.causal;
  L.on.original = RunTraceWith(on, on_source, cancel);
  L.on.shuffled = RunTraceWith(on, shuffled, cancel);
  L.on.positional = L.on.original->config.positional;
  L.on.causal = L.on.original->config.mask.causal;
  CompareSide(L.off, L.order, cancel);
  CompareSide(L.on, L.order, cancel);
  return L;
}

Unshuffled UnshuffleWeights(const Trace& original, const Trace& shuffled, int layer, int head, const std::vector<int>& order) {
  const MatPtr a = original.Matrix(layer, head, HeadMatrix::Weights);
  const MatPtr b = shuffled.Matrix(layer, head, HeadMatrix::Weights);
  const int n = shuffled.n();
  Unshuffled u;
  u.weights.resize(n, n);
  for (int k = 0; k < n; ++k)
    for (int l = 0; l < n; ++l) u.weights(order[k], order[l]) = (*b)(k, l);
  u.difference = u.weights - *a;
  return u;
}

nlohmann::json ToJson(const PermutationLesson& l) {
  auto side = [](const PermutationSide& s) {
    nlohmann::json heads = nlohmann::json::array();
    for (const PermutationHead& h : s.heads)
      heads.push_back({{"layer", h.layer},
                       {"head", h.head},
                       {"role", h.role},
                       {"max_abs_diff", h.max_abs_diff},
                       {"mean_tv", h.mean_tv},
                       {"previous_token_hits", h.prev_hits},
                       {"previous_token_hits_shuffled", h.prev_hits_shuffled}});
    return nlohmann::json{{"positional", std::string(ToString(s.positional))},
                          {"causal", s.causal},
                          {"max_abs_diff", s.max_abs_diff},
                          {"max_abs_diff_output", s.max_abs_diff_output},
                          {"heads", heads}};
  };
  return {{"lesson", "permutation"}, {"n", l.n},          {"order", l.order}, {"tokens", l.tokens},
          {"off", side(l.off)},      {"on", side(l.on)}, {"notes", l.notes}};
}

}  // namespace attnviz::lessons
