// DejaVu Sans for figures: metrics in figure units (shared by the raster and
// SVG backends, so both lay text out identically) and anti-aliased glyph
// coverage for the raster backend (stb_truetype).
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

namespace attnviz::figure {

enum class FontWeight { Regular, Bold };

// Decodes UTF-8 to code points; invalid bytes become U+FFFD so a bad label
// can never break the text layout or the SVG's XML.
std::vector<char32_t> DecodeUtf8Lossy(std::string_view s);
// Re-encodes after DecodeUtf8Lossy: always valid UTF-8.
std::string EncodeUtf8(const std::vector<char32_t>& cps);

// Font metrics for a font size given as the em size (what SVG's font-size means).
struct FontMetrics {
  float ascent = 0;   // above the baseline, positive
  float descent = 0;  // below the baseline, positive
};
FontMetrics GetFontMetrics(float size, FontWeight w = FontWeight::Regular);
// Advance width of the text at em size `size` (no kerning: DejaVu's kerning is
// in GPOS, which stb_truetype does not read, and SVG viewers differ on it).
float TextWidth(std::string_view text, float size, FontWeight w = FontWeight::Regular);
// The text cut to fit max_width with a trailing "…" (unchanged when it fits).
std::string FitText(std::string_view text, float size, float max_width, FontWeight w = FontWeight::Regular);

// Throws FigureError when the DejaVu font files cannot be read.
void EnsureFontsLoaded();

// A line of text rendered to an 8-bit coverage mask, horizontal, at pixel size.
// The pen starts at (origin_x, baseline) inside the mask.
struct TextMask {
  int width = 0, height = 0;
  int origin_x = 0, baseline = 0;
  std::vector<std::uint8_t> alpha;  // width * height
};

// Caches glyph bitmaps for one rendering (not shared between threads).
class GlyphRasterizer {
 public:
  TextMask Render(std::string_view text, float pixel_size, FontWeight w);

 private:
  struct Glyph {
    int x0 = 0, y0 = 0, w = 0, h = 0;  // bitmap box relative to pen and baseline
    std::vector<std::uint8_t> pixels;
  };
  // key: weight, glyph index, size in 1/64 px, subpixel shift in quarters
  std::map<std::tuple<int, int, int, int>, Glyph> cache_;
};

}  // namespace attnviz::figure
