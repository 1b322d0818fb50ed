#include "core/attention/mask_rows.h"

#include <algorithm>

namespace attnviz {

MaskRows BuildMaskRows(const MaskSpec& m, int n) {
  MaskRows r;
  r.n = n;
  r.causal = m.causal;
  r.window = std::max(0, m.model_window);
  r.lo.assign(n, 0);
  r.hi.assign(n, 0);
  // 64-bit arithmetic: a window near INT_MAX must not overflow i - w + 1.
  const long w = m.window;
  std::vector<char> global;
  if (m.pattern == MaskPattern::GlobalLocal) {
    global.assign(n, 0);
    for (int g : m.globals)
      if (g >= 0 && g < n) global[g] = 1;
  }
  const int block = std::max(1, m.block);
  for (int i = 0; i < n; ++i) {
    long lo = 0, hi = n;
    switch (m.pattern) {
      case MaskPattern::Full: break;
      case MaskPattern::Sliding:
      case MaskPattern::GlobalLocal:
        if (!global.empty() && global[i]) break;  // a global row sees every key
        // Causal: the w most recent keys including itself (Mistral). Bidirectional:
        // floor(w/2) either side (Longformer); a negative half-width allows nothing.
        if (m.causal) { lo = i - w + 1; hi = i + 1; }
        else { lo = i - w / 2; hi = i + w / 2 + 1; }
        break;
      case MaskPattern::BlockSparse:
        lo = static_cast<long>(i / block) * block;
        hi = lo + block;
        break;
    }
    if (m.causal) hi = std::min<long>(hi, i + 1);
    if (r.window > 0) lo = std::max<long>(lo, static_cast<long>(i) - r.window + 1);
    lo = std::clamp<long>(lo, 0, n);
    hi = std::clamp<long>(hi, 0, n);
    if (hi < lo) hi = lo;
    r.lo[i] = static_cast<int>(lo);
    r.hi[i] = static_cast<int>(hi);
  }
  // Columns every row may see: the global tokens, or each block's summary position.
  std::vector<char> col;
  if (m.pattern == MaskPattern::GlobalLocal) col = global;
  if (m.pattern == MaskPattern::BlockSparse) {
    col.assign(n, 0);
    for (int j = block - 1; j < n; j += block) col[j] = 1;
  }
  if (std::find(col.begin(), col.end(), 1) != col.end()) {
    r.extra.assign((n + 63) / 64, 0);
    r.extra_prefix.assign(n + 1, 0);
    for (int j = 0; j < n; ++j) {
      if (col[j]) r.extra[j / 64] |= std::uint64_t{1} << (j % 64);
      r.extra_prefix[j + 1] = r.extra_prefix[j] + col[j];
    }
  }
  return r;
}

bool MaskRowsAllow(const MaskRows& r, int i, int j) {
  if (j >= r.lo[i] && j < r.hi[i]) return true;
  if (r.extra.empty() || (r.causal && j > i)) return false;
  if (r.window > 0 && static_cast<long>(i) - j >= r.window) return false;
  return (r.extra[j / 64] >> (j % 64)) & 1;
}

long CountAllowedPairs(const MaskRows& r) {
  long pairs = 0;
  for (int i = 0; i < r.n; ++i) {
    const int reach = r.causal ? i + 1 : r.n;  // extra columns a row may see: [from, reach)
    const int from = r.window > 0 ? std::max(0, i - r.window + 1) : 0;
    // Range plus the extra columns outside it (the range lies within [from, reach)).
    pairs += (r.hi[i] - r.lo[i]) + ExtraColumns(r, from, reach) - ExtraColumns(r, r.lo[i], r.hi[i]);
  }
  return pairs;
}

}  // namespace attnviz
