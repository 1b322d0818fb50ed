// SvgSurface: the vector backend of the figures (see surface.h).
#include "core/figure/svg_surface.h"

#include <cmath>
#include <cstdio>

namespace attnviz::figure {
namespace {

// Coordinates with at most 2 decimals (1/10000 inch): plenty for print, and
// trailing zeros trimmed to keep files small.
std::string Num(float v) {
  if (!std::isfinite(v)) v = 0;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", static_cast<double>(v));
  std::string s = buf;
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

std::string Color(Rgb8 c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", c.r, c.g, c.b);
  return buf;
}

std::string Paint(const char* attr, Rgba c) {
  std::string s = std::string(" ") + attr + "=\"" + Color(c.rgb) + "\"";
  if (c.a < 1.0f) s += std::string(" ") + attr + "-opacity=\"" + Num(c.a) + "\"";
  return s;
}

}  // namespace

std::string XmlEscape(std::string_view raw) {
  std::string s = EncodeUtf8(DecodeUtf8Lossy(raw));
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&apos;"; break;
      default: out += ch;
    }
  }
  return out;
}

std::string Base64(const std::uint8_t* data, std::size_t n) {
  static const char* kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((n + 2) / 3 * 4);
  for (std::size_t i = 0; i < n; i += 3) {
    std::uint32_t v = std::uint32_t(data[i]) << 16;
    if (i + 1 < n) v |= std::uint32_t(data[i + 1]) << 8;
    if (i + 2 < n) v |= data[i + 2];
    out += kAlphabet[(v >> 18) & 63];
    out += kAlphabet[(v >> 12) & 63];
    out += i + 1 < n ? kAlphabet[(v >> 6) & 63] : '=';
    out += i + 2 < n ? kAlphabet[v & 63] : '=';
  }
  return out;
}

SvgSurface::SvgSurface(float width_units, float height_units, float pixels_per_unit, bool transparent)
    : width_(width_units), height_(height_units), ppu_(pixels_per_unit), transparent_(transparent) {}

void SvgSurface::FillRect(float x, float y, float w, float h, Rgba c) {
  body_ += "<rect x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" width=\"" + Num(w) + "\" height=\"" + Num(h) + "\"" +
           Paint("fill", c) + "/>\n";
}

void SvgSurface::StrokeRect(float x, float y, float w, float h, Rgba c, float width) {
  body_ += "<rect x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" width=\"" + Num(w) + "\" height=\"" + Num(h) +
           "\" fill=\"none\"" + Paint("stroke", c) + " stroke-width=\"" + Num(width) + "\"/>\n";
}

void SvgSurface::Line(float x0, float y0, float x1, float y1, Rgba c, float width) {
  body_ += "<line x1=\"" + Num(x0) + "\" y1=\"" + Num(y0) + "\" x2=\"" + Num(x1) + "\" y2=\"" + Num(y1) + "\"" +
           Paint("stroke", c) + " stroke-width=\"" + Num(width) + "\"/>\n";
}

void SvgSurface::Text(std::string_view s, float x, float y, float size, Rgba c, Anchor anchor, FontWeight weight,
                      bool rotated) {
  if (s.empty()) return;
  body_ += "<text x=\"" + Num(x) + "\" y=\"" + Num(y) + "\" font-size=\"" + Num(size) + "\"";
  if (anchor != Anchor::Start) body_ += anchor == Anchor::Middle ? " text-anchor=\"middle\"" : " text-anchor=\"end\"";
  if (weight == FontWeight::Bold) body_ += " font-weight=\"bold\"";
  if (rotated) body_ += " transform=\"rotate(-90 " + Num(x) + " " + Num(y) + ")\"";
  body_ += Paint("fill", c) + ">" + XmlEscape(s) + "</text>\n";
}

bool SvgSurface::Cells(const CellsSpec& s) {
  if (s.rows <= 0 || s.cols <= 0 || !s.values) return false;
  const ColormapLut& lut = ColormapTable(s.colormap);
  const bool flat_diverging = IsDivergingColormap(s.colormap) && !(s.vmax > s.vmin);
  auto color_of = [&](std::size_t i) {
    int idx = flat_diverging ? kColormapLutSize / 2 : ColormapIndex(s.values[i], s.vmin, s.vmax);
    return lut[static_cast<std::size_t>(idx)];
  };
  const float cw = s.w / s.cols, ch = s.h / s.rows;
  const long cells = static_cast<long>(s.rows) * s.cols;
  if (cells <= kSvgMaxRectCells) {
    // One hatch pattern for the document, in user units so it scales with
    // the figure. The raster hatch repeats every `period` pixels along x + y,
    // i.e. lines 45 degrees apart by period / sqrt(2); the same here.
    const std::string id = "hatch";
    if (hatch_patterns_++ == 0) {
      const std::string p = Num(s.hatch_period / std::sqrt(2.0f));
      defs_ += "<pattern id=\"hatch\" patternUnits=\"userSpaceOnUse\" width=\"" + p + "\" height=\"" + p +
               "\" patternTransform=\"rotate(45)\"><rect width=\"" + p + "\" height=\"" + p + "\" fill=\"" +
               Color(kMaskedCellColor) + "\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"" + p + "\" stroke=\"" +
               Color(kMaskedHatchColor) + "\" stroke-width=\"1.1\"/></pattern>\n";
    }
    // crispEdges: no hairline seams between neighbouring cells.
    body_ += "<g class=\"cells\" shape-rendering=\"crispEdges\">\n";
    for (int r = 0; r < s.rows; ++r)
      for (int c = 0; c < s.cols; ++c) {
        std::size_t i = static_cast<std::size_t>(r) * static_cast<std::size_t>(s.cols) + static_cast<std::size_t>(c);
        bool masked = s.mask && !s.mask[i];
        body_ += "<rect x=\"" + Num(s.x + c * cw) + "\" y=\"" + Num(s.y + r * ch) + "\" width=\"" + Num(cw) +
                 "\" height=\"" + Num(ch) + "\" fill=\"" + (masked ? "url(#" + id + ")" : Color(color_of(i))) + "\"/>\n";
      }
    body_ += "</g>\n";
    return false;
  }
  // One pixel per cell; masked cells the plain mask grey (no room for a hatch).
  RasterImage img;
  img.width = s.cols;
  img.height = s.rows;
  img.rgba.resize(static_cast<std::size_t>(cells) * 4);
  for (long i = 0; i < cells; ++i) {
    std::size_t k = static_cast<std::size_t>(i);
    Rgb8 c = (s.mask && !s.mask[k]) ? kMaskedCellColor : color_of(k);
    img.rgba[k * 4 + 0] = c.r, img.rgba[k * 4 + 1] = c.g, img.rgba[k * 4 + 2] = c.b, img.rgba[k * 4 + 3] = 255;
  }
  std::vector<std::uint8_t> png = EncodePng(img, false);
  body_ += "<image class=\"cells\" x=\"" + Num(s.x) + "\" y=\"" + Num(s.y) + "\" width=\"" + Num(s.w) + "\" height=\"" +
           Num(s.h) + "\" preserveAspectRatio=\"none\" style=\"image-rendering:pixelated;image-rendering:crisp-edges\"" +
           " xlink:href=\"data:image/png;base64," + Base64(png.data(), png.size()) + "\"/>\n";
  return false;
}

std::string SvgSurface::Finish() {
  std::string out;
  out.reserve(body_.size() + defs_.size() + 512);
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" version=\"1.1\" width=\"" + Num(width_ * ppu_) + "\" height=\"" +
         Num(height_ * ppu_) + "\" viewBox=\"0 0 " + Num(width_) + " " + Num(height_) + "\"" +
         " font-family=\"DejaVu Sans, Bitstream Vera Sans, Verdana, sans-serif\">\n";
  if (!defs_.empty()) out += "<defs>\n" + defs_ + "</defs>\n";
  if (!transparent_) out += "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n";
  out += body_;
  out += "</svg>\n";
  return out;
}

}  // namespace attnviz::figure
