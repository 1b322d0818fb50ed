// Textures for heatmaps without GL in ui/: app/window implements this with GL;
// tests use NullTextureService so every view can run on a renderer-less ImGui context.
#pragma once
#include <cstdint>

#include <imgui.h>

namespace attnviz::ui {

class TextureService {
 public:
  virtual ~TextureService() = default;
  // rgba: w*h*4 bytes, row-major, top row first. Nearest-neighbour sampling.
  virtual ImTextureID Create(int w, int h, const std::uint8_t* rgba) = 0;
  virtual void Update(ImTextureID id, int w, int h, const std::uint8_t* rgba) = 0;
  virtual void Destroy(ImTextureID id) = 0;
  // Largest texture side the renderer accepts (GL_MAX_TEXTURE_SIZE).
  virtual int MaxSize() const { return 4096; }
};

// Hands out distinct fake ids and remembers sizes; draws nothing.
class NullTextureService final : public TextureService {
 public:
  ImTextureID Create(int, int, const std::uint8_t*) override { return reinterpret_cast<ImTextureID>(++next_); }
  void Update(ImTextureID, int, int, const std::uint8_t*) override {}
  void Destroy(ImTextureID) override {}
 private:
  std::uintptr_t next_ = 0;
};

}  // namespace attnviz::ui
