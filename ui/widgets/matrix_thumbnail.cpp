#include "ui/widgets/matrix_thumbnail.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "ui/theme.h"

namespace attnviz::ui {

namespace {

std::uint64_t Mix(std::uint64_t h, std::uint64_t v) {
  h ^= v + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
  return h;
}

std::uint64_t FloatBits(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

}  // namespace

MatrixThumbnail::~MatrixThumbnail() {
  if (texture_) textures_->Destroy(texture_);
}

ThumbnailResult MatrixThumbnail::Draw(const char* id, const ThumbnailData& d, float side) {
  ThumbnailResult res;
  const Palette& pal = CurrentPalette();
  const float fs = ImGui::GetFontSize();
  const float caption_h = d.caption.empty() ? 0.0f : ImGui::GetTextLineHeight() + 0.2f * fs;
  ImGui::PushID(id);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  res.clicked = ImGui::InvisibleButton("thumb", ImVec2(side, side + caption_h));
  res.hovered = ImGui::IsItemHovered();
  res.min = p;
  res.max = ImVec2(p.x + side, p.y + side);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const bool has_data = d.values && d.rows > 0 && d.cols > 0;
  if (has_data) {
    // Cells keep their aspect: a wide matrix fills the width, a tall one the height.
    const float aspect = static_cast<float>(d.rows) / d.cols;
    const float w = aspect <= 1 ? side : side / aspect, h = aspect <= 1 ? side * aspect : side;
    res.min = ImVec2(p.x + (side - w) * 0.5f, p.y + (side - h) * 0.5f);
    res.max = ImVec2(res.min.x + w, res.min.y + h);
    const float fb = std::max(1.0f, ImGui::GetIO().DisplayFramebufferScale.y);
    const int fr = PoolFactorFor(d.rows, std::max(1, static_cast<int>(h * fb)));
    const int fc = PoolFactorFor(d.cols, std::max(1, static_cast<int>(w * fb)));
    std::uint64_t key = Mix(Mix(Mix(1469598103934665603ull, reinterpret_cast<std::uintptr_t>(d.values)), d.generation),
                            reinterpret_cast<std::uintptr_t>(d.allowed));
    key = Mix(Mix(Mix(key, static_cast<std::uint64_t>(d.rows) << 32 | static_cast<std::uint32_t>(d.cols)), static_cast<std::uint64_t>(fr) << 32 | static_cast<std::uint32_t>(fc)),
              Mix(Mix(FloatBits(d.scale.vmin), FloatBits(d.scale.vmax)), static_cast<std::uint64_t>(d.scale.map) * 7 + static_cast<int>(d.pool)));
    if (key != key_ || !texture_) {
      long nonfinite = 0;
      const std::vector<std::uint8_t> rgba =
          BakeMatrixRgba(d.values, d.allowed, d.rows, d.cols, fr, fc, d.pool, d.scale.map, d.scale.vmin, d.scale.vmax, &nonfinite);
      const int tw = (d.cols + fc - 1) / fc, th = (d.rows + fr - 1) / fr;
      if (texture_ && tw == tex_w_ && th == tex_h_) {
        textures_->Update(texture_, tw, th, rgba.data());
      } else {
        if (texture_) textures_->Destroy(texture_);
        texture_ = textures_->Create(tw, th, rgba.data());
        tex_w_ = tw;
        tex_h_ = th;
      }
      key_ = key;
    }
    dl->AddImage(texture_, res.min, res.max);
  } else {
    dl->AddRectFilled(res.min, res.max, pal.chip);
  }
  dl->AddRect(ImVec2(res.min.x - 1, res.min.y - 1), ImVec2(res.max.x + 1, res.max.y + 1),
              d.focused ? pal.accent : res.hovered ? pal.text_dim : pal.separator, 0, 0, d.focused ? 2.0f : 1.0f);
  if (!d.caption.empty()) {
    float x = p.x;
    const float y = p.y + side + 0.15f * fs;
    if (d.marker.r || d.marker.g || d.marker.b) {
      dl->AddCircleFilled(ImVec2(x + 0.3f * fs, y + ImGui::GetTextLineHeight() * 0.5f), 0.22f * fs,
                          IM_COL32(d.marker.r, d.marker.g, d.marker.b, 255));
      x += 0.65f * fs;
    }
    dl->PushClipRect(ImVec2(p.x, y), ImVec2(p.x + side, y + caption_h), true);
    dl->AddText(ImVec2(x, y), d.focused ? pal.text : pal.text_dim, d.caption.c_str());
    dl->PopClipRect();
  }
  if (res.hovered && has_data) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    if (m.x >= res.min.x && m.x < res.max.x && m.y >= res.min.y && m.y < res.max.y) {
      res.hovered_col = std::clamp(static_cast<int>((m.x - res.min.x) / (res.max.x - res.min.x) * d.cols), 0, d.cols - 1);
      res.hovered_row = std::clamp(static_cast<int>((m.y - res.min.y) / (res.max.y - res.min.y) * d.rows), 0, d.rows - 1);
      const int r = res.hovered_row, c = res.hovered_col;
      const std::string rl = r < static_cast<int>(d.row_tokens.size()) ? DisplayToken(d.row_tokens[r].text) : std::to_string(r);
      const std::string cl = c < static_cast<int>(d.col_tokens.size()) ? DisplayToken(d.col_tokens[c].text) : std::to_string(c);
      ImGui::BeginTooltip();
      if (!d.caption.empty()) ImGui::TextDisabled("%s", d.caption.c_str());
      if (d.allowed && !d.allowed[static_cast<long>(r) * d.cols + c])
        ImGui::Text("%s -> %s: masked", rl.c_str(), cl.c_str());
      else
        ImGui::Text("%s -> %s: %s %.4g", rl.c_str(), cl.c_str(), d.value_name, d.values[static_cast<long>(r) * d.cols + c]);
      ImGui::EndTooltip();
    }
  }
  ImGui::PopID();
  return res;
}

}  // namespace attnviz::ui
