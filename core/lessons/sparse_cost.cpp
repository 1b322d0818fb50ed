#include "core/lessons/sparse_cost.h"

#include <algorithm>
#include <cmath>

#include "core/lessons/sparse.h"

namespace attnviz::lessons {

namespace {

// BigBird's budget: 8 blocks of 64 keys per query (3 sliding, 2 global, 3 random).
double BigBirdPairs(double n) { return n * std::min(n, 8.0 * 64.0); }

}  // namespace

SparseCostLesson ComputeSparseCostLesson(const SparseCostParams& p) {
  SparseCostLesson L;
  L.n = p.n;
  L.d_k = p.d_k;
  for (double n = 128; n <= p.max_n * 1.0001; n *= std::sqrt(2.0)) L.lengths.push_back(std::round(n));
  MaskSpec full;
  full.causal = p.mask.causal;
  MaskSpec longformer;
  longformer.pattern = MaskPattern::GlobalLocal;
  longformer.window = 512;  // 256 each side: bidirectional |i - j| <= 256
  longformer.globals = {0};
  MaskSpec mistral;
  mistral.pattern = MaskPattern::Sliding;
  mistral.causal = true;
  mistral.window = 4096;
  struct Def {
    std::string label, complexity;
    MaskSpec mask;
    bool bigbird;
  };
  const std::vector<Def> defs = {
      {full.causal ? "full, causal" : "full", "O(N^2)", full, false},
      {"Longformer: window 512 + 1 global", "O(N (w + g))", longformer, false},
      {"BigBird: blocks of 64, 8 per query", "O(N b)", MaskSpec{}, true},
      {"Mistral 7B: causal window 4096", "O(N w)", mistral, false},
      {"your mask: " + std::string(p.mask.pattern == MaskPattern::Full ? "full, " : "") + DescribeMask(p.mask),
       p.mask.pattern == MaskPattern::Full          ? "O(N^2)"
       : p.mask.pattern == MaskPattern::BlockSparse ? "O(N^2 / b)"
       : p.mask.pattern == MaskPattern::Sliding     ? "O(N w)"
                                                    : "O(N (w + g))",
       p.mask, false},
  };
  L.n_128k = 131072;
  for (const Def& d : defs) {
    SparseCostCurve c;
    c.label = d.label;
    c.complexity = d.complexity;
    c.mask = d.mask;
    for (double n : L.lengths) c.pairs.push_back(d.bigbird ? BigBirdPairs(n) : CountAllowedPairs(d.mask, static_cast<long>(n)));
    L.pairs_128k.push_back(d.bigbird ? BigBirdPairs(L.n_128k) : CountAllowedPairs(d.mask, static_cast<long>(L.n_128k)));
    L.curves.push_back(std::move(c));
  }
  return L;
}

nlohmann::json ToJson(const SparseCostLesson& l) {
  nlohmann::json curves = nlohmann::json::array();
  for (std::size_t i = 0; i < l.curves.size(); ++i)
    curves.push_back({{"label", l.curves[i].label},
                      {"complexity", l.curves[i].complexity},
                      {"pairs", l.curves[i].pairs},
                      {"pairs_at_128k", l.pairs_128k[i]}});
  return {{"lesson", "sparse-cost"}, {"n", l.n}, {"d_k", l.d_k}, {"lengths", l.lengths}, {"curves", curves}};
}

}  // namespace attnviz::lessons
