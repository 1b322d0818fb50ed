// Heatmap widget (see heatmap.h): Draw runs the frame in order; each step
// lives in its own file (heatmap_internal.h lists them).
//
// Index:
//   [SECTION] Header row: what is shown, Fit, Export
//   [SECTION] Heatmap::Draw
#define IMGUI_DEFINE_MATH_OPERATORS
#include "ui/widgets/heatmap.h"

#include <algorithm>

#include <imgui_internal.h>  // SetItemUsingMouseWheel: the heatmap zooms, its window must not scroll

#include "ui/widgets/heatmap_internal.h"

namespace attnviz::ui {

namespace {

// [SECTION] Header row: what is shown, Fit, Export

void DrawHeaderRow(const HeatmapData& d, const HeatmapLayout& l, PoolFactors pooled, long nonfinite_cells,
                   HeatmapView& view, HeatmapResult* res) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const bool has_data = d.values && d.rows > 0 && d.cols > 0;
  ImGui::AlignTextToFramePadding();
  if (!has_data) {
    ImGui::TextDisabled("no matrix");
  } else {
    ImGui::TextDisabled("%d x %d %s", d.rows, d.cols, d.value_name);
    if (pooled.pooled()) {
      ImGui::SameLine();
      const char* how = d.pool == PoolMode::MaxAbs ? "max-|v|" : "max";
      if (pooled.rows == pooled.cols)
        ImGui::TextColored(NoticeColor(), "shown %s-pooled %d:1", how, pooled.rows);
      else
        ImGui::TextColored(NoticeColor(), "shown %s-pooled %dx%d cells per texel", how, pooled.rows, pooled.cols);
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip("More cells than pixels: each pixel shows the %s of a %d x %d block,\n"
                          "so no strong value disappears. Zoom in for every cell.",
                          d.pool == PoolMode::MaxAbs ? "value of largest magnitude" : "largest value",
                          pooled.rows, pooled.cols);
    }
    if (nonfinite_cells > 0) {
      ImGui::SameLine();
      ImGui::TextColored(ProblemColor(), "%ld non-finite shown as masked", nonfinite_cells);
    }
    if (view.zoom > 1.001f) {
      ImGui::SameLine();
      ImGui::TextDisabled("zoom %.1fx", view.zoom);
    }
  }
  const float fit_w = ImGui::CalcTextSize("Fit").x + style.FramePadding.x * 2;
  const float exp_w = d.show_export_button
                          ? ImGui::CalcTextSize("Export").x + style.FramePadding.x * 2 + style.ItemSpacing.x
                          : 0.0f;
  const float right = l.origin.x + l.size.x;
  ImGui::SameLine();
  ImGui::SetCursorScreenPos(ImVec2(std::max(ImGui::GetCursorScreenPos().x, right - fit_w - exp_w), l.origin.y));
  if (ImGui::SmallButton("Fit")) FitView(view);
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Fit the whole matrix (or double-click it)");
  if (d.show_export_button) {
    ImGui::SameLine();
    if (ImGui::SmallButton("Export")) {
      res->export_requested = true;
      res->focused = true;
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Export this heatmap as PNG / SVG (Ctrl+E)");
  }
}

}  // namespace

// [SECTION] Heatmap::Draw

HeatmapResult Heatmap::Draw(const char* id, const HeatmapData& d, HeatmapView& view, ImVec2 size) {
  HeatmapResult res;
  const bool has_data = d.values && d.rows > 0 && d.cols > 0;
  ImGui::PushID(id);
  ImGui::BeginGroup();

  // Layout, then the texture for the pixels the whole matrix covers at this zoom.
  if (has_data) ClampView(view, d.rows, d.cols);
  const HeatmapLayout l = LayoutHeatmap(d, view, size);
  res.plot_min = l.plot_min;
  res.plot_max = l.plot_max;
  if (has_data) {
    const float fb_scale = std::max(1.0f, ImGui::GetIO().DisplayFramebufferScale.y);
    const ImVec2 plot = l.plot_max - l.plot_min;
    texture_.Update(d, std::max(1, static_cast<int>(plot.y * view.zoom * fb_scale)),
                    std::max(1, static_cast<int>(plot.x * view.zoom * fb_scale)), ImGui::GetTime());
  }
  const PoolFactors pooled = has_data ? texture_.factors() : PoolFactors{};
  res.pool_rows = pooled.rows;
  res.pool_cols = pooled.cols;
  DrawHeaderRow(d, l, pooled, texture_.nonfinite_cells(), view, &res);

  // The interactive area: labels and matrix (the colorbar is drawn but not interactive).
  ImGui::SetCursorScreenPos(ImVec2(l.origin.x, l.origin.y + l.header_h));
  HeatmapItem item;
  item.released = ImGui::InvisibleButton("##heatmap", ImVec2(l.row_margin + l.plot_w, std::max(1.0f, l.size.y - l.header_h)));
  item.hovered = ImGui::IsItemHovered();
  item.active = ImGui::IsItemActive();
  if (item.hovered) ImGui::SetItemUsingMouseWheel();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  if (!has_data) {
    draw->AddRect(l.plot_min, l.plot_max, ImGui::GetColorU32(ImGuiCol_Border));
    ImGui::EndGroup();
    ImGui::PopID();
    return res;
  }

  // Interaction: zoom and pan first, then hover and click on the view they leave.
  HandleZoomAndPan(d, l, item, view, &dragging_);
  const ViewMap m = MakeViewMap(view, d.rows, d.cols, l.plot_min, l.plot_max);
  const HeatmapHover hover = HoverOf(item, m, d.rows, d.cols);
  res.hovered_row = hover.row;
  res.hovered_col = hover.col;
  res.clicked_row = ClickedRow(item, hover, &dragging_);
  res.focused = res.focused || item.hovered || item.released;

  // The matrix: one textured quad for the whole (pooled, padded to whole blocks) matrix,
  // clipped to the plot, then the overlays.
  draw->PushClipRect(l.plot_min, l.plot_max, true);
  draw->PushClipRect(l.plot_min, ImVec2(std::min(l.plot_max.x, m.ScreenX(static_cast<float>(d.cols))),
                                        std::min(l.plot_max.y, m.ScreenY(static_cast<float>(d.rows)))), true);
  draw->AddImage(texture_.id(), ImVec2(m.ScreenX(0), m.ScreenY(0)),
                 ImVec2(m.ScreenX(static_cast<float>(texture_.width() * pooled.cols)),
                        m.ScreenY(static_cast<float>(texture_.height() * pooled.rows))));
  draw->PopClipRect();
  const VisibleCells cells = VisibleCellsOf(m, d.rows, d.cols, pooled);
  DrawMaskHatching(draw, d, m, cells, l.font);
  DrawCellGrid(draw, m, cells, l.font);
  DrawCellValues(draw, d, view, m, cells, l.font);
  DrawMarks(draw, d, m, hover, l.px);
  draw->PopClipRect();
  draw->AddRect(l.plot_min - ImVec2(1, 1), l.plot_max + ImVec2(1, 1), ImGui::GetColorU32(ImGuiCol_Border));
  DrawAxisLabels(draw, d, l, m, cells, hover);

  // Colorbar on the right, as tall as the plot.
  if (view.show_colorbar) {
    const ImVec2 bmin(l.plot_max.x + l.font * 0.8f, l.plot_min.y);
    DrawColorbarInRect(draw, bmin, ImVec2(bmin.x + l.bar_w, l.plot_max.y), d.scale, ColorbarOrientation::Vertical,
                       "%.3g");
  }

  // Right-click menu, and the tooltip when no menu is open and nothing is being dragged.
  const bool menu_open = DrawHeatmapMenu(d, item, view, &res);
  if (item.hovered && !dragging_ && !menu_open && hover.row >= 0) DrawHeatmapTooltip(d, hover, pooled);

  ImGui::SetCursorScreenPos(ImVec2(l.origin.x, l.origin.y + l.size.y));
  ImGui::Dummy(ImVec2(l.size.x, 0.0f));
  ImGui::EndGroup();
  ImGui::PopID();
  return res;
}

}  // namespace attnviz::ui
