// MatrixThumbnail: a small matrix drawn from one texture into a square, with a
// caption under it, a hover tooltip (the cell's row, column and value) and a
// click: small multiples (every head's bias, every head at G groups) where a
// full Heatmap with its labels, header and colorbar would leave no room for the
// cells. Pooling and colours are the heatmap's own (PoolMatrix, BakeHeatmapRgba),
// so a thumbnail and the big heatmap agree; the texture is rebuilt only when
// the contents, range or size change.
#pragma once
#include <cstdint>
#include <span>
#include <string>

#include <imgui.h>

#include "core/text/tokenizer.h"
#include "ui/texture_service.h"
#include "ui/widgets/colorbar.h"
#include "ui/widgets/heatmap_texture.h"

namespace attnviz::ui {

struct ThumbnailData {
  const float* values = nullptr;          // (rows, cols) row-major
  int rows = 0, cols = 0;
  const std::uint8_t* allowed = nullptr;  // masked cells grey; null = all allowed
  ColorScale scale;
  PoolMode pool = PoolMode::Max;
  std::uint64_t generation = 0;           // bump when the values change at the same address
  std::span<const Token> row_tokens, col_tokens;  // for the tooltip; empty = indices
  const char* value_name = "weight";
  std::string caption;                    // under the square, e.g. "H3 same-topic"
  Rgb8 marker{0, 0, 0};                   // a dot before the caption (e.g. HeadColor); black = none
  bool focused = false;                   // outlined in the accent colour
};

struct ThumbnailResult {
  bool hovered = false, clicked = false;
  int hovered_row = -1, hovered_col = -1;
  ImVec2 min, max;                        // the square on screen
};

class MatrixThumbnail {
 public:
  explicit MatrixThumbnail(TextureService& textures) : textures_(&textures) {}
  ~MatrixThumbnail();
  MatrixThumbnail(const MatrixThumbnail&) = delete;
  MatrixThumbnail& operator=(const MatrixThumbnail&) = delete;

  // Draws at the cursor as one item: a side x side square and a caption line.
  ThumbnailResult Draw(const char* id, const ThumbnailData& d, float side);

 private:
  TextureService* textures_;
  ImTextureID texture_ = nullptr;
  int tex_w_ = 0, tex_h_ = 0;
  std::uint64_t key_ = 0;
};

}  // namespace attnviz::ui
