// Plot axes (shared with the window's plot widget) and the plot figure for
// PNG/SVG export: frame, ticks and grid, series clipped to the frame, dashed
// lines as segments, bars side by side per category, reference marks, legend.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

#include "core/figure/layout.h"
#include "core/figure/plot.h"

namespace attnviz {

// [SECTION] Axes

double ResolvedAxis::Fraction(double v) const {
  if (log) {
    if (!(v > 0)) return std::numeric_limits<double>::quiet_NaN();
    return (std::log10(v) - std::log10(min)) / (std::log10(max) - std::log10(min));
  }
  return (v - min) / (max - min);
}

double ResolvedAxis::FromFraction(double f) const {
  if (log) return std::pow(10.0, std::log10(min) + f * (std::log10(max) - std::log10(min)));
  return min + f * (max - min);
}

std::string FormatPlotNumber(double v) {
  if (!std::isfinite(v)) return v > 0 ? "inf" : v < 0 ? "-inf" : "nan";
  char buf[48];
  const double a = std::fabs(v);
  const char* minus = v < 0 ? "\xE2\x88\x92" : "";  // U+2212, as figure ticks write it
  if (a == 0) return "0";
  if (a >= 1e15 || a < 1e-4) {
    const int e = static_cast<int>(std::floor(std::log10(a)));
    const double m = a / std::pow(10.0, e);
    if (std::fabs(m - 1.0) < 1e-9) std::snprintf(buf, sizeof buf, "%s1e%d", minus, e);
    else std::snprintf(buf, sizeof buf, "%s%.3ge%d", minus, m, e);
    return buf;
  }
  static const struct {
    double scale;
    const char* suffix;
  } kUnits[] = {{1e12, "T"}, {1e9, "G"}, {1e6, "M"}, {1e3, "k"}};
  for (const auto& u : kUnits)
    if (a >= u.scale * 10) {  // 16.4k, 1.05M; below 10k plain digits read better
      std::snprintf(buf, sizeof buf, "%s%.3g%s", minus, a / u.scale, u.suffix);
      return buf;
    }
  // Below 10k: whole numbers as they are (4096), fractions to 3 digits (0.0123).
  std::snprintf(buf, sizeof buf, a >= 1000 ? "%s%.4g" : "%s%.3g", minus, a);
  return buf;
}

ResolvedAxis ResolvePlotAxis(const PlotFigure& p, bool x_axis, int target_ticks) {
  const PlotAxis& ax = x_axis ? p.x : p.y;
  ResolvedAxis r;
  r.log = ax.log;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  bool bars = false;
  for (const PlotSeries& s : p.series) {
    bars = bars || s.style == PlotStyle::Bars;
    const std::vector<double>& v = x_axis ? s.x : s.y;
    for (double d : v)
      if (std::isfinite(d) && (!r.log || d > 0)) lo = std::min(lo, d), hi = std::max(hi, d);
  }
  for (const PlotMark& m : x_axis ? p.x_marks : p.y_marks)
    if (std::isfinite(m.value) && (!r.log || m.value > 0)) lo = std::min(lo, m.value), hi = std::max(hi, m.value);
  if (!ax.categories.empty() && x_axis) lo = std::min(lo, 0.0), hi = std::max(hi, ax.categories.size() - 1.0);
  // Bars grow from zero on a linear value axis.
  if (bars && !x_axis && !r.log) lo = std::min(lo, 0.0), hi = std::max(hi, 0.0);
  if (!(lo <= hi)) lo = r.log ? 1 : 0, hi = r.log ? 10 : 1;
  if (r.log) {
    double a = std::log10(lo), b = std::log10(hi);
    if (b - a < 1e-9) a -= 0.5, b += 0.5;
    // Whole decades when rounding out costs under a third of the span.
    const double fa = std::floor(a), cb = std::ceil(b);
    if ((a - fa) + (cb - b) < (b - a) / 3 + 0.35) a = fa, b = cb;
    else {
      const double m = (b - a) * 0.04;
      a -= m, b += m;
    }
    r.min = std::pow(10.0, a), r.max = std::pow(10.0, b);
  } else {
    if (hi - lo < 1e-12 * std::max(1.0, std::fabs(hi))) lo -= 0.5, hi += 0.5;
    const double m = (hi - lo) * 0.04;
    const bool cat = x_axis && !ax.categories.empty();
    r.min = cat ? lo - 0.5 : (lo == 0 && bars && !x_axis ? 0.0 : lo - m);
    r.max = cat ? hi + 0.5 : hi + m;
  }
  if (ax.min) r.min = *ax.min;
  if (ax.max) r.max = *ax.max;
  if (r.log) r.min = std::max(r.min, 1e-300), r.max = std::max(r.max, r.min * 10);
  if (!(r.max > r.min)) r.max = r.min + 1;

  // Ticks.
  if (x_axis && !ax.categories.empty()) {
    for (std::size_t i = 0; i < ax.categories.size(); ++i) r.ticks.push_back({double(i), ax.categories[i]});
  } else if (r.log) {
    const int a = static_cast<int>(std::ceil(std::log10(r.min) - 1e-9)), b = static_cast<int>(std::floor(std::log10(r.max) + 1e-9));
    const int decades = std::max(1, b - a + 1);
    const int every = std::max(1, (decades + target_ticks - 1) / std::max(1, target_ticks));
    for (int e = a; e <= b; ++e) {
      const double v = std::pow(10.0, e);
      r.ticks.push_back({v, (e - a) % every == 0 ? FormatPlotNumber(v) : std::string()});
      if (decades <= 3)  // minor ticks at 2..9 when there is room
        for (int k = 2; k <= 9; ++k)
          if (v * k < r.max) r.ticks.push_back({v * k, std::string()});
    }
    if (a > b) {  // less than one decade: linear-style ticks inside it
      for (double v : figure::NiceTicks(r.min, r.max, target_ticks)) r.ticks.push_back({v, FormatPlotNumber(v)});
    }
  } else {
    for (double v : figure::NiceTicks(r.min, r.max, target_ticks)) r.ticks.push_back({v, FormatPlotNumber(v)});
  }
  return r;
}

// [SECTION] The figure

namespace figure {

namespace {

constexpr float kPlotW = 1000.0f, kPlotH = 640.0f;
constexpr float kLegendRow = 16.0f;

struct PlotLayout {
  Rect frame;
  float W = kPlotW, H = kPlotH;
  float top = 0;
};

PlotLayout LayOutPlot(const PlotFigure& p) {
  PlotLayout L;
  L.top = kMargin + TitleBlockHeight(p.title, p.subtitle) + 8.0f;
  const float left = kMargin + kCaptionSize * 1.6f + 56.0f;  // caption + tick labels
  const float bottom = kMargin + kCaptionSize * 1.6f + kTickLabelSize * 2.2f;
  L.frame = {left, L.top, L.W - left - kMargin - 8.0f, L.H - L.top - bottom};
  return L;
}

// Straight line from (x0, y0) to (x1, y1) clipped to the frame (Liang-Barsky).
bool Clip(const Rect& f, float& x0, float& y0, float& x1, float& y1) {
  float t0 = 0, t1 = 1;
  const float dx = x1 - x0, dy = y1 - y0;
  const float p[4] = {-dx, dx, -dy, dy};
  const float q[4] = {x0 - f.x, f.right() - x0, y0 - f.y, f.bottom() - y0};
  for (int i = 0; i < 4; ++i) {
    if (p[i] == 0) {
      if (q[i] < 0) return false;
      continue;
    }
    const float t = q[i] / p[i];
    if (p[i] < 0) t0 = std::max(t0, t);
    else t1 = std::min(t1, t);
  }
  if (t0 > t1) return false;
  const float ax = x0 + t0 * dx, ay = y0 + t0 * dy, bx = x0 + t1 * dx, by = y0 + t1 * dy;
  x0 = ax, y0 = ay, x1 = bx, y1 = by;
  return true;
}

void SegmentedLine(Surface& s, float x0, float y0, float x1, float y1, Rgba c, float w, bool dashed) {
  if (!dashed) return s.Line(x0, y0, x1, y1, c, w);
  const float len = std::hypot(x1 - x0, y1 - y0), dash = 6.0f, gap = 4.0f;
  for (float t = 0; t < len; t += dash + gap) {
    const float a = t / len, b = std::min(len, t + dash) / len;
    s.Line(x0 + (x1 - x0) * a, y0 + (y1 - y0) * a, x0 + (x1 - x0) * b, y0 + (y1 - y0) * b, c, w);
  }
}

}  // namespace

FigureUnits PlotFigureUnits(const PlotFigure& p) {
  const PlotLayout L = LayOutPlot(p);
  return {L.W, L.H};
}

void DrawPlotFigure(Surface& s, const PlotFigure& p, RenderReport* report) {
  const PlotLayout L = LayOutPlot(p);
  const Rect& F = L.frame;
  DrawTitleBlock(s, p.title, p.subtitle, kMargin, L.W - 2 * kMargin, kMargin);
  const ResolvedAxis ax = ResolvePlotAxis(p, true), ay = ResolvePlotAxis(p, false);
  auto X = [&](double v) { return static_cast<float>(F.x + ax.Fraction(v) * F.w); };
  auto Y = [&](double v) { return static_cast<float>(F.bottom() - ay.Fraction(v) * F.h); };
  const Rgba grid = Hex(0xe6e6e6), minor = Hex(0xf2f2f2);

  // Grid and ticks.
  for (const PlotTick& t : ax.ticks) {
    const float x = X(t.value);
    if (!(x >= F.x - 0.01f && x <= F.right() + 0.01f)) continue;
    s.Line(x, F.y, x, F.bottom(), t.label.empty() ? minor : grid, 0.6f);
    s.Line(x, F.bottom(), x, F.bottom() + (t.label.empty() ? kTickLength * 0.6f : kTickLength), kFrame, kFrameWidth);
    if (!t.label.empty())
      s.Text(FitText(t.label, kTickLabelSize, 120.0f), x, F.bottom() + kTickLength + kTickLabelSize * 1.15f,
             kTickLabelSize, kInk, Anchor::Middle);
  }
  for (const PlotTick& t : ay.ticks) {
    const float y = Y(t.value);
    if (!(y >= F.y - 0.01f && y <= F.bottom() + 0.01f)) continue;
    s.Line(F.x, y, F.right(), y, t.label.empty() ? minor : grid, 0.6f);
    s.Line(F.x - (t.label.empty() ? kTickLength * 0.6f : kTickLength), y, F.x, y, kFrame, kFrameWidth);
    if (!t.label.empty())
      s.Text(t.label, F.x - kTickLength - 3.0f, CenteredBaseline(y, kTickLabelSize), kTickLabelSize, kInk, Anchor::End);
  }
  s.Text(p.x.label, F.x + F.w * 0.5f, L.H - kMargin, kCaptionSize, kInkSecondary, Anchor::Middle);
  s.Text(p.y.label, kMargin + kCaptionSize, F.y + F.h * 0.5f, kCaptionSize, kInkSecondary, Anchor::Middle,
         FontWeight::Regular, /*rotated=*/true);

  // Reference marks.
  for (const PlotMark& m : p.x_marks) {
    const float x = X(m.value);
    if (!(x >= F.x && x <= F.right())) continue;
    SegmentedLine(s, x, F.y, x, F.bottom(), Opaque(m.color), 1.0f, true);
    if (!m.label.empty()) s.Text(m.label, x + 3.0f, F.y + kTickLabelSize * 1.2f, kTickLabelSize * 0.9f, Opaque(m.color), Anchor::Start);
  }
  for (const PlotMark& m : p.y_marks) {
    const float y = Y(m.value);
    if (!(y >= F.y && y <= F.bottom())) continue;
    SegmentedLine(s, F.x, y, F.right(), y, Opaque(m.color), 1.0f, true);
    if (!m.label.empty()) s.Text(m.label, F.right() - 3.0f, y - 3.0f, kTickLabelSize * 0.9f, Opaque(m.color), Anchor::End);
  }

  // Series: bars first (under the lines), side by side within a category.
  int bar_series = 0;
  for (const PlotSeries& se : p.series) bar_series += se.style == PlotStyle::Bars;
  int bar_index = 0;
  const float unit = static_cast<float>(F.w / std::max(1e-9, (ax.max - ax.min)));  // units per x step (linear x)
  for (const PlotSeries& se : p.series) {
    if (se.style != PlotStyle::Bars) continue;
    const float group = unit * p.bar_width, w = group / std::max(1, bar_series);
    const double base = ay.log ? ay.min : std::clamp(0.0, ay.min, ay.max);
    for (std::size_t i = 0; i < std::min(se.x.size(), se.y.size()); ++i) {
      if (!std::isfinite(se.x[i]) || !std::isfinite(se.y[i]) || (ay.log && se.y[i] <= 0)) continue;
      const float x0 = X(se.x[i]) - group * 0.5f + bar_index * w;
      const float y0 = Y(std::clamp(se.y[i], ay.min, ay.max)), y1 = Y(base);
      s.FillRect(x0, std::min(y0, y1), w * 0.92f, std::fabs(y1 - y0), Opaque(se.color));
    }
    ++bar_index;
  }
  for (const PlotSeries& se : p.series) {
    if (se.style == PlotStyle::Bars) continue;
    const Rgba c = Opaque(se.color);
    const std::size_t n = std::min(se.x.size(), se.y.size());
    bool have_prev = false;
    float px = 0, py = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double fx = ax.Fraction(se.x[i]), fy = ay.Fraction(se.y[i]);
      if (!std::isfinite(fx) || !std::isfinite(fy) || !std::isfinite(se.x[i]) || !std::isfinite(se.y[i])) {
        have_prev = false;
        continue;
      }
      const float x = static_cast<float>(F.x + fx * F.w), y = static_cast<float>(F.bottom() - fy * F.h);
      if (se.style != PlotStyle::Markers && have_prev) {
        float a0 = px, b0 = py, a1 = x, b1 = y;
        if (Clip(F, a0, b0, a1, b1)) SegmentedLine(s, a0, b0, a1, b1, c, se.width, se.dashed);
      }
      if ((se.style == PlotStyle::Markers || se.style == PlotStyle::LineMarkers) && x >= F.x && x <= F.right() &&
          y >= F.y && y <= F.bottom())
        s.FillRect(x - 2.4f, y - 2.4f, 4.8f, 4.8f, c);
      px = x, py = y, have_prev = true;
    }
  }
  s.StrokeRect(F.x, F.y, F.w, F.h, kFrame, kFrameWidth);

  // Legend, top left inside the frame, on a white card.
  if (p.legend) {
    std::vector<const PlotSeries*> entries;
    for (const PlotSeries& se : p.series)
      if (!se.label.empty()) entries.push_back(&se);
    if (!entries.empty()) {
      float wmax = 0;
      for (const PlotSeries* se : entries) wmax = std::max(wmax, TextWidth(se->label, kTickLabelSize));
      const float lw = std::min(F.w * 0.6f, wmax + 34.0f), lh = entries.size() * kLegendRow + 8.0f;
      const float lx = F.x + 8.0f, ly = F.y + 8.0f;
      s.FillRect(lx, ly, lw, lh, Hex(0xffffff, 0.9f));
      s.StrokeRect(lx, ly, lw, lh, Hex(0xcccccc), 0.6f);
      float y = ly + 4.0f;
      for (const PlotSeries* se : entries) {
        const float cy = y + kLegendRow * 0.5f;
        if (se->style == PlotStyle::Bars) s.FillRect(lx + 6.0f, cy - 4.0f, 16.0f, 8.0f, Opaque(se->color));
        else SegmentedLine(s, lx + 6.0f, cy, lx + 22.0f, cy, Opaque(se->color), se->width, se->dashed);
        s.Text(FitText(se->label, kTickLabelSize, lw - 32.0f), lx + 28.0f, CenteredBaseline(cy, kTickLabelSize),
               kTickLabelSize, kInk, Anchor::Start);
        y += kLegendRow;
      }
    }
  }
  if (report) report->plots.push_back(ToPixels(F, s.PixelsPerUnit()));
}

}  // namespace figure
}  // namespace attnviz
