// VariantSource: the model on screen seen through one change a lesson wants to
// study, so the engine itself computes the variant (no second forward pass to
// keep in step with the real one).
//
//   - token_order: the tokens in another order, or a prefix of them. Position k
//     of the variant holds the base tokenization's token token_order[k]. Done
//     on tokens, not text, so a shuffle of GPT-2's byte-level BPE tokens stays
//     those tokens (re-tokenizing shuffled text would merge them differently).
//   - strip_positions: a model with learned position embeddings (GPT-2) without
//     them and without its forced causal mask, so "positions off" means the
//     same thing for every model.
//   - layers: replacement weights for some layers (MLA's low-rank K and V).
//
// Everything else (embeddings, LayerNorm, MLP, next-token head) is the base's.
#pragma once
#include <memory>
#include <vector>

#include "core/model/model.h"

namespace attnviz::lessons {

// What a variant changes (each empty or false = the base's).
struct VariantChanges {
  std::vector<int> token_order;                              // empty = the base's order
  bool strip_positions = false;
  std::vector<std::shared_ptr<const LayerWeights>> layers;   // per layer; null = the base's
};

class VariantSource final : public ModelVariant {
 public:
  VariantSource(ModelPtr base, VariantChanges changes);

  const ModelShape& Shape() const override { return shape_; }
  std::vector<Token> Tokenize(std::string_view text) const override;
  Mat LearnedPositions(int n) const override { return changes_.strip_positions ? Mat() : Base()->LearnedPositions(n); }
  std::shared_ptr<const LayerWeights> Layer(int layer) const override;

 private:
  VariantChanges changes_;
  ModelShape shape_;
};

// A seeded shuffle of 0..n-1 (Fisher-Yates on SeededRng) that moves every
// token when n > 1 (a derangement, retried until one is found), so no token
// keeps its place by luck. seed 0 = the reversed order (which keeps the middle
// token of an odd n where it is).
std::vector<int> ShuffledOrder(int n, std::uint64_t seed);

// Whether v is a permutation of 0..n-1.
bool IsPermutation(const std::vector<int>& v, int n);

}  // namespace attnviz::lessons
