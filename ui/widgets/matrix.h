// Matrix table: a small dense matrix (Q, K, V, W rows, an output) as a grid of
// cells tinted by the colormap, with the value printed in each cell when it
// fits (small N, small d), only the colour otherwise. Rows are labelled with
// tokens; only visible rows and columns are drawn, so it scrolls through
// 4096 x 64 without cost. For large square matrices use the Heatmap.
//
// Usage:
//   ui::MatrixData m;
//   m.values = head.Q.data(); m.rows = head.Q.rows(); m.cols = head.Q.cols();
//   m.row_tokens = trace.tokens; m.col_prefix = "q";
//   m.scale = {Colormap::Diverging, -a, a};       // e.g. from AutoValueRange(..., true)
//   m.selected_row = state.selected_token;
//   ui::MatrixResult r = ui::DrawMatrixTable("##Q", m, ImVec2(0, 12 * ImGui::GetFontSize()));
#pragma once
#include <span>

#include <imgui.h>

#include "core/text/tokenizer.h"
#include "ui/widgets/colorbar.h"

namespace attnviz::ui {

struct MatrixData {
  const float* values = nullptr;   // (rows, cols) row-major
  int rows = 0;
  int cols = 0;
  std::span<const Token> row_tokens;  // row labels; empty = row numbers
  const char* col_prefix = "";        // column headers: prefix + index (e.g. "d0", "q3")
  ColorScale scale;
  const char* format = "%.3f";        // printf format for values in cells and tooltip
  int selected_row = -1;              // outlined
  int highlight_row = -1;             // soft band (hovered token elsewhere)
};

struct MatrixResult {
  int hovered_row = -1;
  int hovered_col = -1;
  int clicked_row = -1;
};

// Draws at the cursor inside a scrolling child region. size (0,0): available
// width, and the height of all rows up to 16 lines.
MatrixResult DrawMatrixTable(const char* id, const MatrixData& data, ImVec2 size = ImVec2(0, 0));

}  // namespace attnviz::ui
