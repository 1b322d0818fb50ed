// A mask pattern as the kernel sees it: per query row, one contiguous range of
// allowed keys, plus a set of columns every row may see (SPEC.md "Mask
// patterns"). Every pattern of the SPEC has this shape:
//   full           [0, N)                                  no extra columns
//   sliding        [i-w+1, i] (causal), [i-w/2, i+w/2]     no extra columns
//   global-local   sliding range, or [0, N) on a global row  global columns
//   block-sparse   own block [b*floor(i/b), +b)            summary columns j mod b = b-1
// and causal clips the range at i and allows an extra column only at j <= i.
// So allowed(i, j) = lo[i] <= j < hi[i]  OR  (extra[j] AND (not causal OR j <= i)).
// A model's own sliding window W (Mistral) clips every range at i - W + 1 and
// the extra columns likewise (j > i - W).
// From this the kernel classifies a tile as empty / fully allowed / partial
// with a few comparisons per row, and builds 64-key bit masks for partial
// tiles, instead of asking MaskAllows for every pair.
#pragma once
#include <cstdint>
#include <vector>

#include "core/request.h"

namespace attnviz {

struct MaskRows {
  int n = 0;
  bool causal = false;
  int window = 0;                      // a model's own window (MaskSpec::model_window): extra columns j
                                       // only at i - j < window too; 0 = none (the ranges are clipped already)
  std::vector<int> lo, hi;             // (N) allowed key range [lo, hi) of each query row, causal-clipped, within [0, N]
  std::vector<std::uint64_t> extra;    // (ceil(N/64)) bit j%64 of word j/64: column j is allowed to every row
                                       // (at j <= i when causal); empty when the pattern has no such columns
  std::vector<int> extra_prefix;       // (N+1) number of extra columns below j; empty with `extra`
};

// Equal to MaskAllows for every (i, j) (tests/unit/test-attention-kernel.cpp).
// Out-of-range parameters follow MaskAllows where it is defined: globals < 0 or
// >= N are ignored, a window < 1 leaves causal sliding rows empty; a block < 1
// (where MaskAllows would divide by zero) is taken as 1.
MaskRows BuildMaskRows(const MaskSpec& m, int n);

bool MaskRowsAllow(const MaskRows& r, int i, int j);

// Extra columns in [a, b) (0 when b <= a). O(1).
inline int ExtraColumns(const MaskRows& r, int a, int b) {
  return r.extra_prefix.empty() || b <= a ? 0 : r.extra_prefix[b] - r.extra_prefix[a];
}

// Allowed (query, key) pairs of the whole N x N mask, in O(N).
long CountAllowedPairs(const MaskRows& r);

}  // namespace attnviz
