// Pooling and baking of large matrices (see pool.h).
//
// Index:
//   [SECTION] Pooling factors
//   [SECTION] Pooling one block row (the inner loop)
//   [SECTION] The colormap index rule, fast
//   [SECTION] Block rows from a pointer or a row source
//   [SECTION] Public entry points
#include "core/figure/pool.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <limits>

namespace attnviz {

// [SECTION] Pooling factors

int PoolFactorFor(int n, int budget) {
  if (n <= 0) return 1;
  budget = std::max(budget, 1);
  return (n + budget - 1) / budget;  // ceil(n / f) <= budget  <=>  f >= n / budget
}

PoolMode PoolModeFor(Colormap map) { return IsDivergingColormap(map) ? PoolMode::MaxAbs : PoolMode::Max; }

PoolFactors PoolFactorsFor(int rows, int cols, int budget_rows, int budget_cols) {
  PoolFactors f{PoolFactorFor(rows, budget_rows), PoolFactorFor(cols, budget_cols)};
  if (rows == cols) f.rows = f.cols = std::max(f.rows, f.cols);
  return f;
}

namespace {

// [SECTION] Pooling one block row (the inner loop)

// NaN and infinities have an all-ones exponent; checking the bits keeps the loops branch-light.
inline bool Finite(float v) {
  std::uint32_t u;
  std::memcpy(&u, &v, sizeof u);
  return (u & 0x7f800000u) != 0x7f800000u;
}

// Pools `count` consecutive source rows (block: count x cols, row-major; ok: the
// same rows of the mask or null) into one row of blocks: vals/valid have
// ceil(cols / fc) entries and accumulate across calls. Specialised on the mode
// and on whether there is a mask, so the inner loop has no needless branches.
template <bool kMasked, bool kMaxAbs>
void PoolRowsIntoT(const float* block, const std::uint8_t* ok_rows, int count, int cols, int fc, float* vals,
                   std::uint8_t* valid, long* nonfinite) {
  const int blocks = (cols + fc - 1) / fc;
  long bad = 0;
  for (int r = 0; r < count; ++r) {
    const float* src = block + static_cast<std::size_t>(r) * cols;
    const std::uint8_t* ok = kMasked ? ok_rows + static_cast<std::size_t>(r) * cols : nullptr;
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

void PoolRowsInto(const float* block, const std::uint8_t* ok_rows, int count, int cols, int fc, PoolMode mode,
                  float* vals, std::uint8_t* valid, long* nonfinite) {
  const bool abs = mode == PoolMode::MaxAbs;
  if (ok_rows) {
    if (abs) PoolRowsIntoT<true, true>(block, ok_rows, count, cols, fc, vals, valid, nonfinite);
    else PoolRowsIntoT<true, false>(block, ok_rows, count, cols, fc, vals, valid, nonfinite);
  } else {
    if (abs) PoolRowsIntoT<false, true>(block, ok_rows, count, cols, fc, vals, valid, nonfinite);
    else PoolRowsIntoT<false, false>(block, ok_rows, count, cols, fc, vals, valid, nonfinite);
  }
}

// [SECTION] The colormap index rule, fast
//
// ColormapIndex (colormap.h) evaluated fast but with identical results. It is
// monotonic in v (each double operation rounds monotonically), so bin k starts
// at one float threshold: found once per bake by bisection over the ordered
// float bit patterns. A texel then costs a float multiply for a guess and a
// comparison or two against the thresholds.
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

// [SECTION] Block rows from a pointer or a row source
//
// Both walk the matrix one block row at a time and hand each to `emit(br,
// vals, valid)`; the pointer version reads in place, the source version fills
// a buffer of one block row.

struct Shape {
  int rows, cols, fr, fc, out_rows, out_cols;
  Shape(int r, int c, int factor_rows, int factor_cols)
      : rows(r), cols(c), fr(std::max(factor_rows, 1)), fc(std::max(factor_cols, 1)),
        out_rows((r + fr - 1) / fr), out_cols((c + fc - 1) / fc) {}
};

template <class BlockRows, class Emit>
long ForEachBlockRow(const Shape& s, const std::uint8_t* allowed, PoolMode mode, BlockRows&& block_rows, Emit&& emit) {
  long nonfinite = 0;
  std::vector<float> vals(static_cast<std::size_t>(s.out_cols));
  std::vector<std::uint8_t> valid(static_cast<std::size_t>(s.out_cols));
  for (int br = 0; br < s.out_rows; ++br) {
    const int r0 = br * s.fr, count = std::min(s.rows, r0 + s.fr) - r0;
    std::fill(vals.begin(), vals.end(), 0.0f);
    std::fill(valid.begin(), valid.end(), std::uint8_t{0});
    const float* block = block_rows(r0, count);
    const std::uint8_t* ok = allowed ? allowed + static_cast<std::size_t>(r0) * s.cols : nullptr;
    PoolRowsInto(block, ok, count, s.cols, s.fc, mode, vals.data(), valid.data(), &nonfinite);
    emit(br, vals.data(), valid.data());
  }
  return nonfinite;
}

template <class Emit>
long ForEachBlockRow(const Shape& s, const float* values, const std::uint8_t* allowed, PoolMode mode, Emit&& emit) {
  return ForEachBlockRow(s, allowed, mode,
                         [&](int r0, int) { return values + static_cast<std::size_t>(r0) * s.cols; }, emit);
}

template <class Emit>
long ForEachBlockRow(const Shape& s, const MatrixRowSource& source, const std::uint8_t* allowed, PoolMode mode,
                     Emit&& emit) {
  std::vector<float> buffer(static_cast<std::size_t>(s.fr) * s.cols);
  return ForEachBlockRow(s, allowed, mode,
                         [&](int r0, int count) {
                           source(r0, count, buffer.data());
                           return static_cast<const float*>(buffer.data());
                         },
                         emit);
}

template <class Values>
PooledMatrix PoolAny(const Values& values, const std::uint8_t* allowed, int rows, int cols, int fr, int fc,
                     PoolMode mode) {
  PooledMatrix out;
  const Shape s(rows, cols, fr, fc);
  out.factor_rows = s.fr;
  out.factor_cols = s.fc;
  out.rows = s.out_rows;
  out.cols = s.out_cols;
  const std::size_t texels = static_cast<std::size_t>(out.rows) * out.cols;
  out.values.assign(texels, 0.0f);
  out.valid.assign(texels, 0);
  out.nonfinite_cells = ForEachBlockRow(s, values, allowed, mode, [&](int br, const float* v, const std::uint8_t* ok) {
    const std::size_t o = static_cast<std::size_t>(br) * out.cols;
    std::copy(v, v + out.cols, out.values.begin() + static_cast<std::ptrdiff_t>(o));
    std::copy(ok, ok + out.cols, out.valid.begin() + static_cast<std::ptrdiff_t>(o));
  });
  return out;
}

template <class Values>
std::vector<std::uint8_t> BakeAny(const Values& values, const std::uint8_t* allowed, int rows, int cols, int fr, int fc,
                                  PoolMode mode, Colormap map, float vmin, float vmax, long* nonfinite_cells) {
  const Shape s(rows, cols, fr, fc);
  std::vector<std::uint8_t> rgba(static_cast<std::size_t>(s.out_rows) * s.out_cols * 4);
  const ColormapLut& lut = ColormapTable(map);
  const IndexRule rule(map, vmin, vmax);
  const long nonfinite = ForEachBlockRow(s, values, allowed, mode, [&](int br, const float* v, const std::uint8_t* ok) {
    BakeRow(v, ok, s.out_cols, lut, rule, rgba.data() + static_cast<std::size_t>(br) * s.out_cols * 4);
  });
  if (nonfinite_cells) *nonfinite_cells = nonfinite;
  return rgba;
}

}  // namespace

// [SECTION] Public entry points

PooledMatrix PoolMatrix(const float* values, const std::uint8_t* allowed, int rows, int cols, int factor_rows,
                        int factor_cols, PoolMode mode) {
  if (!values || rows <= 0 || cols <= 0) return {};
  return PoolAny(values, allowed, rows, cols, factor_rows, factor_cols, mode);
}

PooledMatrix PoolMatrix(const MatrixRowSource& source, const std::uint8_t* allowed, int rows, int cols,
                        int factor_rows, int factor_cols, PoolMode mode) {
  if (!source || rows <= 0 || cols <= 0) return {};
  return PoolAny(source, allowed, rows, cols, factor_rows, factor_cols, mode);
}

std::vector<std::uint8_t> BakeHeatmapRgba(const PooledMatrix& pooled, Colormap map, float vmin, float vmax) {
  std::vector<std::uint8_t> rgba(static_cast<std::size_t>(pooled.rows) * pooled.cols * 4);
  const ColormapLut& lut = ColormapTable(map);
  const IndexRule rule(map, vmin, vmax);
  for (int r = 0; r < pooled.rows; ++r) {
    const std::size_t o = static_cast<std::size_t>(r) * pooled.cols;
    BakeRow(pooled.values.data() + o, pooled.valid.data() + o, pooled.cols, lut, rule, rgba.data() + o * 4);
  }
  return rgba;
}

std::vector<std::uint8_t> BakeMatrixRgba(const float* values, const std::uint8_t* allowed, int rows, int cols,
                                         int factor_rows, int factor_cols, PoolMode mode, Colormap map, float vmin,
                                         float vmax, long* nonfinite_cells) {
  if (!values || rows <= 0 || cols <= 0) {
    if (nonfinite_cells) *nonfinite_cells = 0;
    return {};
  }
  return BakeAny(values, allowed, rows, cols, factor_rows, factor_cols, mode, map, vmin, vmax, nonfinite_cells);
}

std::vector<std::uint8_t> BakeMatrixRgba(const MatrixRowSource& source, const std::uint8_t* allowed, int rows,
                                         int cols, int factor_rows, int factor_cols, PoolMode mode, Colormap map,
                                         float vmin, float vmax, long* nonfinite_cells) {
  if (!source || rows <= 0 || cols <= 0) {
    if (nonfinite_cells) *nonfinite_cells = 0;
    return {};
  }
  return BakeAny(source, allowed, rows, cols, factor_rows, factor_cols, mode, map, vmin, vmax, nonfinite_cells);
}

}  // namespace attnviz
