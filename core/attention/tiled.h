// FlashAttention-style tiled forward pass: the output of one head computed one
// (query tile, key tile) block at a time with an online softmax (Milakov &
// Gimelshein 2018; Dao et al. 2022), never holding the N x N matrix. It must
// equal the reference (ComputeHeadSteps().output) to float rounding.
#pragma once
#include "core/request.h"
#include "core/types.h"

namespace attnviz {

struct TileStats {
  long tiles_total = 0;    // (query tile, key tile) pairs
  long tiles_skipped = 0;  // pairs the mask rules out entirely, never computed
};

// q: (N, dk), k: (N, dk), v: (N, dv). bias_slope != 0 adds ALiBi -slope*|i-j|.
Mat TiledAttentionOutput(const Mat& q, const Mat& k, const Mat& v, const MaskSpec& mask,
                         float scale_factor, float temperature, float alibi_slope,
                         int tile = 64, TileStats* stats = nullptr);

}  // namespace attnviz
