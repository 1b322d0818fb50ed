#include "ui/widgets/fit_text.h"

#include <imgui.h>

namespace attnviz::ui {

std::string FitTextToWidth(std::string s, float max_w) {
  if (ImGui::CalcTextSize(s.c_str()).x <= max_w) return s;
  const bool has_ellipsis = ImGui::GetFont()->FindGlyphNoFallback(0x2026) != nullptr;
  const char* dots = has_ellipsis ? "\xE2\x80\xA6" : "..";
  const float dots_w = ImGui::CalcTextSize(dots).x;
  while (!s.empty()) {
    // Drop one UTF-8 code point from the end.
    std::size_t cut = s.size() - 1;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
    s.resize(cut);
    if (ImGui::CalcTextSize(s.c_str()).x + dots_w <= max_w) break;
  }
  return s + dots;
}

}  // namespace attnviz::ui
