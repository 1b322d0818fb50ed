// A drawing surface in figure units (1/100 inch, y down). The figures are laid
// out once against this interface; RasterSurface turns it into pixels (PNG) and
// SvgSurface into vector SVG, so both formats share every coordinate.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/figure/colormap.h"
#include "core/figure/figure.h"
#include "core/figure/font.h"

namespace attnviz::figure {

struct Rgba {
  Rgb8 rgb;
  float a = 1.0f;
};
inline Rgba Opaque(Rgb8 c) { return {c, 1.0f}; }
inline Rgba Hex(std::uint32_t rgb, float a = 1.0f) {
  return {Rgb8{std::uint8_t(rgb >> 16), std::uint8_t((rgb >> 8) & 0xff), std::uint8_t(rgb & 0xff)}, a};
}

enum class Anchor { Start, Middle, End };  // horizontal text anchor (in text direction)

// The cells of one heatmap panel, placed in a rectangle.
struct CellsSpec {
  float x = 0, y = 0, w = 0, h = 0;  // panel rectangle in units
  const float* values = nullptr;     // (rows, cols) row-major
  const std::uint8_t* mask = nullptr;
  int rows = 0, cols = 0;
  Colormap colormap = Colormap::Viridis;
  float vmin = 0, vmax = 1;
  float hatch_period = 6.0f;         // units between hatch lines on masked cells
};

class Surface {
 public:
  virtual ~Surface() = default;
  virtual void FillRect(float x, float y, float w, float h, Rgba c) = 0;
  // Outline drawn centred on the rectangle's edges.
  virtual void StrokeRect(float x, float y, float w, float h, Rgba c, float width) = 0;
  virtual void Line(float x0, float y0, float x1, float y1, Rgba c, float width) = 0;
  // Text with its baseline through (x, y); rotated = reading bottom to top
  // (90 degrees counter-clockwise), the anchor then runs along the text.
  virtual void Text(std::string_view s, float x, float y, float size, Rgba c, Anchor anchor,
                    FontWeight weight = FontWeight::Regular, bool rotated = false) = 0;
  // Heatmap cells, colour-mapped, masked cells hatched. Returns true when the
  // backend had to max-pool (more cells than pixels).
  virtual bool Cells(const CellsSpec& s) = 0;
  // Pixels per unit in the output (raster); SVG reports the nominal scale.
  virtual float PixelsPerUnit() const = 0;
  // Raster surfaces max-pool matrices larger than their pixels; SVG never does.
  virtual bool IsRaster() const = 0;
};

}  // namespace attnviz::figure
