// Pooling and baking for the heatmap texture (see heatmap_texture.h).
#include "ui/widgets/heatmap_texture.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>

namespace attnviz::ui {

int PoolFactorFor(int n, int budget) {
  if (n <= 0) return 1;
  budget = std::max(budget, 1);
  return (n + budget - 1) / budget;  // ceil(n / f) <= budget  <=>  f >= n / budget
}

PooledMatrix PoolMatrix(const float* values, const std::uint8_t* allowed, int rows, int cols,
                        int factor_rows, int factor_cols, PoolMode mode) {
  PooledMatrix out;
  if (!values || rows <= 0 || cols <= 0) return out;
  const int fr = std::max(factor_rows, 1);
  const int fc = std::max(factor_cols, 1);
  out.factor_rows = fr;
  out.factor_cols = fc;
  out.rows = (rows + fr - 1) / fr;
  out.cols = (cols + fc - 1) / fc;
  const std::size_t texels = static_cast<std::size_t>(out.rows) * out.cols;
  out.values.assign(texels, 0.0f);
  out.valid.assign(texels, 0);
  // One pass over the source in memory order; each source row updates one row of blocks.
  for (int r = 0; r < rows; ++r) {
    const float* src = values + static_cast<std::size_t>(r) * cols;
    const std::uint8_t* ok = allowed ? allowed + static_cast<std::size_t>(r) * cols : nullptr;
    float* dst = out.values.data() + static_cast<std::size_t>(r / fr) * out.cols;
    std::uint8_t* dst_valid = out.valid.data() + static_cast<std::size_t>(r / fr) * out.cols;
    for (int c = 0; c < cols; ++c) {
      if (ok && !ok[c]) continue;
      const float v = src[c];
      if (!std::isfinite(v)) {
        ++out.nonfinite_cells;
        continue;
      }
      const int b = c / fc;
      if (!dst_valid[b]) {
        dst[b] = v;
        dst_valid[b] = 1;
      } else if (mode == PoolMode::Max ? v > dst[b] : std::fabs(v) > std::fabs(dst[b])) {
        dst[b] = v;
      }
    }
  }
  return out;
}

std::vector<std::uint8_t> BakeHeatmapRgba(const PooledMatrix& pooled, Colormap map, float vmin,
                                          float vmax) {
  const std::size_t texels = static_cast<std::size_t>(pooled.rows) * pooled.cols;
  std::vector<std::uint8_t> rgba(texels * 4);
  const ColormapLut& lut = ColormapTable(map);
  const bool centre = vmax <= vmin && IsDivergingColormap(map);
  for (std::size_t i = 0; i < texels; ++i) {
    Rgb8 c = kMaskedCellColor;
    if (pooled.valid[i]) {
      const int k = centre ? kColormapLutSize / 2 : ColormapIndex(pooled.values[i], vmin, vmax);
      c = lut[static_cast<std::size_t>(k)];
    }
    rgba[i * 4 + 0] = c.r;
    rgba[i * 4 + 1] = c.g;
    rgba[i * 4 + 2] = c.b;
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}

std::string CompactCellNumber(const char* printed, float value) {
  std::string s(printed);
  if (s.find('.') == std::string::npos || s.find_first_of("eE") != std::string::npos) return s;
  std::string t = s;
  while (!t.empty() && t.back() == '0') t.pop_back();
  if (!t.empty() && t.back() == '.') t.pop_back();
  if (!t.empty() && t != "-" && std::strtof(t.c_str(), nullptr) == value) s = t;
  if (s.rfind("0.", 0) == 0) s.erase(0, 1);
  else if (s.rfind("-0.", 0) == 0) s.erase(1, 1);
  return s;
}

}  // namespace attnviz::ui
