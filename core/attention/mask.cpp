#include "core/attention/mask.h"

#include <algorithm>
#include <cstdlib>

namespace attnviz {
namespace {

bool SlidingAllows(const MaskSpec& m, int i, int j) {
  // Causal: the w most recent keys including itself (Mistral). Bidirectional:
  // a window centred on the query, floor(w/2) either side (Longformer).
  if (m.causal) return i - j >= 0 && i - j < m.window;
  return std::abs(i - j) <= m.window / 2;
}

bool IsGlobal(const MaskSpec& m, int t) { return std::find(m.globals.begin(), m.globals.end(), t) != m.globals.end(); }

}  // namespace

bool MaskAllows(const MaskSpec& m, int i, int j) {
  if (m.causal && j > i) return false;
  if (m.model_window > 0 && static_cast<long>(i) - j >= m.model_window) return false;
  switch (m.pattern) {
    case MaskPattern::Full: return true;
    case MaskPattern::Sliding: return SlidingAllows(m, i, j);
    case MaskPattern::GlobalLocal: return SlidingAllows(m, i, j) || IsGlobal(m, i) || IsGlobal(m, j);
    case MaskPattern::BlockSparse:
      // Child et al. 2019 "fixed" pattern: own block, plus the last position of
      // every block, which acts as that block's summary.
      return i / m.block == j / m.block || j % m.block == m.block - 1;
  }
  return false;
}

MaskMat BuildMask(const MaskSpec& m, int n) {
  MaskMat mask(n, n);
  if (m.pattern == MaskPattern::GlobalLocal) {
    // Resolve globals once into a flag per token: the generic path is O(N^2 |G|).
    std::vector<char> global(n, 0);
    for (int g : m.globals)
      if (g >= 0 && g < n) global[g] = 1;
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        mask(i, j) = (!m.causal || j <= i) && (m.model_window <= 0 || static_cast<long>(i) - j < m.model_window) &&
                     (SlidingAllows(m, i, j) || global[i] || global[j]);
    return mask;
  }
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) mask(i, j) = MaskAllows(m, i, j) ? 1 : 0;
  return mask;
}

}  // namespace attnviz
