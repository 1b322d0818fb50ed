// Surface backend that draws anti-aliased pixels into an RGBA8 image.
#pragma once
#include "core/figure/surface.h"

namespace attnviz::figure {

class RasterSurface final : public Surface {
 public:
  // width/height in units; the image is ceil(units * ppu) pixels.
  RasterSurface(float width_units, float height_units, float pixels_per_unit, bool transparent);

  void FillRect(float x, float y, float w, float h, Rgba c) override;
  void StrokeRect(float x, float y, float w, float h, Rgba c, float width) override;
  void Line(float x0, float y0, float x1, float y1, Rgba c, float width) override;
  void Text(std::string_view s, float x, float y, float size, Rgba c, Anchor anchor, FontWeight weight,
            bool rotated) override;
  bool Cells(const CellsSpec& s) override;
  float PixelsPerUnit() const override { return ppu_; }
  bool IsRaster() const override { return true; }

  RasterImage Take() { return std::move(img_); }
  const RasterImage& image() const { return img_; }

 private:
  void Blend(int x, int y, Rgb8 c, float a);
  void FillPixels(float x0, float y0, float x1, float y1, Rgba c);  // pixel coordinates, AA edges
  void SnappedLine(float a0, float a1, float center, float width_px, bool horizontal, Rgba c);

  RasterImage img_;
  float ppu_;
  GlyphRasterizer glyphs_;
};

}  // namespace attnviz::figure
