// Matrix table widget (see matrix.h).
#define IMGUI_DEFINE_MATH_OPERATORS
#include "ui/widgets/matrix.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include <imgui_internal.h>

namespace attnviz::ui {

MatrixResult DrawMatrixTable(const char* id, const MatrixData& d, ImVec2 size) {
  MatrixResult res;
  const ImGuiStyle& style = ImGui::GetStyle();
  ImGuiIO& io = ImGui::GetIO();
  const float font = ImGui::GetFontSize();
  const float lh = ImGui::GetTextLineHeight();
  const bool has_data = d.values && d.rows > 0 && d.cols > 0;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float pad = style.ItemInnerSpacing.x;

  // Cell geometry: wide enough for the number when numbers are shown, otherwise a colour swatch.
  char buf[48];
  std::snprintf(buf, sizeof buf, d.format, -8.888f);
  const float num_w = ImGui::CalcTextSize(buf).x + pad * 2.0f;
  float label_w = ImGui::CalcTextSize(std::to_string(std::max(d.rows - 1, 0)).c_str()).x;
  const int step = std::max(1, static_cast<int>(d.row_tokens.size()) / 256);
  for (int i = 0; i < static_cast<int>(d.row_tokens.size()); i += step)
    label_w = std::max(label_w, ImGui::CalcTextSize(DisplayToken(d.row_tokens[i].text).c_str()).x);
  label_w = std::min(label_w, font * 6.0f) + pad * 2.0f;
  const float width = size.x > 0 ? size.x : std::max(avail.x, font * 10.0f);
  const float inner_w = width - style.WindowPadding.x * 2.0f - style.ScrollbarSize;
  const bool numbers = has_data && (d.cols <= 12 || label_w + d.cols * num_w <= inner_w);
  const float cell_w = numbers ? num_w : std::max(font * 0.6f, (inner_w - label_w) / std::max(d.cols, 1));
  const float cell_h = lh + style.FramePadding.y;
  if (size.y <= 0) size.y = (std::min(std::max(d.rows, 1), 16) + 1) * cell_h + style.WindowPadding.y * 2.0f + style.ScrollbarSize;

  ImGui::BeginChild(id, ImVec2(width, size.y), true, ImGuiWindowFlags_HorizontalScrollbar | ImGuiWindowFlags_AlwaysUseWindowPadding);
  if (!has_data) {
    ImGui::TextDisabled("no matrix");
    ImGui::EndChild();
    return res;
  }
  const ImVec2 origin = ImGui::GetCursorScreenPos();  // top-left of the content (scrolls)
  const ImVec2 content(label_w + d.cols * cell_w, (d.rows + 1) * cell_h);
  const bool released = ImGui::InvisibleButton("##cells", content);
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const ImVec2 clip_min = draw->GetClipRectMin(), clip_max = draw->GetClipRectMax();

  // Sticky header row and label column: drawn at the visible edges, over the cells.
  const float sticky_x = std::max(origin.x, clip_min.x);
  const float sticky_y = std::max(origin.y, clip_min.y);
  const float x_cells = origin.x + label_w;   // cell column 0 starts here (scrolls)
  const float y_cells = origin.y + cell_h;    // cell row 0 starts here (scrolls)
  const int r0 = std::clamp(static_cast<int>(std::floor((sticky_y + cell_h - y_cells) / cell_h)), 0, d.rows);
  const int r1 = std::clamp(static_cast<int>(std::ceil((clip_max.y - y_cells) / cell_h)), 0, d.rows);
  const int c0 = std::clamp(static_cast<int>(std::floor((sticky_x + label_w - x_cells) / cell_w)), 0, d.cols);
  const int c1 = std::clamp(static_cast<int>(std::ceil((clip_max.x - x_cells) / cell_w)), 0, d.cols);

  if (hovered) {
    const ImVec2 m = io.MousePos;
    const int r = static_cast<int>(std::floor((m.y - y_cells) / cell_h));
    const int c = static_cast<int>(std::floor((m.x - x_cells) / cell_w));
    if (m.y >= sticky_y + cell_h && r >= 0 && r < d.rows) {
      res.hovered_row = r;
      if (m.x >= sticky_x + label_w && c >= 0 && c < d.cols) res.hovered_col = c;
    }
  }
  if (released && res.hovered_row >= 0) res.clicked_row = res.hovered_row;

  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 dim = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  for (int r = r0; r < r1; ++r) {
    const float y = y_cells + r * cell_h;
    for (int c = c0; c < c1; ++c) {
      const float x = x_cells + c * cell_w;
      const float v = d.values[static_cast<std::size_t>(r) * d.cols + c];
      const bool finite = std::isfinite(v);
      const Rgb8 bg = finite ? ColormapColor(d.scale.map, v, d.scale.vmin, d.scale.vmax) : kMaskedCellColor;
      draw->AddRectFilled(ImVec2(x, y), ImVec2(x + cell_w - 1.0f, y + cell_h - 1.0f), ToImU32(bg));
      if (numbers) {
        if (finite) std::snprintf(buf, sizeof buf, d.format, v);
        else std::snprintf(buf, sizeof buf, "n/a");
        const ImVec2 ts = ImGui::CalcTextSize(buf);
        draw->AddText(ImVec2(x + cell_w - pad - ts.x, y + (cell_h - ts.y) * 0.5f), ToImU32(LabelColorOn(bg)), buf);
      }
    }
  }
  auto row_mark = [&](int r, ImU32 col, float thick) {
    if (r < r0 || r >= r1) return;
    const float y = y_cells + r * cell_h;
    draw->AddRect(ImVec2(sticky_x, y), ImVec2(x_cells + d.cols * cell_w, y + cell_h), col, 0.0f, 0, thick);
  };
  if (d.highlight_row >= 0 && d.highlight_row >= r0 && d.highlight_row < r1) {
    const float y = y_cells + d.highlight_row * cell_h;
    draw->AddRectFilled(ImVec2(sticky_x, y), ImVec2(x_cells + d.cols * cell_w, y + cell_h), ImGui::GetColorU32(ImGuiCol_Text, 0.14f));
  }
  row_mark(d.selected_row, text, 2.0f);
  if (res.hovered_row >= 0 && res.hovered_col >= 0) {
    const ImVec2 a(x_cells + res.hovered_col * cell_w, y_cells + res.hovered_row * cell_h);
    draw->AddRect(a, a + ImVec2(cell_w - 1.0f, cell_h - 1.0f), IM_COL32(255, 255, 255, 230), 0.0f, 0, 1.5f * std::max(1.0f, font / 16.0f));
  }

  // Label column (sticky left) and header row (sticky top), over the scrolled cells.
  draw->AddRectFilled(ImVec2(sticky_x, clip_min.y), ImVec2(sticky_x + label_w, clip_max.y), ImGui::GetColorU32(ImGuiCol_WindowBg));
  for (int r = r0; r < r1; ++r) {
    const float y = y_cells + r * cell_h;
    std::string s = r < static_cast<int>(d.row_tokens.size()) ? DisplayToken(d.row_tokens[r].text) : std::to_string(r);
    while (!s.empty() && ImGui::CalcTextSize(s.c_str()).x > label_w - pad * 2.0f) s.pop_back();
    draw->AddText(ImVec2(sticky_x + pad, y + (cell_h - lh) * 0.5f), r == d.selected_row || r == res.hovered_row ? text : dim, s.c_str());
  }
  draw->AddRectFilled(ImVec2(clip_min.x, sticky_y), ImVec2(clip_max.x, sticky_y + cell_h), ImGui::GetColorU32(ImGuiCol_WindowBg));
  const int head_stride = std::max(1, static_cast<int>(std::ceil(ImGui::CalcTextSize("000").x / cell_w)));
  for (int c = (c0 / head_stride) * head_stride; c < c1; c += head_stride) {
    if (c < c0) continue;
    std::snprintf(buf, sizeof buf, "%s%d", d.col_prefix, c);
    const ImVec2 ts = ImGui::CalcTextSize(buf);
    const float x = numbers ? x_cells + (c + 1) * cell_w - pad - ts.x : x_cells + c * cell_w;
    if (x < sticky_x + label_w - 1.0f) continue;
    draw->AddText(ImVec2(x, sticky_y + (cell_h - lh) * 0.5f), c == res.hovered_col ? text : dim, buf);
  }

  if (res.hovered_row >= 0) {
    ImGui::BeginTooltip();
    const std::string name = res.hovered_row < static_cast<int>(d.row_tokens.size())
                                 ? DisplayToken(d.row_tokens[res.hovered_row].text) : std::to_string(res.hovered_row);
    ImGui::Text("row %d  \"%s\"", res.hovered_row, name.c_str());
    if (res.hovered_col >= 0) {
      const float v = d.values[static_cast<std::size_t>(res.hovered_row) * d.cols + res.hovered_col];
      if (std::isfinite(v)) {
        std::snprintf(buf, sizeof buf, d.format, v);
        ImGui::Text("%s%d = %s", d.col_prefix, res.hovered_col, buf);
      } else {
        ImGui::TextColored(ProblemColor(), "%s%d: non-finite", d.col_prefix, res.hovered_col);
      }
    }
    ImGui::EndTooltip();
  }
  ImGui::EndChild();
  return res;
}

}  // namespace attnviz::ui
