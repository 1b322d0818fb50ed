#include "ui/chapters/lesson/lesson_view.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ui/segmented_control.h"
#include "ui/theme.h"

namespace attnviz::ui {

bool DrawSectionTabs(ChapterContext& ctx, const char* id, const char* const* items, int count, int* current) {
  const bool changed = SegmentedControl(id, items, count, current);
  const ImVec2 p = ImGui::GetItemRectMin();
  ctx.layout.AddLastItem(id);
  // The segments as SegmentedControl lays them out: text plus frame padding each.
  const ImGuiStyle& style = ImGui::GetStyle();
  float x = p.x;
  const float h = ImGui::GetFrameHeight();
  for (int i = 0; i < count; ++i) {
    const float w = ImGui::CalcTextSize(items[i]).x + style.FramePadding.x * 2;
    ctx.layout.Add(std::string(id) + "." + std::to_string(i), ImVec2(x, p.y), ImVec2(x + w, p.y + h));
    x += w;
  }
  return changed;
}

HeatmapResult MatrixPanel::Draw(ChapterContext& ctx, const char* id, const MatrixPanelData& d, ImVec2 size) {
  ImGui::PushID(id);
  ImGui::BeginGroup();
  if (!d.title.empty()) {
    const Palette& pal = CurrentPalette();
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.text_dim));
    ImGui::TextUnformatted(d.title.c_str());
    ImGui::PopStyleColor();
    size.y = std::max(4 * ImGui::GetFontSize(), size.y - ImGui::GetTextLineHeightWithSpacing());
  }
  HeatmapData h;
  h.values = d.values;
  h.rows = d.rows;
  h.cols = d.cols;
  h.allowed = d.allowed;
  h.row_tokens = d.row_tokens;
  h.col_tokens = d.col_tokens;
  h.row_axis = d.row_axis;
  h.col_axis = d.col_axis;
  h.value_name = d.value_name;
  h.value_format = d.value_format;
  h.scale = d.scale;
  h.pool = d.pool;
  h.generation = d.generation;
  h.selected_row = d.selected_row;
  h.highlight_row = d.highlight_row;
  h.highlight_col = d.highlight_col;
  h.show_export_button = false;
  h.extras = d.extras;
  view_.show_colorbar = d.colorbar;
  view_.show_values = d.cell_values && ctx.ui.show_values;
  HeatmapResult r = heatmap_.Draw("##m", h, view_, size);
  ImGui::EndGroup();
  if (d.values && d.rows > 0 && d.cols > 0) {
    ExportableHeatmap e;
    e.title = d.title;
    e.slug = d.slug;
    e.values = d.values;
    e.rows = d.rows;
    e.cols = d.cols;
    e.allowed = d.allowed;
    e.row_tokens = d.row_tokens;
    e.col_tokens = d.col_tokens;
    e.scale = d.scale;
    e.value_name = d.value_name;
    ctx.OfferExport(std::move(e), r.focused);
  }
  if (r.hovered_row >= 0 && !d.row_tokens.empty()) ctx.ReportHover(r.hovered_row);
  ImGui::PopID();
  return r;
}

void OfferPlot(ChapterContext& ctx, const PlotFigure& fig, const std::string& slug, const PlotResult& r) {
  if (r.export_requested) ctx.export_requested = true;
  OfferFigure(ctx, fig.title, slug, Figure{fig}, r.hovered || r.export_requested);
}

std::string FormatDifference(double v) {
  char s[32];
  if (v == 0) return "0";
  if (std::abs(v) < 1e-3) std::snprintf(s, sizeof s, "%.1e", v);
  else std::snprintf(s, sizeof s, "%.3g", v);
  return s;
}

std::string FormatCount(double v) {
  char s[32];
  const double a = std::abs(v);
  if (a >= 1e15) std::snprintf(s, sizeof s, "%.2g", v);
  else if (a >= 1e12) std::snprintf(s, sizeof s, "%.1fT", v / 1e12);
  else if (a >= 1e9) std::snprintf(s, sizeof s, "%.1fG", v / 1e9);
  else if (a >= 1e6) std::snprintf(s, sizeof s, "%.1fM", v / 1e6);
  else if (a >= 1e4) std::snprintf(s, sizeof s, "%.1fk", v / 1e3);
  else std::snprintf(s, sizeof s, "%.0f", v);
  return s;
}

std::string FormatShare(double v) {
  char s[32];
  if (v > 0 && v < 0.001) std::snprintf(s, sizeof s, "<0.1%%");
  else std::snprintf(s, sizeof s, v < 0.1 ? "%.1f%%" : "%.0f%%", 100 * v);
  return s;
}

std::string FormatEquality(double d) {
  // Float has 24 bits: differences of a few 1e-7 on values of order 1 are the
  // rounding of sums taken in another order, not a change.
  if (d == 0) return "0 (bit for bit)";
  if (d < 1e-5) return FormatDifference(d) + " = 0 to float rounding";
  return FormatDifference(d);
}

ColorScale DivergingScale(const float* values, long count, float floor) {
  float a = floor;
  for (long i = 0; i < count; ++i)
    if (std::isfinite(values[i])) a = std::max(a, std::abs(values[i]));
  return {Colormap::Diverging, -a, a};
}

Colormap ChapterColormap(const ChapterContext& ctx) { return ParseColormap(ctx.ui.colormap).value_or(Colormap::Viridis); }

}  // namespace attnviz::ui
