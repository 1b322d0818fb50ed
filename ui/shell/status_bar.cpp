// The status bar: model, shape, positional encoding, mask and compute time of
// the trace on screen, and the two shortcuts worth remembering.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "ui/shell.h"
#include "ui/shell/shell_style.h"

#include "ui/theme.h"

namespace attnviz::ui {

void Shell::DrawStatusBar(const ShellFrame& frame) {
  const Palette& pal = CurrentPalette();
  const float fs = ImGui::GetFontSize();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float w = ImGui::GetWindowWidth();
  const float h = ImGui::GetContentRegionAvail().y;
  dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), pal.panel);
  dl->AddLine(p, ImVec2(p.x + w, p.y), pal.separator);
  std::string s;
  if (const Trace* t = frame.trace.get()) {
    const TraceConfig& c = t->config;
    char buf[256];
    std::snprintf(buf, sizeof buf, "%s  \xC2\xB7  %d layer%s  \xC2\xB7  d_model %d  \xC2\xB7  %d heads  \xC2\xB7  %d kv  \xC2\xB7  d_k %d  \xC2\xB7  %s  \xC2\xB7  ",
                  c.model.c_str(), c.layers, c.layers == 1 ? "" : "s", c.d_model, c.heads, c.kv_heads, c.d_k,
                  std::string(ToString(c.positional)).c_str());
    s = buf;
    s += DescribeMask(c.mask);
    if (!c.scale) s += "  \xC2\xB7  unscaled";
    if (c.temperature != 1.0f) {
      std::snprintf(buf, sizeof buf, "  \xC2\xB7  T %.3g", c.temperature);
      s += buf;
    }
    if (frame.compute_ms >= 0) {
      std::snprintf(buf, sizeof buf, "  \xC2\xB7  computed in %.1f ms", frame.compute_ms);
      s += buf;
    }
  } else {
    s = frame.busy ? "computing the first trace..." : "no trace";
  }
  if (!loading_model_.empty()) s = "loading model " + loading_model_ + "\xE2\x80\xA6  \xC2\xB7  showing " + s;
  const float ty = p.y + (h - fs) * 0.5f;
  const char* right = export_enabled_ ? "Ctrl+E export  \xC2\xB7  F11 presenter" : "F11 presenter";
  const float rw = ImGui::CalcTextSize(right).x;
  const float left_max = p.x + w - rw - 2.5f * fs;
  if (left_max > p.x + 10 * fs) dl->AddText(ImVec2(p.x + w - rw - fs, ty), pal.text_faint, right);
  dl->PushClipRect(p, ImVec2(std::max(left_max, p.x + 10 * fs), p.y + h), true);
  dl->AddText(ImVec2(p.x + fs, ty), pal.text_dim, s.c_str());
  dl->PopClipRect();
  ImGui::Dummy(ImVec2(w, h));
  layout_.AddLastItem("status_bar");
}

}  // namespace attnviz::ui
