#include "core/lessons/variant_source.h"

#include <algorithm>
#include <numeric>

#include "core/seeded_rng.h"

namespace attnviz::lessons {

VariantSource::VariantSource(ModelPtr base, VariantChanges changes)
    : ModelVariant(std::move(base)), changes_(std::move(changes)), shape_(Base()->Shape()) {
  if (changes_.strip_positions) {
    // Positions off means the same for every model: no learned (or rotary)
    // positions of its own, and no forced causal mask either.
    shape_.positional.reset();
    shape_.causal = false;
  }
}

std::vector<Token> VariantSource::Tokenize(std::string_view text) const {
  std::vector<Token> base = Base()->Tokenize(text);
  if (changes_.token_order.empty()) return base;
  std::vector<Token> out;
  out.reserve(changes_.token_order.size());
  for (int k : changes_.token_order)
    if (k >= 0 && k < static_cast<int>(base.size())) out.push_back(base[k]);  // spans still point into the text
  return out;
}

std::shared_ptr<const LayerWeights> VariantSource::Layer(int layer) const {
  if (layer >= 0 && layer < static_cast<int>(changes_.layers.size()) && changes_.layers[layer])
    return changes_.layers[layer];
  return Base()->Layer(layer);
}

std::vector<int> ShuffledOrder(int n, std::uint64_t seed) {
  std::vector<int> p(std::max(0, n));
  std::iota(p.begin(), p.end(), 0);
  if (seed == 0) {
    std::reverse(p.begin(), p.end());
    return p;
  }
  SeededRng rng{seed * 0x9E3779B97F4A7C15ull + 7};
  for (int attempt = 0; attempt < 64; ++attempt) {
    std::iota(p.begin(), p.end(), 0);
    for (int i = n - 1; i > 0; --i) std::swap(p[i], p[rng.Next() % static_cast<std::uint64_t>(i + 1)]);
    bool moved_all = true;
    for (int i = 0; i < n && moved_all; ++i) moved_all = p[i] != i;
    if (moved_all || n < 2) return p;
  }
  // Vanishingly unlikely (a random permutation is a derangement with p ~ 1/e):
  // fall back to a rotation, which moves every token.
  std::iota(p.begin(), p.end(), 0);
  std::rotate(p.begin(), p.begin() + 1, p.end());
  return p;
}

bool IsPermutation(const std::vector<int>& v, int n) {
  if (static_cast<int>(v.size()) != n) return false;
  std::vector<char> seen(n, 0);
  for (int k : v) {
    if (k < 0 || k >= n || seen[k]) return false;
    seen[k] = 1;
  }
  return true;
}

}  // namespace attnviz::lessons
