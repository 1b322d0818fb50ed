// The heatmap's interaction: wheel zooms around the cursor, drag pans,
// double-click fits, hover finds the cell (or the row label), a click that was
// not a drag selects the row (see heatmap_internal.h).
#include <algorithm>
#include <cmath>

#include "ui/widgets/heatmap_internal.h"

namespace attnviz::ui {

void HandleZoomAndPan(const HeatmapData& d, const HeatmapLayout& l, const HeatmapItem& item, HeatmapView& view,
                      bool* dragging) {
  const ImGuiIO& io = ImGui::GetIO();
  const ImVec2 pmin = l.plot_min, pmax = l.plot_max;
  const ImVec2 mouse = io.MousePos;
  if (item.hovered && io.MouseWheel != 0.0f) {
    const ViewMap before = MakeViewMap(view, d.rows, d.cols, pmin, pmax);
    const float mc = before.ColAt(std::clamp(mouse.x, pmin.x, pmax.x));
    const float mr = before.RowAt(std::clamp(mouse.y, pmin.y, pmax.y));
    view.zoom = std::clamp(view.zoom * std::pow(1.2f, io.MouseWheel), 1.0f, MaxZoom(d.rows, d.cols));
    const float vw = d.cols / view.zoom, vh = d.rows / view.zoom;
    const float fx = (std::clamp(mouse.x, pmin.x, pmax.x) - pmin.x) / (pmax.x - pmin.x);
    const float fy = (std::clamp(mouse.y, pmin.y, pmax.y) - pmin.y) / (pmax.y - pmin.y);
    view.center_x = (mc - fx * vw + vw * 0.5f) / d.cols;
    view.center_y = (mr - fy * vh + vh * 0.5f) / d.rows;
    ClampView(view, d.rows, d.cols);
  }
  const float drag_threshold_sq = io.MouseDragThreshold * io.MouseDragThreshold;
  if (ImGui::IsItemActivated()) *dragging = false;
  if (item.active && io.MouseDragMaxDistanceSqr[0] > drag_threshold_sq) {
    *dragging = true;
    const ViewMap m = MakeViewMap(view, d.rows, d.cols, pmin, pmax);
    view.center_x -= io.MouseDelta.x / m.cw / d.cols;
    view.center_y -= io.MouseDelta.y / m.ch / d.rows;
    ClampView(view, d.rows, d.cols);
    ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeAll);
  }
  if (item.hovered && ImGui::IsMouseDoubleClicked(0)) FitView(view);
}

HeatmapHover HoverOf(const HeatmapItem& item, const ViewMap& m, int rows, int cols) {
  HeatmapHover h;
  if (!item.hovered && !item.active) return h;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const ImVec2 pmin = m.plot_min, pmax = m.plot_max;
  if (mouse.x >= pmin.x && mouse.x < pmax.x && mouse.y >= pmin.y && mouse.y < pmax.y) {
    h.over_plot = true;
    h.row = std::clamp(static_cast<int>(std::floor(m.RowAt(mouse.y))), 0, rows - 1);
    h.col = std::clamp(static_cast<int>(std::floor(m.ColAt(mouse.x))), 0, cols - 1);
  } else if (mouse.x < pmin.x && mouse.y >= pmin.y && mouse.y < pmax.y) {
    h.over_row_label = true;
    h.row = std::clamp(static_cast<int>(std::floor(m.RowAt(mouse.y))), 0, rows - 1);
  }
  return h;
}

int ClickedRow(const HeatmapItem& item, const HeatmapHover& hover, bool* dragging) {
  const ImGuiIO& io = ImGui::GetIO();
  const float drag_threshold_sq = io.MouseDragThreshold * io.MouseDragThreshold;
  int clicked = -1;
  if (item.released && !*dragging && io.MouseDragMaxDistanceSqr[0] <= drag_threshold_sq && hover.row >= 0)
    clicked = hover.row;
  if (!item.active && !ImGui::IsMouseDown(0)) *dragging = false;
  return clicked;
}

}  // namespace attnviz::ui
