// The heatmap's layout: margins, plot rectangle, and the mapping between the
// view (zoom, centre) and the screen (see heatmap_internal.h).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ui/widgets/heatmap_internal.h"

namespace attnviz::ui {

namespace {

// The widest label of an axis, for its margin. Measuring every token at N = 4096 each
// frame is too slow; a sample of 256 is enough for a margin.
float WidestLabel(std::span<const Token> tokens, int count) {
  float w = ImGui::CalcTextSize(std::to_string(std::max(count - 1, 0)).c_str()).x;
  const int n = static_cast<int>(tokens.size());
  const int step = std::max(1, n / 256);
  for (int i = 0; i < n; i += step) w = std::max(w, ImGui::CalcTextSize(DisplayToken(tokens[i].text).c_str()).x);
  return w;
}

// Room for the widest tick label the colorbar can print.
float ColorbarLabelWidth(const ColorScale& scale) {
  char buf[64];
  float w = 0;
  float ticks[16];
  const int nt = NiceTicks(scale.vmin, scale.vmax, 11, ticks);
  for (int i = 0; i < nt + 2; ++i) {
    const float v = i < nt ? ticks[i] : (i == nt ? scale.vmin : scale.vmax);
    std::snprintf(buf, sizeof buf, "%.3g", v);
    w = std::max(w, ImGui::CalcTextSize(buf).x);
  }
  return w;
}

}  // namespace

HeatmapLayout LayoutHeatmap(const HeatmapData& d, const HeatmapView& view, ImVec2 size) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const bool has_data = d.values && d.rows > 0 && d.cols > 0;
  HeatmapLayout l;
  l.font = ImGui::GetFontSize();
  l.px = std::max(1.0f, l.font / 16.0f);
  l.pad = style.ItemInnerSpacing.x;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  l.origin = ImGui::GetCursorScreenPos();
  if (size.x <= 0) size.x = std::max(avail.x, l.font * 12.0f);

  // Margins: row labels left, column labels on top, colorbar right.
  l.row_margin = has_data ? std::min(WidestLabel(d.row_tokens, d.rows), l.font * 7.0f) + l.pad * 2 : 0.0f;
  // Token columns get vertical labels; plain column numbers (Q, K, V dims) read horizontally.
  l.vertical_col_labels = !d.col_tokens.empty();
  l.col_margin = !has_data                ? 0.0f
                 : l.vertical_col_labels ? std::min(WidestLabel(d.col_tokens, d.cols), l.font * 5.0f) + l.pad * 2
                                         : ImGui::GetTextLineHeight() + l.pad * 2;
  const float bar_label_w = ColorbarLabelWidth(d.scale);
  l.bar_w = view.show_colorbar ? l.font * 0.8f : 0.0f;
  const float bar_margin = view.show_colorbar ? l.font * 0.8f + l.bar_w + l.font * 0.5f + bar_label_w + l.pad : 0.0f;
  l.header_h = ImGui::GetFrameHeight() + style.ItemSpacing.y;
  l.plot_w = std::max(l.font * 4.0f, size.x - l.row_margin - bar_margin);
  if (size.y <= 0) {
    // Square cells when the matrix is square-ish; tall thin matrices (N x d) get cells 1.5 lines high.
    const float aspect = has_data ? static_cast<float>(d.rows) / d.cols : 1.0f;
    float plot_h = l.plot_w * std::min(aspect, 1.0f);
    if (has_data && aspect > 1.0f) plot_h = std::min(l.plot_w * aspect, d.rows * l.font * 1.5f);
    plot_h = std::max(plot_h, l.font * 8.0f);
    size.y = l.header_h + l.col_margin + plot_h;
    if (avail.y > l.font * 12.0f) size.y = std::min(size.y, avail.y);
    size.y = std::max(size.y, l.font * 12.0f);
  }
  l.size = size;
  l.plot_min = ImVec2(l.origin.x + l.row_margin, l.origin.y + l.header_h + l.col_margin);
  l.plot_max = ImVec2(l.plot_min.x + l.plot_w, l.origin.y + size.y);
  return l;
}

float MaxZoom(int rows, int cols) {
  // Down to about two cells across the smaller side, and never past 64x.
  return std::clamp(std::min(rows, cols) / 2.0f, 1.0f, 64.0f);
}

void ClampView(HeatmapView& view, int rows, int cols) {
  view.zoom = std::clamp(std::isfinite(view.zoom) ? view.zoom : 1.0f, 1.0f, MaxZoom(rows, cols));
  const float half = 0.5f / view.zoom;
  if (!std::isfinite(view.center_x)) view.center_x = 0.5f;
  if (!std::isfinite(view.center_y)) view.center_y = 0.5f;
  view.center_x = std::clamp(view.center_x, half, 1.0f - half);
  view.center_y = std::clamp(view.center_y, half, 1.0f - half);
}

void FitView(HeatmapView& view) {
  view.zoom = 1.0f;
  view.center_x = view.center_y = 0.5f;
}

ViewMap MakeViewMap(const HeatmapView& view, int rows, int cols, ImVec2 pmin, ImVec2 pmax) {
  ViewMap m;
  m.plot_min = pmin;
  m.plot_max = pmax;
  m.vw = cols / view.zoom;
  m.vh = rows / view.zoom;
  m.x0 = view.center_x * cols - m.vw * 0.5f;
  m.y0 = view.center_y * rows - m.vh * 0.5f;
  m.cw = std::max(1e-3f, (pmax.x - pmin.x) / m.vw);
  m.ch = std::max(1e-3f, (pmax.y - pmin.y) / m.vh);
  return m;
}

VisibleCells VisibleCellsOf(const ViewMap& m, int rows, int cols, PoolFactors pooled) {
  VisibleCells v;
  v.r_begin = std::max(0, static_cast<int>(std::floor(m.y0)));
  v.r_end = std::min(rows, static_cast<int>(std::ceil(m.y0 + m.vh)));
  v.c_begin = std::max(0, static_cast<int>(std::floor(m.x0)));
  v.c_end = std::min(cols, static_cast<int>(std::ceil(m.x0 + m.vw)));
  v.one_texel_per_cell = !pooled.pooled();
  return v;
}

bool CellMasked(const HeatmapData& d, int r, int c) {
  const std::size_t i = static_cast<std::size_t>(r) * d.cols + c;
  return (d.allowed && !d.allowed[i]) || !std::isfinite(d.values[i]);
}

std::string AxisLabel(std::span<const Token> tokens, int i) {
  if (i >= 0 && i < static_cast<int>(tokens.size())) return DisplayToken(tokens[i].text);
  return std::to_string(i);
}

}  // namespace attnviz::ui
