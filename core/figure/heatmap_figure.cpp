// The heatmap figure: title block, one panel with labels and captions, a
// colorbar, the masked-cells legend and, when pixels are fewer than cells, a
// note that the raster was max-pooled (see layout.h).
#include <algorithm>
#include <cmath>

#include "core/figure/layout.h"

namespace attnviz::figure {
namespace {

constexpr float kHeatmapWidth = 1000.0f;   // 10 in: 2000 x 1600 px at --scale 2 / --dpi 200
constexpr float kHeatmapHeight = 800.0f;
constexpr float kRowLabelMaxWidth = 150.0f;
constexpr float kColLabelMaxWidth = 120.0f;

struct HeatmapLayout {
  Rect plot;
  AxisPlan rows, cols;
  bool values = false, grid = false, pooled = false;
  float title_y = 0;
};

// Cells are square when that leaves a reasonable plot; very tall or wide
// matrices (Q: N x dk) get stretched cells so the plot keeps an aspect ratio
// within [0.4, 2.5] instead of shrinking to a sliver.
void FitPlot(int rows, int cols, float avail_w, float avail_h, float* pw, float* ph) {
  avail_w = std::max(avail_w, 40.0f), avail_h = std::max(avail_h, 40.0f);
  float s = std::min(avail_w / cols, avail_h / rows);
  *pw = s * cols, *ph = s * rows;
  if (*pw < 0.4f * *ph) *pw = std::min(avail_w, 0.4f * *ph);
  if (*ph < 0.4f * *pw) *ph = std::min(avail_h, 0.4f * *pw);
}

HeatmapLayout LayOut(const HeatmapFigure& h, const Surface& s, float W, float H) {
  HeatmapLayout L;
  const ValueRange range = ResolveRange(h);
  const float title_h = TitleBlockHeight(h.title, h.subtitle);
  const float cap = kCaptionSize * 1.25f + 8.0f;
  const float left_fixed = kMargin + (h.row_caption.empty() ? 0.0f : cap);
  const float right_fixed =
      kMargin + (h.colorbar ? kColorbarGap + kColorbarWidth + ColorbarLabelExtent(range, !h.colorbar_caption.empty()) : 0.0f);
  const float bottom_caption = h.col_caption.empty() ? 0.0f : cap;
  const float note_h = kNoteSize * 2.0f;
  const float top = kMargin + title_h;

  // Labels change the room left for cells and the cell size changes the
  // labels (size, thinning, rotation): three rounds settle it.
  float cw = 12.0f, ch = 12.0f, pw = 0, ph = 0;
  bool pooled = false;
  for (int round = 0; round < 3; ++round) {
    L.rows = PlanAxis(h.row_labels, h.rows, ch, false, h.labels, kRowLabelMaxWidth);
    L.cols = PlanAxis(h.col_labels, h.cols, cw, true, h.labels, kColLabelMaxWidth);
    float rows_extent = L.rows.show ? L.rows.extent : kTickLength;
    float cols_extent = L.cols.show ? L.cols.extent : kTickLength;
    float avail_w = W - left_fixed - rows_extent - right_fixed;
    float avail_h = H - top - bottom_caption - cols_extent - kMargin - (pooled ? note_h : 0.0f);
    FitPlot(h.rows, h.cols, avail_w, avail_h, &pw, &ph);
    cw = pw / h.cols, ch = ph / h.rows;
    // Horizontally the plot + labels + colorbar group is centred.
    float group = left_fixed - kMargin + rows_extent + pw + right_fixed - kMargin;
    float x = std::max(kMargin, (W - group) * 0.5f) + (left_fixed - kMargin) + rows_extent;
    float y = top + std::max(0.0f, (avail_h - ph) * 0.5f);
    L.plot = Rect{x, y, pw, ph};
    pooled = s.IsRaster() && WillPool(h, L.plot, s.PixelsPerUnit());
  }
  // Re-plan with the final cell size (the last round may have shrunk them).
  L.rows = PlanAxis(h.row_labels, h.rows, ch, false, h.labels, kRowLabelMaxWidth);
  L.cols = PlanAxis(h.col_labels, h.cols, cw, true, h.labels, kColLabelMaxWidth);
  L.pooled = pooled;
  const bool small = h.rows <= 16 && h.cols <= 16;
  L.values = (h.cell_values == CellValues::Show || (h.cell_values == CellValues::Auto && small)) &&
             std::min(cw, ch) >= 14.0f;
  L.grid = std::min(cw, ch) >= 14.0f && h.rows <= 64 && h.cols <= 64;
  L.title_y = kMargin;
  return L;
}

}  // namespace

FigureUnits HeatmapFigureUnits(const HeatmapFigure&) { return {kHeatmapWidth, kHeatmapHeight}; }

void DrawHeatmapFigure(Surface& s, const HeatmapFigure& h, RenderReport* report) {
  const float W = kHeatmapWidth, H = kHeatmapHeight;
  HeatmapLayout L = LayOut(h, s, W, H);
  DrawTitleBlock(s, h.title, h.subtitle, kMargin, W - 2 * kMargin, L.title_y);

  PanelDraw p;
  p.plot = L.plot;
  p.range = ResolveRange(h);
  p.rows = L.rows, p.cols = L.cols;
  p.values = L.values, p.grid = L.grid;
  DrawHeatmapPanel(s, h, p);
  if (report) report->plots.push_back(ToPixels(L.plot, s.PixelsPerUnit()));

  Rect bar{L.plot.right() + kColorbarGap, L.plot.y, kColorbarWidth, L.plot.h};
  if (h.colorbar) {
    DrawColorbar(s, h.colormap, p.range, bar, h.colorbar_caption);
    if (report) report->colorbar = ToPixels(bar, s.PixelsPerUnit());
  }
  if (HasMaskedCells(h)) DrawMaskedLegend(s, h.colorbar ? bar.x : L.plot.right() + 8.0f, L.plot.bottom() + 10.0f);
  if (L.pooled) {
    std::string note = PoolNote(h, L.plot, s.PixelsPerUnit());
    s.Text(FitText(note, kNoteSize, W - 2 * kMargin), kMargin, H - kMargin * 0.6f, kNoteSize, kInkSecondary,
           Anchor::Start);
    if (report) report->notes.push_back(note);
  }
}

}  // namespace attnviz::figure
