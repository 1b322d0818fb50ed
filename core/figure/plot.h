// Plots: line, marker and bar series on linear or log axes, in the style of
// ImPlot. One description (PlotFigure) is drawn two ways: by the window's plot
// widget on ImDrawList (ui/widgets/plot.h) and by core/figure for PNG/SVG
// export, and both place ticks and data through the functions below, so a
// slide shows the same axes the screen showed.
//
// Usage:
//   PlotFigure p;
//   p.title = "Gradient norm against distance";
//   p.x = {"distance (steps)", false};
//   p.y = {"||dh_last / dh_t||", true};                 // log axis
//   p.series.push_back({"RNN, radius 0.9", xs, ys, HeadColor(0)});
//   p.series.push_back({"attention", {0, 12}, {1, 1}, HeadColor(1), PlotStyle::Line, true});
//   ui::DrawPlot("##grad", p, size);                    // the window
//   WriteFigure(Figure{p}, RenderOptions{}, "grad.png"); // the slide
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "core/figure/colormap.h"

namespace attnviz {

enum class PlotStyle { Line, Markers, LineMarkers, Bars };

struct PlotSeries {
  std::string label;                 // legend entry ("" = not in the legend)
  std::vector<double> x, y;          // same length; a non-finite (or, on a log axis, <= 0) point breaks the line
  Rgb8 color{31, 119, 180};
  PlotStyle style = PlotStyle::Line;
  bool dashed = false;
  float width = 1.8f;                // line width in figure units (the widget scales it to pixels)
};

struct PlotAxis {
  std::string label;
  bool log = false;                  // base-10 log axis (decades labelled 10^k or plainly when small)
  std::optional<double> min, max;    // fixed range; otherwise fitted to the data (with a margin)
  // Category labels: ticks at 0..k-1 labelled with these (bar charts).
  std::vector<std::string> categories;
};

// A reference line across the plot, e.g. "N = d" or "Mistral window 4096".
struct PlotMark {
  double value = 0;
  std::string label;
  Rgb8 color{110, 110, 110};
};

struct PlotFigure {
  std::string title, subtitle;
  PlotAxis x, y;
  std::vector<PlotSeries> series;
  std::vector<PlotMark> x_marks;     // vertical lines at x = value
  std::vector<PlotMark> y_marks;     // horizontal lines at y = value
  bool legend = true;
  float bar_width = 0.8f;            // bars: fraction of the category spacing, shared by the series side by side
};

// [SECTION] Axes shared by the widget and the figure
struct PlotTick {
  double value = 0;                  // in data units
  std::string label;                 // "" = a minor tick without a label
};

struct ResolvedAxis {
  double min = 0, max = 1;           // data range shown (log axes: > 0)
  bool log = false;
  std::vector<PlotTick> ticks;
  // Position of v in [0, 1] across the axis (log axes: by log10); values
  // outside the range fall outside [0, 1]; non-positive values on a log axis
  // give NaN (the caller skips them).
  double Fraction(double v) const;
  double FromFraction(double f) const;
};

// The range (fixed, or fitted to every series with a 4% margin; log axes span
// whole decades when that adds little) and the ticks of one axis. x_axis
// chooses which of the figure's axes. A figure without finite data gets [0, 1].
ResolvedAxis ResolvePlotAxis(const PlotFigure& p, bool x_axis, int target_ticks = 6);

// A number as a tick or tooltip shows it: 3 significant digits, thousands as
// "16.4k" / "1.2M" / "3.4G" when large, 10^k labels on log decades.
std::string FormatPlotNumber(double v);

}  // namespace attnviz
