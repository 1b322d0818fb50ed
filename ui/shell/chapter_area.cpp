// The chapter area: Prev / Next, the error of the newest request and the
// notices above the views, then the chapter itself; afterwards the hover and
// the export target it reported go back to the shell.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "ui/shell.h"
#include "ui/shell/shell_style.h"

namespace attnviz::ui {

void Shell::DrawChapter(const ShellFrame& frame) {
  const ImGuiStyle& style = ImGui::GetStyle();
  Chapter* chapter = ChapterByNumber(ui_.chapter);
  ui_.chapter = chapter->number();

  // Prev / Next in the top-right corner, drawn first so the chapter's title flows beside them.
  float nav_width = 0;
  {
    const ImVec2 start = ImGui::GetCursorPos();
    const float bw = ImGui::CalcTextSize("Next \xE2\x80\xBA").x + style.FramePadding.x * 2;
    const float x = ImGui::GetWindowContentRegionMax().x - bw * 2 - style.ItemSpacing.x;
    ImGui::SetCursorPos(ImVec2(x, start.y));
    nav_width = bw * 2 + style.ItemSpacing.x * 3;
    const int idx = ui_.chapter == kPlaygroundChapter ? kChapterCount + 1 : ui_.chapter;
    ImGui::BeginDisabled(idx <= 1);
    if (ImGui::Button("\xE2\x80\xB9 Prev", ImVec2(bw, 0))) {
      const int t = idx - 1;
      ui_.chapter = t;
    }
    ImGui::EndDisabled();
    layout_.AddLastItem("nav.prev");
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("Previous chapter (PgUp)");
    ImGui::SameLine();
    ImGui::BeginDisabled(idx >= kChapterCount + 1);
    if (ImGui::Button("Next \xE2\x80\xBA", ImVec2(bw, 0))) {
      const int t = idx + 1;
      ui_.chapter = t == kChapterCount + 1 ? kPlaygroundChapter : t;
    }
    ImGui::EndDisabled();
    layout_.AddLastItem("nav.next");
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("Next chapter (PgDn)");
    ImGui::SetCursorPos(start);
  }

  // Errors about the text (too long, invalid UTF-8) or the model, and notices,
  // in place above the views, under the navigation row.
  const bool have_error = !frame.trace_error.empty() && frame.error_is_current;
  if (have_error || notes_.has_notices()) {
    ImGui::Dummy(ImVec2(0, ImGui::GetFrameHeight()));
    if (have_error)
      MessageBox("Not computed: " + frame.trace_error + (frame.trace ? ". Showing the last good result." : ""), true);
    notes_.DrawNotices(layout_);
  }
  ChapterContext ctx{frame.trace.get(), frame.generation, request_, ui_, *textures_, fonts_, layout_};
  ctx.trace_owner = frame.trace;
  ctx.compute = &compute_;
  ctx.computing = frame.busy;
  ctx.title_reserve = nav_width;
  ImGui::PushID(chapter->number());
  chapter->Draw(ctx);
  ImGui::PopID();
  // What the chapter keeps of its own controls goes to the settings.
  if (std::string state = chapter->SavedState(); state.empty()) ui_.chapter_state.erase(chapter->number());
  else ui_.chapter_state[chapter->number()] = std::move(state);
  // Hover reported this frame by the strip or the views is what next frame highlights.
  ui_.hovered_token = hover_this_frame_ >= 0 ? hover_this_frame_ : ctx.hover_this_frame;
  hover_this_frame_ = -1;
  if (!ImGui::IsWindowHovered(ImGuiHoveredFlags_ChildWindows)) {
    ui_.hovered_row = ui_.hovered_col = -1;
  }
  if (ctx.export_target.Exportable()) {
    export_target_ = ctx.export_target;
    export_trace_ = frame.trace;
  } else {
    export_target_ = {};
    export_trace_.reset();
  }
  if (ctx.export_requested && export_enabled_) export_pending_ = true;
}

}  // namespace attnviz::ui
