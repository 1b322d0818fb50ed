// Mask patterns (SPEC.md "Logits, masks, weights").
#pragma once
#include "core/request.h"
#include "core/types.h"

namespace attnviz {

// Whether query i may attend to key j under the spec (globals >= n never match).
bool MaskAllows(const MaskSpec& m, int i, int j);

// (n, n) of 0/1.
MaskMat BuildMask(const MaskSpec& m, int n);

}  // namespace attnviz
