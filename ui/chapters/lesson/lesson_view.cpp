#include "ui/chapters/lesson/lesson_view.h"

#include <algorithm>
#include <cmath>
#include <cstdarg>
#include <cstdio>

#include "ui/segmented_control.h"
#include "ui/theme.h"
#include "ui/widgets/fit_text.h"

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
    ctx.layout.Add(std::string(id) + std::string(".") + std::to_string(i), ImVec2(x, p.y), ImVec2(x + w, p.y + h));
    x += w;
  }
  return changed;
}

void RecordFrame(ChapterContext& ctx, const std::string& name, const char* label) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  const ImVec2 text = ImGui::CalcTextSize(label, nullptr, true);  // up to "##"
  const float w = text.x > 0 ? (b.x - a.x) - text.x - ImGui::GetStyle().ItemInnerSpacing.x : b.x - a.x;
  ctx.layout.Add(name, a, ImVec2(a.x + std::max(1.0f, w), b.y));
}

HeatmapResult MatrixPanel::Draw(ChapterContext& ctx, const char* id, const MatrixPanelData& d, ImVec2 size) {
  ImGui::PushID(id);
  ImGui::BeginGroup();
  if (!d.title.empty()) {
    const Palette& pal = CurrentPalette();
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.text_dim));
    // Never wider than the panel: a long title would push the next panel aside.
    ImGui::TextUnformatted(FitTextToWidth(d.title, size.x).c_str());
    if (ImGui::IsItemHovered() && ImGui::CalcTextSize(d.title.c_str()).x > size.x) ImGui::SetTooltip("%s", d.title.c_str());
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

void DrawCaption(float width, const char* fmt, ...) {
  char buf[512];
  va_list args;
  va_start(args, fmt);
  std::vsnprintf(buf, sizeof buf, fmt, args);
  va_end(args);
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + width);
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("%s", buf);
  ImGui::PopStyleColor();
  ImGui::PopTextWrapPos();
}

void OfferPlot(ChapterContext& ctx, const PlotFigure& fig, const std::string& slug, const PlotResult& r) {
  if (r.export_requested) ctx.export_requested = true;
  OfferFigure(ctx, fig.title, slug, Figure{fig}, r.hovered || r.export_requested);
}

PlotResult DrawLessonPlot(ChapterContext& ctx, const char* id, const PlotFigure& fig, ImVec2 size, const std::string& slug,
                          bool export_button) {
  const float fs = ImGui::GetFontSize();
  const ImVec2 start = ImGui::GetCursorScreenPos();
  ImGui::BeginGroup();
  int entries = 0;
  for (const PlotSeries& s : fig.series) entries += s.label.empty() ? 0 : 1;
  if (fig.legend && entries > 0) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const Palette& pal = CurrentPalette();
    const float lh = ImGui::GetTextLineHeight();
    float x = start.x, y = start.y;
    for (const PlotSeries& s : fig.series) {
      if (s.label.empty()) continue;
      const float w = 1.6f * fs + ImGui::CalcTextSize(s.label.c_str()).x + 0.9f * fs;
      if (x > start.x && x + w > start.x + size.x) {
        x = start.x;
        y += lh;
      }
      const ImU32 c = ToImU32(s.color);
      if (s.style == PlotStyle::Bars) dl->AddRectFilled(ImVec2(x, y + lh * 0.25f), ImVec2(x + 1.1f * fs, y + lh * 0.75f), c);
      else if (s.style == PlotStyle::Markers) dl->AddCircleFilled(ImVec2(x + 0.55f * fs, y + lh * 0.5f), 0.25f * fs, c);
      else dl->AddLine(ImVec2(x, y + lh * 0.5f), ImVec2(x + 1.2f * fs, y + lh * 0.5f), c, s.dashed ? 1.5f : 2.5f);
      dl->AddText(ImVec2(x + 1.6f * fs, y), pal.text_dim, s.label.c_str());
      x += w;
    }
    const float used = y + lh - start.y + 0.15f * fs;
    ImGui::Dummy(ImVec2(size.x, used));
    size.y = std::max(6 * fs, size.y - used - ImGui::GetStyle().ItemSpacing.y);
  }
  PlotFigure screen = fig;
  screen.legend = false;
  const PlotResult r = DrawPlot(id, screen, size, export_button);
  ImGui::EndGroup();
  OfferPlot(ctx, fig, slug, r);
  return r;
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
  if (a >= 1e18) std::snprintf(s, sizeof s, "%.2g", v);
  else if (a >= 1e15) std::snprintf(s, sizeof s, "%.1fP", v / 1e15);
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
