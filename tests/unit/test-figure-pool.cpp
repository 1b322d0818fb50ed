// Pooling and baking of large matrices (core/figure/pool.h): every block's
// value against plain loops, the one-pass bake against pool-then-bake, the
// streaming variant against the pointer one, and the baked colours against
// ColormapColor, the rule the exported figures use.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "core/figure/colormap.h"
#include "core/figure/pool.h"
#include "core/figure/raster_surface.h"

using namespace attnviz;

TEST_CASE("PoolMatrix keeps the maximum of every block, edge blocks included", "[figure][pool]") {
  // 7 x 5 matrix with distinct values, pooled 3 x 2: blocks are computed here with plain loops.
  const int rows = 7, cols = 5, fr = 3, fc = 2;
  std::vector<float> v(rows * cols);
  std::mt19937 rng(7);
  std::uniform_real_distribution<float> u(-5.0f, 5.0f);
  for (float& x : v) x = u(rng);
  const PooledMatrix p = PoolMatrix(v.data(), nullptr, rows, cols, fr, fc, PoolMode::Max);
  REQUIRE(p.rows == 3);  // ceil(7/3)
  REQUIRE(p.cols == 3);  // ceil(5/2)
  for (int br = 0; br < p.rows; ++br)
    for (int bc = 0; bc < p.cols; ++bc) {
      float best = -std::numeric_limits<float>::infinity();
      for (int r = br * fr; r < std::min(rows, (br + 1) * fr); ++r)
        for (int c = bc * fc; c < std::min(cols, (bc + 1) * fc); ++c) best = std::max(best, v[r * cols + c]);
      // Exact: pooling copies a value, it computes nothing.
      CHECK(p.valid[br * p.cols + bc] == 1);
      CHECK(p.values[br * p.cols + bc] == best);
    }
}

TEST_CASE("PoolMatrix MaxAbs keeps the signed value of largest magnitude", "[figure][pool]") {
  const float v[] = {0.5f, -3.0f, 2.0f, 1.0f,   // block (0,0) = {0.5,-3,0.1,0.2} -> -3; block (0,1) = {2,1,-1,2.5} -> 2.5
                     0.1f, 0.2f, -1.0f, 2.5f};
  const PooledMatrix p = PoolMatrix(v, nullptr, 2, 4, 2, 2, PoolMode::MaxAbs);
  REQUIRE(p.rows == 1);
  REQUIRE(p.cols == 2);
  CHECK(p.values[0] == -3.0f);
  CHECK(p.values[1] == 2.5f);
  const PooledMatrix q = PoolMatrix(v, nullptr, 2, 4, 2, 2, PoolMode::Max);
  CHECK(q.values[0] == 0.5f);
}

TEST_CASE("PoolMatrix ignores masked and non-finite cells and counts the non-finite ones", "[figure][pool]") {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  // 2 x 4, pooled 2 x 2. Block 0: the 9 is masked, the inf is non-finite -> max of {1, 2} = 2.
  // Block 1: everything masked or NaN -> invalid (drawn as masked).
  const float v[] = {1.0f, 9.0f, nan, 4.0f,
                     inf, 2.0f, 7.0f, nan};
  const std::uint8_t allowed[] = {1, 0, 1, 0,
                                  1, 1, 0, 1};
  const PooledMatrix p = PoolMatrix(v, allowed, 2, 4, 2, 2, PoolMode::Max);
  REQUIRE(p.cols == 2);
  CHECK(p.valid[0] == 1);
  CHECK(p.values[0] == 2.0f);
  CHECK(p.valid[1] == 0);
  CHECK(p.nonfinite_cells == 3);  // inf (allowed), NaN at (0,2) (allowed), NaN at (1,3) (allowed)
  // Factor 1 is the identity on allowed finite cells.
  const PooledMatrix id = PoolMatrix(v, allowed, 2, 4, 1, 1, PoolMode::Max);
  CHECK(id.valid[0] == 1);
  CHECK(id.values[0] == 1.0f);
  CHECK(id.valid[1] == 0);
  CHECK(id.valid[2] == 0);
}

TEST_CASE("BakeMatrixRgba equals pooling then baking, texel for texel", "[figure][pool]") {
  std::mt19937 rng(12);
  std::uniform_real_distribution<float> u(-2.0f, 2.0f);
  for (int rows : {1, 5, 33})
    for (int cols : {1, 7, 40}) {
      std::vector<float> v(rows * cols);
      std::vector<std::uint8_t> allowed(rows * cols);
      for (int i = 0; i < rows * cols; ++i) {
        v[i] = u(rng);
        allowed[i] = (i % 5) != 0;
        if (i % 17 == 3) v[i] = std::numeric_limits<float>::quiet_NaN();
      }
      for (int f : {1, 2, 3, 8})
        for (PoolMode mode : {PoolMode::Max, PoolMode::MaxAbs})
          for (Colormap map : {Colormap::Viridis, Colormap::Diverging}) {
            const PooledMatrix p = PoolMatrix(v.data(), allowed.data(), rows, cols, f, f, mode);
            const auto want = BakeHeatmapRgba(p, map, -1.5f, 1.5f);
            long nonfinite = -1;
            const auto got = BakeMatrixRgba(v.data(), allowed.data(), rows, cols, f, f, mode, map, -1.5f, 1.5f, &nonfinite);
            CHECK(got == want);
            CHECK(nonfinite == p.nonfinite_cells);
          }
    }
  // The index rule matches core/figure's ColormapIndex on bin edges and the range ends.
  std::vector<float> edges;
  for (int k = -2; k <= 258; ++k) edges.push_back(-1.0f + 2.0f * k / 256.0f);
  for (float e : {-1.0f, 1.0f, 0.0f}) {
    edges.push_back(std::nextafter(e, 2.0f));
    edges.push_back(std::nextafter(e, -2.0f));
  }
  const PooledMatrix p = PoolMatrix(edges.data(), nullptr, 1, static_cast<int>(edges.size()), 1, 1, PoolMode::Max);
  const auto rgba = BakeHeatmapRgba(p, Colormap::Inferno, -1.0f, 1.0f);
  for (std::size_t i = 0; i < edges.size(); ++i) {
    const Rgb8 want = ColormapColor(Colormap::Inferno, edges[i], -1.0f, 1.0f);
    CHECK(rgba[i * 4] == want.r);
    CHECK(rgba[i * 4 + 1] == want.g);
    CHECK(rgba[i * 4 + 2] == want.b);
  }
}

TEST_CASE("Baked colours equal core/figure's ColormapColor for any range", "[figure][pool]") {
  // The widget evaluates the index rule its own (faster) way; it must agree with the exporter's
  // ColormapColor on every value, including huge, tiny and one-ulp-wide ranges.
  std::mt19937 rng(99);
  const std::pair<float, float> ranges[] = {{0.0f, 1.0f}, {-3.0f, 3.0f}, {0.0f, 1e-30f}, {-1e30f, 1e30f},
                                            {1.0f, std::nextafter(1.0f, 2.0f)}, {-7.25f, -7.0f}, {2.0f, 2.0f}};
  for (auto [lo, hi] : ranges) {
    std::uniform_real_distribution<double> u(lo - (hi - lo) * 0.1 - 1e-30, hi + (hi - lo) * 0.1 + 1e-30);
    std::vector<float> v(2000);
    for (float& x : v) x = static_cast<float>(u(rng));
    v[0] = lo;
    v[1] = hi;
    for (Colormap map : {Colormap::Viridis, Colormap::Diverging, Colormap::Grayscale}) {
      const PooledMatrix p = PoolMatrix(v.data(), nullptr, 1, static_cast<int>(v.size()), 1, 1, PoolMode::Max);
      const auto rgba = BakeHeatmapRgba(p, map, lo, hi);
      int mismatches = 0;
      for (std::size_t i = 0; i < v.size(); ++i) {
        const Rgb8 want = ColormapColor(map, v[i], lo, hi);
        mismatches += rgba[i * 4] != want.r || rgba[i * 4 + 1] != want.g || rgba[i * 4 + 2] != want.b;
      }
      INFO("range [" << lo << ", " << hi << "]");
      CHECK(mismatches == 0);
    }
  }
}

TEST_CASE("PoolFactorFor gives the smallest factor that fits the budget", "[figure][pool]") {
  for (int n : {1, 7, 16, 255, 256, 257, 1024, 4096})
    for (int budget : {1, 3, 100, 256, 400, 5000}) {
      const int f = PoolFactorFor(n, budget);
      CHECK((n + f - 1) / f <= budget);
      if (f > 1) CHECK((n + f - 2) / (f - 1) > budget);  // f - 1 would not fit
    }
}

TEST_CASE("BakeHeatmapRgba uses the shared colormap table and the masked grey", "[figure][pool]") {
  const float v[] = {0.0f, 0.25f, 0.999f, 1.0f};
  const std::uint8_t allowed[] = {1, 1, 0, 1};
  const PooledMatrix p = PoolMatrix(v, allowed, 1, 4, 1, 1, PoolMode::Max);
  const auto rgba = BakeHeatmapRgba(p, Colormap::Magma, 0.0f, 1.0f);
  REQUIRE(rgba.size() == 16);
  for (int i = 0; i < 4; ++i) {
    const Rgb8 want = allowed[i] ? ColormapTable(Colormap::Magma)[ColormapIndex(v[i], 0.0f, 1.0f)] : kMaskedCellColor;
    CHECK(rgba[i * 4 + 0] == want.r);
    CHECK(rgba[i * 4 + 1] == want.g);
    CHECK(rgba[i * 4 + 2] == want.b);
    CHECK(rgba[i * 4 + 3] == 255);
  }
}

TEST_CASE("PoolFactorsFor: per-axis factors, square blocks for square matrices", "[figure][pool]") {
  const PoolFactors tall = PoolFactorsFor(1000, 64, 250, 640);
  CHECK(tall.rows == 4);
  CHECK(tall.cols == 1);
  CHECK(tall.pooled());
  const PoolFactors square = PoolFactorsFor(1000, 1000, 250, 600);  // 4 and 2: the larger for both
  CHECK(square.rows == 4);
  CHECK(square.cols == 4);
  CHECK_FALSE(PoolFactorsFor(10, 10, 100, 100).pooled());
}

TEST_CASE("Streaming pool and bake pull each source row once, in order, and equal the pointer versions",
          "[figure][pool]") {
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  const int rows = 37, cols = 29;
  std::vector<float> v(rows * cols);
  std::vector<std::uint8_t> allowed(rows * cols);
  for (int i = 0; i < rows * cols; ++i) {
    v[i] = u(rng);
    allowed[i] = (i % 7) != 2;
  }
  v[101] = std::numeric_limits<float>::infinity();  // allowed (101 % 7 != 2): counted as non-finite
  for (int fr : {1, 3, 8})
    for (int fc : {1, 4}) {
      int next_row = 0, max_count = 0, calls = 0;
      const MatrixRowSource source = [&](int row0, int count, float* out) {
        CHECK(row0 == next_row);  // in order, each row once
        next_row = row0 + count;
        max_count = std::max(max_count, count);
        ++calls;
        std::memcpy(out, v.data() + static_cast<std::size_t>(row0) * cols, sizeof(float) * count * cols);
      };
      long nf_stream = -1, nf_ptr = -2;
      const auto streamed = BakeMatrixRgba(source, allowed.data(), rows, cols, fr, fc, PoolMode::MaxAbs,
                                           Colormap::Diverging, -1.0f, 1.0f, &nf_stream);
      CHECK(next_row == rows);
      CHECK(max_count <= fr);  // never more than one block row in memory
      CHECK(calls == (rows + fr - 1) / fr);
      const auto direct = BakeMatrixRgba(v.data(), allowed.data(), rows, cols, fr, fc, PoolMode::MaxAbs,
                                         Colormap::Diverging, -1.0f, 1.0f, &nf_ptr);
      CHECK(streamed == direct);
      CHECK(nf_stream == nf_ptr);
      CHECK(nf_ptr == 1);
      next_row = 0;
      const PooledMatrix ps = PoolMatrix(source, allowed.data(), rows, cols, fr, fc, PoolMode::Max);
      const PooledMatrix pd = PoolMatrix(v.data(), allowed.data(), rows, cols, fr, fc, PoolMode::Max);
      CHECK(ps.values == pd.values);
      CHECK(ps.valid == pd.valid);
      CHECK(ps.rows == pd.rows);
      CHECK(ps.cols == pd.cols);
    }
}

TEST_CASE("Raster cells drop no cell when the last block is narrower than a pixel", "[figure][pool]") {
  // 403 cells on 200 pixels: blocks of 3, the last block one cell wide (0.5 px at the
  // far edge), so no pixel centre lies in it. A spike there must still show.
  const int n = 403, P = 200;
  REQUIRE(PoolFactorFor(n, P) == 3);
  REQUIRE(((2 * P - 1) * n / (2 * P)) / 3 != (n - 1) / 3);  // the last pixel's centre is in the block before
  for (auto [sr, sc] : {std::pair{n - 1, n - 1}, std::pair{n - 1, 17}, std::pair{42, n - 1}}) {
    std::vector<float> v(static_cast<std::size_t>(n) * n, 0.0f);
    v[static_cast<std::size_t>(sr) * n + sc] = 1.0f;
    figure::RasterSurface s(static_cast<float>(P), static_cast<float>(P), 1.0f, false);
    figure::CellsSpec c;
    c.w = c.h = static_cast<float>(P);
    c.values = v.data();
    c.rows = c.cols = n;
    REQUIRE(s.Cells(c));
    int hot = 0;
    const RasterImage& img = s.image();
    for (int i = 0; i < P * P; ++i) {
      const Rgb8 px{img.rgba[i * 4], img.rgba[i * 4 + 1], img.rgba[i * 4 + 2]};
      hot += px == ColormapTable(Colormap::Viridis)[255];
    }
    INFO("spike at " << sr << ", " << sc);
    CHECK(hot >= 1);
  }
}
