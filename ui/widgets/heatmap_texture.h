// The heatmap's texture: the matrix max-pooled to the pixels it covers and
// baked through the colormap by core (core/figure/pool.h, the same code the
// exported PNG uses), kept until its contents, colormap, range or pooling change.
#pragma once
#include <cstdint>

#include <imgui.h>

#include "core/figure/pool.h"  // PoolMode, PoolFactors, PoolMatrix, BakeMatrixRgba for ui callers
#include "ui/texture_service.h"

namespace attnviz::ui {

struct HeatmapData;

class HeatmapTexture {
 public:
  explicit HeatmapTexture(TextureService& textures) : textures_(&textures) {}
  ~HeatmapTexture() { Reset(); }
  HeatmapTexture(const HeatmapTexture&) = delete;
  HeatmapTexture& operator=(const HeatmapTexture&) = delete;

  // Brings the texture up to date for a matrix that covers budget_rows x
  // budget_cols pixels when all of it is shown (the plot times the zoom).
  // A zoom-out is followed at once (a texel skipped by the sampler would drop
  // cells); a zoom-in once the wanted pooling has rested for 0.2 s (`now` is
  // ImGui time), so wheeling through zoom levels rebuilds once.
  void Update(const HeatmapData& d, int budget_rows, int budget_cols, double now);
  void Reset();

  ImTextureID id() const { return texture_; }
  int width() const { return tex_w_; }          // texels
  int height() const { return tex_h_; }
  PoolFactors factors() const { return factors_; }  // pooling of the texture on screen
  long nonfinite_cells() const { return nonfinite_cells_; }
  int builds() const { return builds_; }

 private:
  TextureService* textures_;
  ImTextureID texture_ = nullptr;
  int tex_w_ = 0, tex_h_ = 0;
  std::uint64_t key_ = 0;         // contents, colormap and range of the texture (not its pooling)
  PoolFactors factors_;           // pooling of the texture
  PoolFactors wanted_{0, 0};      // pooling the current zoom and size ask for
  double wanted_since_ = 0.0;     // when that last changed
  long nonfinite_cells_ = 0;      // of the matrix the texture shows (said in the status line)
  int builds_ = 0;
};

}  // namespace attnviz::ui
