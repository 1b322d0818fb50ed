// The shell on an ImGui context with no renderer, for the UI tests: frames,
// key presses and real clicks as a backend would feed them, and the layout
// facts the shell records. One copy for every tests/ui/test-*.cpp.
#pragma once
#include <cfloat>
#include <string>

#include <imgui.h>

#include "ui/shell.h"
#include "ui/theme.h"

namespace attnviz::ui {

// Key indices this "backend" uses: ImGuiKey_* map to themselves, the keys
// ImGui 1.86 has no enum for sit at 100+.
inline constexpr int kDigit0 = 100;
inline constexpr int kKeyE = 110;
inline constexpr int kKeyF11 = 111;

inline ShellKeys TestKeys() {
  ShellKeys k;
  for (int d = 0; d <= 9; ++d) k.digit[d] = kDigit0 + d;
  k.e = kKeyE;
  k.f11 = kKeyF11;
  k.equal = 112;
  k.minus = 113;
  return k;
}

class HeadlessUi {
 public:
  HeadlessUi() {
    ctx_ = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(1440, 900);
    io.DeltaTime = 1.0f / 60.0f;
    for (int i = 0; i < ImGuiKey_COUNT; ++i) io.KeyMap[i] = i;
    fonts_ = BuildFonts(io.Fonts, 17.0f);
    unsigned char* px = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&px, &w, &h);
    io.Fonts->SetTexID(reinterpret_cast<ImTextureID>(1));
    ApplyTheme(Theme::Dark, 1.0f);
  }
  ~HeadlessUi() { ImGui::DestroyContext(ctx_); }
  HeadlessUi(const HeadlessUi&) = delete;
  HeadlessUi& operator=(const HeadlessUi&) = delete;

  const Fonts& fonts() const { return fonts_; }

  // One frame; returns the vertex count ImGui produced.
  int Frame(Shell& shell, const ShellFrame& f) {
    ImGui::NewFrame();
    shell.Draw(f);
    ImGui::Render();
    return ImGui::GetDrawData()->TotalVtxCount;
  }
  // Frames until the chapter's off-thread lessons have arrived and been drawn.
  void Settle(Shell& shell, const ShellFrame& f) {
    for (int i = 0; i < 4; ++i) {
      Frame(shell, f);
      shell.WaitForCompute();
    }
    Frame(shell, f);
  }
  // Presses a key for one frame and releases it the next.
  void Key(Shell& shell, const ShellFrame& f, int key, bool ctrl = false, bool shift = false) {
    ImGuiIO& io = ImGui::GetIO();
    io.KeyCtrl = ctrl;
    io.KeyShift = shift;
    io.KeysDown[key] = true;
    Frame(shell, f);
    io.KeysDown[key] = false;
    io.KeyCtrl = io.KeyShift = false;
    Frame(shell, f);
  }
  // A real click: move, press for a frame, release for a frame, then the mouse leaves.
  void Click(Shell& shell, const ShellFrame& f, ImVec2 at, bool ctrl = false) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = at;
    Frame(shell, f);
    io.KeyCtrl = ctrl;
    io.MouseDown[0] = true;
    Frame(shell, f);
    io.MouseDown[0] = false;
    Frame(shell, f);
    io.KeyCtrl = false;
    io.MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    Frame(shell, f);
  }

 private:
  ImGuiContext* ctx_ = nullptr;
  Fonts fonts_;
};

inline ImVec2 Center(const LayoutRect& r) { return ImVec2((r.min.x + r.max.x) * 0.5f, (r.min.y + r.max.y) * 0.5f); }

// A fact the shell recorded this frame ("(missing)" when it did not).
inline std::string Fact(const Shell& shell, const std::string& key) {
  for (const auto& [k, v] : shell.layout().facts)
    if (k == key) return v;
  return "(missing)";
}

}  // namespace attnviz::ui
