// Max-pooling and colormap baking of a large matrix: the one implementation
// behind the window's heatmap texture and the exported PNG, so that the screen
// and the slide show the same block values for the same matrix, cell for cell.
//
// A matrix with more cells than the pixels it gets is cut into blocks of
// factor_rows x factor_cols cells (edge blocks partial) and each block becomes
// one texel holding its strongest allowed, finite cell: pooling copies a value,
// it never averages, so a strong weight never disappears. Baking maps texels to
// RGBA through ColormapTable and the index rule of ColormapIndex (colormap.h).
//
// Two ways to feed a matrix: a pointer to all of it, or a MatrixRowSource that
// computes rows on demand (per-head N x N matrices need not be stored: a
// thumbnail of a 4096 x 4096 head pulls one block row at a time).
//
// Index:
//   [SECTION] Pooling factors
//   [SECTION] Pooling
//   [SECTION] Baking
#pragma once
#include <cstdint>
#include <functional>
#include <vector>

#include "core/figure/colormap.h"

namespace attnviz {

// How a block of cells becomes one texel. Max keeps the largest value (a strong
// attention weight never disappears); MaxAbs keeps the value of largest
// magnitude, sign included (signed matrices under a diverging map: a strong
// negative survives next to a weak positive).
enum class PoolMode { Max, MaxAbs };

// The mode for a colormap: MaxAbs under a diverging map (signed matrices on a
// range symmetric about 0), Max otherwise. What the exported figures use.
PoolMode PoolModeFor(Colormap map);

// Rows [row0, row0 + count) of a (rows, cols) matrix, written row-major into
// out[(r - row0) * cols + c]. Called with increasing row0, each row once.
using MatrixRowSource = std::function<void(int row0, int count, float* out)>;

// [SECTION] Pooling factors

// Smallest integer factor f with ceil(n / f) <= budget (budget >= 1).
int PoolFactorFor(int n, int budget);

struct PoolFactors {
  int rows = 1;  // source rows per texel row
  int cols = 1;  // source columns per texel column
  bool pooled() const { return rows > 1 || cols > 1; }
};

// The factors for a (rows, cols) matrix shown on budget_rows x budget_cols
// pixels: PoolFactorFor on each axis, except that a square (token x token)
// matrix gets square blocks (both factors the larger one), so a block is
// always "queries a..b attending to keys a..b".
PoolFactors PoolFactorsFor(int rows, int cols, int budget_rows, int budget_cols);

// [SECTION] Pooling

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
// The same, pulling source rows from `source` one block row at a time.
PooledMatrix PoolMatrix(const MatrixRowSource& source, const std::uint8_t* allowed, int rows, int cols,
                        int factor_rows, int factor_cols, PoolMode mode);

// [SECTION] Baking

// RGBA8 texels (rows*cols*4, top row first) through ColormapTable(map) and the
// index rule of ColormapIndex; invalid texels get kMaskedCellColor.
std::vector<std::uint8_t> BakeHeatmapRgba(const PooledMatrix& pooled, Colormap map, float vmin, float vmax);

// PoolMatrix followed by BakeHeatmapRgba in one pass, without the pooled
// intermediate (at N = 4096 that would be 80 MB): what the heatmap widget
// uploads. Gives exactly the texels of BakeHeatmapRgba(PoolMatrix(...)) (a
// test checks it); *nonfinite_cells (may be null) receives the same count.
std::vector<std::uint8_t> BakeMatrixRgba(const float* values, const std::uint8_t* allowed, int rows, int cols,
                                         int factor_rows, int factor_cols, PoolMode mode, Colormap map,
                                         float vmin, float vmax, long* nonfinite_cells);
// The same, pulling source rows from `source`: memory is one block row of the
// source (factor_rows x cols floats) plus the texels, never the whole matrix.
std::vector<std::uint8_t> BakeMatrixRgba(const MatrixRowSource& source, const std::uint8_t* allowed, int rows,
                                         int cols, int factor_rows, int factor_cols, PoolMode mode, Colormap map,
                                         float vmin, float vmax, long* nonfinite_cells);

}  // namespace attnviz
