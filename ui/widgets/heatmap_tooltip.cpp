// The heatmap's words: the hover tooltip (the cell, or when pooled the block's
// strongest cell, with every matrix the caller gave) and the right-click menu
// (see heatmap_internal.h).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string>

#include "ui/widgets/heatmap_internal.h"

namespace attnviz::ui {

bool DrawHeatmapMenu(const HeatmapData& d, const HeatmapItem& item, HeatmapView& view, HeatmapResult* res) {
  if (item.hovered && ImGui::IsMouseReleased(ImGuiMouseButton_Right)) ImGui::OpenPopup("##heatmap_menu");
  if (!ImGui::BeginPopup("##heatmap_menu")) return false;
  if (ImGui::MenuItem("Fit to view", "double-click")) FitView(view);
  ImGui::MenuItem("Values in cells", nullptr, &view.show_values);
  ImGui::MenuItem("Colorbar", nullptr, &view.show_colorbar);
  if (d.show_export_button) {
    ImGui::Separator();
    if (ImGui::MenuItem("Export...", "Ctrl+E")) {
      res->export_requested = true;
      res->focused = true;
    }
  }
  ImGui::EndPopup();
  return true;
}

namespace {

// The cell that gave a pooled texel its colour: the strongest allowed cell of the block.
void StrongestCellOfBlock(const HeatmapData& d, PoolFactors f, int* r, int* c) {
  const int br = (*r / f.rows) * f.rows, bc = (*c / f.cols) * f.cols;
  float best = 0.0f;
  bool found = false;
  for (int rr = br; rr < std::min(d.rows, br + f.rows); ++rr) {
    for (int cc = bc; cc < std::min(d.cols, bc + f.cols); ++cc) {
      if (CellMasked(d, rr, cc)) continue;
      const float v = d.values[static_cast<std::size_t>(rr) * d.cols + cc];
      const bool better = d.pool == PoolMode::Max ? v > best : std::fabs(v) > std::fabs(best);
      if (!found || better) {
        best = v;
        *r = rr;
        *c = cc;
        found = true;
      }
    }
  }
}

// "query 3  "on"" for token axes, "dim 2" for numbered ones.
void AxisLine(const char* axis, int i, std::span<const Token> tokens) {
  if (tokens.empty()) ImGui::Text("%s %d", axis, i);
  else ImGui::Text("%s %d  \"%s\"", axis, i, AxisLabel(tokens, i).c_str());
}

// Name / value pairs of one cell, in two aligned columns.
void CellValues(const HeatmapData& d, int r, int c, bool block) {
  const std::size_t i = static_cast<std::size_t>(r) * d.cols + c;
  const bool masked = d.allowed && !d.allowed[i];
  const bool table = ImGui::BeginTable("##values", 2, ImGuiTableFlags_SizingFixedFit);
  auto row = [&](const char* name, const char* value, const ImVec4* color) {
    if (table) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextDisabled("%s", name);
      ImGui::TableNextColumn();
    } else {
      ImGui::TextDisabled("%s", name);
      ImGui::SameLine();
    }
    if (color) ImGui::TextColored(*color, "%s", value);
    else ImGui::TextUnformatted(value);
  };
  const ImVec4 warn = ProblemColor();
  auto value_row = [&](const char* name, const float* vals) {
    if (!vals) return;
    const float v = vals[i];
    if (!std::isfinite(v)) {
      row(name, "non-finite (drawn as masked)", &warn);
      return;
    }
    char num[64];
    std::snprintf(num, sizeof num, d.value_format, v);
    row(name, num, nullptr);
  };
  if (block && masked) {
    row("", "every cell of this block is masked", nullptr);
  } else if (masked) {
    const ImVec4 dim = ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled);
    row("masked", "not allowed by the mask", &dim);
    if (std::strcmp(d.value_name, "weight") == 0) row("weight", "0 (exactly)", nullptr);
    for (const HeatmapExtra& e : d.extras)
      if (e.values && std::strcmp(e.name, "score") == 0) value_row(e.name, e.values);
  } else {
    value_row(d.value_name, d.values);
    for (const HeatmapExtra& e : d.extras) value_row(e.name, e.values);
  }
  if (table) ImGui::EndTable();
}

}  // namespace

void DrawHeatmapTooltip(const HeatmapData& d, const HeatmapHover& hover, PoolFactors pooled) {
  int r = hover.row, c = hover.col;
  // The texel covers a block; report the cell that gave the texel its colour.
  const bool block = hover.over_plot && pooled.pooled();
  if (block) StrongestCellOfBlock(d, pooled, &r, &c);
  ImGui::BeginTooltip();
  if (hover.over_row_label) {
    AxisLine(d.row_axis, r, d.row_tokens);
    ImGui::TextDisabled("click to select this %s", d.row_axis);
  } else {
    if (block) {
      auto span_text = [](const char* what, int i, int f, int n) {
        const int a = (i / f) * f, b = std::min(n, a + f) - 1;
        return a == b ? std::string(what) + " " + std::to_string(a)
                      : std::string(what) + "s " + std::to_string(a) + "-" + std::to_string(b);
      };
      ImGui::TextDisabled("block of %s, %s (%s-pooled); its strongest cell:",
                          span_text("row", hover.row, pooled.rows, d.rows).c_str(),
                          span_text("col", hover.col, pooled.cols, d.cols).c_str(),
                          d.pool == PoolMode::MaxAbs ? "max-|v|" : "max");
    }
    AxisLine(d.row_axis, r, d.row_tokens);
    AxisLine(d.col_axis, c, d.col_tokens);
    ImGui::Separator();
    CellValues(d, r, c, block);
  }
  ImGui::EndTooltip();
}

}  // namespace attnviz::ui
