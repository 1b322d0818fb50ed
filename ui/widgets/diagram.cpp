#include "ui/widgets/diagram.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "ui/theme.h"

namespace attnviz::ui {

namespace {

ImU32 WithAlpha(ImU32 c, float a) {
  const int base = static_cast<int>((c >> IM_COL32_A_SHIFT) & 0xff);
  return (c & ~IM_COL32_A_MASK) | (static_cast<ImU32>(std::clamp(base * a, 0.0f, 255.0f)) << IM_COL32_A_SHIFT);
}

ImU32 RoleColor(const DiagramItem& it) {
  const Palette& p = CurrentPalette();
  ImU32 c = 0;
  switch (it.color) {
    case DiagramColor::Ink: c = p.text; break;
    case DiagramColor::Secondary: c = p.text_dim; break;
    case DiagramColor::Faint: c = p.text_faint; break;
    case DiagramColor::Panel: c = p.chip; break;
    case DiagramColor::Frame: c = p.chip_border; break;
    case DiagramColor::Accent: c = p.accent; break;
    case DiagramColor::Highlight: c = p.warning; break;
    case DiagramColor::Warning: c = p.error; break;
    case DiagramColor::Custom: c = IM_COL32(it.rgb.r, it.rgb.g, it.rgb.b, 255); break;
  }
  return WithAlpha(c, it.alpha);
}

void Dashed(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 c, float w, float dash) {
  const float len = std::hypot(b.x - a.x, b.y - a.y);
  if (len <= 0) return;
  for (float t = 0; t < len; t += dash * 1.7f) {
    const float t1 = std::min(len, t + dash);
    dl->AddLine(ImVec2(a.x + (b.x - a.x) * t / len, a.y + (b.y - a.y) * t / len),
                ImVec2(a.x + (b.x - a.x) * t1 / len, a.y + (b.y - a.y) * t1 / len), c, w);
  }
}

}  // namespace

float DiagramPixelsPerUnit() { return ImGui::GetFontSize() / 13.0f; }

DiagramResult DrawDiagram(const char* id, const DiagramFigure& d, ImVec2 size, bool export_button) {
  DiagramResult res;
  ImGui::PushID(id);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  if (size.x <= 0) size.x = avail.x;
  if (size.y <= 0) size.y = size.x * d.height / std::max(1.0f, d.width);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const float s = std::min(size.x / std::max(1.0f, d.width), size.y / std::max(1.0f, d.height));
  const ImVec2 o(origin.x + std::floor((size.x - d.width * s) * 0.5f), origin.y);
  res.scale = s;
  res.min = origin;
  res.max = ImVec2(origin.x + size.x, origin.y + size.y);
  ImGui::InvisibleButton("##diagram", size);
  res.hovered = ImGui::IsItemHovered();
  const bool clicked = ImGui::IsItemClicked(ImGuiMouseButton_Left);
  const ImVec2 m = ImGui::GetIO().MousePos;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(origin, ImVec2(origin.x + size.x, origin.y + size.y), true);
  ImFont* font = ImGui::GetFont();
  auto P = [&](float x, float y) { return ImVec2(o.x + x * s, o.y + y * s); };
  for (const DiagramItem& it : d.items) {
    const ImU32 c = RoleColor(it);
    const float w = std::max(1.0f, it.width * s);
    switch (it.shape) {
      case DiagramShape::Rect: {
        const ImVec2 a = P(std::min(it.x0, it.x1), std::min(it.y0, it.y1));
        const ImVec2 b = P(std::max(it.x0, it.x1), std::max(it.y0, it.y1));
        if (it.filled) dl->AddRectFilled(a, b, c, std::min(3.0f, (b.y - a.y) * 0.2f));
        else dl->AddRect(a, b, c, std::min(3.0f, (b.y - a.y) * 0.2f), 0, w);
        if (it.tag >= 0 && res.hovered && m.x >= a.x && m.x < b.x && m.y >= a.y && m.y < b.y) res.hovered_tag = it.tag;
        break;
      }
      case DiagramShape::Line: {
        const ImVec2 a = P(it.x0, it.y0), b = P(it.x1, it.y1);
        if (it.dashed) Dashed(dl, a, b, c, w, 5.0f * s);
        else dl->AddLine(a, b, c, w);
        if (it.arrow) {
          const float dx = b.x - a.x, dy = b.y - a.y, len = std::hypot(dx, dy);
          if (len > 0) {
            const float ux = dx / len, uy = dy / len, head = std::max(5.0f * s, w * 3.5f);
            const float ca = std::cos(0.49f), sa = std::sin(0.49f), bx0 = -ux, by0 = -uy;
            dl->AddTriangleFilled(b, ImVec2(b.x + (bx0 * ca - by0 * sa) * head, b.y + (bx0 * sa + by0 * ca) * head),
                                  ImVec2(b.x + (bx0 * ca + by0 * sa) * head, b.y + (-bx0 * sa + by0 * ca) * head), c);
          }
        }
        break;
      }
      case DiagramShape::Polyline: {
        const int n = static_cast<int>(it.points.size() / 2);
        if (n < 2) break;
        if (it.dashed) {
          for (int i = 1; i < n; ++i)
            Dashed(dl, P(it.points[2 * i - 2], it.points[2 * i - 1]), P(it.points[2 * i], it.points[2 * i + 1]), c, w,
                   5.0f * s);
        } else {
          dl->PathClear();
          for (int i = 0; i < n; ++i) dl->PathLineTo(P(it.points[2 * i], it.points[2 * i + 1]));
          dl->PathStroke(c, 0, w);
        }
        break;
      }
      case DiagramShape::Text: {
        if (it.text.empty()) break;
        const float px = it.size * s;
        const ImVec2 ts = font->CalcTextSizeA(px, FLT_MAX, 0.0f, it.text.c_str());
        float x = o.x + it.x0 * s;
        if (it.anchor == DiagramAnchor::Middle) x -= ts.x * 0.5f;
        else if (it.anchor == DiagramAnchor::End) x -= ts.x;
        // The item's y is the baseline; ImGui places text by its top.
        const float top = o.y + it.y0 * s - px * (font->Ascent / std::max(1.0f, font->FontSize));
        dl->AddText(font, px, ImVec2(std::round(x), std::round(top)), c, it.text.c_str());
        if (it.bold) dl->AddText(font, px, ImVec2(std::round(x) + 1, std::round(top)), c, it.text.c_str());
        if (it.tag >= 0 && res.hovered && m.x >= x && m.x < x + ts.x && m.y >= top && m.y < top + ts.y)
          res.hovered_tag = it.tag;
        break;
      }
    }
  }
  dl->PopClipRect();
  if (clicked) res.clicked_tag = res.hovered_tag;
  if (export_button) {
    const ImGuiStyle& style = ImGui::GetStyle();
    const ImVec2 after = ImGui::GetCursorScreenPos();
    const float bw = ImGui::CalcTextSize("Export").x + style.FramePadding.x * 2;
    ImGui::SetCursorScreenPos(ImVec2(origin.x + size.x - bw, origin.y));
    if (ImGui::SmallButton("Export")) res.export_requested = true;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Export this figure as PNG / SVG (Ctrl+E)");
    ImGui::SetCursorScreenPos(after);
  }
  ImGui::PopID();
  return res;
}

}  // namespace attnviz::ui
