// Shared pieces of figure layout: the house style (sizes, colours), nice
// colorbar ticks, axis label planning, and the heatmap panel every heatmap
// figure and head grid is drawn with. Internal to core/figure.
#pragma once
#include <string>
#include <vector>

#include "core/figure/figure.h"
#include "core/figure/surface.h"

namespace attnviz::figure {

// [SECTION] House style (figure units = 1/100 inch; sizes are font em sizes)
inline constexpr float kMargin = 24.0f;
inline constexpr float kTitleSize = 16.0f;
inline constexpr float kSubtitleSize = 11.0f;
inline constexpr float kCaptionSize = 12.0f;
inline constexpr float kTickLabelSize = 10.0f;
inline constexpr float kMinTickLabelSize = 6.5f;
inline constexpr float kNoteSize = 9.0f;
inline constexpr float kTickLength = 3.5f;
inline constexpr float kFrameWidth = 0.8f;
inline constexpr float kColorbarWidth = 16.0f;
inline constexpr float kColorbarGap = 18.0f;
inline const Rgba kInk = Hex(0x262626);        // titles, labels
inline const Rgba kInkSecondary = Hex(0x5f5f5f);  // subtitles, captions, notes
inline const Rgba kFrame = Hex(0x404040);

struct Rect {
  float x = 0, y = 0, w = 0, h = 0;
  float right() const { return x + w; }
  float bottom() const { return y + h; }
};

// Baseline that centres a line of text of this size on y (by ascent/descent).
float CenteredBaseline(float y, float size, FontWeight w = FontWeight::Regular);

// [SECTION] Colorbar ticks
// "Nice" steps (1, 2, 2.5, 5 x 10^k) giving about `target` ticks inside [lo, hi].
std::vector<double> NiceTicks(double lo, double hi, int target = 6);
// Formats a tick with as many decimals as the step needs, U+2212 for minus.
std::string FormatTick(double v, double step);
// A cell value with `decimals` digits, U+2212 for minus, "0" never "-0".
std::string FormatCellValue(float v, int decimals);

// [SECTION] Axis labels
// Which tick labels one axis shows and how: all of them when they fit, else
// every `step`-th (1, 2, 5, 10, 20, 50, ...) so none overlap; when thinned,
// each shown label is prefixed with its index so positions stay readable.
struct AxisPlan {
  bool show = false;
  bool rotated = false;       // column labels only: read bottom to top
  float size = kTickLabelSize;
  int step = 1;
  float extent = 0;           // space the labels take away from the plot (units)
  std::vector<int> indices;   // which positions get a label
  std::vector<std::string> texts;  // the (fitted) label of each shown position
};
AxisPlan PlanAxis(const std::vector<std::string>& labels, int count, float cell, bool columns, bool show,
                  float max_label_width, float preferred_size = kTickLabelSize);

// [SECTION] Heatmap panel
struct PanelDraw {
  Rect plot;                  // where the cells go
  ValueRange range;
  AxisPlan rows, cols;
  bool row_caption = true, col_caption = true;
  bool values = false;        // write values in the cells
  bool grid = false;          // thin separators between cells
  float caption_size = kCaptionSize;
};
// Draws cells, frame, ticks, labels, captions, values and highlight. Returns
// true when the cells were max-pooled to fit the pixels.
bool DrawHeatmapPanel(Surface& s, const HeatmapFigure& h, const PanelDraw& p);
// Vertical colorbar with ticks and the caption, rotated, to its right.
void DrawColorbar(Surface& s, Colormap cmap, ValueRange range, Rect bar, const std::string& caption);
// Room a colorbar of this range needs to the right of the bar (ticks, labels, caption).
float ColorbarLabelExtent(ValueRange range, bool caption);
// A small hatched swatch + "masked", the legend for masked cells.
void DrawMaskedLegend(Surface& s, float x, float y);
// Title (bold) and subtitle, centred on [x, x+w]; returns the y below them.
float DrawTitleBlock(Surface& s, const std::string& title, const std::string& subtitle, float x, float w, float y);
float TitleBlockHeight(const std::string& title, const std::string& subtitle);

// The value range a heatmap figure uses (its vmin/vmax, else AutoValueRange).
ValueRange ResolveRange(const HeatmapFigure& h);
bool HasMaskedCells(const HeatmapFigure& h);
// Whether the cells at `ppu` pixels per unit will be max-pooled in a raster.
bool WillPool(const HeatmapFigure& h, Rect plot, float ppu);
std::string PoolNote(const HeatmapFigure& h, Rect plot, float ppu);

// A rectangle in output pixels, rounded exactly as the raster backend rounds cells.
PixelRect ToPixels(Rect r, float ppu);

// [SECTION] Figures (each in its own file)
struct FigureUnits {
  float w = 0, h = 0;
};
FigureUnits HeatmapFigureUnits(const HeatmapFigure& h);
void DrawHeatmapFigure(Surface& s, const HeatmapFigure& h, RenderReport* report);
FigureUnits HeadGridUnits(const HeadGridFigure& g);
void DrawHeadGrid(Surface& s, const HeadGridFigure& g, RenderReport* report);
FigureUnits ArcsFigureUnits(const ArcsFigure& a);
void DrawArcsFigure(Surface& s, const ArcsFigure& a, RenderReport* report);
FigureUnits PlotFigureUnits(const PlotFigure& p);
void DrawPlotFigure(Surface& s, const PlotFigure& p, RenderReport* report);

// Throws FigureError naming the problem when a figure cannot be drawn
// (no cells, null values, label count mismatch, selected token out of range).
void ValidateFigure(const Figure& f);

}  // namespace attnviz::figure
