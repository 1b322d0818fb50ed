// The heatmap widget's parts, shared by its files (not for callers: use heatmap.h).
//
//   heatmap.cpp           Heatmap::Draw: the frame in order, and the header row
//   heatmap_layout.cpp    margins, plot rectangle, view <-> screen mapping
//   heatmap_texture.cpp   the pooled, baked texture and when to rebuild it
//   heatmap_input.cpp     zoom, pan, hover, click
//   heatmap_overlays.cpp  hatching, grid, cell values, marks, axis labels
//   heatmap_tooltip.cpp   the hover tooltip and the right-click menu
#pragma once
#include <span>
#include <string>

#include <imgui.h>

#include "ui/widgets/heatmap.h"

namespace attnviz::ui {

// [SECTION] Layout (heatmap_layout.cpp)

// Where everything goes this frame, in screen pixels.
struct HeatmapLayout {
  ImVec2 origin;              // top-left of the widget
  ImVec2 size;                // the whole widget (header, labels, plot, colorbar)
  float font = 16.0f;         // font size
  float px = 1.0f;            // one "pixel" of outline at the reference 16 px font
  float pad = 4.0f;           // ItemInnerSpacing.x
  float row_margin = 0;       // row labels, left of the plot
  float col_margin = 0;       // column labels, above the plot
  bool vertical_col_labels = false;  // token columns read bottom-to-top; numbered columns horizontally
  float bar_w = 0;            // colorbar width (0 when hidden)
  float header_h = 0;         // status line and Fit / Export
  float plot_w = 0;
  ImVec2 plot_min, plot_max;  // the matrix area
};

// size (0,0) picks the defaults documented in heatmap.h.
HeatmapLayout LayoutHeatmap(const HeatmapData& d, const HeatmapView& view, ImVec2 size);

// The visible window onto the matrix, in cells, and the size of one cell on screen.
struct ViewMap {
  ImVec2 plot_min, plot_max;  // the matrix area on screen
  float x0 = 0, y0 = 0;       // first visible column / row (fractional)
  float vw = 1, vh = 1;       // visible columns / rows
  float cw = 1, ch = 1;       // cell width / height in pixels
  float ScreenX(float col) const { return plot_min.x + (col - x0) * cw; }
  float ScreenY(float row) const { return plot_min.y + (row - y0) * ch; }
  float ColAt(float x) const { return x0 + (x - plot_min.x) / cw; }
  float RowAt(float y) const { return y0 + (y - plot_min.y) / ch; }
};

float MaxZoom(int rows, int cols);
void ClampView(HeatmapView& view, int rows, int cols);
void FitView(HeatmapView& view);
ViewMap MakeViewMap(const HeatmapView& view, int rows, int cols, ImVec2 plot_min, ImVec2 plot_max);

// The cells at least partly on screen: rows [r_begin, r_end), columns [c_begin, c_end).
struct VisibleCells {
  int r_begin = 0, r_end = 0, c_begin = 0, c_end = 0;
  bool one_texel_per_cell = true;  // the texture is not pooled: cell overlays make sense
};
VisibleCells VisibleCellsOf(const ViewMap& m, int rows, int cols, PoolFactors pooled);

// Masked, or a value no colour can stand for (drawn as masked).
bool CellMasked(const HeatmapData& d, int r, int c);

// A row or column label: the token as displayed, or its number.
std::string AxisLabel(std::span<const Token> tokens, int i);

// [SECTION] Interaction (heatmap_input.cpp)

// The interactive item of this frame (labels and matrix; not the colorbar).
struct HeatmapItem {
  bool hovered = false, active = false, released = false;
};

// Where the mouse is: a cell in the plot, or a row label on the left.
struct HeatmapHover {
  bool over_plot = false, over_row_label = false;
  int row = -1, col = -1;  // -1 when nowhere
};

// Wheel zooms around the cursor, drag pans, double-click fits. Sets *dragging
// once the drag passes ImGui's threshold (a click then selects nothing).
void HandleZoomAndPan(const HeatmapData& d, const HeatmapLayout& l, const HeatmapItem& item, HeatmapView& view,
                      bool* dragging);
// Hover and click, on the view as it is after zoom and pan.
HeatmapHover HoverOf(const HeatmapItem& item, const ViewMap& m, int rows, int cols);
// The row a click (not a drag) selects this frame, or -1; ends a drag once the button is up.
int ClickedRow(const HeatmapItem& item, const HeatmapHover& hover, bool* dragging);

// [SECTION] Overlays (heatmap_overlays.cpp)

// Everything drawn over the texture, clipped to the plot (the caller pushes the clip rect).
void DrawMaskHatching(ImDrawList* draw, const HeatmapData& d, const ViewMap& m, const VisibleCells& v, float font);
void DrawCellGrid(ImDrawList* draw, const ViewMap& m, const VisibleCells& v, float font);
void DrawCellValues(ImDrawList* draw, const HeatmapData& d, const HeatmapView& view, const ViewMap& m,
                    const VisibleCells& v, float font);
// Highlighted row / column, the hovered cell and the selected row.
void DrawMarks(ImDrawList* draw, const HeatmapData& d, const ViewMap& m, const HeatmapHover& hover, float px);
// Row labels left and column labels on top, thinned to one per line height;
// the hovered, highlighted and selected ones always shown.
void DrawAxisLabels(ImDrawList* draw, const HeatmapData& d, const HeatmapLayout& l, const ViewMap& m,
                    const VisibleCells& v, const HeatmapHover& hover);
// Text running bottom-to-top whose baseline starts at `bottom_left`, drawn at
// `scratch` (a point inside the current clip rect) and then rotated into place.
void AddTextVertical(ImDrawList* draw, ImVec2 scratch, ImVec2 bottom_left, ImU32 col, const char* text);

// The shortest honest form of a number printed in a cell, for cells too narrow for the
// full one: "0.97" -> ".97", "-0.50" -> "-.50"; trailing zeros go only when the value is
// exactly what remains ("1.00" -> "1" for 1.0f), so 0.004 stays ".00" and never shows
// a "0" that reads as exact.
std::string CompactCellNumber(const char* printed, float value);

// [SECTION] Tooltip and menu (heatmap_tooltip.cpp)

// The right-click menu: fit, values in cells, colorbar, export. Returns whether it is open.
bool DrawHeatmapMenu(const HeatmapData& d, const HeatmapItem& item, HeatmapView& view, HeatmapResult* res);
// The cell under the mouse (or, when pooled, the block's strongest cell), or the row label.
void DrawHeatmapTooltip(const HeatmapData& d, const HeatmapHover& hover, PoolFactors pooled);

}  // namespace attnviz::ui
