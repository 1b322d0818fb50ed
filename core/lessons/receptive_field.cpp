#include "core/lessons/receptive_field.h"

#include <algorithm>
#include <cstdint>

#include "core/attention/mask.h"

namespace attnviz::lessons {

namespace {

// Rows of the mask (or of its transpose) as bitsets of N bits.
struct BitRows {
  int n = 0, words = 0;
  std::vector<std::uint64_t> bits;  // (N, words)
  std::uint64_t* Row(int i) { return &bits[static_cast<std::size_t>(i) * words]; }
};

BitRows MaskRows(const MaskSpec& m, int n, bool transpose) {
  BitRows r;
  r.n = n;
  r.words = (n + 63) / 64;
  r.bits.assign(static_cast<std::size_t>(n) * r.words, 0);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      if (MaskAllows(m, i, j)) {
        const int a = transpose ? j : i, b = transpose ? i : j;
        r.Row(a)[b / 64] |= std::uint64_t{1} << (b % 64);
      }
  return r;
}

// Hops from `source` along the rows' edges, one layer per hop: a token joins
// at layer l when some token that joined at layer l - 1 has it in its row.
std::vector<int> LayerByLayer(BitRows& rows, int source, std::vector<int>* reach_count) {
  const int n = rows.n, words = rows.words;
  std::vector<int> first(n, -1);
  std::vector<std::uint64_t> reached(words, 0), next(words);
  first[source] = 0;
  reached[source / 64] |= std::uint64_t{1} << (source % 64);
  std::vector<int> frontier = {source};
  if (reach_count) reach_count->assign(1, 1);
  int count = 1;
  for (int layer = 1; !frontier.empty(); ++layer) {
    std::fill(next.begin(), next.end(), 0);
    for (int a : frontier) {
      const std::uint64_t* row = rows.Row(a);
      for (int w = 0; w < words; ++w) next[w] |= row[w];
    }
    frontier.clear();
    for (int w = 0; w < words; ++w) {
      std::uint64_t fresh = next[w] & ~reached[w];
      reached[w] |= fresh;
      while (fresh) {
        const int b = w * 64 + __builtin_ctzll(fresh);
        fresh &= fresh - 1;
        first[b] = layer;
        frontier.push_back(b);
      }
    }
    count += static_cast<int>(frontier.size());
    if (reach_count && !frontier.empty()) reach_count->push_back(count);
  }
  return first;
}

int CeilDiv(int a, int b) { return (a + b - 1) / b; }

}  // namespace

ReceptiveFieldLesson ComputeReceptiveFieldLesson(int n, const ReceptiveFieldParams& p) {
  ReceptiveFieldLesson L;
  L.n = std::max(1, n);
  L.mask = p.mask;
  L.token = p.token < 0 ? L.n - 1 : std::min(p.token, L.n - 1);
  L.rnn_steps = L.n - 1;
  BitRows rows = MaskRows(p.mask, L.n, false);
  L.first_layer = LayerByLayer(rows, L.token, &L.reach_count);
  L.layers = static_cast<int>(L.reach_count.size()) - 1;
  // Who hears from token 0: the same walk from token 0 along the reversed edges.
  BitRows reversed = MaskRows(p.mask, L.n, true);
  L.layers_to_first = LayerByLayer(reversed, 0, nullptr);
  L.last_to_first = L.layers_to_first[L.n - 1];

  const MaskSpec& m = p.mask;
  const int d = L.n - 1;
  if (d == 0) {
    L.formula_last_to_first = 0;
  } else if (m.pattern == MaskPattern::Full) {
    L.formula_last_to_first = 1;
  } else if (m.pattern == MaskPattern::Sliding) {
    const int step = m.causal ? m.window - 1 : m.window / 2;
    L.formula_last_to_first = step > 0 ? CeilDiv(d, step) : -1;
  } else if (m.pattern == MaskPattern::GlobalLocal) {
    bool zero_global = false, any_global = false;
    for (int g : m.globals) {
      zero_global = zero_global || g == 0;
      any_global = any_global || (g >= 0 && g < L.n);
    }
    const int step = m.causal ? m.window - 1 : m.window / 2;
    const int local = step > 0 ? CeilDiv(d, step) : -1;
    // Through a global g: the last token reads g directly, g reads token 0
    // directly (a global query sees every key, causal or not, since 0 <= g).
    const int via_global = zero_global ? 1 : any_global ? 2 : -1;
    L.formula_last_to_first = local < 0 ? via_global : via_global < 0 ? local : std::min(local, via_global);
  }
  return L;
}

nlohmann::json ToJson(const ReceptiveFieldLesson& l) {
  return {{"lesson", "receptive-field"},
          {"n", l.n},
          {"mask", DescribeMask(l.mask)},
          {"token", l.token},
          {"first_layer", l.first_layer},
          {"reach_count", l.reach_count},
          {"layers", l.layers},
          {"layers_to_first", l.layers_to_first},
          {"last_to_first", l.last_to_first},
          {"formula_last_to_first", l.formula_last_to_first},
          {"rnn_steps", l.rnn_steps}};
}

}  // namespace attnviz::lessons
