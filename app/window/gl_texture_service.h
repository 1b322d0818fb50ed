// The GL side of ui/texture_service.h: RGBA8 textures, nearest filtering.
#pragma once
#include "ui/texture_service.h"

namespace attnviz::app {

class GlTextureService final : public ui::TextureService {
 public:
  GlTextureService();
  ImTextureID Create(int w, int h, const std::uint8_t* rgba) override;
  void Update(ImTextureID id, int w, int h, const std::uint8_t* rgba) override;
  void Destroy(ImTextureID id) override;
  int MaxSize() const override { return max_size_; }
  int live_textures() const { return live_; }

 private:
  int max_size_ = 4096;
  int live_ = 0;
};

}  // namespace attnviz::app
