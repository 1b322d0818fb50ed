// The heatmap's texture cache (see heatmap_texture.h).
#include "ui/widgets/heatmap_texture.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "ui/widgets/heatmap.h"

namespace attnviz::ui {

namespace {

std::uint64_t Mix(std::uint64_t h, std::uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
  return h;
}

std::uint64_t FloatBits(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

// What the texture shows, apart from its pooling.
std::uint64_t ContentKey(const HeatmapData& d) {
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
  return key;
}

}  // namespace

void HeatmapTexture::Reset() {
  if (texture_) textures_->Destroy(texture_);
  texture_ = nullptr;
  tex_w_ = tex_h_ = 0;
  key_ = 0;
}

void HeatmapTexture::Update(const HeatmapData& d, int budget_rows, int budget_cols, double now) {
  const int max_tex = std::max(16, textures_->MaxSize());
  const PoolFactors f =
      PoolFactorsFor(d.rows, d.cols, std::min(max_tex, budget_rows), std::min(max_tex, budget_cols));
  const std::uint64_t key = ContentKey(d);
  // When zooming in, the texture may stay coarser for a moment (still honest: pooled, and
  // said so); the finer one is built once the zoom rests, not at every wheel notch. When
  // zooming out it must follow at once, or texels would be skipped by the sampler.
  if (f.rows != wanted_.rows || f.cols != wanted_.cols) {
    wanted_ = f;
    wanted_since_ = now;
  }
  const bool too_fine = f.rows > factors_.rows || f.cols > factors_.cols;
  const bool finer_ready = (f.rows < factors_.rows || f.cols < factors_.cols) && now - wanted_since_ >= 0.2;
  if (key == key_ && texture_ && !too_fine && !finer_ready) return;
  const std::vector<std::uint8_t> rgba = BakeMatrixRgba(d.values, d.allowed, d.rows, d.cols, f.rows, f.cols, d.pool,
                                                        d.scale.map, d.scale.vmin, d.scale.vmax, &nonfinite_cells_);
  const int w = (d.cols + f.cols - 1) / f.cols, h = (d.rows + f.rows - 1) / f.rows;
  if (texture_ && tex_w_ == w && tex_h_ == h) {
    textures_->Update(texture_, w, h, rgba.data());
  } else {
    if (texture_) textures_->Destroy(texture_);
    texture_ = textures_->Create(w, h, rgba.data());
  }
  tex_w_ = w;
  tex_h_ = h;
  factors_ = f;
  key_ = key;
  ++builds_;
}

}  // namespace attnviz::ui
