// Drawing pieces the shell's panels share (see shell_style.h).
#include "ui/shell/shell_style.h"

#include "ui/theme.h"

namespace attnviz::ui {

void SectionTitle(const char* text) {
  const Palette& pal = CurrentPalette();
  ImGui::Dummy(ImVec2(0, ImGui::GetStyle().ItemSpacing.y * 0.6f));
  ImGui::PushStyleColor(ImGuiCol_Text, Col(pal.text_faint));
  ImGui::TextUnformatted(text);
  ImGui::PopStyleColor();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::GetWindowDrawList()->AddLine(ImVec2(p.x, p.y - 2), ImVec2(p.x + ImGui::GetContentRegionAvail().x, p.y - 2),
                                      pal.separator);
  ImGui::Dummy(ImVec2(0, 2));
}

void MessageBox(const std::string& text, bool error, float reserve_right) {
  const Palette& pal = CurrentPalette();
  const float pad = ImGui::GetStyle().FramePadding.x;
  const float width = ImGui::GetContentRegionAvail().x;
  const float wrap = width - pad * 2 - reserve_right;
  const ImVec2 sz = ImGui::CalcTextSize(text.c_str(), nullptr, false, wrap);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 q(p.x + width, p.y + sz.y + pad * 1.4f);
  dl->AddRectFilled(p, q, error ? pal.error_bg : pal.warning_bg, ImGui::GetStyle().FrameRounding);
  dl->AddRectFilled(p, ImVec2(p.x + 3, q.y), error ? pal.error : pal.warning, 1.5f);
  dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(p.x + pad, p.y + pad * 0.7f), pal.text, text.c_str(),
              nullptr, wrap);
  ImGui::Dummy(ImVec2(width, q.y - p.y));
}

void DisabledReason(const char* why) {
  ImGui::PushStyleColor(ImGuiCol_Text, Col(CurrentPalette().text_faint));
  ImGui::TextWrapped("%s", why);
  ImGui::PopStyleColor();
}

}  // namespace attnviz::ui
