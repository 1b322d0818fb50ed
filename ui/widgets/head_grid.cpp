#include "ui/widgets/head_grid.h"

#include <algorithm>
#include <cmath>

#include "core/figure/colormap.h"
#include "ui/theme.h"

namespace attnviz::ui {

HeadGrid::~HeadGrid() {
  if (texture_) textures_->Destroy(texture_);
}

float HeadGrid::CellSize(int layers, int heads, bool labels, ImVec2 size) {
  const float fs = ImGui::GetFontSize(), lh = ImGui::GetTextLineHeight();
  const int L = std::max(1, layers), H = std::max(1, heads);
  const float row_label_w = L > 1 ? ImGui::CalcTextSize("L00").x + 0.4f * fs : 0.0f;
  const float gap = std::max(2.0f, 0.25f * fs);
  const float label_h = labels ? lh : 0.0f, head_h = lh;
  const float cell = std::min((size.x - row_label_w - gap * H) / H, (size.y - head_h - (label_h + gap) * L) / L);
  return std::floor(std::clamp(cell, 0.8f * fs, 10.0f * fs));
}

HeadGridResult HeadGrid::Draw(const char* id, const HeadGridData& d, ImVec2 size) {
  HeadGridResult res;
  ImGui::PushID(id);
  const Palette& pal = CurrentPalette();
  const float fs = ImGui::GetFontSize(), lh = ImGui::GetTextLineHeight();
  const int L = std::max(0, d.layers), H = std::max(0, d.heads), t = std::max(1, d.thumb);
  const bool labels = static_cast<bool>(d.label);
  const float row_label_w = L > 1 ? ImGui::CalcTextSize("L00").x + 0.4f * fs : 0.0f;
  const float gap = std::max(2.0f, 0.25f * fs);
  const float label_h = labels ? lh : 0.0f, head_h = lh;
  const float cell = CellSize(L, H, labels, size);
  res.cell = cell;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const ImVec2 total(row_label_w + H * (cell + gap), head_h + L * (cell + label_h + gap));
  ImGui::InvisibleButton("##grid", ImVec2(std::max(1.0f, total.x), std::max(1.0f, total.y)));
  const bool hovered = ImGui::IsItemHovered();
  const bool clicked = ImGui::IsItemClicked(ImGuiMouseButton_Left);
  res.min = origin;
  res.max = ImVec2(origin.x + total.x, origin.y + total.y);
  res.first_cell = ImVec2(origin.x + row_label_w, origin.y + head_h);
  res.pitch = ImVec2(cell + gap, cell + label_h + gap);
  if (L == 0 || H == 0 || !d.values) {
    ImGui::PopID();
    return res;
  }

  // -- The atlas: head (l, h) at texels [h*t, (h+1)*t) x [l*t, (l+1)*t).
  std::uint64_t key = 1469598103934665603ull;
  auto mix = [&](std::uint64_t v) { key = (key ^ v) * 1099511628211ull; };
  mix(d.generation);
  mix(static_cast<std::uint64_t>(L) << 40 | static_cast<std::uint64_t>(H) << 20 | static_cast<std::uint64_t>(t));
  mix(static_cast<std::uint64_t>(d.scale.map));
  const int w = H * t, h = L * t;
  const bool fits = w <= textures_->MaxSize() && h <= textures_->MaxSize();
  if (fits && (key != key_ || !texture_)) {
    std::vector<std::uint8_t> rgba(static_cast<std::size_t>(w) * h * 4, 255);
    for (int l = 0; l < L; ++l)
      for (int hd = 0; hd < H; ++hd) {
        const float* v = d.values(l, hd);
        if (!v) continue;
        const std::uint8_t* ok = d.valid ? d.valid(l, hd) : nullptr;
        for (int r = 0; r < t; ++r)
          for (int c = 0; c < t; ++c) {
            const Rgb8 col = ok && !ok[r * t + c] ? kMaskedCellColor
                                                  : ColormapColor(d.scale.map, v[r * t + c], d.scale.vmin, d.scale.vmax);
            std::uint8_t* px = &rgba[(static_cast<std::size_t>(l * t + r) * w + hd * t + c) * 4];
            px[0] = col.r, px[1] = col.g, px[2] = col.b, px[3] = 255;
          }
      }
    if (texture_ && tex_w_ == w && tex_h_ == h) {
      textures_->Update(texture_, w, h, rgba.data());
    } else {
      if (texture_) textures_->Destroy(texture_);
      texture_ = textures_->Create(w, h, rgba.data());
      tex_w_ = w, tex_h_ = h;
    }
    key_ = key;
  }

  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 m = ImGui::GetIO().MousePos;
  for (int hd = 0; hd < H; ++hd) {
    const float x = origin.x + row_label_w + hd * (cell + gap);
    const Rgb8 c = HeadColor(hd);
    dl->AddRectFilled(ImVec2(x, origin.y + head_h - 4), ImVec2(x + cell, origin.y + head_h - 1), ToImU32(c));
    char s[16];
    std::snprintf(s, sizeof s, "H%d", hd);
    if (cell >= ImGui::CalcTextSize(s).x) dl->AddText(ImVec2(x, origin.y), pal.text_dim, s);
  }
  for (int l = 0; l < L; ++l) {
    const float y = origin.y + head_h + l * (cell + label_h + gap);
    if (L > 1) {
      char s[16];
      std::snprintf(s, sizeof s, "L%d", l + 1);
      dl->AddText(ImVec2(origin.x, y + (cell - lh) * 0.5f), pal.text_dim, s);
    }
    for (int hd = 0; hd < H; ++hd) {
      const float x = origin.x + row_label_w + hd * (cell + gap);
      const ImVec2 a(x, y), b(x + cell, y + cell);
      ++res.cells_drawn;
      if (texture_ && fits)
        dl->AddImage(texture_, a, b, ImVec2(static_cast<float>(hd) / H, static_cast<float>(l) / L),
                     ImVec2(static_cast<float>(hd + 1) / H, static_cast<float>(l + 1) / L));
      else
        dl->AddRectFilled(a, b, pal.chip);
      const bool focus = l == d.focused_layer && hd == d.focused_head;
      const bool over = hovered && m.x >= a.x && m.x < b.x && m.y >= a.y && m.y < b.y + label_h;
      if (over) res.hovered_layer = l, res.hovered_head = hd;
      dl->AddRect(ImVec2(a.x - 1, a.y - 1), ImVec2(b.x + 1, b.y + 1), focus ? pal.accent : over ? pal.text_dim : pal.chip_border,
                  0, 0, focus ? 2.5f : 1.0f);
      if (labels) {
        const std::string s = d.label(l, hd);
        if (!s.empty()) {
          // Clipped to the cell: a role name longer than the thumbnail is cut, not overlapped.
          dl->PushClipRect(ImVec2(a.x, b.y), ImVec2(b.x, b.y + label_h), true);
          dl->AddText(ImVec2(a.x, b.y + 1), focus ? pal.text : pal.text_faint, s.c_str());
          dl->PopClipRect();
        }
      }
    }
  }
  if (res.hovered_head >= 0 && d.tooltip) {
    const std::string tip = d.tooltip(res.hovered_layer, res.hovered_head);
    if (!tip.empty()) ImGui::SetTooltip("%s", tip.c_str());
  }
  if (clicked && res.hovered_head >= 0) res.clicked_layer = res.hovered_layer, res.clicked_head = res.hovered_head;
  ImGui::PopID();
  return res;
}

}  // namespace attnviz::ui
