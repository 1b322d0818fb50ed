// The CPU side of the heatmap: pooling a matrix down to at most the pixels it
// gets, and baking it into RGBA through the shared colormap table. Pure
// functions (no ImGui state), so tests can check them cell by cell.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/figure/colormap.h"

namespace attnviz::ui {

// How a block of cells becomes one texel when the matrix has more cells than
// the screen has pixels. Max keeps the largest value (a strong attention weight
// never disappears); MaxAbs keeps the value of largest magnitude, sign included
// (for signed matrices under a diverging map, so a strong negative survives).
enum class PoolMode { Max, MaxAbs };

struct PooledMatrix {
  int rows = 0, cols = 0;          // ceil(src_rows / factor_rows), ceil(src_cols / factor_cols)
  int factor_rows = 1;             // source rows per texel row
  int factor_cols = 1;             // source cols per texel column
  std::vector<float> values;       // (rows, cols) row-major; meaningless where !valid
  std::vector<std::uint8_t> valid; // (rows, cols) 1 when the block holds an allowed, finite cell
  long nonfinite_cells = 0;        // allowed source cells that were NaN/inf (drawn as masked)
};

// Pools values (rows x cols, row-major) by factor_rows x factor_cols blocks;
// edge blocks are partial. allowed (same shape, 1 = allowed) may be null. Masked
// and non-finite cells never contribute; a block without any allowed finite
// cell is invalid (drawn as masked). Factors < 1 are treated as 1.
PooledMatrix PoolMatrix(const float* values, const std::uint8_t* allowed, int rows, int cols,
                        int factor_rows, int factor_cols, PoolMode mode);

// PoolMatrix followed by BakeHeatmapRgba in one pass, without the pooled
// intermediate (at N = 4096 that would be 80 MB): what the heatmap widget
// uploads. Gives exactly the texels of BakeHeatmapRgba(PoolMatrix(...)) (a
// test checks it); *nonfinite_cells (may be null) receives the same count.
std::vector<std::uint8_t> BakeMatrixRgba(const float* values, const std::uint8_t* allowed, int rows, int cols,
                                         int factor_rows, int factor_cols, PoolMode mode, Colormap map,
                                         float vmin, float vmax, long* nonfinite_cells);

// Smallest integer factor f with ceil(n / f) <= budget (budget >= 1).
int PoolFactorFor(int n, int budget);

// RGBA8 texels (rows*cols*4, top row first) through ColormapTable(map) and the
// index rule of ColormapIndex; invalid texels get kMaskedCellColor.
std::vector<std::uint8_t> BakeHeatmapRgba(const PooledMatrix& pooled, Colormap map, float vmin,
                                          float vmax);

// The shortest honest form of a number printed in a cell, for cells too narrow for the
// full one: "0.97" -> ".97", "-0.50" -> "-.50"; trailing zeros go only when the value is
// exactly what remains ("1.00" -> "1" for 1.0f), so 0.004 stays ".00" and never shows
// a "0" that reads as exact.
std::string CompactCellNumber(const char* printed, float value);

}  // namespace attnviz::ui
