// Head grid: every head of every layer as a small heatmap (bertviz's model
// view), layers as rows and heads as columns, from one texture atlas built only
// when the thumbnails change. Hover names a head, click focuses it.
//
// Usage:
//   ui::HeadGridData d;
//   d.layers = L; d.heads = H; d.thumb = t;                // t x t cells per head
//   d.values = [&](int l, int h) { return lesson.summary[l * H + h].thumb.data(); };
//   d.valid = [&](int l, int h) { return lesson.summary[l * H + h].thumb_valid.data(); };  // optional
// Ask for thumbnails of HeadGrid::CellSize(...) texels a side (times the
// framebuffer scale): one texel per pixel, so the pooling in core is the only loss.
//   d.scale = {Colormap::Viridis, 0, 1}; d.generation = computed.generation;
//   d.focused_layer = ui.layer; d.focused_head = ui.focused_head;
//   ui::HeadGridResult r = grid.Draw("##grid", d, size);
//   if (r.clicked_head >= 0) { ui.layer = r.clicked_layer; ui.focused_head = r.clicked_head; }
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <imgui.h>

#include "ui/texture_service.h"
#include "ui/widgets/colorbar.h"

namespace attnviz::ui {

struct HeadGridData {
  int layers = 0, heads = 0;
  int thumb = 0;                                     // each head's thumbnail is thumb x thumb, row-major
  std::function<const float*(int layer, int head)> values;
  std::function<const std::uint8_t*(int layer, int head)> valid;  // optional: 0 = every cell masked (drawn grey)
  std::function<std::string(int layer, int head)> label;    // under each cell ("" = none), e.g. the role
  std::function<std::string(int layer, int head)> tooltip;  // shown on hover
  ColorScale scale;
  std::uint64_t generation = 0;                      // bump when the thumbnails change
  int focused_layer = -1, focused_head = -1;
};

struct HeadGridResult {
  int hovered_layer = -1, hovered_head = -1;
  int clicked_layer = -1, clicked_head = -1;
  float cell = 0;                                    // side of one thumbnail on screen
  ImVec2 first_cell;                                 // top-left of (layer 0, head 0)
  ImVec2 pitch;                                      // (layer l, head h) starts at first_cell + (h pitch.x, l pitch.y)
  int cells_drawn = 0;                               // thumbnails drawn (layers x heads once the values exist)
  ImVec2 min, max;                                   // the grid on screen
};

class HeadGrid {
 public:
  explicit HeadGrid(TextureService& textures) : textures_(&textures) {}
  ~HeadGrid();
  HeadGrid(const HeadGrid&) = delete;
  HeadGrid& operator=(const HeadGrid&) = delete;

  // Draws at the cursor within `size`; cells are square and as large as fit.
  HeadGridResult Draw(const char* id, const HeadGridData& d, ImVec2 size);
  // The side of one cell (pixels) that Draw gives a layers x heads grid in
  // `size`, with or without a label line under each cell.
  static float CellSize(int layers, int heads, bool labels, ImVec2 size);

 private:
  TextureService* textures_;
  ImTextureID texture_ = nullptr;
  int tex_w_ = 0, tex_h_ = 0;
  std::uint64_t key_ = 0;
};

}  // namespace attnviz::ui
