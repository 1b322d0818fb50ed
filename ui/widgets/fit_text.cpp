#include "ui/widgets/fit_text.h"

#include <imgui.h>

#include "core/text/utf8.h"

namespace attnviz::ui {

std::string FitTextToWidth(std::string s, float max_w) {
  if (ImGui::CalcTextSize(s.c_str()).x <= max_w) return s;
  const bool has_ellipsis = ImGui::GetFont()->FindGlyphNoFallback(0x2026) != nullptr;
  const char* dots = has_ellipsis ? "\xE2\x80\xA6" : "..";
  const float dots_w = ImGui::CalcTextSize(dots).x;
  while (!s.empty()) {
    s.resize(LastCodePointStart(s));  // drop one code point from the end
    if (ImGui::CalcTextSize(s.c_str()).x + dots_w <= max_w) break;
  }
  return s + dots;
}

}  // namespace attnviz::ui
