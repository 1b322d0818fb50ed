// Token strip widget (see token_strip.h).
#define IMGUI_DEFINE_MATH_OPERATORS
#include "ui/widgets/token_strip.h"
#include "ui/widgets/fit_text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include <imgui_internal.h>

namespace attnviz::ui {
namespace {

std::uint64_t HashTokens(std::span<const Token> tokens) {
  std::uint64_t h = 1469598103934665603ull;
  for (const Token& t : tokens) {
    for (unsigned char ch : t.text) h = (h ^ ch) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;  // token boundary
  }
  return h;
}

}  // namespace

void TokenStrip::Layout(std::span<const Token> tokens, std::span<const std::string> labels, float width) {
  const ImGuiStyle& style = ImGui::GetStyle();
  const float font = ImGui::GetFontSize();
  const std::uint64_t hash = HashTokens(tokens);
  if (labels.size() != tokens.size()) labels = {};
  if (laid_tokens_ == tokens.data() && laid_count_ == tokens.size() && laid_hash_ == hash &&
      laid_width_ == width && laid_font_ == font && laid_labels_ == labels.data())
    return;
  laid_labels_ = labels.data();
  laid_tokens_ = tokens.data();
  laid_count_ = tokens.size();
  laid_hash_ = hash;
  laid_width_ = width;
  laid_font_ = font;

  const float chip_h = ImGui::GetTextLineHeight() + style.FramePadding.y * 2.0f;
  const float gap_x = style.ItemSpacing.x * 0.5f;
  const float gap_y = style.ItemSpacing.y * 0.5f;
  const float text_pad = style.FramePadding.x;
  const float max_chip = std::max(font * 3.0f, width);
  labels_.resize(tokens.size());
  rects_.resize(tokens.size());
  line_first_.clear();
  float x = 0.0f, y = 0.0f;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    labels_[i] = FitTextToWidth(labels.empty() ? DisplayToken(tokens[i].text) : labels[i], max_chip - text_pad * 2.0f);
    const float w = std::min(max_chip, ImGui::CalcTextSize(labels_[i].c_str()).x + text_pad * 2.0f);
    if (i == 0) line_first_.push_back(0);
    if (x > 0.0f && x + w > width) {
      x = 0.0f;
      y += chip_h + gap_y;
      line_first_.push_back(static_cast<int>(i));
    }
    rects_[i] = ImVec4(x, y, x + w, y + chip_h);
    x += w + gap_x;
  }
  lines_ = static_cast<int>(line_first_.size());
}

TokenStripResult TokenStrip::Draw(const char* id, const TokenStripData& d, float height, float width) {
  TokenStripResult res;
  res.selected = d.selected;
  const ImGuiStyle& style = ImGui::GetStyle();
  ImGuiIO& io = ImGui::GetIO();
  const int n = static_cast<int>(d.tokens.size());
  const float chip_h = ImGui::GetTextLineHeight() + style.FramePadding.y * 2.0f;
  const float line_h = chip_h + style.ItemSpacing.y * 0.5f;
  const float avail_w = std::max(width > 0.0f ? width : ImGui::GetContentRegionAvail().x, ImGui::GetFontSize() * 6.0f);
  // Lay out for the child's inner width, always leaving room for its scrollbar so it cannot flicker.
  const float inner_w = avail_w - style.WindowPadding.x * 2.0f - style.ScrollbarSize;
  Layout(d.tokens, d.labels, inner_w);
  if (height <= 0.0f) height = std::min(std::max(lines_, 1), 8) * line_h - style.ItemSpacing.y * 0.5f + style.WindowPadding.y * 2.0f;

  ImGui::PushStyleColor(ImGuiCol_ChildBg, ImGui::GetStyleColorVec4(ImGuiCol_FrameBg) * ImVec4(1, 1, 1, 0.45f));
  ImGui::BeginChild(id, ImVec2(avail_w, height), false, ImGuiWindowFlags_AlwaysUseWindowPadding);
  ImGui::PopStyleColor();
  chips_drawn_ = 0;
  if (n == 0) {
    ImGui::TextDisabled("no tokens");
    ImGui::EndChild();
    return res;
  }
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  origin_ = origin;
  const float content_h = rects_.back().w;
  const bool released = ImGui::InvisibleButton("##chips", ImVec2(inner_w, content_h));
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* draw = ImGui::GetWindowDrawList();

  // Visible lines only: the child's clip rect bounds what can be seen.
  const ImVec4 clip = draw->GetClipRectMin().x <= draw->GetClipRectMax().x
                          ? ImVec4(draw->GetClipRectMin().x, draw->GetClipRectMin().y, draw->GetClipRectMax().x, draw->GetClipRectMax().y)
                          : ImVec4(0, 0, 0, 0);
  const int first_line = std::clamp(static_cast<int>(std::floor((clip.y - origin.y) / line_h)) - 1, 0, lines_ - 1);
  const int last_line = std::clamp(static_cast<int>(std::ceil((clip.w - origin.y) / line_h)) + 1, 0, lines_ - 1);
  const int first = line_first_[first_line];
  const int last = last_line + 1 < lines_ ? line_first_[last_line + 1] : n;

  // Hit test: line by y, then the chip by x within it.
  if (hovered) {
    const ImVec2 local = io.MousePos - origin;
    const int line = static_cast<int>(std::floor(local.y / line_h));
    if (line >= 0 && line < lines_) {
      const int b = line_first_[line], e = line + 1 < lines_ ? line_first_[line + 1] : n;
      for (int i = b; i < e; ++i) {
        const ImVec4& r = rects_[i];
        if (local.x >= r.x && local.x < r.z && local.y >= r.y && local.y < r.w) {
          res.hovered = i;
          break;
        }
      }
    }
  }
  if (released && res.hovered >= 0 && io.MouseDragMaxDistanceSqr[0] <= io.MouseDragThreshold * io.MouseDragThreshold) {
    if (io.KeyCtrl || io.KeyAlt) {
      if (d.allow_global_toggle) res.toggled_global = res.hovered;
    } else {
      res.selection_changed = true;
      res.selected = res.hovered == d.selected ? -1 : res.hovered;
    }
  }

  std::vector<std::uint8_t> is_global;
  if (!d.globals.empty()) {
    is_global.assign(static_cast<std::size_t>(n), 0);
    for (int g : d.globals)
      if (g >= 0 && g < n) is_global[static_cast<std::size_t>(g)] = 1;
  }
  const float rounding = chip_h * 0.3f;
  const ImU32 bg = ImGui::GetColorU32(ImGuiCol_FrameBg);
  const ImU32 bg_hover = ImGui::GetColorU32(ImGuiCol_FrameBgHovered);
  const ImU32 sel_bg = ImGui::GetColorU32(ImGuiCol_ButtonActive);
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 ring = ImGui::GetColorU32(ImGuiCol_Text, 0.75f);
  const ImU32 global_col = IM_COL32(255, 170, 40, 255);
  for (int i = first; i < last; ++i) {
    const ImVec4& r = rects_[i];
    const ImVec2 a = origin + ImVec2(r.x, r.y), b = origin + ImVec2(r.z, r.w);
    const bool selected = i == d.selected;
    const bool hot = i == res.hovered || i == d.highlighted;
    draw->AddRectFilled(a, b, selected ? sel_bg : (hot ? bg_hover : bg), rounding);
    if (hot) draw->AddRect(a, b, ring, rounding, 0, 1.5f * std::max(1.0f, ImGui::GetFontSize() / 16.0f));
    const ImVec2 ts = ImGui::CalcTextSize(labels_[i].c_str());
    draw->AddText(ImVec2((a.x + b.x - ts.x) * 0.5f, (a.y + b.y - ts.y) * 0.5f),
                  selected ? IM_COL32(255, 255, 255, 255) : text, labels_[i].c_str());
    if (!is_global.empty() && is_global[static_cast<std::size_t>(i)]) {
      // A dot in the top-right corner: this token attends and is attended everywhere.
      const float rad = std::max(2.0f, chip_h * 0.14f);
      draw->AddCircleFilled(ImVec2(b.x - rad * 1.3f, a.y + rad * 1.3f), rad, global_col, 12);
    }
    if (d.show_indices) {
      char idx[16];
      std::snprintf(idx, sizeof idx, "%d", i);
      const float small = ImGui::GetFontSize() * 0.6f;
      draw->AddText(ImGui::GetFont(), small, ImVec2(a.x + 2.0f, b.y - small), ImGui::GetColorU32(ImGuiCol_TextDisabled), idx);
    }
    ++chips_drawn_;
  }

  if (res.hovered >= 0) {
    const Token& t = d.tokens[res.hovered];
    ImGui::BeginTooltip();
    ImGui::Text("token %d  \"%s\"", res.hovered, DisplayToken(t.text).c_str());
    ImGui::TextDisabled("bytes [%d, %d)%s", t.start, t.end,
                        !is_global.empty() && is_global[static_cast<std::size_t>(res.hovered)] ? "  global" : "");
    if (t.id >= 0) ImGui::TextDisabled("vocabulary id %d", t.id);
    ImGui::TextDisabled(res.hovered == d.selected ? "click: clear the selection" : "click: select as query");
    if (d.allow_global_toggle) ImGui::TextDisabled("Ctrl+click / Alt+click: toggle global");
    ImGui::EndTooltip();
  }
  ImGui::EndChild();
  return res;
}

}  // namespace attnviz::ui
