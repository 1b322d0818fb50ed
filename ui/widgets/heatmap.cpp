// Heatmap widget (see heatmap.h).
//
// Index:
//   [SECTION] Small drawing pieces (labels, rotated text)
//   [SECTION] Texture cache
//   [SECTION] Layout and view mapping
//   [SECTION] Heatmap::Draw
#define IMGUI_DEFINE_MATH_OPERATORS
#include "ui/widgets/heatmap.h"
#include "ui/widgets/fit_text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cfloat>
#include <cstdlib>
#include <cstring>
#include <string>

#include <imgui_internal.h>  // SetItemUsingMouseWheel: the heatmap zooms, its window must not scroll

namespace attnviz::ui {
namespace {

// [SECTION] Small drawing pieces (labels, rotated text)

std::string AxisLabel(std::span<const Token> tokens, int i) {
  if (i >= 0 && i < static_cast<int>(tokens.size())) return DisplayToken(tokens[i].text);
  return std::to_string(i);
}

// Text running bottom-to-top whose baseline start is at `bottom_left` (the
// text's first character sits lowest). Drawn horizontally at `scratch` (a
// point known to be inside the current clip rect, so no glyph is culled),
// then its vertices are rotated by -90 degrees and moved into place.
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

std::uint64_t Mix(std::uint64_t h, std::uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
  return h;
}

std::uint64_t FloatBits(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

// [SECTION] Layout and view mapping

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

}  // namespace

// [SECTION] Texture cache

Heatmap::~Heatmap() { Reset(); }

void Heatmap::Reset() {
  if (texture_) textures_->Destroy(texture_);
  texture_ = nullptr;
  tex_w_ = tex_h_ = 0;
  key_ = 0;
}

// [SECTION] Heatmap::Draw

HeatmapResult Heatmap::Draw(const char* id, const HeatmapData& d, HeatmapView& view, ImVec2 size) {
  HeatmapResult res;
  ImGuiIO& io = ImGui::GetIO();
  const ImGuiStyle& style = ImGui::GetStyle();
  const float font = ImGui::GetFontSize();
  const float px = std::max(1.0f, font / 16.0f);  // one "pixel" of outline at the reference 16 px font
  const bool has_data = d.values && d.rows > 0 && d.cols > 0;

  ImGui::PushID(id);
  ImGui::BeginGroup();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  if (size.x <= 0) size.x = std::max(avail.x, font * 12.0f);

  // -- Margins: row labels left, column labels on top, colorbar right.
  const bool labels_from_tokens_r = !d.row_tokens.empty();
  const bool labels_from_tokens_c = !d.col_tokens.empty();
  auto widest = [&](std::span<const Token> toks, int count) {
    float w = ImGui::CalcTextSize(std::to_string(std::max(count - 1, 0)).c_str()).x;
    // Measuring every token at N = 4096 each frame is too slow; a sample of 256 is enough for a margin.
    const int n = static_cast<int>(toks.size());
    const int step = std::max(1, n / 256);
    for (int i = 0; i < n; i += step) w = std::max(w, ImGui::CalcTextSize(DisplayToken(toks[i].text).c_str()).x);
    return w;
  };
  const float pad = style.ItemInnerSpacing.x;
  const float row_margin = has_data ? std::min(widest(d.row_tokens, d.rows), font * 7.0f) + pad * 2 : 0.0f;
  // Token columns get vertical labels; plain column numbers (Q, K, V dims) read horizontally.
  const bool vertical_col_labels = !d.col_tokens.empty();
  const float col_margin = !has_data ? 0.0f
                           : vertical_col_labels ? std::min(widest(d.col_tokens, d.cols), font * 5.0f) + pad * 2
                                                 : ImGui::GetTextLineHeight() + pad * 2;
  char fmt_buf[64];
  float bar_label_w = 0;
  {
    // Room for the widest tick label the colorbar can print.
    float ticks[16];
    const int nt = NiceTicks(d.scale.vmin, d.scale.vmax, 11, ticks);
    for (int i = 0; i < nt + 2; ++i) {
      const float v = i < nt ? ticks[i] : (i == nt ? d.scale.vmin : d.scale.vmax);
      std::snprintf(fmt_buf, sizeof fmt_buf, "%.3g", v);
      bar_label_w = std::max(bar_label_w, ImGui::CalcTextSize(fmt_buf).x);
    }
  }
  const float bar_w = view.show_colorbar ? font * 0.8f : 0.0f;
  const float bar_margin = view.show_colorbar ? font * 0.8f + bar_w + font * 0.5f + bar_label_w + pad : 0.0f;
  const float header_h = ImGui::GetFrameHeight() + style.ItemSpacing.y;
  const float plot_w = std::max(font * 4.0f, size.x - row_margin - bar_margin);
  if (size.y <= 0) {
    // Square cells when the matrix is square-ish; tall thin matrices (N x d) get cells 1.5 lines high.
    const float aspect = has_data ? static_cast<float>(d.rows) / d.cols : 1.0f;
    float plot_h = plot_w * std::min(aspect, 1.0f);
    if (has_data && aspect > 1.0f) plot_h = std::min(plot_w * aspect, d.rows * font * 1.5f);
    plot_h = std::max(plot_h, font * 8.0f);
    size.y = header_h + col_margin + plot_h;
    if (avail.y > font * 12.0f) size.y = std::min(size.y, avail.y);
    size.y = std::max(size.y, font * 12.0f);
  }

  // -- Header: what is shown (and how it is pooled), then Fit and Export on the right.
  if (has_data) ClampView(view, d.rows, d.cols);
  const ImVec2 pmin(origin.x + row_margin, origin.y + header_h + col_margin);
  const ImVec2 pmax(pmin.x + plot_w, origin.y + size.y);
  res.plot_min = pmin;
  res.plot_max = pmax;
  const float fb_scale = std::max(1.0f, io.DisplayFramebufferScale.y);

  // -- Texture: pool to the pixels the whole matrix covers at this zoom (and to the renderer's limit).
  if (has_data) {
    const int max_tex = std::max(16, textures_->MaxSize());
    const int budget_r = std::min(max_tex, std::max(1, static_cast<int>((pmax.y - pmin.y) * view.zoom * fb_scale)));
    const int budget_c = std::min(max_tex, std::max(1, static_cast<int>((pmax.x - pmin.x) * view.zoom * fb_scale)));
    int fr = PoolFactorFor(d.rows, budget_r);
    int fc = PoolFactorFor(d.cols, budget_c);
    if (d.rows == d.cols) fr = fc = std::max(fr, fc);  // square blocks for square (token x token) matrices
    std::uint64_t key = 1469598103934665603ull;
    key = Mix(key, reinterpret_cast<std::uintptr_t>(d.values));
    key = Mix(key, reinterpret_cast<std::uintptr_t>(d.allowed));
    key = Mix(key, static_cast<std::uint64_t>(d.rows) << 32 | static_cast<std::uint32_t>(d.cols));
    key = Mix(key, d.generation);
    key = Mix(key, static_cast<std::uint64_t>(d.scale.map) << 8 | static_cast<std::uint64_t>(d.pool));
    key = Mix(key, FloatBits(d.scale.vmin) << 32 | FloatBits(d.scale.vmax));
    // A few sampled cells, so new contents at a recycled address are noticed even without a generation bump.
    const long cells = static_cast<long>(d.rows) * d.cols;
    for (int s = 0; s < 64; ++s) {
      const long i = cells * s / 64;
      key = Mix(key, FloatBits(d.values[i]) ^ (d.allowed ? static_cast<std::uint64_t>(d.allowed[i]) << 40 : 0));
    }
    // When zooming in, the texture may stay coarser for a moment (still honest: pooled, and
    // said so); the finer one is built once the zoom rests, not at every wheel notch. When
    // zooming out it must follow at once, or texels would be skipped by the sampler.
    if (fr != wanted_fr_ || fc != wanted_fc_) {
      wanted_fr_ = fr;
      wanted_fc_ = fc;
      wanted_since_ = ImGui::GetTime();
    }
    const bool too_fine = fr > tex_fr_ || fc > tex_fc_;
    const bool finer_ready = (fr < tex_fr_ || fc < tex_fc_) && ImGui::GetTime() - wanted_since_ >= 0.2;
    if (key != key_ || !texture_ || too_fine || finer_ready) {
      std::vector<std::uint8_t> rgba = BakeMatrixRgba(d.values, d.allowed, d.rows, d.cols, fr, fc, d.pool, d.scale.map,
                                                      d.scale.vmin, d.scale.vmax, &nonfinite_cells_);
      const int w = (d.cols + fc - 1) / fc, h = (d.rows + fr - 1) / fr;
      if (texture_ && tex_w_ == w && tex_h_ == h) {
        textures_->Update(texture_, w, h, rgba.data());
      } else {
        if (texture_) textures_->Destroy(texture_);
        texture_ = textures_->Create(w, h, rgba.data());
      }
      tex_w_ = w;
      tex_h_ = h;
      tex_fr_ = fr;
      tex_fc_ = fc;
      key_ = key;
      ++texture_builds_;
    }
    res.pool_rows = tex_fr_;
    res.pool_cols = tex_fc_;
  }

  ImGui::AlignTextToFramePadding();
  if (!has_data) {
    ImGui::TextDisabled("no matrix");
  } else {
    ImGui::TextDisabled("%d x %d %s", d.rows, d.cols, d.value_name);
    if (res.pool_rows > 1 || res.pool_cols > 1) {
      ImGui::SameLine();
      const char* how = d.pool == PoolMode::MaxAbs ? "max-|v|" : "max";
      if (res.pool_rows == res.pool_cols)
        ImGui::TextColored(NoticeColor(), "shown %s-pooled %d:1", how, res.pool_rows);
      else
        ImGui::TextColored(NoticeColor(), "shown %s-pooled %dx%d cells per texel", how,
                           res.pool_rows, res.pool_cols);
      if (ImGui::IsItemHovered())
        ImGui::SetTooltip("More cells than pixels: each pixel shows the %s of a %d x %d block,\n"
                          "so no strong value disappears. Zoom in for every cell.",
                          d.pool == PoolMode::MaxAbs ? "value of largest magnitude" : "largest value",
                          res.pool_rows, res.pool_cols);
    }
    if (nonfinite_cells_ > 0) {
      ImGui::SameLine();
      ImGui::TextColored(ProblemColor(), "%ld non-finite shown as masked", nonfinite_cells_);
    }
    if (view.zoom > 1.001f) {
      ImGui::SameLine();
      ImGui::TextDisabled("zoom %.1fx", view.zoom);
    }
  }
  {
    const float fit_w = ImGui::CalcTextSize("Fit").x + style.FramePadding.x * 2;
    const float exp_w = d.show_export_button ? ImGui::CalcTextSize("Export").x + style.FramePadding.x * 2 + style.ItemSpacing.x : 0.0f;
    const float right = origin.x + size.x;
    ImGui::SameLine();
    ImGui::SetCursorScreenPos(ImVec2(std::max(ImGui::GetCursorScreenPos().x, right - fit_w - exp_w), origin.y));
    if (ImGui::SmallButton("Fit")) {
      view.zoom = 1.0f;
      view.center_x = view.center_y = 0.5f;
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Fit the whole matrix (or double-click it)");
    if (d.show_export_button) {
      ImGui::SameLine();
      if (ImGui::SmallButton("Export")) {
        res.export_requested = true;
        res.focused = true;
      }
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("Export this heatmap as PNG / SVG (Ctrl+E)");
    }
  }

  // -- The interactive area: labels and matrix (the colorbar is drawn but not interactive).
  ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + header_h));
  const ImVec2 area_size(row_margin + plot_w, std::max(1.0f, size.y - header_h));
  const bool released = ImGui::InvisibleButton("##heatmap", area_size);
  const bool hovered = ImGui::IsItemHovered();
  const bool active = ImGui::IsItemActive();
  if (hovered) ImGui::SetItemUsingMouseWheel();
  ImDrawList* draw = ImGui::GetWindowDrawList();

  if (!has_data) {
    draw->AddRect(pmin, pmax, ImGui::GetColorU32(ImGuiCol_Border));
    ImGui::EndGroup();
    ImGui::PopID();
    return res;
  }

  // -- Zoom (wheel, around the cursor), pan (drag), fit (double-click).
  const ImVec2 mouse = io.MousePos;
  if (hovered && io.MouseWheel != 0.0f) {
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
  if (ImGui::IsItemActivated()) dragging_ = false;
  if (active && io.MouseDragMaxDistanceSqr[0] > drag_threshold_sq) {
    dragging_ = true;
    const ViewMap m = MakeViewMap(view, d.rows, d.cols, pmin, pmax);
    view.center_x -= io.MouseDelta.x / m.cw / d.cols;
    view.center_y -= io.MouseDelta.y / m.ch / d.rows;
    ClampView(view, d.rows, d.cols);
    ImGui::SetMouseCursor(ImGuiMouseCursor_ResizeAll);
  }
  if (hovered && ImGui::IsMouseDoubleClicked(0)) {
    view.zoom = 1.0f;
    view.center_x = view.center_y = 0.5f;
  }
  const ViewMap m = MakeViewMap(view, d.rows, d.cols, pmin, pmax);

  // -- Hover: a cell in the plot, or a row label on the left.
  bool over_plot = false, over_row_label = false;
  if (hovered || active) {
    if (mouse.x >= pmin.x && mouse.x < pmax.x && mouse.y >= pmin.y && mouse.y < pmax.y) {
      over_plot = true;
      res.hovered_row = std::clamp(static_cast<int>(std::floor(m.RowAt(mouse.y))), 0, d.rows - 1);
      res.hovered_col = std::clamp(static_cast<int>(std::floor(m.ColAt(mouse.x))), 0, d.cols - 1);
    } else if (mouse.x < pmin.x && mouse.y >= pmin.y && mouse.y < pmax.y) {
      over_row_label = true;
      res.hovered_row = std::clamp(static_cast<int>(std::floor(m.RowAt(mouse.y))), 0, d.rows - 1);
    }
  }
  if (released && !dragging_ && io.MouseDragMaxDistanceSqr[0] <= drag_threshold_sq && res.hovered_row >= 0)
    res.clicked_row = res.hovered_row;
  if (!active && !ImGui::IsMouseDown(0)) dragging_ = false;
  res.focused = res.focused || hovered || released;

  // -- The matrix: one textured quad for the whole (pooled) matrix, clipped to the plot.
  const ImU32 text_col = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 dim_text_col = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  draw->PushClipRect(pmin, pmax, true);
  {
    const float full_w = static_cast<float>(tex_w_ * res.pool_cols);  // padded to whole blocks
    const float full_h = static_cast<float>(tex_h_ * res.pool_rows);
    draw->PushClipRect(pmin, ImVec2(std::min(pmax.x, m.ScreenX(static_cast<float>(d.cols))),
                                    std::min(pmax.y, m.ScreenY(static_cast<float>(d.rows)))), true);
    draw->AddImage(texture_, ImVec2(m.ScreenX(0), m.ScreenY(0)), ImVec2(m.ScreenX(full_w), m.ScreenY(full_h)));
    draw->PopClipRect();
  }
  const int r_begin = std::max(0, static_cast<int>(std::floor(m.y0)));
  const int r_end = std::min(d.rows, static_cast<int>(std::ceil(m.y0 + m.vh)));
  const int c_begin = std::max(0, static_cast<int>(std::floor(m.x0)));
  const int c_end = std::min(d.cols, static_cast<int>(std::ceil(m.x0 + m.vw)));
  const bool one_texel_per_cell = res.pool_rows == 1 && res.pool_cols == 1;

  auto cell_masked = [&](int r, int c) {
    const std::size_t i = static_cast<std::size_t>(r) * d.cols + c;
    return (d.allowed && !d.allowed[i]) || !std::isfinite(d.values[i]);
  };

  // Hatch over masked cells when cells are big enough for a line each. Each 45-degree hatch
  // line is walked across the visible cells and split only where it leaves the masked region,
  // so a causal triangle costs one segment per line. All or nothing: past the budget the plain
  // grey stays (as core/figure does for tiny cells), never a half-hatched view.
  const float period = std::max(4.0f, std::round(font * 0.4f));
  if (one_texel_per_cell && m.cw >= period && m.ch >= period) {
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
      for (int c = std::max(c_begin, static_cast<int>(std::ceil(m.ColAt(xa)))); c < c_end; ++c) {
        const float x = m.ScreenX(static_cast<float>(c));
        if (x >= xb) break;
        if (x > xa) cuts.push_back(x);
      }
      for (int r = std::min(r_end - 1, static_cast<int>(std::floor(m.RowAt(sv - xa)))); r >= r_begin; --r) {
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
        const bool masked = cell_masked(r, c);
        if (masked && open < 0.0f) open = cuts[k];
        if (!masked && open >= 0.0f) {
          segments.push_back(ImVec4(open, sv - open, cuts[k], sv - cuts[k]));
          open = -1.0f;
        }
      }
      if (open >= 0.0f) segments.push_back(ImVec4(open, sv - open, xb, sv - xb));
      over_budget = segments.size() > kMaxHatchSegments;
    }
    if (!over_budget) {
      const ImU32 hatch = ToImU32(kMaskedHatchColor);
      for (const ImVec4& g : segments) draw->AddLine(ImVec2(g.x, g.y), ImVec2(g.z, g.w), hatch);
    }
  }

  // Thin cell separators once cells are large, and values inside cells when they fit.
  if (m.cw >= font * 1.1f && m.ch >= font * 1.1f && one_texel_per_cell) {
    const ImU32 grid = ImGui::GetColorU32(ImGuiCol_WindowBg, 0.35f);
    for (int c = c_begin + 1; c < c_end; ++c)
      draw->AddLine(ImVec2(m.ScreenX(static_cast<float>(c)), pmin.y), ImVec2(m.ScreenX(static_cast<float>(c)), pmax.y), grid);
    for (int r = r_begin + 1; r < r_end; ++r)
      draw->AddLine(ImVec2(pmin.x, m.ScreenY(static_cast<float>(r))), ImVec2(pmax.x, m.ScreenY(static_cast<float>(r))), grid);
  }
  if (view.show_values && one_texel_per_cell && m.cw >= font * 1.2f && m.ch >= font * 0.8f) {
    // Each number in the largest form that fits its cell: full size, then 80%; the printed
    // form, its compact form (CompactCellNumber), then one and no decimals, so a large
    // value ("72.25" in a narrow cell) shows as "72.2" or "72" rather than as a blank cell
    // that reads as missing. The tooltip always has the exact value.
    ImFont* f = ImGui::GetFont();
    char compact[64], one_decimal[32], no_decimals[32];
    for (int r = r_begin; r < r_end; ++r) {
      for (int c = c_begin; c < c_end; ++c) {
        if (cell_masked(r, c)) continue;
        const float v = d.values[static_cast<std::size_t>(r) * d.cols + c];
        std::snprintf(fmt_buf, sizeof fmt_buf, d.cell_format, v);
        std::snprintf(compact, sizeof compact, "%s", CompactCellNumber(fmt_buf, v).c_str());
        std::snprintf(one_decimal, sizeof one_decimal, "%.1f", v);
        std::snprintf(no_decimals, sizeof no_decimals, "%.0f", v);
        const char* text = nullptr;
        float fs = font;
        ImVec2 ts;
        for (float k : {1.0f, 0.8f}) {
          for (const char* cand : {static_cast<const char*>(fmt_buf), static_cast<const char*>(compact),
                                   static_cast<const char*>(one_decimal), static_cast<const char*>(no_decimals)}) {
            // Rounding a small value to "0" or "-0" would read as an exact zero: never.
            if ((cand == one_decimal || cand == no_decimals) && std::fabs(v) < 10.0f) continue;
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
        const Rgb8 fg = LabelColorOn(ColormapColor(d.scale.map, v, d.scale.vmin, d.scale.vmax));
        draw->AddText(f, fs, ImVec2(m.ScreenX(c + 0.5f) - ts.x * 0.5f, m.ScreenY(r + 0.5f) - ts.y * 0.5f),
                      ToImU32(fg), text);
      }
    }
  }

  // Marks: highlighted row/column (hovered token elsewhere or here), hovered cell, selected row.
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
  row_band(d.highlight_row, band, band_edge);
  col_band(d.highlight_col, band, band_edge);
  if (over_plot) {
    row_band(res.hovered_row, ImGui::GetColorU32(ImGuiCol_Text, 0.08f), 0);
    col_band(res.hovered_col, ImGui::GetColorU32(ImGuiCol_Text, 0.08f), 0);
    const ImVec2 a(m.ScreenX(static_cast<float>(res.hovered_col)), m.ScreenY(static_cast<float>(res.hovered_row)));
    const ImVec2 b(m.ScreenX(res.hovered_col + 1.0f), m.ScreenY(res.hovered_row + 1.0f));
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
  draw->PopClipRect();
  draw->AddRect(pmin - ImVec2(1, 1), pmax + ImVec2(1, 1), ImGui::GetColorU32(ImGuiCol_Border));

  // -- Axis labels, thinned to one per line height; the hovered / selected one always shown.
  {
    const float lh = ImGui::GetTextLineHeight();
    const int row_stride = std::max(1, static_cast<int>(std::ceil(lh * 1.05f / m.ch)));
    const ImVec2 lmin(origin.x, pmin.y), lmax(pmin.x - pad * 0.5f, pmax.y);
    draw->PushClipRect(ImVec2(lmin.x, lmin.y - lh), ImVec2(lmax.x, lmax.y + lh), true);
    auto row_label = [&](int r, ImU32 col, bool boxed) {
      const std::string s = FitTextToWidth(AxisLabel(d.row_tokens, r), row_margin - pad * 2);
      const ImVec2 ts = ImGui::CalcTextSize(s.c_str());
      const float cy = std::clamp(m.ScreenY(r + 0.5f), pmin.y + ts.y * 0.5f - lh * 0.5f, pmax.y - ts.y * 0.5f + lh * 0.5f);
      const ImVec2 p(pmin.x - pad - ts.x, cy - ts.y * 0.5f);
      if (boxed)
        draw->AddRectFilled(p - ImVec2(pad * 0.5f, 1.0f), p + ts + ImVec2(pad * 0.5f, 1.0f), ImGui::GetColorU32(ImGuiCol_PopupBg), 3.0f);
      draw->AddText(p, col, s.c_str());
    };
    // Regular labels give way to the marked ones (selected, highlighted, hovered) near them.
    auto near_mark = [](int i, int stride, std::initializer_list<int> marks) {
      if (stride <= 1) return false;
      for (int k : marks)
        if (k >= 0 && i != k && std::abs(i - k) < stride) return true;
      return false;
    };
    const int first_r = (r_begin / row_stride) * row_stride;
    for (int r = first_r; r < r_end; r += row_stride) {
      if (r < r_begin || near_mark(r, row_stride, {d.selected_row, d.highlight_row, res.hovered_row})) continue;
      if (m.ScreenY(r + 0.5f) < pmin.y || m.ScreenY(r + 0.5f) > pmax.y) continue;
      row_label(r, labels_from_tokens_r ? text_col : dim_text_col, false);
    }
    for (int r : {d.selected_row, d.highlight_row, res.hovered_row}) {
      if (r >= r_begin && r < r_end && m.ScreenY(r + 0.5f) >= pmin.y && m.ScreenY(r + 0.5f) <= pmax.y)
        row_label(r, text_col, row_stride > 1 || r == res.hovered_row);
    }
    draw->PopClipRect();

    const float col_pitch = vertical_col_labels ? lh * 1.05f : ImGui::CalcTextSize(std::to_string(d.cols - 1).c_str()).x + pad * 2;
    const int col_stride = std::max(1, static_cast<int>(std::ceil(col_pitch / m.cw)));
    const ImVec2 tmin(pmin.x - lh, origin.y + header_h), tmax(pmax.x + lh, pmin.y - pad * 0.5f);
    draw->PushClipRect(tmin, tmax, true);
    const ImVec2 scratch(pmin.x, tmin.y);  // inside the clip rect, so AddText culls nothing
    auto col_label = [&](int c, ImU32 col, bool boxed) {
      const float cx = m.ScreenX(c + 0.5f);
      if (!vertical_col_labels) {
        const std::string s = AxisLabel(d.col_tokens, c);
        const ImVec2 ts = ImGui::CalcTextSize(s.c_str());
        const ImVec2 p(cx - ts.x * 0.5f, pmin.y - pad - ts.y);
        if (boxed) draw->AddRectFilled(p - ImVec2(pad * 0.5f, 1.0f), p + ts + ImVec2(pad * 0.5f, 1.0f), ImGui::GetColorU32(ImGuiCol_PopupBg), 3.0f);
        draw->AddText(p, col, s.c_str());
        return;
      }
      const std::string s = FitTextToWidth(AxisLabel(d.col_tokens, c), col_margin - pad * 2);
      const ImVec2 ts = ImGui::CalcTextSize(s.c_str());
      const ImVec2 bl(cx - ts.y * 0.5f, pmin.y - pad);
      if (boxed)
        draw->AddRectFilled(ImVec2(bl.x, bl.y - ts.x - pad * 0.5f), ImVec2(bl.x + ts.y, bl.y + pad * 0.5f),
                            ImGui::GetColorU32(ImGuiCol_PopupBg), 3.0f);
      AddTextVertical(draw, scratch, bl, col, s.c_str());
    };
    const int first_c = (c_begin / col_stride) * col_stride;
    for (int c = first_c; c < c_end; c += col_stride) {
      if (c < c_begin || near_mark(c, col_stride, {d.highlight_col, res.hovered_col})) continue;
      if (m.ScreenX(c + 0.5f) < pmin.x || m.ScreenX(c + 0.5f) > pmax.x) continue;
      col_label(c, labels_from_tokens_c ? text_col : dim_text_col, false);
    }
    for (int c : {d.highlight_col, res.hovered_col}) {
      if (c >= c_begin && c < c_end && m.ScreenX(c + 0.5f) >= pmin.x && m.ScreenX(c + 0.5f) <= pmax.x)
        col_label(c, text_col, col_stride > 1 || c == res.hovered_col);
    }
    draw->PopClipRect();
  }

  // -- Colorbar on the right, as tall as the plot.
  if (view.show_colorbar) {
    const ImVec2 bmin(pmax.x + font * 0.8f, pmin.y);
    DrawColorbarInRect(draw, bmin, ImVec2(bmin.x + bar_w, pmax.y), d.scale, ColorbarOrientation::Vertical, "%.3g");
  }

  // -- Right-click menu: the view settings and the same actions as the header buttons.
  if (hovered && ImGui::IsMouseReleased(ImGuiMouseButton_Right)) ImGui::OpenPopup("##heatmap_menu");
  bool menu_open = false;
  if (ImGui::BeginPopup("##heatmap_menu")) {
    menu_open = true;
    if (ImGui::MenuItem("Fit to view", "double-click")) {
      view.zoom = 1.0f;
      view.center_x = view.center_y = 0.5f;
    }
    ImGui::MenuItem("Values in cells", nullptr, &view.show_values);
    ImGui::MenuItem("Colorbar", nullptr, &view.show_colorbar);
    if (d.show_export_button) {
      ImGui::Separator();
      if (ImGui::MenuItem("Export...", "Ctrl+E")) {
        res.export_requested = true;
        res.focused = true;
      }
    }
    ImGui::EndPopup();
  }

  // -- Tooltip: the cell under the mouse (or, when pooled, the block's strongest cell).
  if (hovered && !dragging_ && !menu_open && res.hovered_row >= 0) {
    int r = res.hovered_row, c = res.hovered_col;
    bool block = false;
    if (over_plot && !one_texel_per_cell) {
      // The texel covers a block; report the cell that gave the texel its colour.
      const int br = (r / res.pool_rows) * res.pool_rows, bc = (c / res.pool_cols) * res.pool_cols;
      float best = 0.0f;
      bool found = false;
      for (int rr = br; rr < std::min(d.rows, br + res.pool_rows); ++rr) {
        for (int cc = bc; cc < std::min(d.cols, bc + res.pool_cols); ++cc) {
          if (cell_masked(rr, cc)) continue;
          const float v = d.values[static_cast<std::size_t>(rr) * d.cols + cc];
          const bool better = d.pool == PoolMode::Max ? v > best : std::fabs(v) > std::fabs(best);
          if (!found || better) {
            best = v;
            r = rr;
            c = cc;
            found = true;
          }
        }
      }
      block = true;
    }
    ImGui::BeginTooltip();
    // "query 3  "on"" for token axes, "dim 2" for numbered ones.
    auto axis_line = [](const char* axis, int i, std::span<const Token> tokens) {
      if (tokens.empty()) ImGui::Text("%s %d", axis, i);
      else ImGui::Text("%s %d  \"%s\"", axis, i, AxisLabel(tokens, i).c_str());
    };
    if (over_row_label) {
      axis_line(d.row_axis, r, d.row_tokens);
      ImGui::TextDisabled("click to select this %s", d.row_axis);
    } else {
      if (block) {
        auto span_text = [](const char* what, int i, int f, int n) {
          const int a = (i / f) * f, b = std::min(n, a + f) - 1;
          return a == b ? std::string(what) + " " + std::to_string(a)
                        : std::string(what) + "s " + std::to_string(a) + "-" + std::to_string(b);
        };
        ImGui::TextDisabled("block of %s, %s (%s-pooled); its strongest cell:",
                            span_text("row", res.hovered_row, res.pool_rows, d.rows).c_str(),
                            span_text("col", res.hovered_col, res.pool_cols, d.cols).c_str(),
                            d.pool == PoolMode::MaxAbs ? "max-|v|" : "max");
      }
      axis_line(d.row_axis, r, d.row_tokens);
      axis_line(d.col_axis, c, d.col_tokens);
      ImGui::Separator();
      const std::size_t i = static_cast<std::size_t>(r) * d.cols + c;
      const bool masked = d.allowed && !d.allowed[i];
      // Name / value pairs in two aligned columns.
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
    ImGui::EndTooltip();
  }

  ImGui::SetCursorScreenPos(ImVec2(origin.x, origin.y + size.y));
  ImGui::Dummy(ImVec2(size.x, 0.0f));
  ImGui::EndGroup();
  ImGui::PopID();
  return res;
}

}  // namespace attnviz::ui
