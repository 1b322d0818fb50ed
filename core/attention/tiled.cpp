#include "core/attention/tiled.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <vector>

#include "core/attention/mask.h"

namespace attnviz {

Mat TiledAttentionOutput(const Mat& q, const Mat& k, const Mat& v, const MaskSpec& mask, float scale_factor,
                         float temperature, float alibi_slope, int tile, TileStats* stats) {
  const int n = static_cast<int>(q.rows());
  const int dv = static_cast<int>(v.cols());
  tile = std::max(1, tile);
  Mat out = Mat::Zero(n, dv);
  const float inv_t = 1.0f / temperature;
  std::vector<float> s(static_cast<std::size_t>(tile) * tile);
  std::vector<std::uint8_t> ok(static_cast<std::size_t>(tile) * tile);
  TileStats local;
  for (int i0 = 0; i0 < n; i0 += tile) {
    const int i1 = std::min(n, i0 + tile), bi = i1 - i0;
    // Running state per query row: max m, denominator l, unnormalised output acc.
    std::vector<float> m(bi, -std::numeric_limits<float>::infinity());
    std::vector<double> l(bi, 0.0);
    Mat acc = Mat::Zero(bi, dv);
    for (int j0 = 0; j0 < n; j0 += tile) {
      const int j1 = std::min(n, j0 + tile), bj = j1 - j0;
      ++local.tiles_total;
      bool any = false;
      for (int a = 0; a < bi; ++a)
        for (int b = 0; b < bj; ++b) any |= (ok[a * tile + b] = MaskAllows(mask, i0 + a, j0 + b)) != 0;
      if (!any) { ++local.tiles_skipped; continue; }
      const Mat sb = q.middleRows(i0, bi) * k.middleRows(j0, bj).transpose();  // (bi, bj)
      for (int a = 0; a < bi; ++a) {
        float row_max = -std::numeric_limits<float>::infinity();
        for (int b = 0; b < bj; ++b) {
          if (!ok[a * tile + b]) continue;
          const float bias = -alibi_slope * static_cast<float>(std::abs(i0 + a - (j0 + b)));
          s[a * tile + b] = (scale_factor * sb(a, b) + bias) * inv_t;
          row_max = std::max(row_max, s[a * tile + b]);
        }
        if (row_max == -std::numeric_limits<float>::infinity()) continue;  // nothing allowed in this row of the tile
        const float m_new = std::max(m[a], row_max);
        // Rescale what was accumulated under the old max (exp(-inf) = 0 on the first tile).
        const float correction = std::exp(m[a] - m_new);
        acc.row(a) *= correction;
        l[a] *= correction;
        for (int b = 0; b < bj; ++b) {
          if (!ok[a * tile + b]) continue;
          const float p = std::exp(s[a * tile + b] - m_new);
          l[a] += p;
          acc.row(a) += p * v.row(j0 + b);
        }
        m[a] = m_new;
      }
    }
    for (int a = 0; a < bi; ++a)
      if (l[a] > 0) out.row(i0 + a) = acc.row(a) / static_cast<float>(l[a]);  // empty rows stay zero
  }
  if (stats) *stats = local;
  return out;
}

}  // namespace attnviz
