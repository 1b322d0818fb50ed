#include "app/window/gl_texture_service.h"

#include <cstdint>

#include <glad/gl.h>

namespace attnviz::app {

namespace {
GLuint ToGl(ImTextureID id) { return static_cast<GLuint>(reinterpret_cast<std::uintptr_t>(id)); }
ImTextureID FromGl(GLuint t) { return reinterpret_cast<ImTextureID>(static_cast<std::uintptr_t>(t)); }
}  // namespace

GlTextureService::GlTextureService() {
  GLint m = 0;
  glGetIntegerv(GL_MAX_TEXTURE_SIZE, &m);
  if (m > 0) max_size_ = m;
}

ImTextureID GlTextureService::Create(int w, int h, const std::uint8_t* rgba) {
  GLuint t = 0;
  glGenTextures(1, &t);
  glBindTexture(GL_TEXTURE_2D, t);
  // Nearest: a heatmap cell is a flat colour; linear filtering would blur cell edges.
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
  ++live_;
  return FromGl(t);
}

void GlTextureService::Update(ImTextureID id, int w, int h, const std::uint8_t* rgba) {
  glBindTexture(GL_TEXTURE_2D, ToGl(id));
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  glPixelStorei(GL_UNPACK_ROW_LENGTH, 0);
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA8, w, h, 0, GL_RGBA, GL_UNSIGNED_BYTE, rgba);
}

void GlTextureService::Destroy(ImTextureID id) {
  GLuint t = ToGl(id);
  if (t == 0) return;
  glDeleteTextures(1, &t);
  --live_;
}

}  // namespace attnviz::app
