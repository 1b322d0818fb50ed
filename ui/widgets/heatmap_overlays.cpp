// What the heatmap draws over its texture: hatching of masked cells, cell
// separators, numbers in cells, the marks (highlight, hover, selection), and
// the axis labels (see heatmap_internal.h).
//
// Index:
//   [SECTION] Hatching
//   [SECTION] Grid and cell values
//   [SECTION] Marks
//   [SECTION] Axis labels
#define IMGUI_DEFINE_MATH_OPERATORS
#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <vector>

#include <imgui_internal.h>  // ImVec2 arithmetic (IMGUI_DEFINE_MATH_OPERATORS)

#include "ui/widgets/fit_text.h"
#include "ui/widgets/heatmap_internal.h"

namespace attnviz::ui {

// [SECTION] Hatching

// Hatch over masked cells when cells are big enough for a line each. Each 45-degree hatch
// line is walked across the visible cells and split only where it leaves the masked region,
// so a causal triangle costs one segment per line. All or nothing: past the budget the plain
// grey stays (as core/figure does for tiny cells), never a half-hatched view.
void DrawMaskHatching(ImDrawList* draw, const HeatmapData& d, const ViewMap& m, const VisibleCells& v, float font) {
  const float period = std::max(4.0f, std::round(font * 0.4f));
  if (!v.one_texel_per_cell || m.cw < period || m.ch < period) return;
  const ImVec2 pmin = m.plot_min, pmax = m.plot_max;
  const ImVec2 vis_min(std::max(pmin.x, m.ScreenX(0)), std::max(pmin.y, m.ScreenY(0)));
  const ImVec2 vis_max(std::min(pmax.x, m.ScreenX(static_cast<float>(d.cols))),
                       std::min(pmax.y, m.ScreenY(static_cast<float>(d.rows))));
  std::vector<ImVec4> segments;  // x0, y0, x1, y1
  constexpr std::size_t kMaxHatchSegments = 3000;  // ~18k vertices with anti-aliased lines
  std::vector<float> cuts;
  bool over_budget = false;
  const float s0 = std::ceil((vis_min.x + vis_min.y) / period) * period;
  for (float sv = s0; sv < vis_max.x + vis_max.y && !over_budget; sv += period) {
    // The line x + y = sv inside the visible matrix: x in [xa, xb].
    const float xa = std::max(vis_min.x, sv - vis_max.y), xb = std::min(vis_max.x, sv - vis_min.y);
    if (xb <= xa) continue;
    // Break points: column boundaries, and row boundaries (y = sv - x) crossed on the way.
    cuts.clear();
    cuts.push_back(xa);
    for (int c = std::max(v.c_begin, static_cast<int>(std::ceil(m.ColAt(xa)))); c < v.c_end; ++c) {
      const float x = m.ScreenX(static_cast<float>(c));
      if (x >= xb) break;
      if (x > xa) cuts.push_back(x);
    }
    for (int r = std::min(v.r_end - 1, static_cast<int>(std::floor(m.RowAt(sv - xa)))); r >= v.r_begin; --r) {
      const float x = sv - m.ScreenY(static_cast<float>(r));
      if (x >= xb) break;
      if (x > xa) cuts.push_back(x);
    }
    cuts.push_back(xb);
    std::sort(cuts.begin(), cuts.end());
    float open = -1.0f;  // x where the current masked stretch began, -1 when none
    for (std::size_t k = 0; k + 1 < cuts.size(); ++k) {
      const float xm = 0.5f * (cuts[k] + cuts[k + 1]);
      const int c = std::clamp(static_cast<int>(std::floor(m.ColAt(xm))), 0, d.cols - 1);
      const int r = std::clamp(static_cast<int>(std::floor(m.RowAt(sv - xm))), 0, d.rows - 1);
      const bool masked = CellMasked(d, r, c);
      if (masked && open < 0.0f) open = cuts[k];
      if (!masked && open >= 0.0f) {
        segments.push_back(ImVec4(open, sv - open, cuts[k], sv - cuts[k]));
        open = -1.0f;
      }
    }
    if (open >= 0.0f) segments.push_back(ImVec4(open, sv - open, xb, sv - xb));
    over_budget = segments.size() > kMaxHatchSegments;
  }
  if (over_budget) return;
  const ImU32 hatch = ToImU32(kMaskedHatchColor);
  for (const ImVec4& g : segments) draw->AddLine(ImVec2(g.x, g.y), ImVec2(g.z, g.w), hatch);
}

// [SECTION] Grid and cell values

// Thin cell separators once cells are large.
void DrawCellGrid(ImDrawList* draw, const ViewMap& m, const VisibleCells& v, float font) {
  if (m.cw < font * 1.1f || m.ch < font * 1.1f || !v.one_texel_per_cell) return;
  const ImU32 grid = ImGui::GetColorU32(ImGuiCol_WindowBg, 0.35f);
  const ImVec2 pmin = m.plot_min, pmax = m.plot_max;
  for (int c = v.c_begin + 1; c < v.c_end; ++c)
    draw->AddLine(ImVec2(m.ScreenX(static_cast<float>(c)), pmin.y), ImVec2(m.ScreenX(static_cast<float>(c)), pmax.y), grid);
  for (int r = v.r_begin + 1; r < v.r_end; ++r)
    draw->AddLine(ImVec2(pmin.x, m.ScreenY(static_cast<float>(r))), ImVec2(pmax.x, m.ScreenY(static_cast<float>(r))), grid);
}

// Each number in the largest form that fits its cell: full size, then 80%; the printed
// form, its compact form (CompactCellNumber), then one and no decimals, so a large
// value ("72.25" in a narrow cell) shows as "72.2" or "72" rather than as a blank cell
// that reads as missing. The tooltip always has the exact value.
void DrawCellValues(ImDrawList* draw, const HeatmapData& d, const HeatmapView& view, const ViewMap& m,
                    const VisibleCells& v, float font) {
  if (!view.show_values || !v.one_texel_per_cell || m.cw < font * 1.2f || m.ch < font * 0.8f) return;
  ImFont* f = ImGui::GetFont();
  char printed[64], compact[64], one_decimal[32], no_decimals[32];
  for (int r = v.r_begin; r < v.r_end; ++r) {
    for (int c = v.c_begin; c < v.c_end; ++c) {
      if (CellMasked(d, r, c)) continue;
      const float x = d.values[static_cast<std::size_t>(r) * d.cols + c];
      std::snprintf(printed, sizeof printed, d.cell_format, x);
      std::snprintf(compact, sizeof compact, "%s", CompactCellNumber(printed, x).c_str());
      std::snprintf(one_decimal, sizeof one_decimal, "%.1f", x);
      std::snprintf(no_decimals, sizeof no_decimals, "%.0f", x);
      const char* text = nullptr;
      float fs = font;
      ImVec2 ts;
      for (float k : {1.0f, 0.8f}) {
        for (const char* cand : {static_cast<const char*>(printed), static_cast<const char*>(compact),
                                 static_cast<const char*>(one_decimal), static_cast<const char*>(no_decimals)}) {
          // Rounding a small value to "0" or "-0" would read as an exact zero: never.
          if ((cand == one_decimal || cand == no_decimals) && std::fabs(x) < 10.0f) continue;
          ts = f->CalcTextSizeA(font * k, FLT_MAX, 0.0f, cand);
          if (ts.x + 4.0f <= m.cw && ts.y <= m.ch) {
            text = cand;
            fs = font * k;
            break;
          }
        }
        if (text) break;
      }
      if (!text) continue;
      const Rgb8 fg = LabelColorOn(ColormapColor(d.scale.map, x, d.scale.vmin, d.scale.vmax));
      draw->AddText(f, fs, ImVec2(m.ScreenX(c + 0.5f) - ts.x * 0.5f, m.ScreenY(r + 0.5f) - ts.y * 0.5f), ToImU32(fg),
                    text);
    }
  }
}

std::string CompactCellNumber(const char* printed, float value) {
  std::string s(printed);
  if (s.find('.') == std::string::npos || s.find_first_of("eE") != std::string::npos) return s;
  std::string t = s;
  while (!t.empty() && t.back() == '0') t.pop_back();
  if (!t.empty() && t.back() == '.') t.pop_back();
  if (!t.empty() && t != "-" && std::strtof(t.c_str(), nullptr) == value) s = t;
  if (s.rfind("0.", 0) == 0) s.erase(0, 1);
  else if (s.rfind("-0.", 0) == 0) s.erase(1, 1);
  return s;
}

// [SECTION] Marks

void DrawMarks(ImDrawList* draw, const HeatmapData& d, const ViewMap& m, const HeatmapHover& hover, float px) {
  const ImVec2 pmin = m.plot_min, pmax = m.plot_max;
  const ImU32 band = ImGui::GetColorU32(ImGuiCol_Text, 0.16f);
  const ImU32 band_edge = ImGui::GetColorU32(ImGuiCol_Text, 0.55f);
  auto row_band = [&](int r, ImU32 fill, ImU32 edge) {
    if (r < 0 || r >= d.rows) return;
    const ImVec2 a(pmin.x, m.ScreenY(static_cast<float>(r))), b(pmax.x, m.ScreenY(r + 1.0f));
    draw->AddRectFilled(a, b, fill);
    draw->AddLine(a, ImVec2(b.x, a.y), edge);
    draw->AddLine(ImVec2(a.x, b.y), b, edge);
  };
  auto col_band = [&](int c, ImU32 fill, ImU32 edge) {
    if (c < 0 || c >= d.cols) return;
    const ImVec2 a(m.ScreenX(static_cast<float>(c)), pmin.y), b(m.ScreenX(c + 1.0f), pmax.y);
    draw->AddRectFilled(a, b, fill);
    draw->AddLine(a, ImVec2(a.x, b.y), edge);
    draw->AddLine(ImVec2(b.x, a.y), b, edge);
  };
  // Highlighted row / column: the token hovered elsewhere (or here, last frame).
  row_band(d.highlight_row, band, band_edge);
  col_band(d.highlight_col, band, band_edge);
  if (hover.over_plot) {
    row_band(hover.row, ImGui::GetColorU32(ImGuiCol_Text, 0.08f), 0);
    col_band(hover.col, ImGui::GetColorU32(ImGuiCol_Text, 0.08f), 0);
    const ImVec2 a(m.ScreenX(static_cast<float>(hover.col)), m.ScreenY(static_cast<float>(hover.row)));
    const ImVec2 b(m.ScreenX(hover.col + 1.0f), m.ScreenY(hover.row + 1.0f));
    draw->AddRect(a - ImVec2(px, px), b + ImVec2(px, px), IM_COL32(0, 0, 0, 200), 0.0f, 0, 2.0f * px);
    draw->AddRect(a, b, IM_COL32(255, 255, 255, 230), 0.0f, 0, px);
  }
  if (d.selected_row >= 0 && d.selected_row < d.rows) {
    // Dark outer and light inner outline: visible on every colormap and on the masked grey.
    const float y0 = m.ScreenY(static_cast<float>(d.selected_row)), y1 = m.ScreenY(d.selected_row + 1.0f);
    const float x0 = std::max(pmin.x, m.ScreenX(0)), x1 = std::min(pmax.x, m.ScreenX(static_cast<float>(d.cols)));
    draw->AddRect(ImVec2(x0 - px, y0 - px), ImVec2(x1 + px, y1 + px), IM_COL32(0, 0, 0, 220), 0.0f, 0, 3.0f * px);
    draw->AddRect(ImVec2(x0, y0), ImVec2(x1, y1), IM_COL32(255, 255, 255, 255), 0.0f, 0, 1.5f * px);
  }
}

// [SECTION] Axis labels

void AddTextVertical(ImDrawList* draw, ImVec2 scratch, ImVec2 bottom_left, ImU32 col, const char* text) {
  const int start = draw->VtxBuffer.Size;
  draw->AddText(scratch, col, text);
  for (int i = start; i < draw->VtxBuffer.Size; ++i) {
    ImDrawVert& v = draw->VtxBuffer[i];
    const float dx = v.pos.x - scratch.x;
    const float dy = v.pos.y - scratch.y;
    v.pos = ImVec2(bottom_left.x + dy, bottom_left.y - dx);
  }
}

namespace {

// Regular labels give way to the marked ones (selected, highlighted, hovered) near them.
bool NearMark(int i, int stride, std::initializer_list<int> marks) {
  if (stride <= 1) return false;
  for (int k : marks)
    if (k >= 0 && i != k && std::abs(i - k) < stride) return true;
  return false;
}

}  // namespace

void DrawAxisLabels(ImDrawList* draw, const HeatmapData& d, const HeatmapLayout& l, const ViewMap& m,
                    const VisibleCells& v, const HeatmapHover& hover) {
  const ImVec2 pmin = l.plot_min, pmax = l.plot_max;
  const float pad = l.pad;
  const ImU32 text_col = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 dim_text_col = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  const float lh = ImGui::GetTextLineHeight();

  // Rows, on the left.
  const int row_stride = std::max(1, static_cast<int>(std::ceil(lh * 1.05f / m.ch)));
  const ImVec2 lmin(l.origin.x, pmin.y), lmax(pmin.x - pad * 0.5f, pmax.y);
  draw->PushClipRect(ImVec2(lmin.x, lmin.y - lh), ImVec2(lmax.x, lmax.y + lh), true);
  auto row_label = [&](int r, ImU32 col, bool boxed) {
    const std::string s = FitTextToWidth(AxisLabel(d.row_tokens, r), l.row_margin - pad * 2);
    const ImVec2 ts = ImGui::CalcTextSize(s.c_str());
    const float cy = std::clamp(m.ScreenY(r + 0.5f), pmin.y + ts.y * 0.5f - lh * 0.5f, pmax.y - ts.y * 0.5f + lh * 0.5f);
    const ImVec2 p(pmin.x - pad - ts.x, cy - ts.y * 0.5f);
    if (boxed)
      draw->AddRectFilled(p - ImVec2(pad * 0.5f, 1.0f), p + ts + ImVec2(pad * 0.5f, 1.0f), ImGui::GetColorU32(ImGuiCol_PopupBg), 3.0f);
    draw->AddText(p, col, s.c_str());
  };
  const int first_r = (v.r_begin / row_stride) * row_stride;
  for (int r = first_r; r < v.r_end; r += row_stride) {
    if (r < v.r_begin || NearMark(r, row_stride, {d.selected_row, d.highlight_row, hover.row})) continue;
    if (m.ScreenY(r + 0.5f) < pmin.y || m.ScreenY(r + 0.5f) > pmax.y) continue;
    row_label(r, !d.row_tokens.empty() ? text_col : dim_text_col, false);
  }
  for (int r : {d.selected_row, d.highlight_row, hover.row}) {
    if (r >= v.r_begin && r < v.r_end && m.ScreenY(r + 0.5f) >= pmin.y && m.ScreenY(r + 0.5f) <= pmax.y)
      row_label(r, text_col, row_stride > 1 || r == hover.row);
  }
  draw->PopClipRect();

  // Columns, on top: vertical for tokens, horizontal for numbers.
  const float col_pitch = l.vertical_col_labels ? lh * 1.05f : ImGui::CalcTextSize(std::to_string(d.cols - 1).c_str()).x + pad * 2;
  const int col_stride = std::max(1, static_cast<int>(std::ceil(col_pitch / m.cw)));
  const ImVec2 tmin(pmin.x - lh, l.origin.y + l.header_h), tmax(pmax.x + lh, pmin.y - pad * 0.5f);
  draw->PushClipRect(tmin, tmax, true);
  const ImVec2 scratch(pmin.x, tmin.y);  // inside the clip rect, so AddText culls nothing
  auto col_label = [&](int c, ImU32 col, bool boxed) {
    const float cx = m.ScreenX(c + 0.5f);
    if (!l.vertical_col_labels) {
      const std::string s = AxisLabel(d.col_tokens, c);
      const ImVec2 ts = ImGui::CalcTextSize(s.c_str());
      const ImVec2 p(cx - ts.x * 0.5f, pmin.y - pad - ts.y);
      if (boxed) draw->AddRectFilled(p - ImVec2(pad * 0.5f, 1.0f), p + ts + ImVec2(pad * 0.5f, 1.0f), ImGui::GetColorU32(ImGuiCol_PopupBg), 3.0f);
      draw->AddText(p, col, s.c_str());
      return;
    }
    const std::string s = FitTextToWidth(AxisLabel(d.col_tokens, c), l.col_margin - pad * 2);
    const ImVec2 ts = ImGui::CalcTextSize(s.c_str());
    const ImVec2 bl(cx - ts.y * 0.5f, pmin.y - pad);
    if (boxed)
      draw->AddRectFilled(ImVec2(bl.x, bl.y - ts.x - pad * 0.5f), ImVec2(bl.x + ts.y, bl.y + pad * 0.5f),
                          ImGui::GetColorU32(ImGuiCol_PopupBg), 3.0f);
    AddTextVertical(draw, scratch, bl, col, s.c_str());
  };
  const int first_c = (v.c_begin / col_stride) * col_stride;
  for (int c = first_c; c < v.c_end; c += col_stride) {
    if (c < v.c_begin || NearMark(c, col_stride, {d.highlight_col, hover.col})) continue;
    if (m.ScreenX(c + 0.5f) < pmin.x || m.ScreenX(c + 0.5f) > pmax.x) continue;
    col_label(c, !d.col_tokens.empty() ? text_col : dim_text_col, false);
  }
  for (int c : {d.highlight_col, hover.col}) {
    if (c >= v.c_begin && c < v.c_end && m.ScreenX(c + 0.5f) >= pmin.x && m.ScreenX(c + 0.5f) <= pmax.x)
      col_label(c, text_col, col_stride > 1 || c == hover.col);
  }
  draw->PopClipRect();
}

}  // namespace attnviz::ui
