// Colormaps shared by the screen and the exported figures.
//
// The window's heatmaps and `attnviz export` map a value to a colour through
// the same 256-entry lookup table and the same index rule (ColormapIndex), so
// a figure written to disk matches the pixels on screen exactly.
//
// Index:
//   [SECTION] Colormaps and their lookup tables
//   [SECTION] Value -> colour (the one rule everyone uses)
//   [SECTION] Label colour by luminance
//   [SECTION] Masked cells
//   [SECTION] Head colours (qualitative palette for arcs and legends)
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace attnviz {

struct Rgb8 {
  std::uint8_t r = 0, g = 0, b = 0;
  bool operator==(const Rgb8&) const = default;
};

// [SECTION] Colormaps and their lookup tables
//
// Sequential maps (viridis, magma, inferno, cividis) are the perceptually
// uniform maps of van der Walt & Smith (matplotlib 2.0) and Nuñez et al.
// (cividis, colour-vision-deficiency friendly). Their key colours are 33
// samples of the published definitions; linear interpolation between them
// stays within 5/255 of the published 256-entry tables.
// Grayscale runs black -> white. Diverging is ColorBrewer's RdBu reversed
// (blue for negative, near-white at zero, red for positive): use it for signed
// matrices (scores, logits, Q/K/V, differences) with a range symmetric about 0.
enum class Colormap { Viridis, Magma, Inferno, Cividis, Grayscale, Diverging };

inline constexpr int kColormapCount = 6;
inline constexpr int kColormapLutSize = 256;
using ColormapLut = std::array<Rgb8, kColormapLutSize>;

// "viridis", "magma", "inferno", "cividis", "grayscale", "diverging".
std::string_view ToString(Colormap c);
// Accepts the names above (and "gray"/"grey" for grayscale, "rdbu" for diverging).
std::optional<Colormap> ParseColormap(std::string_view s);
// "viridis|magma|inferno|cividis|grayscale|diverging", for help and error messages.
std::string_view ColormapNames();
// All colormaps in menu order (Viridis first, the default).
const std::array<Colormap, kColormapCount>& AllColormaps();
// True for maps meant for signed data (centre colour = zero).
bool IsDivergingColormap(Colormap c);

// The 256-entry table, built once from the key colours (thread-safe).
const ColormapLut& ColormapTable(Colormap c);

// [SECTION] Value -> colour
//
// index = floor((v - vmin) / (vmax - vmin) * 256), clamped to [0, 255].
// So [vmin, vmax] is split into 256 equal bins and vmax itself is entry 255.
// A degenerate range (vmax <= vmin) maps every value to the middle entry 128
// for diverging maps (zero-centred) and to entry 0 otherwise. NaN maps to 0
// (the engine never produces NaN; this only keeps a bad input from crashing).
int ColormapIndex(float v, float vmin, float vmax);
inline Rgb8 ColormapColor(Colormap c, float v, float vmin, float vmax) {
  int i = ColormapIndex(v, vmin, vmax);
  if (vmax <= vmin && IsDivergingColormap(c)) i = kColormapLutSize / 2;
  return ColormapTable(c)[static_cast<std::size_t>(i)];
}
// Colour at t in [0, 1] (clamped), e.g. for a colorbar.
inline Rgb8 ColormapAt(Colormap c, float t) { return ColormapColor(c, t, 0.0f, 1.0f); }

// The value range a heatmap uses when none is given.
//   sequential: [min, max] of the allowed, finite values (0..1 when empty).
//   diverging:  [-a, a] with a = max |v| over allowed, finite values (a = 1 when 0),
//               so zero is always the centre colour.
// mask may be null (all allowed); it has the same shape as values, 1 = allowed.
struct ValueRange {
  float vmin = 0, vmax = 1;
};
ValueRange AutoValueRange(const float* values, long count, const std::uint8_t* mask, bool diverging);

// [SECTION] Label colour by luminance
//
// Relative luminance (sRGB, WCAG 2.x): L = 0.2126 R + 0.7152 G + 0.0722 B on
// linearised channels. A label is black when black has the higher contrast
// ratio against the background, i.e. L > 0.179, otherwise white.
float RelativeLuminance(Rgb8 c);
Rgb8 LabelColorOn(Rgb8 background);

// [SECTION] Masked cells
//
// A masked (disallowed) cell is not a value, so it must not look like one: it
// is drawn as a light neutral grey with darker diagonal hatching (45 degrees).
// The grey alone could collide with the grayscale map; the hatch cannot. On
// screen, cells too small for a hatch use the plain grey.
inline constexpr Rgb8 kMaskedCellColor{0xdc, 0xdc, 0xdc};
inline constexpr Rgb8 kMaskedHatchColor{0xa0, 0xa0, 0xa0};
// Whether pixel (x, y) of a masked cell lies on a hatch line: lines run at 45
// degrees every `period` pixels, `thickness` pixels wide (the exporter uses a
// 6 px period and 1 px lines at 1x, both scaled with the figure).
inline bool MaskedHatchAt(int x, int y, int period, int thickness = 1) {
  if (period < 2) return false;
  int m = (x + y) % period;
  if (m < 0) m += period;
  return m < thickness;
}

// [SECTION] Head colours
//
// A fixed qualitative palette (Tableau 10, then its 10 light companions),
// cycling after 20: head h always gets the same colour on screen and in
// every exported arcs figure and legend.
Rgb8 HeadColor(int head);

}  // namespace attnviz
