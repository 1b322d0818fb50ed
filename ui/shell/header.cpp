// The shell's header: wordmark, the sentence box every chapter uses, the
// compute state (spinner / dot), the token count and the presenter toggle.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "ui/shell.h"
#include "ui/shell/shell_style.h"
#include <imgui_internal.h>  // ClearActiveID: leave the sentence box on Esc without reverting it
#include <imgui_stdlib.h>

#include "ui/theme.h"

namespace attnviz::ui {

void Shell::DrawSpinner(ImVec2 c, float r) {
  const Palette& pal = CurrentPalette();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float t = static_cast<float>(ImGui::GetTime());
  const float a0 = t * 6.0f;
  dl->PathArcTo(c, r, a0, a0 + 4.2f, 20);
  dl->PathStroke(pal.accent, 0, std::max(2.0f, r * 0.28f));
}

void Shell::DrawHeader(const ShellFrame& frame) {
  const Palette& pal = CurrentPalette();
  const float fs = ImGui::GetFontSize();
  const ImGuiStyle& style = ImGui::GetStyle();
  const float pad_x = std::round(1.0f * fs), pad_y = std::round(0.6f * fs);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 top = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x - header_reserve_;  // the next-token panel's room stays free

  ImGui::SetCursorScreenPos(ImVec2(top.x + pad_x, top.y + pad_y));
  // Wordmark: a small accent diamond and the name.
  {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float h = ImGui::GetFrameHeight();
    const float r = fs * 0.36f;
    const ImVec2 c(p.x + r, p.y + h * 0.5f);
    dl->AddQuadFilled(ImVec2(c.x, c.y - r), ImVec2(c.x + r, c.y), ImVec2(c.x, c.y + r), ImVec2(c.x - r, c.y), pal.accent);
    ImGui::Dummy(ImVec2(r * 2 + fs * 0.35f, h));
    ImGui::SameLine(0, 0);
    ImGui::PushFont(fonts_.bold);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("attnviz");
    ImGui::PopFont();
  }
  ImGui::SameLine(0, fs);

  // Right side: token count, compute state, presenter toggle.
  char count[64];
  if (!loading_model_.empty()) std::snprintf(count, sizeof count, "loading model\xE2\x80\xA6");
  else if (frame.trace) std::snprintf(count, sizeof count, "%d tokens", frame.trace->n());
  else std::snprintf(count, sizeof count, "no trace yet");
  const char* presenter_label = ui_.presenter ? "Exit presenter" : "Presenter";
  const float right_w = ImGui::CalcTextSize(count).x + ImGui::GetFrameHeight() + fs * 0.8f +
                        ImGui::CalcTextSize(presenter_label).x + style.FramePadding.x * 2 + style.ItemSpacing.x * 3;
  const float box_w = std::max(width - (ImGui::GetCursorScreenPos().x - top.x) - right_w - pad_x, 8 * fs);

  // Esc leaves the box keeping the text: ImGui 1.86 would revert every edit made
  // since the box was clicked, which here means losing a sentence typed live.
  if (sentence_active_ && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) ImGui::ClearActiveID();
  ImGui::SetNextItemWidth(box_w);
  ImGui::PushAllowKeyboardFocus(false);  // Tab cycles heads, it must not jump into the box
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(style.FramePadding.x * 1.2f, style.FramePadding.y));
  ImGui::InputTextWithHint("##sentence", "Type a sentence; every edit recomputes", &request_.text);
  ImGui::PopStyleVar();
  ImGui::PopAllowKeyboardFocus();
  sentence_active_ = ImGui::IsItemActive();
  layout_.AddLastItem("sentence");
  if (ImGui::IsItemHovered() && !ImGui::IsItemActive())
    ImGui::SetTooltip("The sentence every chapter uses. Edits recompute live; the last result stays on screen.");

  ImGui::SameLine(0, style.ItemSpacing.x * 1.5f);
  {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float h = ImGui::GetFrameHeight();
    if (frame.busy || !loading_model_.empty()) DrawSpinner(ImVec2(p.x + h * 0.5f, p.y + h * 0.5f), h * 0.3f);
    else if (frame.trace && frame.trace_error.empty())
      dl->AddCircleFilled(ImVec2(p.x + h * 0.5f, p.y + h * 0.5f), h * 0.16f, pal.ok);
    else if (!frame.trace_error.empty())
      dl->AddCircleFilled(ImVec2(p.x + h * 0.5f, p.y + h * 0.5f), h * 0.16f, pal.error);
    ImGui::Dummy(ImVec2(h, h));
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("%s", !loading_model_.empty() ? "Loading the model; the current one stays until it is ready"
                              : frame.busy ? "Computing the new trace; the last one stays on screen"
                              : frame.trace_error.empty() ? "Up to date" : frame.trace_error.c_str());
  }
  ImGui::SameLine(0, fs * 0.3f);
  ImGui::AlignTextToFramePadding();
  ImGui::PushStyleColor(ImGuiCol_Text, Col(pal.text_dim));
  ImGui::TextUnformatted(count);
  ImGui::PopStyleColor();
  layout_.AddLastItem("token_count");
  ImGui::SameLine(0, style.ItemSpacing.x * 1.5f);
  if (ImGui::Button(presenter_label)) ui_.presenter = !ui_.presenter;
  layout_.AddLastItem("presenter");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Large text, panels collapsed (F11)");

  ImGui::SetCursorScreenPos(ImVec2(top.x, ImGui::GetCursorScreenPos().y + pad_y * 0.4f));
  (void)width;
}

void Shell::DrawNextToken(const Trace* trace, ImVec2 header_top, float root_w) {
  const Palette& pal = CurrentPalette();
  const float fs = ImGui::GetFontSize();
  const float pad_x = std::round(1.0f * fs), pad_y = std::round(0.6f * fs);
  const ImVec2 below_strip = ImGui::GetCursorScreenPos();
  const float x = header_top.x + root_w - header_reserve_;
  const float top = header_top.y + pad_y * 0.5f;
  const int n = static_cast<int>(trace->next_token.size());
  const float h = NextTokenPanel::WantedHeight(n);
  const float bottom = std::max(below_strip.y, top + h + pad_y * 0.5f);
  ImGui::GetWindowDrawList()->AddLine(ImVec2(x - pad_x * 0.5f, top), ImVec2(x - pad_x * 0.5f, bottom - pad_y * 0.5f),
                                      pal.separator);
  ImGui::SetCursorScreenPos(ImVec2(x, top));
  next_panel_.Draw("##next_token", trace->next_token, ImVec2(header_reserve_ - pad_x, h), computing_);
  layout_.AddLastItem("next_token");
  ImGui::SetCursorScreenPos(ImVec2(below_strip.x, bottom));
}

}  // namespace attnviz::ui
