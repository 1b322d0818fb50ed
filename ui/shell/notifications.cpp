// Notices and toasts (see notifications.h).
#include "ui/shell/notifications.h"

#include <algorithm>

#include <imgui.h>

#include "ui/shell/shell_style.h"
#include "ui/theme.h"

namespace attnviz::ui {

namespace {
constexpr double kToastSeconds = 4.0;
}

void Notifications::AddNotice(std::string text) {
  if (!text.empty()) notices_.push_back(std::move(text));
}

void Notifications::Toast(std::string text, bool error) {
  toasts_.push_back({std::move(text), error, ImGui::GetCurrentContext() ? ImGui::GetTime() : 0.0});
  if (toasts_.size() > 4) toasts_.erase(toasts_.begin());
}

void Notifications::DrawNotices(LayoutRecord& layout) {
  const ImGuiStyle& style = ImGui::GetStyle();
  for (std::size_t i = 0; i < notices_.size();) {
    MessageBox(notices_[i], false, ImGui::CalcTextSize("Dismiss").x + style.FramePadding.x * 4);
    const ImVec2 after = ImGui::GetCursorPos();
    const ImVec2 box_min = ImGui::GetItemRectMin(), box_max = ImGui::GetItemRectMax();
    ImGui::SetCursorScreenPos(ImVec2(box_max.x - ImGui::CalcTextSize("Dismiss").x - style.FramePadding.x * 3,
                                     box_min.y + (box_max.y - box_min.y - ImGui::GetFrameHeight()) * 0.5f));
    ImGui::PushID(static_cast<int>(i));
    const bool dismiss = ImGui::Button("Dismiss");
    ImGui::PopID();
    layout.AddLastItem("notice.dismiss");
    ImGui::SetCursorPos(after);
    if (dismiss) notices_.erase(notices_.begin() + static_cast<long>(i));
    else ++i;
  }
}

void Notifications::DrawToasts() {
  if (toasts_.empty()) return;
  const Palette& pal = CurrentPalette();
  const double now = ImGui::GetTime();
  toasts_.erase(std::remove_if(toasts_.begin(), toasts_.end(),
                               [&](const ToastEntry& t) { return now - t.born > kToastSeconds; }),
                toasts_.end());
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float fs = ImGui::GetFontSize();
  ImDrawList* dl = ImGui::GetForegroundDrawList();
  float y = vp->WorkPos.y + vp->WorkSize.y - 3.2f * fs;
  const float max_w = std::min(36.0f * fs, vp->WorkSize.x * 0.6f);
  for (auto it = toasts_.rbegin(); it != toasts_.rend(); ++it) {
    const double age = now - it->born;
    const float alpha = static_cast<float>(std::clamp((kToastSeconds - age) / 0.5, 0.0, 1.0));
    const ImVec2 ts = ImGui::CalcTextSize(it->text.c_str(), nullptr, false, max_w);
    const float pad = 0.8f * fs;
    const ImVec2 q(vp->WorkPos.x + vp->WorkSize.x - 1.2f * fs, y);
    const ImVec2 p(q.x - ts.x - pad * 2, q.y - ts.y - pad * 1.4f);
    auto fade = [&](ImU32 c) {
      ImVec4 v = ImGui::ColorConvertU32ToFloat4(c);
      v.w *= alpha;
      return ImGui::ColorConvertFloat4ToU32(v);
    };
    dl->AddRectFilled(ImVec2(p.x + 2, p.y + 3), ImVec2(q.x + 2, q.y + 3), fade(IM_COL32(0, 0, 0, 90)), fs * 0.5f);
    dl->AddRectFilled(p, q, fade(pal.panel_alt), fs * 0.5f);
    dl->AddRect(p, q, fade(it->error ? pal.error : pal.chip_border), fs * 0.5f);
    dl->AddRectFilled(ImVec2(p.x, p.y + fs * 0.4f), ImVec2(p.x + 3, q.y - fs * 0.4f), fade(it->error ? pal.error : pal.ok));
    dl->AddText(ImGui::GetFont(), fs, ImVec2(p.x + pad, p.y + pad * 0.7f), fade(pal.text), it->text.c_str(), nullptr, max_w);
    y = p.y - 0.5f * fs;
  }
}

}  // namespace attnviz::ui
