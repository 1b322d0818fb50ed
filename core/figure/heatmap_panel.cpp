// The heatmap panel and the pieces around it: colorbar with nice ticks, axis
// label planning (thinning/rotation), title block (see layout.h).
//
// Index:
//   [SECTION] Text placement and number formatting
//   [SECTION] Nice ticks
//   [SECTION] Axis label planning
//   [SECTION] Value ranges and pooling
//   [SECTION] Panel
//   [SECTION] Colorbar, masked legend, title block
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/figure/layout.h"

namespace attnviz::figure {

// [SECTION] Text placement and number formatting

float CenteredBaseline(float y, float size, FontWeight w) {
  FontMetrics m = GetFontMetrics(size, w);
  // Centre the digits/x-height band rather than ascent..descent: DejaVu's
  // ascent includes room for accents, which would sit labels visibly low.
  return y + 0.5f * (m.ascent * 0.78f - m.descent * 0.35f);
}

namespace {
const char* kMinus = "\xE2\x88\x92";  // U+2212, as typeset in matplotlib and LaTeX

std::string WithMinus(std::string s) {
  if (!s.empty() && s[0] == '-') s = kMinus + s.substr(1);
  return s;
}
}  // namespace

std::string FormatTick(double v, double step) {
  char buf[64];
  double a = std::fabs(step);
  if (std::fabs(v) < a * 1e-6) v = 0;  // -0 and 1e-17 both print as 0
  double mag = std::max(std::fabs(v), a);
  if (mag >= 1e5 || (mag > 0 && mag < 1e-3)) {
    std::snprintf(buf, sizeof buf, "%.3g", v);
  } else {
    int decimals = a > 0 ? std::max(0, static_cast<int>(std::ceil(-std::log10(a) - 1e-9))) : 0;
    // 0.25 needs two digits although log10 says one.
    if (a > 0 && std::fabs(std::round(a * std::pow(10, decimals)) - a * std::pow(10, decimals)) > 1e-6) ++decimals;
    std::snprintf(buf, sizeof buf, "%.*f", std::min(decimals, 6), v);
  }
  return WithMinus(buf);
}

std::string FormatCellValue(float v, int decimals) {
  char buf[64];
  decimals = std::clamp(decimals, 0, 6);
  if (!std::isfinite(v)) return "";
  double scale = std::pow(10.0, decimals);
  if (std::fabs(v) * scale < 0.5) v = 0;  // never "-0.00"
  if (std::fabs(v) >= 1e5)
    std::snprintf(buf, sizeof buf, "%.2g", static_cast<double>(v));
  else
    std::snprintf(buf, sizeof buf, "%.*f", decimals, static_cast<double>(v));
  return WithMinus(buf);
}

// [SECTION] Nice ticks

std::vector<double> NiceTicks(double lo, double hi, int target) {
  std::vector<double> ticks;
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) {
    ticks.push_back(lo);
    return ticks;
  }
  double raw = (hi - lo) / std::max(1, target - 1);
  double mag = std::pow(10.0, std::floor(std::log10(raw)));
  double step = 10 * mag;
  for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
    if (m * mag >= raw * 0.999) {
      step = m * mag;
      break;
    }
  double first = std::ceil(lo / step - 1e-9) * step;
  for (double v = first; v <= hi + step * 1e-9; v += step) ticks.push_back(std::fabs(v) < step * 1e-9 ? 0.0 : v);
  return ticks;
}

// [SECTION] Axis label planning

namespace {
int NiceStep(int k) {
  for (int base = 1;; base *= 10)
    for (int m : {1, 2, 5})
      if (m * base >= k) return m * base;
}
}  // namespace

AxisPlan PlanAxis(const std::vector<std::string>& labels, int count, float cell, bool columns, bool show,
                  float max_label_width, float preferred_size) {
  AxisPlan p;
  if (!show || count <= 0) return p;
  p.show = true;
  p.size = std::clamp(cell * 0.8f, kMinTickLabelSize, preferred_size);
  auto label = [&](int i) {
    return labels.empty() || i >= static_cast<int>(labels.size()) ? std::to_string(i) : labels[static_cast<std::size_t>(i)];
  };
  const FontMetrics fm = GetFontMetrics(p.size);
  const float line = (fm.ascent + fm.descent) * 1.05f;
  // Horizontal column labels when every label fits its column.
  if (columns) {
    bool fits = true;
    for (int i = 0; i < count && fits; ++i) fits = TextWidth(label(i), p.size) + 3.0f <= cell;
    if (fits) {
      for (int i = 0; i < count; ++i) p.indices.push_back(i), p.texts.push_back(label(i));
      p.extent = kTickLength + 3.0f + fm.ascent + fm.descent;
      return p;
    }
    p.rotated = true;
  }
  p.step = NiceStep(static_cast<int>(std::ceil(line / std::max(cell, 1e-6f))));
  float widest = 0;
  for (int i = 0; i < count; i += p.step) {
    std::string t = label(i);
    if (p.step > 1 && !labels.empty()) t = std::to_string(i) + " " + t;
    t = FitText(t, p.size, max_label_width);
    widest = std::max(widest, TextWidth(t, p.size));
    p.indices.push_back(i);
    p.texts.push_back(std::move(t));
  }
  p.extent = kTickLength + 3.0f + widest;
  return p;
}

// [SECTION] Value ranges and pooling

ValueRange ResolveRange(const HeatmapFigure& h) {
  ValueRange r{0, 1};
  bool diverging = IsDivergingColormap(h.colormap);
  if (h.values && h.rows > 0 && h.cols > 0)
    r = AutoValueRange(h.values, static_cast<long>(h.rows) * h.cols, h.mask, diverging);
  if (h.vmin) r.vmin = *h.vmin;
  if (h.vmax) r.vmax = *h.vmax;
  return r;
}

bool HasMaskedCells(const HeatmapFigure& h) {
  if (!h.mask) return false;
  long n = static_cast<long>(h.rows) * h.cols;
  for (long i = 0; i < n; ++i)
    if (!h.mask[i]) return true;
  return false;
}

PixelRect ToPixels(Rect r, float ppu) {
  int x0 = static_cast<int>(std::lround(r.x * ppu)), x1 = static_cast<int>(std::lround(r.right() * ppu));
  int y0 = static_cast<int>(std::lround(r.y * ppu)), y1 = static_cast<int>(std::lround(r.bottom() * ppu));
  return {x0, y0, std::max(1, x1 - x0), std::max(1, y1 - y0)};
}

bool WillPool(const HeatmapFigure& h, Rect plot, float ppu) {
  int W = static_cast<int>(std::lround(plot.right() * ppu)) - static_cast<int>(std::lround(plot.x * ppu));
  int H = static_cast<int>(std::lround(plot.bottom() * ppu)) - static_cast<int>(std::lround(plot.y * ppu));
  return W < h.cols || H < h.rows;
}

std::string PoolNote(const HeatmapFigure& h, Rect plot, float ppu) {
  int W = static_cast<int>(std::lround(plot.right() * ppu)) - static_cast<int>(std::lround(plot.x * ppu));
  int H = static_cast<int>(std::lround(plot.bottom() * ppu)) - static_cast<int>(std::lround(plot.y * ppu));
  char buf[200];
  std::snprintf(buf, sizeof buf,
                "%d \xC3\x97 %d cells drawn on %d \xC3\x97 %d pixels: each pixel shows the %s of its cells "
                "(max-pooled, none dropped); use a larger --scale or SVG for every cell",
                h.rows, h.cols, H, W, IsDivergingColormap(h.colormap) ? "most extreme value" : "largest value");
  return buf;
}

// [SECTION] Panel

bool DrawHeatmapPanel(Surface& s, const HeatmapFigure& h, const PanelDraw& p) {
  const Rect& r = p.plot;
  const float cw = r.w / h.cols, ch = r.h / h.rows;
  CellsSpec cells;
  cells.x = r.x, cells.y = r.y, cells.w = r.w, cells.h = r.h;
  cells.values = h.values, cells.mask = h.mask, cells.rows = h.rows, cells.cols = h.cols;
  cells.colormap = h.colormap, cells.vmin = p.range.vmin, cells.vmax = p.range.vmax;
  const bool pooled = s.Cells(cells);

  // Separators in the background colour, as seaborn's `linewidths`: they make
  // single cells countable for small N and vanish when cells get small.
  if (p.grid) {
    Rgba sep = Hex(0xffffff, 0.9f);
    float lw = std::clamp(std::min(cw, ch) * 0.04f, 0.6f, 1.5f);
    for (int c = 1; c < h.cols; ++c) s.Line(r.x + c * cw, r.y, r.x + c * cw, r.bottom(), sep, lw);
    for (int q = 1; q < h.rows; ++q) s.Line(r.x, r.y + q * ch, r.right(), r.y + q * ch, sep, lw);
  }

  if (p.values) {
    const ColormapLut& lut = ColormapTable(h.colormap);
    float size = std::min(11.0f, 0.3f * std::min(cw, ch * 1.4f));
    for (int q = 0; q < h.rows; ++q)
      for (int c = 0; c < h.cols; ++c) {
        std::size_t i = static_cast<std::size_t>(q) * static_cast<std::size_t>(h.cols) + static_cast<std::size_t>(c);
        if (h.mask && !h.mask[i]) continue;
        std::string t = FormatCellValue(h.values[i], h.value_decimals);
        float sz = size;
        float tw = TextWidth(t, sz);
        if (tw > cw * 0.88f) sz *= cw * 0.88f / tw;
        if (sz < 4.0f) continue;
        int idx = ColormapIndex(h.values[i], p.range.vmin, p.range.vmax);
        if (IsDivergingColormap(h.colormap) && !(p.range.vmax > p.range.vmin)) idx = kColormapLutSize / 2;
        Rgb8 bg = lut[static_cast<std::size_t>(idx)];
        s.Text(t, r.x + (c + 0.5f) * cw, CenteredBaseline(r.y + (q + 0.5f) * ch, sz), sz, Opaque(LabelColorOn(bg)),
               Anchor::Middle);
      }
  }

  if (h.highlight_row >= 0 && h.highlight_row < h.rows) {
    float y = r.y + h.highlight_row * ch;
    float lw = std::clamp(ch * 0.12f, 1.0f, 2.2f);
    s.StrokeRect(r.x, y, r.w, ch, Hex(0xffffff), lw + 1.2f);
    s.StrokeRect(r.x, y, r.w, ch, Hex(0x111111), lw);
  }

  s.StrokeRect(r.x, r.y, r.w, r.h, kFrame, kFrameWidth);

  // Ticks point outwards at the centre of each labelled cell.
  if (p.rows.show) {
    for (std::size_t k = 0; k < p.rows.indices.size(); ++k) {
      float y = r.y + (p.rows.indices[k] + 0.5f) * ch;
      s.Line(r.x - kTickLength, y, r.x, y, kFrame, kFrameWidth);
      s.Text(p.rows.texts[k], r.x - kTickLength - 3.0f, CenteredBaseline(y, p.rows.size), p.rows.size, kInk,
             Anchor::End);
    }
  }
  if (p.cols.show) {
    const FontMetrics fm = GetFontMetrics(p.cols.size);
    for (std::size_t k = 0; k < p.cols.indices.size(); ++k) {
      float x = r.x + (p.cols.indices[k] + 0.5f) * cw;
      s.Line(x, r.bottom(), x, r.bottom() + kTickLength, kFrame, kFrameWidth);
      if (p.cols.rotated)
        s.Text(p.cols.texts[k], CenteredBaseline(x, p.cols.size), r.bottom() + kTickLength + 3.0f, p.cols.size,
               kInk, Anchor::End, FontWeight::Regular, true);
      else
        s.Text(p.cols.texts[k], x, r.bottom() + kTickLength + 3.0f + fm.ascent, p.cols.size, kInk, Anchor::Middle);
    }
  }
  const FontMetrics cm = GetFontMetrics(p.caption_size);
  if (p.row_caption && !h.row_caption.empty()) {
    float x = r.x - (p.rows.show ? p.rows.extent : kTickLength) - 8.0f - cm.descent;
    s.Text(FitText(h.row_caption, p.caption_size, r.h), x, r.y + r.h * 0.5f, p.caption_size, kInkSecondary,
           Anchor::Middle, FontWeight::Regular, true);
  }
  if (p.col_caption && !h.col_caption.empty()) {
    float y = r.bottom() + (p.cols.show ? p.cols.extent : kTickLength) + 6.0f + cm.ascent;
    s.Text(FitText(h.col_caption, p.caption_size, std::max(r.w, 200.0f)), r.x + r.w * 0.5f, y, p.caption_size,
           kInkSecondary, Anchor::Middle);
  }
  return pooled;
}

// [SECTION] Colorbar, masked legend, title block

float ColorbarLabelExtent(ValueRange range, bool caption) {
  std::vector<double> ticks = NiceTicks(range.vmin, range.vmax);
  double step = ticks.size() > 1 ? ticks[1] - ticks[0] : std::fabs(range.vmax - range.vmin);
  float widest = 0;
  for (double t : ticks) widest = std::max(widest, TextWidth(FormatTick(t, step), kTickLabelSize));
  float e = kTickLength + 4.0f + widest;
  if (caption) e += 10.0f + kCaptionSize;
  return e;
}

void DrawColorbar(Surface& s, Colormap cmap, ValueRange range, Rect bar, const std::string& caption) {
  // The bar is itself a (256, 1) heatmap through the same LUT as the cells:
  // bin k spans [vmin + k (vmax - vmin)/256, ...), top row is vmax.
  std::vector<float> ramp(kColormapLutSize);
  const bool flat = !(range.vmax > range.vmin);
  for (int k = 0; k < kColormapLutSize; ++k) {
    float t = (kColormapLutSize - 1 - k + 0.5f) / kColormapLutSize;
    ramp[static_cast<std::size_t>(k)] = flat ? range.vmin : range.vmin + t * (range.vmax - range.vmin);
  }
  CellsSpec c;
  c.x = bar.x, c.y = bar.y, c.w = bar.w, c.h = bar.h;
  c.values = ramp.data(), c.rows = kColormapLutSize, c.cols = 1, c.colormap = cmap;
  c.vmin = range.vmin, c.vmax = range.vmax;
  s.Cells(c);
  s.StrokeRect(bar.x, bar.y, bar.w, bar.h, kFrame, kFrameWidth);

  std::vector<double> ticks = flat ? std::vector<double>{range.vmin} : NiceTicks(range.vmin, range.vmax);
  double step = ticks.size() > 1 ? ticks[1] - ticks[0] : 1.0;
  float widest = 0;
  for (double t : ticks) {
    float y = flat ? bar.y + bar.h * 0.5f
                   : bar.bottom() - static_cast<float>((t - range.vmin) / (range.vmax - range.vmin)) * bar.h;
    std::string label = FormatTick(t, step);
    s.Line(bar.right(), y, bar.right() + kTickLength, y, kFrame, kFrameWidth);
    s.Text(label, bar.right() + kTickLength + 3.0f, CenteredBaseline(y, kTickLabelSize), kTickLabelSize, kInk,
           Anchor::Start);
    widest = std::max(widest, TextWidth(label, kTickLabelSize));
  }
  if (!caption.empty()) {
    // Rotated so that it reads bottom to top, like matplotlib's colorbar label.
    const FontMetrics m = GetFontMetrics(kCaptionSize);
    float x = bar.right() + kTickLength + 4.0f + widest + 8.0f + m.ascent;
    s.Text(FitText(caption, kCaptionSize, bar.h), x, bar.y + bar.h * 0.5f, kCaptionSize, kInkSecondary,
           Anchor::Middle, FontWeight::Regular, true);
  }
}

void DrawMaskedLegend(Surface& s, float x, float y) {
  static const float kZero = 0.0f;
  static const std::uint8_t kMasked = 0;
  CellsSpec c;
  c.x = x, c.y = y, c.w = 16.0f, c.h = 12.0f;
  c.values = &kZero, c.mask = &kMasked, c.rows = 1, c.cols = 1;
  s.Cells(c);
  s.StrokeRect(x, y, 16.0f, 12.0f, kFrame, kFrameWidth);
  s.Text("masked", x + 22.0f, CenteredBaseline(y + 6.0f, kNoteSize + 1), kNoteSize + 1, kInkSecondary, Anchor::Start);
}

float TitleBlockHeight(const std::string& title, const std::string& subtitle) {
  float h = 0;
  if (!title.empty()) h += kTitleSize * 1.25f;
  if (!subtitle.empty()) h += kSubtitleSize * 1.5f;
  if (h > 0) h += 14.0f;
  return h;
}

float DrawTitleBlock(Surface& s, const std::string& title, const std::string& subtitle, float x, float w, float y) {
  if (!title.empty()) {
    y += GetFontMetrics(kTitleSize, FontWeight::Bold).ascent;
    s.Text(FitText(title, kTitleSize, w, FontWeight::Bold), x + w * 0.5f, y, kTitleSize, kInk, Anchor::Middle,
           FontWeight::Bold);
    y += kTitleSize * 0.35f;
  }
  if (!subtitle.empty()) {
    y += kSubtitleSize * 1.3f;
    s.Text(FitText(subtitle, kSubtitleSize, w), x + w * 0.5f, y, kSubtitleSize, kInkSecondary, Anchor::Middle);
  }
  return y;
}

}  // namespace attnviz::figure
