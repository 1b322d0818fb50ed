#include "ui/segmented_control.h"

#include <algorithm>
#include <cstdio>

#include <imgui.h>

#include "ui/theme.h"

namespace attnviz::ui {

bool SegmentedControl(const char* id, const char* const* items, int count, int* current) {
  const Palette& pal = CurrentPalette();
  const ImGuiStyle& style = ImGui::GetStyle();
  ImGui::PushID(id);
  float total = 0;
  for (int i = 0; i < count; ++i) total += ImGui::CalcTextSize(items[i]).x + style.FramePadding.x * 2;
  const float h = ImGui::GetFrameHeight();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p, ImVec2(p.x + total, p.y + h), ImGui::GetColorU32(ImGuiCol_FrameBg), style.FrameRounding);
  bool changed = false;
  float x = p.x;
  for (int i = 0; i < count; ++i) {
    const float w = ImGui::CalcTextSize(items[i]).x + style.FramePadding.x * 2;
    ImGui::SetCursorScreenPos(ImVec2(x, p.y));
    ImGui::PushID(i);
    if (ImGui::InvisibleButton("seg", ImVec2(w, h)) && *current != i) {
      *current = i;
      changed = true;
    }
    const bool hovered = ImGui::IsItemHovered();
    ImGui::PopID();
    const bool on = *current == i;
    if (on || hovered) {
      const float inset = 2.0f;
      dl->AddRectFilled(ImVec2(x + inset, p.y + inset), ImVec2(x + w - inset, p.y + h - inset),
                        on ? pal.accent : pal.chip_hover, std::max(0.0f, style.FrameRounding - 1));
    }
    dl->AddText(ImVec2(x + style.FramePadding.x, p.y + style.FramePadding.y), on ? pal.accent_text : pal.text_dim,
                items[i]);
    x += w;
  }
  ImGui::SetCursorScreenPos(p);
  ImGui::Dummy(ImVec2(total, h));
  ImGui::PopID();
  return changed;
}

std::string FormatBytes(double bytes) {
  char s[32];
  if (bytes < 1024) std::snprintf(s, sizeof s, "%.0f B", bytes);
  else if (bytes < 1024 * 1024) std::snprintf(s, sizeof s, "%.1f KiB", bytes / 1024);
  else if (bytes < 1024.0 * 1024 * 1024) std::snprintf(s, sizeof s, "%.1f MiB", bytes / (1024 * 1024));
  else std::snprintf(s, sizeof s, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
  return s;
}

void FactBadge(const char* label, const std::string& value, bool same_line) {
  const Palette& pal = CurrentPalette();
  const ImGuiStyle& style = ImGui::GetStyle();
  const ImVec2 ls = ImGui::CalcTextSize(label);
  const ImVec2 vs = ImGui::CalcTextSize(value.c_str());
  const float pad = style.FramePadding.x * 0.8f;
  const float w = ls.x + pad * 3 + vs.x + pad;
  const float h = ImGui::GetTextLineHeight() + style.FramePadding.y;
  if (same_line) {
    ImGui::SameLine();
    if (ImGui::GetContentRegionAvail().x < w) ImGui::NewLine();
  }
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), pal.chip, h * 0.5f);
  dl->AddText(ImVec2(p.x + pad, p.y + style.FramePadding.y * 0.5f), pal.text_dim, label);
  dl->AddText(ImVec2(p.x + pad * 3 + ls.x, p.y + style.FramePadding.y * 0.5f), pal.text, value.c_str());
  ImGui::Dummy(ImVec2(w, h));
}

}  // namespace attnviz::ui
