// The sidebar: the eight chapters, the Playground and the keyboard hint;
// folded to a narrow strip with the chapter number when there is no room.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "ui/shell.h"
#include "ui/shell/shell_style.h"

#include "ui/theme.h"

namespace attnviz::ui {

void Shell::DrawSidebar() {
  const Palette& pal = CurrentPalette();
  const float fs = ImGui::GetFontSize();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 wp = ImGui::GetWindowPos(), ws = ImGui::GetWindowSize();
  dl->AddRectFilled(wp, ImVec2(wp.x + ws.x, wp.y + ws.y), pal.panel);
  dl->AddLine(ImVec2(wp.x + ws.x - 1, wp.y), ImVec2(wp.x + ws.x - 1, wp.y + ws.y), pal.separator);
  const bool open = SidebarOpen(ImGui::GetMainViewport()->WorkSize.x);
  const float pad = std::round(0.7f * fs);

  if (!open) {
    ImGui::SetCursorPos(ImVec2(std::round(0.35f * fs), pad));
    if (ImGui::Button("»", ImVec2(1.5f * fs, 0))) {
      if (ui_.presenter) ui_.presenter = false;
      ui_.show_sidebar = true;
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Show the chapters");
    // The current chapter number, vertically under the button.
    ImGui::SetCursorPosX(std::round(0.35f * fs));
    ImGui::PushStyleColor(ImGuiCol_Text, Col(pal.accent));
    ImGui::Dummy(ImVec2(0, fs * 0.4f));
    ImGui::SetCursorPosX(std::round(0.35f * fs) + fs * 0.45f);
    if (ui_.chapter == kPlaygroundChapter) ImGui::TextUnformatted("P");
    else ImGui::Text("%d", ui_.chapter);
    ImGui::PopStyleColor();
    return;
  }

  ImGui::SetCursorPos(ImVec2(pad, pad));
  ImGui::PushStyleColor(ImGuiCol_Text, Col(pal.text_faint));
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("CHAPTERS");
  ImGui::PopStyleColor();
  ImGui::SameLine(ws.x - pad - 1.5f * fs);
  if (ImGui::Button("«", ImVec2(1.5f * fs, 0))) ui_.show_sidebar = false;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Hide the chapters");
  ImGui::Dummy(ImVec2(0, fs * 0.3f));

  const float item_w = ws.x - pad * 2 + 0.3f * fs;
  auto entry = [&](const Chapter& c) {
    const int num = c.number();
    const bool current = ui_.chapter == num;
    const float badge = fs * 1.45f;
    const float text_x = badge + fs * 0.55f;
    const float wrap = item_w - text_x - fs * 0.5f;
    const ImVec2 tsz = ImGui::CalcTextSize(c.title(), nullptr, false, wrap);
    const float h = std::max(badge, tsz.y) + fs * 0.55f;
    ImGui::SetCursorPosX(pad - 0.3f * fs);
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::PushID(num);
    const bool clicked = ImGui::InvisibleButton("chapter", ImVec2(item_w, h));
    const bool hovered = ImGui::IsItemHovered();
    ImGui::PopID();
    layout_.AddLastItem("sidebar." + std::to_string(num));
    if (clicked) ui_.chapter = num;
    if (current || hovered)
      dl->AddRectFilled(p, ImVec2(p.x + item_w, p.y + h), current ? pal.accent_soft : pal.chip, fs * 0.4f);
    if (current) dl->AddRectFilled(ImVec2(p.x, p.y + h * 0.22f), ImVec2(p.x + 3, p.y + h * 0.78f), pal.accent, 1.5f);
    const ImVec2 bc(p.x + fs * 0.35f + badge * 0.5f, p.y + h * 0.5f);
    char label[8];
    if (num == kPlaygroundChapter) std::snprintf(label, sizeof label, "P");
    else std::snprintf(label, sizeof label, "%d", num);
    dl->AddCircleFilled(bc, badge * 0.5f, current ? pal.accent : pal.chip_border);
    const ImVec2 ls = ImGui::CalcTextSize(label);
    dl->AddText(ImVec2(bc.x - ls.x * 0.5f, bc.y - ls.y * 0.5f), current ? pal.accent_text : pal.text, label);
    dl->AddText(ImGui::GetFont(), fs, ImVec2(p.x + fs * 0.35f + text_x, p.y + (h - tsz.y) * 0.5f),
                current ? pal.text : pal.text_dim, c.title(), nullptr, wrap);
    if (hovered) ImGui::SetTooltip("%s", c.subtitle());
  };
  for (const auto& c : chapters_)
    if (c->number() != kPlaygroundChapter) entry(*c);
  ImGui::Dummy(ImVec2(0, fs * 0.4f));
  {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    dl->AddLine(ImVec2(p.x + pad, p.y), ImVec2(p.x + ws.x - pad, p.y), pal.separator);
    ImGui::Dummy(ImVec2(0, fs * 0.5f));
  }
  for (const auto& c : chapters_)
    if (c->number() == kPlaygroundChapter) entry(*c);

  // Keyboard hint at the bottom.
  const char* hint = "PgUp/PgDn or 1-8: chapters\n0: Playground   Tab: heads\n\xE2\x86\x90/\xE2\x86\x92: tokens   Esc: clear";
  const ImVec2 hs = ImGui::CalcTextSize(hint);
  if (ImGui::GetCursorPosY() + hs.y + pad * 2 < ws.y) {
    ImGui::SetCursorPos(ImVec2(pad, ws.y - hs.y - pad));
    ImGui::PushStyleColor(ImGuiCol_Text, Col(pal.text_faint));
    ImGui::TextUnformatted(hint);
    ImGui::PopStyleColor();
  }
}

}  // namespace attnviz::ui
