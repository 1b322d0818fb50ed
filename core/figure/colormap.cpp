// Colormap key colours expanded to 256-entry lookup tables (see colormap.h).
#include "core/figure/colormap.h"

#include <algorithm>
#include <cmath>

namespace attnviz {
namespace {

// Key colours as 0xRRGGBB, evenly spaced from t = 0 to t = 1.
// Sequential maps: 33 samples of the published definitions (matplotlib's
// viridis/magma/inferno by van der Walt & Smith, cividis by Nuñez, Anderton &
// Renslow 2018). Diverging: ColorBrewer RdBu (11 classes), reversed so that
// negative is blue.
constexpr std::uint32_t kViridisKeys[] = {
    0x440154, 0x470d60, 0x48186a, 0x482374, 0x472d7b, 0x453781, 0x424086, 0x3e4989, 0x3b528b,
    0x375b8d, 0x33638d, 0x2f6b8e, 0x2c728e, 0x297a8e, 0x26828e, 0x23898e, 0x21918c, 0x1f988b,
    0x1fa088, 0x22a785, 0x28ae80, 0x32b67a, 0x3fbc73, 0x4ec36b, 0x5ec962, 0x70cf57, 0x84d44b,
    0x98d83e, 0xaddc30, 0xc2df23, 0xd8e219, 0xece51b, 0xfde725};
constexpr std::uint32_t kMagmaKeys[] = {
    0x000004, 0x030312, 0x0a0822, 0x130d34, 0x1d1147, 0x29115a, 0x36106b, 0x440f76, 0x51127c,
    0x5d177f, 0x6a1c81, 0x762181, 0x832681, 0x902a81, 0x9c2e7f, 0xaa337d, 0xb73779, 0xc43c75,
    0xd0416f, 0xdc4869, 0xe75263, 0xef5d5e, 0xf56b5c, 0xf9795d, 0xfc8961, 0xfd9869, 0xfea772,
    0xfeb67c, 0xfec488, 0xfed395, 0xfde2a3, 0xfcf0b2, 0xfcfdbf};
constexpr std::uint32_t kInfernoKeys[] = {
    0x000004, 0x040312, 0x0b0724, 0x150b37, 0x210c4a, 0x2f0a5b, 0x3d0965, 0x4a0c6b, 0x57106e,
    0x64156e, 0x71196e, 0x7d1e6d, 0x8a226a, 0x972766, 0xa32c61, 0xb0315b, 0xbc3754, 0xc73e4c,
    0xd24644, 0xdb503b, 0xe45a31, 0xeb6628, 0xf1731d, 0xf68013, 0xf98e09, 0xfb9d07, 0xfcac11,
    0xfbbc21, 0xf9cb35, 0xf5db4c, 0xf2ea69, 0xf3f68a, 0xfcffa4};
constexpr std::uint32_t kCividisKeys[] = {
    0x00224e, 0x00285b, 0x002e6a, 0x053371, 0x1a386f, 0x273e6e, 0x32436d, 0x3b496c, 0x434e6c,
    0x4b546c, 0x535a6d, 0x5a5f6e, 0x61656f, 0x686a71, 0x6f7073, 0x767676, 0x7d7c78, 0x848279,
    0x8c8878, 0x938e78, 0x9b9476, 0xa39a74, 0xaba072, 0xb4a76f, 0xbcae6c, 0xc4b468, 0xcdbb63,
    0xd5c25e, 0xdec958, 0xe7d150, 0xf0d846, 0xf9e03a, 0xfee838};
constexpr std::uint32_t kGrayscaleKeys[] = {0x000000, 0xffffff};
constexpr std::uint32_t kDivergingKeys[] = {
    0x053061, 0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xf7f7f7,
    0xfddbc7, 0xf4a582, 0xd6604d, 0xb2182b, 0x67001f};

template <std::size_t K>
ColormapLut ExpandKeys(const std::uint32_t (&keys)[K]) {
  static_assert(K >= 2);
  ColormapLut lut{};
  for (int i = 0; i < kColormapLutSize; ++i) {
    // Entry i sits at t = i / 255, so entry 0 is the first key and entry 255 the last.
    double pos = double(i) / (kColormapLutSize - 1) * double(K - 1);
    std::size_t k = std::min<std::size_t>(static_cast<std::size_t>(pos), K - 2);
    double f = pos - double(k);
    auto channel = [&](int shift) {
      double a = double((keys[k] >> shift) & 0xff), b = double((keys[k + 1] >> shift) & 0xff);
      return static_cast<std::uint8_t>(std::lround(a + (b - a) * f));
    };
    lut[static_cast<std::size_t>(i)] = Rgb8{channel(16), channel(8), channel(0)};
  }
  return lut;
}

struct Tables {
  std::array<ColormapLut, kColormapCount> lut;
  Tables() {
    lut[0] = ExpandKeys(kViridisKeys);
    lut[1] = ExpandKeys(kMagmaKeys);
    lut[2] = ExpandKeys(kInfernoKeys);
    lut[3] = ExpandKeys(kCividisKeys);
    lut[4] = ExpandKeys(kGrayscaleKeys);
    lut[5] = ExpandKeys(kDivergingKeys);
  }
};

const Tables& AllTables() {
  static const Tables tables;  // C++11 magic static: built once, thread-safe
  return tables;
}

float LinearChannel(std::uint8_t c) {
  float s = c / 255.0f;
  return s <= 0.04045f ? s / 12.92f : std::pow((s + 0.055f) / 1.055f, 2.4f);
}

}  // namespace

std::string_view ToString(Colormap c) {
  switch (c) {
    case Colormap::Viridis: return "viridis";
    case Colormap::Magma: return "magma";
    case Colormap::Inferno: return "inferno";
    case Colormap::Cividis: return "cividis";
    case Colormap::Grayscale: return "grayscale";
    case Colormap::Diverging: return "diverging";
  }
  return "viridis";
}

std::optional<Colormap> ParseColormap(std::string_view s) {
  for (Colormap c : AllColormaps())
    if (s == ToString(c)) return c;
  if (s == "gray" || s == "grey" || s == "greys") return Colormap::Grayscale;
  if (s == "rdbu" || s == "RdBu") return Colormap::Diverging;
  return std::nullopt;
}

std::string_view ColormapNames() { return "viridis|magma|inferno|cividis|grayscale|diverging"; }

const std::array<Colormap, kColormapCount>& AllColormaps() {
  static constexpr std::array<Colormap, kColormapCount> all{Colormap::Viridis, Colormap::Magma,
                                                            Colormap::Inferno, Colormap::Cividis,
                                                            Colormap::Grayscale, Colormap::Diverging};
  return all;
}

bool IsDivergingColormap(Colormap c) { return c == Colormap::Diverging; }

const ColormapLut& ColormapTable(Colormap c) {
  int i = static_cast<int>(c);
  if (i < 0 || i >= kColormapCount) i = 0;
  return AllTables().lut[static_cast<std::size_t>(i)];
}

int ColormapIndex(float v, float vmin, float vmax) {
  if (!(vmax > vmin) || std::isnan(v)) return 0;
  // Computed in double so that vmax lands in bin 255 and not past it by rounding.
  double t = (double(v) - vmin) / (double(vmax) - vmin) * kColormapLutSize;
  if (t <= 0) return 0;
  if (t >= kColormapLutSize - 1) return kColormapLutSize - 1;
  return static_cast<int>(t);
}

ValueRange AutoValueRange(const float* values, long count, const std::uint8_t* mask, bool diverging) {
  float lo = INFINITY, hi = -INFINITY, amax = 0;
  for (long i = 0; i < count; ++i) {
    if (mask && !mask[i]) continue;
    float v = values[i];
    if (!std::isfinite(v)) continue;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    amax = std::max(amax, std::fabs(v));
  }
  if (diverging) {
    if (!(amax > 0)) amax = 1;
    return {-amax, amax};
  }
  if (!(hi >= lo)) return {0, 1};  // nothing allowed or all non-finite
  return {lo, hi};
}

float RelativeLuminance(Rgb8 c) {
  return 0.2126f * LinearChannel(c.r) + 0.7152f * LinearChannel(c.g) + 0.0722f * LinearChannel(c.b);
}

Rgb8 LabelColorOn(Rgb8 background) {
  // Contrast with black (L+0.05)/0.05 exceeds contrast with white 1.05/(L+0.05)
  // exactly when L > sqrt(1.05*0.05) - 0.05 = 0.1791.
  return RelativeLuminance(background) > 0.1791f ? Rgb8{0, 0, 0} : Rgb8{255, 255, 255};
}

Rgb8 HeadColor(int head) {
  static constexpr std::uint32_t kPalette[20] = {
      0x1f77b4, 0xff7f0e, 0x2ca02c, 0xd62728, 0x9467bd, 0x8c564b, 0xe377c2, 0x7f7f7f, 0xbcbd22, 0x17becf,
      0xaec7e8, 0xffbb78, 0x98df8a, 0xff9896, 0xc5b0d5, 0xc49c94, 0xf7b6d2, 0xc7c7c7, 0xdbdb8d, 0x9edae5};
  int i = head % 20;
  if (i < 0) i += 20;
  std::uint32_t c = kPalette[i];
  return Rgb8{std::uint8_t(c >> 16), std::uint8_t((c >> 8) & 0xff), std::uint8_t(c & 0xff)};
}

}  // namespace attnviz
