// RasterSurface: the pixel backend of the figures (see surface.h).
//
// Coverage-based anti-aliasing: a shape's alpha at a pixel is the fraction of
// the pixel it covers (exact for axis-aligned rectangles, a per-column span
// estimate for slanted lines). Axis-aligned lines are snapped to whole pixels
// so frames, ticks and grid lines stay crisp at every scale, as in matplotlib.
#include "core/figure/raster_surface.h"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/figure/pool.h"

namespace attnviz::figure {

RasterSurface::RasterSurface(float width_units, float height_units, float pixels_per_unit, bool transparent)
    : ppu_(pixels_per_unit) {
  img_.width = std::max(1, static_cast<int>(std::ceil(width_units * ppu_ - 1e-3f)));
  img_.height = std::max(1, static_cast<int>(std::ceil(height_units * ppu_ - 1e-3f)));
  img_.rgba.assign(static_cast<std::size_t>(img_.width) * static_cast<std::size_t>(img_.height) * 4,
                   transparent ? 0 : 255);
}

void RasterSurface::Blend(int x, int y, Rgb8 c, float a) {
  if (x < 0 || y < 0 || x >= img_.width || y >= img_.height || a <= 0) return;
  std::uint8_t* p = &img_.rgba[(static_cast<std::size_t>(y) * static_cast<std::size_t>(img_.width) +
                                static_cast<std::size_t>(x)) * 4];
  if (a >= 1.0f) {
    p[0] = c.r, p[1] = c.g, p[2] = c.b, p[3] = 255;
    return;
  }
  // Straight-alpha "source over" compositing.
  float da = p[3] / 255.0f;
  float oa = a + da * (1.0f - a);
  auto mix = [&](std::uint8_t s, std::uint8_t d) {
    return static_cast<std::uint8_t>(std::lround((s * a + d * da * (1.0f - a)) / oa));
  };
  p[0] = mix(c.r, p[0]);
  p[1] = mix(c.g, p[1]);
  p[2] = mix(c.b, p[2]);
  p[3] = static_cast<std::uint8_t>(std::lround(oa * 255.0f));
}

void RasterSurface::FillPixels(float x0, float y0, float x1, float y1, Rgba c) {
  x0 = std::max(x0, 0.0f), y0 = std::max(y0, 0.0f);
  x1 = std::min(x1, float(img_.width)), y1 = std::min(y1, float(img_.height));
  if (x1 <= x0 || y1 <= y0) return;
  int ix0 = static_cast<int>(std::floor(x0)), ix1 = static_cast<int>(std::ceil(x1));
  int iy0 = static_cast<int>(std::floor(y0)), iy1 = static_cast<int>(std::ceil(y1));
  for (int y = iy0; y < iy1; ++y) {
    float cy = std::min(y1, y + 1.0f) - std::max(y0, float(y));
    for (int x = ix0; x < ix1; ++x) {
      float cx = std::min(x1, x + 1.0f) - std::max(x0, float(x));
      Blend(x, y, c.rgb, c.a * cx * cy);
    }
  }
}

void RasterSurface::FillRect(float x, float y, float w, float h, Rgba c) {
  FillPixels(x * ppu_, y * ppu_, (x + w) * ppu_, (y + h) * ppu_, c);
}

// A line along one axis covering whole pixels: width rounded to >= 1 px and
// the position rounded so the line never smears over two half-lit pixels.
void RasterSurface::SnappedLine(float a0, float a1, float center, float width_px, bool horizontal, Rgba c) {
  float wpx = std::max(1.0f, std::round(width_px));
  float start = std::round(center - wpx / 2.0f);
  if (a1 < a0) std::swap(a0, a1);
  if (horizontal)
    FillPixels(a0, start, a1, start + wpx, c);
  else
    FillPixels(start, a0, start + wpx, a1, c);
}

void RasterSurface::StrokeRect(float x, float y, float w, float h, Rgba c, float width) {
  float wpx = std::max(1.0f, std::round(width * ppu_));
  float X0 = std::round(x * ppu_ - wpx / 2), Y0 = std::round(y * ppu_ - wpx / 2);
  float X1 = std::round((x + w) * ppu_ - wpx / 2), Y1 = std::round((y + h) * ppu_ - wpx / 2);
  FillPixels(X0, Y0, X1 + wpx, Y0 + wpx, c);          // top
  FillPixels(X0, Y1, X1 + wpx, Y1 + wpx, c);          // bottom
  FillPixels(X0, Y0 + wpx, X0 + wpx, Y1, c);          // left
  FillPixels(X1, Y0 + wpx, X1 + wpx, Y1, c);          // right
}

void RasterSurface::Line(float x0, float y0, float x1, float y1, Rgba c, float width) {
  float X0 = x0 * ppu_, Y0 = y0 * ppu_, X1 = x1 * ppu_, Y1 = y1 * ppu_, W = width * ppu_;
  if (std::fabs(Y1 - Y0) < 1e-4f) return SnappedLine(X0, X1, Y0, W, true, c);
  if (std::fabs(X1 - X0) < 1e-4f) return SnappedLine(Y0, Y1, X0, W, false, c);
  // Slanted: walk the major axis one pixel at a time; on each step the line
  // covers a span of the minor axis of length W / cos(angle); pixels get the
  // fraction of that span they overlap. Thin lines (W < 1) keep a 1 px span
  // at proportionally lower alpha so they stay continuous.
  bool steep = std::fabs(Y1 - Y0) > std::fabs(X1 - X0);
  if (steep) std::swap(X0, Y0), std::swap(X1, Y1);
  if (X1 < X0) std::swap(X0, X1), std::swap(Y0, Y1);
  float slope = (Y1 - Y0) / (X1 - X0);
  float half = 0.5f * W * std::sqrt(1.0f + slope * slope);
  float alpha = c.a;
  if (half < 0.5f) {
    alpha *= half * 2.0f;
    half = 0.5f;
  }
  int ia = static_cast<int>(std::floor(X0)), ib = static_cast<int>(std::ceil(X1));
  for (int i = ia; i < ib; ++i) {
    float seg0 = std::max(X0, float(i)), seg1 = std::min(X1, i + 1.0f);
    float along = seg1 - seg0;  // partial coverage at the two ends
    if (along <= 0) continue;
    float mid = Y0 + slope * ((seg0 + seg1) * 0.5f - X0);
    float lo = mid - half, hi = mid + half;
    for (int j = static_cast<int>(std::floor(lo)); j < static_cast<int>(std::ceil(hi)); ++j) {
      float cov = std::min(hi, j + 1.0f) - std::max(lo, float(j));
      if (cov <= 0) continue;
      if (steep)
        Blend(j, i, c.rgb, alpha * cov * along);
      else
        Blend(i, j, c.rgb, alpha * cov * along);
    }
  }
}

void RasterSurface::Text(std::string_view s, float x, float y, float size, Rgba c, Anchor anchor,
                         FontWeight weight, bool rotated) {
  if (s.empty()) return;
  // Anchor offsets come from the shared metrics so PNG and SVG agree.
  float width = TextWidth(s, size, weight) * ppu_;
  float off = anchor == Anchor::Start ? 0.0f : anchor == Anchor::Middle ? width * 0.5f : width;
  TextMask m = glyphs_.Render(s, size * ppu_, weight);
  if (!rotated) {
    int px = static_cast<int>(std::lround(x * ppu_ - off)) - m.origin_x;
    int py = static_cast<int>(std::lround(y * ppu_)) - m.baseline;
    for (int my = 0; my < m.height; ++my)
      for (int mx = 0; mx < m.width; ++mx) {
        std::uint8_t a = m.alpha[static_cast<std::size_t>(my) * static_cast<std::size_t>(m.width) + static_cast<std::size_t>(mx)];
        if (a) Blend(px + mx, py + my, c.rgb, c.a * a / 255.0f);
      }
    return;
  }
  // Rotated 90 degrees counter-clockwise: the text runs up the page from
  // (x, y + off); mask column mx goes to y - (mx - origin), row my to x + (my - baseline).
  int pen_x = static_cast<int>(std::lround(x * ppu_));
  int pen_y = static_cast<int>(std::lround(y * ppu_ + off));
  for (int my = 0; my < m.height; ++my)
    for (int mx = 0; mx < m.width; ++mx) {
      std::uint8_t a = m.alpha[static_cast<std::size_t>(my) * static_cast<std::size_t>(m.width) + static_cast<std::size_t>(mx)];
      if (a) Blend(pen_x + (my - m.baseline), pen_y - (mx - m.origin_x), c.rgb, c.a * a / 255.0f);
    }
}

bool RasterSurface::Cells(const CellsSpec& s) {
  if (s.rows <= 0 || s.cols <= 0 || !s.values) return false;
  const int X0 = static_cast<int>(std::lround(s.x * ppu_)), X1 = static_cast<int>(std::lround((s.x + s.w) * ppu_));
  const int Y0 = static_cast<int>(std::lround(s.y * ppu_)), Y1 = static_cast<int>(std::lround((s.y + s.h) * ppu_));
  const int W = std::max(1, X1 - X0), H = std::max(1, Y1 - Y0);
  const bool pooled = W < s.cols || H < s.rows;
  const ColormapLut& lut = ColormapTable(s.colormap);
  const bool diverging = IsDivergingColormap(s.colormap);
  const int period = std::max(3, static_cast<int>(std::lround(s.hatch_period * ppu_)));
  const int thick = std::max(1, static_cast<int>(std::lround(0.8f * ppu_)));
  // Cells under pixel p: [p*n/P, ceil((p+1)*n/P)). When P >= n that is exactly
  // one cell and every cell owns at least one pixel.
  auto range = [](int p, int n, int P, int* lo, int* hi) {
    long long a = static_cast<long long>(p) * n / P;
    long long b = (static_cast<long long>(p + 1) * n + P - 1) / P;
    *lo = static_cast<int>(a);
    *hi = std::max(static_cast<int>(b), *lo + 1);
  };
  std::vector<int> c_lo(static_cast<std::size_t>(W)), c_hi(static_cast<std::size_t>(W));
  for (int px = 0; px < W; ++px) range(px, s.cols, W, &c_lo[px], &c_hi[px]);
  auto cell_color = [&](float v) {
    int idx = ColormapIndex(v, s.vmin, s.vmax);
    if (diverging && !(s.vmax > s.vmin)) idx = kColormapLutSize / 2;
    return lut[static_cast<std::size_t>(idx)];
  };
  if (!pooled) {
    // One cell per pixel: colour each cell of a row once, then the pixels of
    // that row are table lookups (the common case; ~3M pixels at 2000 x 1600).
    std::vector<Rgb8> row_colors(static_cast<std::size_t>(s.cols));
    std::vector<std::uint8_t> row_masked(static_cast<std::size_t>(s.cols));
    int cached_row = -1;
    for (int py = 0; py < H; ++py) {
      int r, r_hi;
      range(py, s.rows, H, &r, &r_hi);
      const int y = Y0 + py;
      if (y < 0 || y >= img_.height) continue;
      if (r != cached_row) {
        for (int c = 0; c < s.cols; ++c) {
          std::size_t i = static_cast<std::size_t>(r) * static_cast<std::size_t>(s.cols) + static_cast<std::size_t>(c);
          row_masked[static_cast<std::size_t>(c)] = s.mask && !s.mask[i];
          row_colors[static_cast<std::size_t>(c)] = cell_color(s.values[i]);
        }
        cached_row = r;
      }
      std::uint8_t* p = &img_.rgba[static_cast<std::size_t>(y) * static_cast<std::size_t>(img_.width) * 4];
      for (int px = std::max(0, -X0); px < W && X0 + px < img_.width; ++px) {
        const int x = X0 + px;
        const std::size_t c = static_cast<std::size_t>(c_lo[static_cast<std::size_t>(px)]);
        Rgb8 col = row_masked[c] ? (MaskedHatchAt(x, y, period, thick) ? kMaskedHatchColor : kMaskedCellColor)
                                 : row_colors[c];
        std::uint8_t* q = p + static_cast<std::size_t>(x) * 4;
        q[0] = col.r, q[1] = col.g, q[2] = col.b, q[3] = 255;
      }
    }
    return false;
  }
  // More cells than pixels: the blocks of core/figure/pool.h, with the factors and the
  // pool rule the window's heatmap uses for a plot of this many pixels, so the slide shows
  // the screen's blocks value for value. Each pixel shows the block under its centre (what
  // the window's nearest-neighbour texture shows); a last partial block too narrow to hold
  // a pixel centre is folded into the last pixel (the stronger of the two), so no cell is
  // ever dropped.
  const PoolFactors f = PoolFactorsFor(s.rows, s.cols, H, W);
  const PoolMode mode = PoolModeFor(s.colormap);
  const PooledMatrix pm = PoolMatrix(s.values, s.mask, s.rows, s.cols, f.rows, f.cols, mode);
  const std::vector<std::uint8_t> rgba = BakeHeatmapRgba(pm, s.colormap, s.vmin, s.vmax);
  struct Texels {
    int a = 0, b = -1;  // the block under the pixel centre, and a folded-in last block (-1: none)
  };
  auto texels_along = [](int n, int P, int fac, int blocks) {
    std::vector<Texels> t(static_cast<std::size_t>(P));
    for (int p = 0; p < P; ++p) {
      const long long cell = std::min<long long>(n - 1, (2LL * p + 1) * n / (2LL * P));
      t[static_cast<std::size_t>(p)].a = static_cast<int>(cell / fac);
    }
    if (t.back().a != blocks - 1) t.back().b = blocks - 1;
    return t;
  };
  const std::vector<Texels> tc = texels_along(s.cols, W, f.cols, pm.cols);
  const std::vector<Texels> tr = texels_along(s.rows, H, f.rows, pm.rows);
  auto stronger = [&](int i, int j) {  // texel indices; -1 = none
    if (i < 0 || !pm.valid[static_cast<std::size_t>(i)]) return j;
    if (j < 0 || !pm.valid[static_cast<std::size_t>(j)]) return i;
    const float a = pm.values[static_cast<std::size_t>(i)], b = pm.values[static_cast<std::size_t>(j)];
    const bool j_wins = mode == PoolMode::MaxAbs ? std::fabs(b) > std::fabs(a) : b > a;
    return j_wins ? j : i;
  };
  for (int py = 0; py < H; ++py) {
    const int y = Y0 + py;
    if (y < 0 || y >= img_.height) continue;
    const Texels& r = tr[static_cast<std::size_t>(py)];
    for (int px = 0; px < W; ++px) {
      const int x = X0 + px;
      if (x < 0 || x >= img_.width) continue;
      const Texels& c = tc[static_cast<std::size_t>(px)];
      int t = r.a * pm.cols + c.a;
      if (c.b >= 0) t = stronger(t, r.a * pm.cols + c.b);
      if (r.b >= 0) t = stronger(t, stronger(r.b * pm.cols + c.a, c.b >= 0 ? r.b * pm.cols + c.b : -1));
      const std::size_t k = static_cast<std::size_t>(t);
      Rgb8 col;
      if (pm.valid[k]) col = Rgb8{rgba[k * 4], rgba[k * 4 + 1], rgba[k * 4 + 2]};
      else col = MaskedHatchAt(x, y, period, thick) ? kMaskedHatchColor : kMaskedCellColor;
      std::uint8_t* p = &img_.rgba[(static_cast<std::size_t>(y) * static_cast<std::size_t>(img_.width) +
                                    static_cast<std::size_t>(x)) * 4];
      p[0] = col.r, p[1] = col.g, p[2] = col.b, p[3] = 255;
    }
  }
  return pooled;
}

}  // namespace attnviz::figure
