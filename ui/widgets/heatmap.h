// Heatmap: an N x M matrix drawn from one texture quad, with token labels on
// both axes, a colorbar, a hover tooltip, row selection, zoom and pan.
//
// Cost does not grow with N per frame: the matrix is pooled and baked into a
// texture only when its contents, colormap, range or pooling change; each frame
// draws one quad plus a bounded number of labels and overlays. When the matrix
// has more cells than the screen has pixels it is max-pooled (never sampled)
// and the widget says so ("1024x1024 shown max-pooled 4:1").
//
// Masked cells (and non-finite values, which the engine never produces but a
// bad input might) are light grey with a 45-degree hatch when cells are big
// enough, as in core/figure's exported figures; the tooltip says "masked".
//
// Mouse: wheel zooms around the cursor, drag pans, double-click fits, click
// (without dragging) selects the row, right-click opens a menu (fit, values in
// cells, colorbar, export). The texture follows a zoom-in once the zoom rests
// (0.2 s) and a zoom-out at once, so no texel is ever skipped by the sampler.
//
// Usage:
//   static ui::Heatmap heatmap(textures);        // owns the texture; one per on-screen heatmap
//   ui::HeatmapData d;
//   d.values = head.weights.data(); d.rows = d.cols = trace.n();
//   d.allowed = trace.mask.data();
//   d.row_tokens = d.col_tokens = trace.tokens;
//   d.scale = {Colormap::Viridis, 0.0f, 1.0f};
//   d.extras = {{"score", head.scores.data()}, {"logit", head.logits.data()}};
//   d.generation = trace_generation;             // bump when a new trace arrives
//   d.selected_row = state.selected_token;
//   d.highlight_row = d.highlight_col = state.hovered_token;
//   ui::HeatmapResult r = heatmap.Draw("##weights", d, state.weights_view);
//   if (r.clicked_row >= 0) state.selected_token = r.clicked_row;
//   if (r.export_requested) ExportFigure(...);
#pragma once
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <vector>

#include <imgui.h>

#include "core/text/tokenizer.h"
#include "ui/texture_service.h"
#include "ui/widgets/colorbar.h"
#include "ui/widgets/heatmap_texture.h"

namespace attnviz::ui {

// Persistent view settings, owned by the caller (plain data: save it in settings).
struct HeatmapView {
  float zoom = 1.0f;         // 1 = the whole matrix fits; up to 64
  float center_x = 0.5f;     // view centre in matrix coordinates, 0..1 across columns
  float center_y = 0.5f;     // 0..1 down rows
  bool show_colorbar = true;
  bool show_values = true;   // numbers inside cells when they fit
  bool operator==(const HeatmapView&) const = default;
};

// A further matrix of the same shape, shown in the tooltip (e.g. raw score, logit).
struct HeatmapExtra {
  const char* name = "";
  const float* values = nullptr;  // (rows, cols) row-major
};

struct HeatmapData {
  const float* values = nullptr;          // (rows, cols) row-major: what is coloured
  int rows = 0;
  int cols = 0;
  const std::uint8_t* allowed = nullptr;  // (rows, cols) 1 = allowed, 0 = masked; null = all allowed
  std::span<const Token> row_tokens;      // labels of rows (queries); empty = row numbers
  std::span<const Token> col_tokens;      // labels of columns (keys); empty = column numbers
  const char* row_axis = "query";         // tooltip / axis names
  const char* col_axis = "key";
  const char* value_name = "weight";      // name of `values` in the tooltip
  const char* value_format = "%.4f";      // printf format for values in the tooltip
  const char* cell_format = "%.2f";       // printf format for numbers inside cells
  std::vector<HeatmapExtra> extras;       // more matrices shown in the tooltip, in order
  ColorScale scale;                       // colormap and range
  PoolMode pool = PoolMode::Max;          // MaxAbs for signed matrices under a diverging map
  std::uint64_t generation = 0;           // bump when contents change at the same address
  // Marks (-1 = none).
  int selected_row = -1;                  // the selected query: outlined row
  int highlight_row = -1;                 // e.g. the token hovered elsewhere: soft band
  int highlight_col = -1;
  bool show_export_button = true;         // small "Export" button in the top-right corner
};

struct HeatmapResult {
  int hovered_row = -1;          // cell under the mouse (-1 when none)
  int hovered_col = -1;
  int clicked_row = -1;          // a click (not a drag) on a row this frame: select that query
  bool export_requested = false; // the corner Export button was pressed
  bool focused = false;          // hovered or clicked this frame: the shell makes it Ctrl+E's target
  int pool_rows = 1;             // pooling factor currently shown (1 = every cell has its texel)
  int pool_cols = 1;
  ImVec2 plot_min, plot_max;     // the matrix area on screen (for overlays, tests)
};

class Heatmap {
 public:
  explicit Heatmap(TextureService& textures) : texture_(textures) {}
  Heatmap(const Heatmap&) = delete;
  Heatmap& operator=(const Heatmap&) = delete;

  // Draws at the cursor as one item. size (0,0): the available width, and a
  // height that gives roughly square cells (capped by the available height and
  // at least 12 em). The label margins, colorbar and status line are inside size.
  HeatmapResult Draw(const char* id, const HeatmapData& data, HeatmapView& view,
                     ImVec2 size = ImVec2(0, 0));

  // Forget the texture (e.g. when the renderer is recreated); rebuilt on next Draw.
  void Reset() { texture_.Reset(); }

  // How many times the texture was (re)built: tests check the cache works.
  int texture_builds() const { return texture_.builds(); }

 private:
  HeatmapTexture texture_;
  bool dragging_ = false;  // the left button went down here and moved past the drag threshold
};

}  // namespace attnviz::ui
