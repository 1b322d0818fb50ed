// Colormaps: the lookup tables against the published colours, the one
// value -> index rule, label colours by luminance, value ranges.
#include <catch2/catch.hpp>

#include <cmath>
#include <set>

#include "core/figure/colormap.h"

using namespace attnviz;

namespace {
Rgb8 FromHex(unsigned v) { return Rgb8{std::uint8_t(v >> 16), std::uint8_t((v >> 8) & 0xff), std::uint8_t(v & 0xff)}; }
int MaxChannelDiff(Rgb8 a, Rgb8 b) {
  return std::max({std::abs(a.r - b.r), std::abs(a.g - b.g), std::abs(a.b - b.b)});
}
}  // namespace

TEST_CASE("colormap tables start and end on the published end colours", "[figure][colormap]") {
  // First and last entries of the published 256-colour tables (matplotlib's
  // _cm_listed.py data, ColorBrewer RdBu for the diverging map): exact.
  CHECK(ColormapTable(Colormap::Viridis)[0] == FromHex(0x440154));
  CHECK(ColormapTable(Colormap::Viridis)[255] == FromHex(0xfde725));
  CHECK(ColormapTable(Colormap::Magma)[0] == FromHex(0x000004));
  CHECK(ColormapTable(Colormap::Magma)[255] == FromHex(0xfcfdbf));
  CHECK(ColormapTable(Colormap::Inferno)[255] == FromHex(0xfcffa4));
  CHECK(ColormapTable(Colormap::Cividis)[0] == FromHex(0x00224e));
  CHECK(ColormapTable(Colormap::Grayscale)[0] == FromHex(0x000000));
  CHECK(ColormapTable(Colormap::Grayscale)[255] == FromHex(0xffffff));
  CHECK(ColormapTable(Colormap::Diverging)[0] == FromHex(0x053061));
  CHECK(ColormapTable(Colormap::Diverging)[255] == FromHex(0x67001f));
}

TEST_CASE("colormap tables stay close to the published mid colours", "[figure][colormap]") {
  // Published viridis/magma entries 64, 128 and 192 (matplotlib, rounded to
  // 8 bits). Tolerance 5/255: the tables interpolate 33 key colours linearly,
  // whose largest deviation from the 256-entry originals is under 5 levels.
  struct Sample {
    Colormap c;
    int i;
    unsigned hex;
  };
  const Sample samples[] = {{Colormap::Viridis, 64, 0x3b528b}, {Colormap::Viridis, 128, 0x21918c},
                            {Colormap::Viridis, 192, 0x5ec962}, {Colormap::Magma, 128, 0xb73779},
                            {Colormap::Inferno, 128, 0xbc3754}};
  for (const Sample& s : samples) {
    INFO(ToString(s.c) << "[" << s.i << "]");
    CHECK(MaxChannelDiff(ColormapTable(s.c)[static_cast<std::size_t>(s.i)], FromHex(s.hex)) <= 5);
  }
  // The diverging map is near-white (ColorBrewer's f7f7f7) in the middle.
  Rgb8 mid = ColormapTable(Colormap::Diverging)[128];
  CHECK(std::min({mid.r, mid.g, mid.b}) >= 0xe8);
}

TEST_CASE("sequential tables rise monotonically in luminance", "[figure][colormap]") {
  for (Colormap c : {Colormap::Viridis, Colormap::Magma, Colormap::Inferno, Colormap::Cividis, Colormap::Grayscale}) {
    INFO(ToString(c));
    const ColormapLut& lut = ColormapTable(c);
    for (int i = 8; i < 256; i += 8) CHECK(RelativeLuminance(lut[i]) > RelativeLuminance(lut[i - 8]));
  }
}

TEST_CASE("value to index splits the range into 256 equal bins", "[figure][colormap]") {
  CHECK(ColormapIndex(0.0f, 0.0f, 1.0f) == 0);
  CHECK(ColormapIndex(1.0f, 0.0f, 1.0f) == 255);
  CHECK(ColormapIndex(-5.0f, 0.0f, 1.0f) == 0);
  CHECK(ColormapIndex(5.0f, 0.0f, 1.0f) == 255);
  CHECK(ColormapIndex(0.5f, 0.0f, 1.0f) == 128);
  CHECK(ColormapIndex(0.499f, 0.0f, 1.0f) == 127);
  CHECK(ColormapIndex(1.0f / 256.0f, 0.0f, 1.0f) == 1);
  CHECK(ColormapIndex(0.0f, -2.0f, 2.0f) == 128);
  CHECK(ColormapIndex(NAN, 0.0f, 1.0f) == 0);
  CHECK(ColormapIndex(3.0f, 1.0f, 1.0f) == 0);  // degenerate range
  // Against the formula, over many values: floor((v - lo) / (hi - lo) * 256) clamped.
  for (int k = 0; k <= 1000; ++k) {
    float v = -0.3f + 1.7f * k / 1000.0f;
    int expect = static_cast<int>(std::floor((double(v) + 0.3) / 1.7 * 256.0));
    expect = std::clamp(expect, 0, 255);
    // Values within float rounding of a bin edge may land on either side.
    CHECK(std::abs(ColormapIndex(v, -0.3f, 1.4f) - expect) <= 1);
  }
  // A flat diverging matrix is drawn in the centre colour, not the blue end.
  CHECK(ColormapColor(Colormap::Diverging, 0.0f, 0.0f, 0.0f) == ColormapTable(Colormap::Diverging)[128]);
}

TEST_CASE("label colour follows luminance", "[figure][colormap]") {
  CHECK(LabelColorOn(Rgb8{0, 0, 0}) == Rgb8{255, 255, 255});
  CHECK(LabelColorOn(Rgb8{255, 255, 255}) == Rgb8{0, 0, 0});
  CHECK(LabelColorOn(ColormapTable(Colormap::Viridis)[0]) == Rgb8{255, 255, 255});   // dark purple
  CHECK(LabelColorOn(ColormapTable(Colormap::Viridis)[255]) == Rgb8{0, 0, 0});       // yellow
  // WCAG: sRGB 50% grey has luminance 0.214 > 0.179, so black text.
  CHECK(RelativeLuminance(Rgb8{128, 128, 128}) == Approx(0.2158).margin(0.002));
  CHECK(LabelColorOn(Rgb8{128, 128, 128}) == Rgb8{0, 0, 0});
}

TEST_CASE("auto value range ignores masked cells and centres diverging maps", "[figure][colormap]") {
  const float v[] = {0.1f, 0.9f, -3.0f, 0.4f};
  const std::uint8_t m[] = {1, 1, 0, 1};
  ValueRange r = AutoValueRange(v, 4, m, false);
  CHECK(r.vmin == 0.1f);
  CHECK(r.vmax == 0.9f);
  ValueRange all = AutoValueRange(v, 4, nullptr, true);
  CHECK(all.vmin == -3.0f);
  CHECK(all.vmax == 3.0f);
  const std::uint8_t none[] = {0, 0, 0, 0};
  ValueRange empty = AutoValueRange(v, 4, none, false);
  CHECK(empty.vmin == 0.0f);
  CHECK(empty.vmax == 1.0f);
}

TEST_CASE("colormap names round-trip and head colours are fixed", "[figure][colormap]") {
  for (Colormap c : AllColormaps()) CHECK(ParseColormap(ToString(c)) == c);
  CHECK(ParseColormap("gray") == Colormap::Grayscale);
  CHECK(!ParseColormap("jet"));
  CHECK(HeadColor(0) == FromHex(0x1f77b4));
  CHECK(HeadColor(20) == HeadColor(0));
  std::set<unsigned> distinct;
  for (int h = 0; h < 20; ++h) distinct.insert(HeadColor(h).r << 16 | HeadColor(h).g << 8 | HeadColor(h).b);
  CHECK(distinct.size() == 20);
  // Masked grey is hatched, and the hatch is a different colour from the grey.
  CHECK(!(kMaskedCellColor == kMaskedHatchColor));
  CHECK(MaskedHatchAt(0, 0, 6));
  CHECK(!MaskedHatchAt(1, 0, 6));
  CHECK(MaskedHatchAt(5, 1, 6));
}
