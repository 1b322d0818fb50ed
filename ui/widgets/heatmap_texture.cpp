// Pooling and baking for the heatmap texture (see heatmap_texture.h).
#include "ui/widgets/heatmap_texture.h"

#include <algorithm>
#include <array>
#include <limits>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>

namespace attnviz::ui {

int PoolFactorFor(int n, int budget) {
  if (n <= 0) return 1;
  budget = std::max(budget, 1);
  return (n + budget - 1) / budget;  // ceil(n / f) <= budget  <=>  f >= n / budget
}

namespace {

// NaN and infinities have an all-ones exponent; checking the bits keeps the loops branch-light.
inline bool Finite(float v) {
  std::uint32_t u;
  std::memcpy(&u, &v, sizeof u);
  return (u & 0x7f800000u) != 0x7f800000u;
}

// Pools source rows [r0, r1) into one row of blocks: vals/valid have ceil(cols / fc) entries
// and accumulate across calls (a block row spans several source rows). Specialised on the
// mode and on whether there is a mask, so the inner loop has no needless branches.
template <bool kMasked, bool kMaxAbs>
void PoolRowsIntoT(const float* values, const std::uint8_t* allowed, int r0, int r1, int cols, int fc,
                   float* vals, std::uint8_t* valid, long* nonfinite) {
  const int blocks = (cols + fc - 1) / fc;
  long bad = 0;
  for (int r = r0; r < r1; ++r) {
    const float* src = values + static_cast<std::size_t>(r) * cols;
    const std::uint8_t* ok = kMasked ? allowed + static_cast<std::size_t>(r) * cols : nullptr;
    for (int b = 0, c = 0; b < blocks; ++b) {
      const int end = std::min(cols, c + fc);
      bool have = valid[b] != 0;
      float best = vals[b];
      for (; c < end; ++c) {
        if (kMasked && !ok[c]) continue;
        const float v = src[c];
        if (!Finite(v)) {
          ++bad;
          continue;
        }
        const bool better = kMaxAbs ? std::fabs(v) > std::fabs(best) : v > best;
        if (!have || better) best = v;
        have = true;
      }
      vals[b] = best;
      valid[b] = have ? 1 : 0;
    }
  }
  *nonfinite += bad;
}

void PoolRowsInto(const float* values, const std::uint8_t* allowed, int r0, int r1, int cols, int fc,
                  PoolMode mode, float* vals, std::uint8_t* valid, long* nonfinite) {
  const bool abs = mode == PoolMode::MaxAbs;
  if (allowed) {
    if (abs) PoolRowsIntoT<true, true>(values, allowed, r0, r1, cols, fc, vals, valid, nonfinite);
    else PoolRowsIntoT<true, false>(values, allowed, r0, r1, cols, fc, vals, valid, nonfinite);
  } else {
    if (abs) PoolRowsIntoT<false, true>(values, allowed, r0, r1, cols, fc, vals, valid, nonfinite);
    else PoolRowsIntoT<false, false>(values, allowed, r0, r1, cols, fc, vals, valid, nonfinite);
  }
}

// core/figure's ColormapIndex, evaluated fast but with identical results. ColormapIndex is
// monotonic in v (each double operation rounds monotonically), so bin k starts at one float
// threshold: found once per bake by bisection over the ordered float bit patterns. A texel
// then costs a float multiply for a guess and a comparison or two against the thresholds.
class IndexRule {
 public:
  IndexRule(Colormap map, float vmin, float vmax) : vmin_(vmin), vmax_(vmax) {
    degenerate_ = !(vmax > vmin);
    centre_ = degenerate_ && IsDivergingColormap(map);
    if (degenerate_) return;
    inv_ = kColormapLutSize / (vmax - vmin);
    if (!std::isfinite(inv_)) inv_ = 0.0f;  // a range too narrow for float: the guess is refined below
    for (int k = 1; k < kColormapLutSize; ++k) threshold_[k] = SmallestWithIndex(k);
  }
  int operator()(float v) const {
    if (centre_) return kColormapLutSize / 2;
    if (degenerate_) return 0;
    const float g = (v - vmin_) * inv_;
    int k = g <= 0.0f ? 0 : g >= kColormapLutSize - 1 ? kColormapLutSize - 1 : static_cast<int>(g);
    while (k < kColormapLutSize - 1 && v >= threshold_[k + 1]) ++k;
    while (k > 0 && v < threshold_[k]) --k;
    return k;
  }

 private:
  static std::uint32_t Ordered(float f) {
    std::uint32_t u;
    std::memcpy(&u, &f, sizeof u);
    return (u & 0x80000000u) ? ~u : (u | 0x80000000u);
  }
  static float FromOrdered(std::uint32_t o) {
    const std::uint32_t u = (o & 0x80000000u) ? (o & 0x7fffffffu) : ~o;
    float f;
    std::memcpy(&f, &u, sizeof f);
    return f;
  }
  float SmallestWithIndex(int k) const {
    std::uint32_t lo = Ordered(-std::numeric_limits<float>::max());
    std::uint32_t hi = Ordered(std::numeric_limits<float>::max());
    if (ColormapIndex(FromOrdered(hi), vmin_, vmax_) < k) return std::numeric_limits<float>::infinity();
    while (lo < hi) {  // first ordered value whose index is >= k
      const std::uint32_t mid = lo + (hi - lo) / 2;
      if (ColormapIndex(FromOrdered(mid), vmin_, vmax_) >= k) hi = mid;
      else lo = mid + 1;
    }
    return FromOrdered(lo);
  }
  float vmin_, vmax_;
  float inv_ = 0.0f;
  bool degenerate_ = false, centre_ = false;
  std::array<float, kColormapLutSize> threshold_{};
};

void BakeRow(const float* vals, const std::uint8_t* valid, int n, const ColormapLut& lut, const IndexRule& rule,
             std::uint8_t* out) {
  for (int i = 0; i < n; ++i) {
    const Rgb8 c = valid[i] ? lut[static_cast<std::size_t>(rule(vals[i]))] : kMaskedCellColor;
    out[i * 4 + 0] = c.r;
    out[i * 4 + 1] = c.g;
    out[i * 4 + 2] = c.b;
    out[i * 4 + 3] = 255;
  }
}

}  // namespace

PooledMatrix PoolMatrix(const float* values, const std::uint8_t* allowed, int rows, int cols,
                        int factor_rows, int factor_cols, PoolMode mode) {
  PooledMatrix out;
  if (!values || rows <= 0 || cols <= 0) return out;
  const int fr = std::max(factor_rows, 1);
  const int fc = std::max(factor_cols, 1);
  out.factor_rows = fr;
  out.factor_cols = fc;
  out.rows = (rows + fr - 1) / fr;
  out.cols = (cols + fc - 1) / fc;
  const std::size_t texels = static_cast<std::size_t>(out.rows) * out.cols;
  out.values.assign(texels, 0.0f);
  out.valid.assign(texels, 0);
  for (int br = 0; br < out.rows; ++br)
    PoolRowsInto(values, allowed, br * fr, std::min(rows, (br + 1) * fr), cols, fc, mode,
                 out.values.data() + static_cast<std::size_t>(br) * out.cols,
                 out.valid.data() + static_cast<std::size_t>(br) * out.cols, &out.nonfinite_cells);
  return out;
}

std::vector<std::uint8_t> BakeMatrixRgba(const float* values, const std::uint8_t* allowed, int rows, int cols,
                                         int factor_rows, int factor_cols, PoolMode mode, Colormap map,
                                         float vmin, float vmax, long* nonfinite_cells) {
  long nonfinite = 0;
  std::vector<std::uint8_t> rgba;
  if (values && rows > 0 && cols > 0) {
    const int fr = std::max(factor_rows, 1);
    const int fc = std::max(factor_cols, 1);
    const int out_rows = (rows + fr - 1) / fr;
    const int out_cols = (cols + fc - 1) / fc;
    rgba.resize(static_cast<std::size_t>(out_rows) * out_cols * 4);
    std::vector<float> vals(static_cast<std::size_t>(out_cols));
    std::vector<std::uint8_t> valid(static_cast<std::size_t>(out_cols));
    const ColormapLut& lut = ColormapTable(map);
    const IndexRule rule(map, vmin, vmax);
    for (int br = 0; br < out_rows; ++br) {
      std::fill(valid.begin(), valid.end(), std::uint8_t{0});
      std::fill(vals.begin(), vals.end(), 0.0f);
      PoolRowsInto(values, allowed, br * fr, std::min(rows, (br + 1) * fr), cols, fc, mode, vals.data(),
                   valid.data(), &nonfinite);
      BakeRow(vals.data(), valid.data(), out_cols, lut, rule, rgba.data() + static_cast<std::size_t>(br) * out_cols * 4);
    }
  }
  if (nonfinite_cells) *nonfinite_cells = nonfinite;
  return rgba;
}

std::vector<std::uint8_t> BakeHeatmapRgba(const PooledMatrix& pooled, Colormap map, float vmin,
                                          float vmax) {
  std::vector<std::uint8_t> rgba(static_cast<std::size_t>(pooled.rows) * pooled.cols * 4);
  const ColormapLut& lut = ColormapTable(map);
  const IndexRule rule(map, vmin, vmax);
  for (int r = 0; r < pooled.rows; ++r) {
    const std::size_t o = static_cast<std::size_t>(r) * pooled.cols;
    BakeRow(pooled.values.data() + o, pooled.valid.data() + o, pooled.cols, lut, rule, rgba.data() + o * 4);
  }
  return rgba;
}

std::string CompactCellNumber(const char* printed, float value) {
  std::string s(printed);
  if (s.find('.') == std::string::npos || s.find_first_of("eE") != std::string::npos) return s;
  std::string t = s;
  while (!t.empty() && t.back() == '0') t.pop_back();
  if (!t.empty() && t.back() == '.') t.pop_back();
  if (!t.empty() && t != "-" && std::strtof(t.c_str(), nullptr) == value) s = t;
  if (s.rfind("0.", 0) == 0) s.erase(0, 1);
  else if (s.rfind("-0.", 0) == 0) s.erase(1, 1);
  return s;
}

}  // namespace attnviz::ui
