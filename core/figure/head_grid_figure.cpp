// The head grid: many heatmaps (every head, or every head of every layer) in
// one figure, each titled, on one shared value range and colorbar so panels
// compare at a glance. Labels are shared like matplotlib's sharex/sharey:
// row labels on the first column, column labels under the last panel of each
// column; they are drawn only when they can be read (N <= 32).
#include <algorithm>
#include <cmath>

#include "core/figure/layout.h"

namespace attnviz::figure {
namespace {

constexpr float kPanelTitleSize = 11.0f;
constexpr float kGapX = 16.0f, kGapY = 12.0f;
constexpr int kMaxLabelledTokens = 32;

struct GridLayout {
  int columns = 1, rows = 1;
  float panel = 200.0f;
  float title_h = 0, panel_title_h = 0;
  float left = 0, bottom = 0, right = 0;  // label/caption/colorbar gutters
  AxisPlan row_plan, col_plan;
  ValueRange range;
  float W = 0, H = 0;
};

int ChooseColumns(int n, int asked) {
  if (asked > 0) return std::min(asked, n);
  // Fewest empty slots, then closest to a 2:1 landscape arrangement.
  int best = 1;
  double best_score = 1e9;
  for (int c = 1; c <= std::min(n, 8); ++c) {
    int r = (n + c - 1) / c;
    double score = (r * c - n) * 1.0 + std::fabs(std::log(double(c) / r / 2.0));
    if (score < best_score) best_score = score, best = c;
  }
  return best;
}

GridLayout LayOut(const HeadGridFigure& g) {
  GridLayout L;
  const HeatmapFigure& first = g.panels.front();
  const int n = static_cast<int>(g.panels.size());
  L.columns = ChooseColumns(n, g.columns);
  L.rows = (n + L.columns - 1) / L.columns;
  // Panels shrink as they multiply so a 64-head grid stays a printable figure.
  L.panel = std::clamp(1400.0f / L.columns, 110.0f, 220.0f);
  L.title_h = TitleBlockHeight(g.title, g.subtitle);
  L.panel_title_h = kPanelTitleSize * 1.5f + 2.0f;

  // One range for all panels.
  bool diverging = IsDivergingColormap(first.colormap);
  L.range = ResolveRange(first);
  for (const HeatmapFigure& p : g.panels) {
    ValueRange r = ResolveRange(p);
    L.range.vmin = std::min(L.range.vmin, r.vmin);
    L.range.vmax = std::max(L.range.vmax, r.vmax);
  }
  if (diverging) {
    float a = std::max(std::fabs(L.range.vmin), std::fabs(L.range.vmax));
    L.range = {-a, a};
  }

  const bool labels = g.labels && first.rows <= kMaxLabelledTokens && first.cols <= kMaxLabelledTokens;
  L.row_plan = PlanAxis(first.row_labels, first.rows, L.panel / first.rows, false, labels, 80.0f, 8.0f);
  L.col_plan = PlanAxis(first.col_labels, first.cols, L.panel / first.cols, true, labels, 80.0f, 8.0f);
  const float cap = kCaptionSize * 1.25f + 8.0f;
  L.left = kMargin + (first.row_caption.empty() ? 0.0f : cap) + (labels ? L.row_plan.extent : kTickLength);
  L.bottom = kMargin + (first.col_caption.empty() ? 0.0f : cap) + (labels ? L.col_plan.extent : kTickLength);
  L.right = kMargin + (g.colorbar ? kColorbarGap + kColorbarWidth + ColorbarLabelExtent(L.range, !first.colorbar_caption.empty()) : 0.0f);
  L.W = L.left + L.columns * L.panel + (L.columns - 1) * kGapX + L.right;
  L.H = kMargin + L.title_h + L.rows * (L.panel_title_h + L.panel) + (L.rows - 1) * kGapY + L.bottom;
  L.W = std::max(L.W, 480.0f);
  return L;
}

}  // namespace

FigureUnits HeadGridUnits(const HeadGridFigure& g) {
  GridLayout L = LayOut(g);
  return {L.W, L.H};
}

void DrawHeadGrid(Surface& s, const HeadGridFigure& g, RenderReport* report) {
  GridLayout L = LayOut(g);
  DrawTitleBlock(s, g.title, g.subtitle, kMargin, L.W - 2 * kMargin, kMargin);
  const int n = static_cast<int>(g.panels.size());
  const float top = kMargin + L.title_h;
  bool pooled_any = false;
  std::string pool_note;
  for (int i = 0; i < n; ++i) {
    const HeatmapFigure& h = g.panels[static_cast<std::size_t>(i)];
    int col = i % L.columns, row = i / L.columns;
    float x = L.left + col * (L.panel + kGapX);
    float y = top + row * (L.panel_title_h + L.panel + kGapY);
    s.Text(FitText(h.title, kPanelTitleSize, L.panel + kGapX * 0.8f), x + L.panel * 0.5f, y + kPanelTitleSize * 1.05f,
           kPanelTitleSize, kInk, Anchor::Middle);
    PanelDraw p;
    p.plot = Rect{x, y + L.panel_title_h, L.panel, L.panel};
    p.range = L.range;
    p.rows = col == 0 ? L.row_plan : AxisPlan{};
    p.cols = i + L.columns >= n ? L.col_plan : AxisPlan{};
    p.row_caption = false, p.col_caption = false;
    p.grid = L.panel / std::max(h.rows, h.cols) >= 12.0f;
    p.values = false;
    HeatmapFigure panel = h;
    panel.highlight_row = -1;
    if (s.IsRaster() && WillPool(panel, p.plot, s.PixelsPerUnit())) {
      pooled_any = true;
      pool_note = PoolNote(panel, p.plot, s.PixelsPerUnit());
    }
    DrawHeatmapPanel(s, panel, p);
    if (report) report->plots.push_back(ToPixels(p.plot, s.PixelsPerUnit()));
  }
  const HeatmapFigure& first = g.panels.front();
  const float grid_top = top + L.panel_title_h;
  const float grid_h = L.rows * (L.panel_title_h + L.panel) + (L.rows - 1) * kGapY - L.panel_title_h;
  const float grid_w = L.columns * L.panel + (L.columns - 1) * kGapX;
  const FontMetrics cm = GetFontMetrics(kCaptionSize);
  if (!first.row_caption.empty())
    s.Text(first.row_caption, kMargin + cm.ascent, grid_top + grid_h * 0.5f, kCaptionSize, kInkSecondary,
           Anchor::Middle, FontWeight::Regular, true);
  if (!first.col_caption.empty())
    s.Text(first.col_caption, L.left + grid_w * 0.5f, L.H - kMargin - cm.descent, kCaptionSize, kInkSecondary,
           Anchor::Middle);
  if (g.colorbar) {
    Rect bar{L.left + grid_w + kColorbarGap, grid_top, kColorbarWidth, std::min(grid_h, 420.0f)};
    DrawColorbar(s, first.colormap, L.range, bar, first.colorbar_caption);
    if (report) report->colorbar = ToPixels(bar, s.PixelsPerUnit());
    bool masked = false;
    for (const HeatmapFigure& h : g.panels) masked = masked || HasMaskedCells(h);
    if (masked) DrawMaskedLegend(s, bar.x, bar.bottom() + 14.0f);
  }
  if (pooled_any) {
    s.Text(FitText(pool_note, kNoteSize, L.W - 2 * kMargin), kMargin, L.H - kMargin * 0.25f, kNoteSize,
           kInkSecondary, Anchor::Start);
    if (report) report->notes.push_back(pool_note);
  }
}

}  // namespace attnviz::figure
