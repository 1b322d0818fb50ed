// The shell's keyboard shortcuts: chapters (PgUp / PgDn, digits), the selected
// token (arrows, Home / End, Esc), the focused head (Tab), presenter mode (F11),
// text size (Ctrl+= / Ctrl+-) and export (Ctrl+E). See shell.h.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "ui/shell.h"
#include "ui/shell/shell_style.h"

namespace attnviz::ui {

void Shell::HandleKeys(const Trace* trace) {
  ImGuiIO& io = ImGui::GetIO();
  auto pressed = [](int key, bool repeat = false) { return key >= 0 && ImGui::IsKeyPressed(key, repeat); };
  auto pressed_map = [](ImGuiKey key, bool repeat = false) {
    return ImGui::IsKeyPressed(ImGui::GetKeyIndex(key), repeat);
  };
  // Ctrl shortcuts work even while typing in the sentence box.
  if (io.KeyCtrl && pressed(keys_.e) && export_enabled_) export_pending_ = true;
  if (io.KeyCtrl && pressed(keys_.equal, true)) ui_.font_size = std::min(ui_.font_size + 1.0f, 40.0f);
  if (io.KeyCtrl && pressed(keys_.minus, true)) ui_.font_size = std::max(ui_.font_size - 1.0f, 10.0f);
  if (pressed(keys_.f11)) ui_.presenter = !ui_.presenter;
  if (io.WantTextInput || ImGui::IsAnyItemActive()) return;

  const int n = trace ? trace->n() : 0;
  if (pressed_map(ImGuiKey_Escape)) ui_.selected_token = -1;
  if (n > 0 && pressed_map(ImGuiKey_RightArrow, true))
    ui_.selected_token = ui_.selected_token < 0 ? 0 : std::min(ui_.selected_token + 1, n - 1);
  if (n > 0 && pressed_map(ImGuiKey_LeftArrow, true))
    ui_.selected_token = ui_.selected_token < 0 ? n - 1 : std::max(ui_.selected_token - 1, 0);
  if (n > 0 && pressed_map(ImGuiKey_Home)) ui_.selected_token = 0;
  if (n > 0 && pressed_map(ImGuiKey_End)) ui_.selected_token = n - 1;
  if (trace && !trace->layers.empty() && pressed_map(ImGuiKey_Tab, true)) {
    const int heads = static_cast<int>(trace->layers[std::clamp(ui_.layer, 0, int(trace->layers.size()) - 1)].heads.size());
    if (heads > 0) ui_.focused_head = (ui_.focused_head + (io.KeyShift ? heads - 1 : 1)) % heads;
  }
  // Chapters: PgDn / PgUp walk 1..8 then the Playground; digits jump.
  auto step_chapter = [&](int dir) {
    int idx = ui_.chapter == kPlaygroundChapter ? kChapterCount + 1 : ui_.chapter;  // 1..9
    idx = std::clamp(idx + dir, 1, kChapterCount + 1);
    ui_.chapter = idx == kChapterCount + 1 ? kPlaygroundChapter : idx;
  };
  if (pressed_map(ImGuiKey_PageDown)) step_chapter(+1);
  if (pressed_map(ImGuiKey_PageUp)) step_chapter(-1);
  if (!io.KeyCtrl && !io.KeyAlt) {
    for (int d = 0; d <= kChapterCount; ++d)
      if (pressed(keys_.digit[d])) ui_.chapter = d;  // 0 = Playground
  }
}

}  // namespace attnviz::ui
