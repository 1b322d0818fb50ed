// Surface backend that writes SVG 1.1: shapes as rects/lines, text kept as
// <text> (searchable, editable, crisp at any size).
#pragma once
#include <string>

#include "core/figure/surface.h"

namespace attnviz::figure {

// Heatmaps up to this many cells get one <rect> per cell; larger ones one
// embedded PNG <image> with one pixel per cell (drawn pixelated), which keeps
// every cell and the file small: 1024 x 1024 rects would be ~60 MB of SVG.
inline constexpr long kSvgMaxRectCells = 65536;

class SvgSurface final : public Surface {
 public:
  SvgSurface(float width_units, float height_units, float pixels_per_unit, bool transparent);

  void FillRect(float x, float y, float w, float h, Rgba c) override;
  void StrokeRect(float x, float y, float w, float h, Rgba c, float width) override;
  void Line(float x0, float y0, float x1, float y1, Rgba c, float width) override;
  void Text(std::string_view s, float x, float y, float size, Rgba c, Anchor anchor, FontWeight weight,
            bool rotated) override;
  bool Cells(const CellsSpec& s) override;
  float PixelsPerUnit() const override { return ppu_; }
  bool IsRaster() const override { return false; }

  std::string Finish();  // the complete document

 private:
  std::string body_;
  std::string defs_;
  float width_, height_, ppu_;
  bool transparent_;
  int hatch_patterns_ = 0;
};

// XML-escapes text content/attribute values (&, <, >, ", ') after making it valid UTF-8.
std::string XmlEscape(std::string_view s);
std::string Base64(const std::uint8_t* data, std::size_t n);

}  // namespace attnviz::figure
