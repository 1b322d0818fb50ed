#include "ui/chapters/lesson_view.h"

#include <algorithm>

#include <imgui.h>

#include "ui/chapters/attention_view.h"
#include "ui/segmented_control.h"
#include "ui/widgets/diagram.h"

namespace attnviz::ui {

bool SectionTabs(ChapterContext& ctx, const char* id, const char* const* items, int count, int* current) {
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const bool changed = SegmentedControl(id, items, count, current);
  // The segments as SegmentedControl lays them out: text width plus frame padding.
  const ImGuiStyle& style = ImGui::GetStyle();
  const float h = ImGui::GetFrameHeight();
  float x = p.x;
  for (int i = 0; i < count; ++i) {
    const float w = ImGui::CalcTextSize(items[i]).x + style.FramePadding.x * 2;
    ctx.layout.Add(std::string(id) + "." + std::to_string(i), ImVec2(x, p.y), ImVec2(x + w, p.y + h));
    x += w;
  }
  return changed;
}

void LessonCaption(const char* text) {
  const Palette& pal = CurrentPalette();
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.text_dim));
  const float measure = std::min(ImGui::GetContentRegionAvail().x, 60.0f * ImGui::GetFontSize());
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + measure);
  ImGui::TextUnformatted(text);
  ImGui::PopTextWrapPos();
  ImGui::PopStyleColor();
}

void LessonCaption(const std::string& text) { LessonCaption(text.c_str()); }

ImVec2 DiagramUnits(ImVec2 pixels) {
  const float s = DiagramPixelsPerUnit();
  return ImVec2(pixels.x / s, pixels.y / s);
}

void LessonStatusLine(bool pending, bool have_value, const std::string& error, const char* what) {
  const Palette& pal = CurrentPalette();
  if (!error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.error));
    ImGui::TextWrapped("%s: %s", what, error.c_str());
    ImGui::PopStyleColor();
  } else if (pending && !have_value) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.text_faint));
    ImGui::Text("Computing %s...", what);
    ImGui::PopStyleColor();
  }
}

}  // namespace attnviz::ui

namespace attnviz::ui {

void DrawLayerAndHeadPicker(ChapterContext& ctx) {
  if (!ctx.trace || ctx.trace->layers.empty()) return;
  const int last = static_cast<int>(ctx.trace->layers.size()) - 1;
  ctx.ui.layer = std::clamp(ctx.ui.layer, 0, last);
  if (last > 0) {
    DrawLayerPicker(ctx);
    ImGui::SameLine(0, ImGui::GetFontSize());
  }
  DrawHeadPicker(ctx, ctx.trace->layers[ctx.ui.layer]);
}

void RecordFrame(ChapterContext& ctx, const std::string& name, float width) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  ctx.layout.Add(name, a, ImVec2(std::min(b.x, a.x + width), b.y));
}

void FigurePlaceholder(ChapterContext& ctx, const char* name) {
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  ImGui::Dummy(ImVec2(std::max(1.0f, avail.x), std::max(1.0f, avail.y - ImGui::GetTextLineHeightWithSpacing())));
  ctx.layout.AddLastItem(name);
}

}  // namespace attnviz::ui
