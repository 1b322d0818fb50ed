// DejaVu Sans via stb_truetype (see font.h).
#include "core/figure/font.h"

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <memory>

#include "core/figure/figure.h"
#include "core/text/utf8.h"

// stb_truetype is compiled here, static to this file, so it cannot clash with
// another copy; its own code is not ours to warn about.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wunused-parameter"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#define STBTT_STATIC
#define STB_TRUETYPE_IMPLEMENTATION
#include <stb_truetype.h>
#pragma GCC diagnostic pop

namespace attnviz::figure {
namespace {

constexpr const char* kFontDir = "/usr/share/fonts/truetype/dejavu/";

struct LoadedFont {
  std::vector<unsigned char> data;
  stbtt_fontinfo info{};
  int ascent = 0, descent = 0, units_per_em = 2048;
  bool ok = false;
  std::string error;
};

LoadedFont LoadFont(const char* file) {
  LoadedFont f;
  std::string path = std::string(kFontDir) + file;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    f.error = "cannot read the figure font " + path + " (install fonts-dejavu-core)";
    return f;
  }
  f.data.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (f.data.empty() || !stbtt_InitFont(&f.info, f.data.data(), stbtt_GetFontOffsetForIndex(f.data.data(), 0))) {
    f.error = "the figure font " + path + " is not a valid TrueType file";
    return f;
  }
  int line_gap = 0;
  stbtt_GetFontVMetrics(&f.info, &f.ascent, &f.descent, &line_gap);
  // scale for em mapping = size / unitsPerEm; recover unitsPerEm from stb's scale.
  f.units_per_em = static_cast<int>(std::lround(1.0f / stbtt_ScaleForMappingEmToPixels(&f.info, 1.0f)));
  f.ok = true;
  return f;
}

// Loaded once, read-only afterwards: safe to share between threads.
const LoadedFont& Font(FontWeight w) {
  static const LoadedFont regular = LoadFont("DejaVuSans.ttf");
  static const LoadedFont bold = LoadFont("DejaVuSans-Bold.ttf");
  const LoadedFont& f = w == FontWeight::Bold ? bold : regular;
  if (!f.ok) throw FigureError(f.error);
  return f;
}

int GlyphIndex(const LoadedFont& f, char32_t cp) {
  int g = stbtt_FindGlyphIndex(&f.info, static_cast<int>(cp));
  if (g == 0) g = stbtt_FindGlyphIndex(&f.info, 0xFFFD);  // missing glyph: the replacement box
  return g;
}

}  // namespace

std::vector<char32_t> DecodeUtf8Lossy(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    char32_t cp = 0;
    const int len = DecodeUtf8(s, i, &cp);
    if (len == 0) {  // one replacement mark per bad byte, then carry on
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    // XML 1.0 forbids most control characters; show them as the replacement mark.
    if (cp < 0x20 && cp != '\t') cp = 0xFFFD;
    if (cp == 0xFFFE || cp == 0xFFFF) cp = 0xFFFD;
    out.push_back(cp);
    i += static_cast<std::size_t>(len);
  }
  return out;
}

std::string EncodeUtf8(const std::vector<char32_t>& cps) {
  std::string out;
  out.reserve(cps.size());
  for (char32_t cp : cps) AppendUtf8(out, cp);
  return out;
}

void EnsureFontsLoaded() {
  Font(FontWeight::Regular);
  Font(FontWeight::Bold);
}

FontMetrics GetFontMetrics(float size, FontWeight w) {
  const LoadedFont& f = Font(w);
  float s = size / static_cast<float>(f.units_per_em);
  return {f.ascent * s, -f.descent * s};
}

float TextWidth(std::string_view text, float size, FontWeight w) {
  const LoadedFont& f = Font(w);
  long units = 0;
  for (char32_t cp : DecodeUtf8Lossy(text)) {
    int adv = 0, lsb = 0;
    stbtt_GetGlyphHMetrics(&f.info, GlyphIndex(f, cp), &adv, &lsb);
    units += adv;
  }
  return static_cast<float>(units) * size / static_cast<float>(f.units_per_em);
}

std::string FitText(std::string_view text, float size, float max_width, FontWeight w) {
  if (TextWidth(text, size, w) <= max_width) return std::string(text);
  std::vector<char32_t> cps = DecodeUtf8Lossy(text);
  const float ellipsis = TextWidth("\xE2\x80\xA6", size, w);
  while (!cps.empty()) {
    cps.pop_back();
    std::string s = EncodeUtf8(cps);
    if (TextWidth(s, size, w) + ellipsis <= max_width) return s + "\xE2\x80\xA6";
  }
  return "";
}

TextMask GlyphRasterizer::Render(std::string_view text, float pixel_size, FontWeight w) {
  const LoadedFont& f = Font(w);
  const float scale = pixel_size / static_cast<float>(f.units_per_em);
  const int size_key = static_cast<int>(std::lround(pixel_size * 64));
  std::vector<char32_t> cps = DecodeUtf8Lossy(text);

  // Pass 1: glyphs and their placement (subpixel x in quarter pixels).
  struct Placed {
    const Glyph* g;
    int x;
  };
  std::vector<Placed> placed;
  placed.reserve(cps.size());
  float pen = 0;
  int min_x = 0, max_x = 1, min_y = 0, max_y = 1;
  for (char32_t cp : cps) {
    int gi = GlyphIndex(f, cp);
    float fx = std::floor(pen);
    int quarter = static_cast<int>((pen - fx) * 4.0f) & 3;
    auto key = std::make_tuple(static_cast<int>(w), gi, size_key, quarter);
    auto it = cache_.find(key);
    if (it == cache_.end()) {
      Glyph g;
      int x0, y0, x1, y1;
      float shift = quarter / 4.0f;
      stbtt_GetGlyphBitmapBoxSubpixel(&f.info, gi, scale, scale, shift, 0, &x0, &y0, &x1, &y1);
      g.x0 = x0;
      g.y0 = y0;
      g.w = std::max(0, x1 - x0);
      g.h = std::max(0, y1 - y0);
      g.pixels.assign(static_cast<std::size_t>(g.w) * static_cast<std::size_t>(g.h), 0);
      if (g.w > 0 && g.h > 0)
        stbtt_MakeGlyphBitmapSubpixel(&f.info, g.pixels.data(), g.w, g.h, g.w, scale, scale, shift, 0, gi);
      it = cache_.emplace(key, std::move(g)).first;
    }
    const Glyph& g = it->second;
    int x = static_cast<int>(fx);
    placed.push_back({&g, x});
    if (g.w > 0 && g.h > 0) {
      min_x = std::min(min_x, x + g.x0);
      max_x = std::max(max_x, x + g.x0 + g.w);
      min_y = std::min(min_y, g.y0);
      max_y = std::max(max_y, g.y0 + g.h);
    }
    int adv = 0, lsb = 0;
    stbtt_GetGlyphHMetrics(&f.info, gi, &adv, &lsb);
    pen += adv * scale;
  }

  // Pass 2: composite into one mask (max coverage where glyphs overlap).
  TextMask m;
  m.width = max_x - min_x;
  m.height = max_y - min_y;
  m.origin_x = -min_x;
  m.baseline = -min_y;
  m.alpha.assign(static_cast<std::size_t>(m.width) * static_cast<std::size_t>(m.height), 0);
  for (const Placed& p : placed) {
    const Glyph& g = *p.g;
    for (int y = 0; y < g.h; ++y) {
      std::uint8_t* row = &m.alpha[static_cast<std::size_t>(y + g.y0 + m.baseline) * static_cast<std::size_t>(m.width)];
      const std::uint8_t* src = &g.pixels[static_cast<std::size_t>(y) * static_cast<std::size_t>(g.w)];
      for (int x = 0; x < g.w; ++x) {
        std::uint8_t& d = row[p.x + g.x0 + m.origin_x + x];
        d = std::max(d, src[x]);
      }
    }
  }
  return m;
}

}  // namespace attnviz::figure
