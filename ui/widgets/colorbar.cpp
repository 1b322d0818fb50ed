// Colorbar (see colorbar.h).
#include "ui/widgets/colorbar.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace attnviz::ui {

int NiceTicks(float vmin, float vmax, int max_ticks, float* out_ticks) {
  if (!(vmax > vmin) || max_ticks < 1 || !std::isfinite(vmin) || !std::isfinite(vmax)) {
    if (max_ticks >= 1 && std::isfinite(vmin)) {
      out_ticks[0] = vmin;
      return 1;
    }
    return 0;
  }
  const double range = static_cast<double>(vmax) - vmin;
  const double rough = range / std::max(1, max_ticks - 1);
  const double mag = std::pow(10.0, std::floor(std::log10(rough)));
  static const double kSteps[] = {1.0, 2.0, 2.5, 5.0, 10.0, 20.0};
  for (double m : kSteps) {
    const double step = m * mag;
    const double first = std::ceil(vmin / step - 1e-6) * step;
    int count = 0;
    for (double t = first; t <= vmax + step * 1e-6; t += step) ++count;
    if (count > max_ticks) continue;
    int n = 0;
    for (int i = 0; i < count; ++i) {
      double t = first + i * step;
      if (std::fabs(t) < step * 1e-6) t = 0.0;  // no "-0" label
      out_ticks[n++] = static_cast<float>(t);
    }
    return n;
  }
  out_ticks[0] = vmin;
  out_ticks[1] = vmax;
  return std::min(max_ticks, 2);
}

void DrawColorbarInRect(ImDrawList* draw, ImVec2 bar_min, ImVec2 bar_max, const ColorScale& scale,
                        ColorbarOrientation orientation, const char* format) {
  const bool vertical = orientation == ColorbarOrientation::Vertical;
  const float length = vertical ? bar_max.y - bar_min.y : bar_max.x - bar_min.x;
  if (length < 2.0f) return;
  // One flat strip per LUT entry at most; fewer when the bar is shorter than 256 px.
  const int strips = std::clamp(static_cast<int>(length), 1, kColormapLutSize);
  const bool centre_only = scale.vmax <= scale.vmin;
  for (int i = 0; i < strips; ++i) {
    const float t0 = static_cast<float>(i) / strips;
    const float t1 = static_cast<float>(i + 1) / strips;
    const float tm = (t0 + t1) * 0.5f;
    Rgb8 c = centre_only ? ColormapColor(scale.map, 0.0f, scale.vmin, scale.vmax)
                         : ColormapAt(scale.map, tm);
    if (vertical) {  // vmax at the top
      draw->AddRectFilled(ImVec2(bar_min.x, bar_max.y - t1 * length),
                          ImVec2(bar_max.x, bar_max.y - t0 * length), ToImU32(c));
    } else {
      draw->AddRectFilled(ImVec2(bar_min.x + t0 * length, bar_min.y),
                          ImVec2(bar_min.x + t1 * length, bar_max.y), ToImU32(c));
    }
  }
  const ImU32 text = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 border = ImGui::GetColorU32(ImGuiCol_Border);
  draw->AddRect(bar_min, bar_max, border);

  const float font = ImGui::GetFontSize();
  const float tick_len = std::max(2.0f, font * 0.25f);
  const int max_ticks = std::clamp(static_cast<int>(length / (font * (vertical ? 1.6f : 4.5f))), 2, 11);
  float ticks[16];
  const int n = centre_only ? 0 : NiceTicks(scale.vmin, scale.vmax, max_ticks, ticks);
  char buf[32];
  for (int i = 0; i < n; ++i) {
    const float t = (ticks[i] - scale.vmin) / (scale.vmax - scale.vmin);
    std::snprintf(buf, sizeof buf, format, ticks[i]);
    const ImVec2 ts = ImGui::CalcTextSize(buf);
    // Tick notches sit inside the bar, in black or white by the colour under them, so a
    // notch next to a label never reads as a minus sign.
    const ImU32 notch = ToImU32(LabelColorOn(ColormapAt(scale.map, t)), 200);
    if (vertical) {
      const float y = bar_max.y - t * length;
      draw->AddLine(ImVec2(bar_max.x - tick_len, y), ImVec2(bar_max.x, y), notch);
      const float ty = std::clamp(y - ts.y * 0.5f, bar_min.y - ts.y * 0.5f, bar_max.y - ts.y * 0.5f);
      draw->AddText(ImVec2(bar_max.x + tick_len, ty), text, buf);
    } else {
      const float x = bar_min.x + t * length;
      draw->AddLine(ImVec2(x, bar_max.y - tick_len), ImVec2(x, bar_max.y), notch);
      const float tx = std::clamp(x - ts.x * 0.5f, bar_min.x - ts.x * 0.5f, bar_max.x - ts.x * 0.5f);
      draw->AddText(ImVec2(tx, bar_max.y + tick_len * 0.5f), text, buf);
    }
  }
  if (centre_only) {  // a constant matrix: one label saying which value it is
    std::snprintf(buf, sizeof buf, format, scale.vmin);
    if (vertical)
      draw->AddText(ImVec2(bar_max.x + tick_len + 2.0f, (bar_min.y + bar_max.y - font) * 0.5f), text, buf);
    else
      draw->AddText(ImVec2(bar_min.x, bar_max.y + tick_len), text, buf);
  }
}

float DrawColorbar(const char* id, const ColorScale& scale, ColorbarOrientation orientation,
                   ImVec2 size, const char* format) {
  const float font = ImGui::GetFontSize();
  const bool vertical = orientation == ColorbarOrientation::Vertical;
  char buf[32];
  float label_w = 0.0f;
  for (float v : {scale.vmin, scale.vmax, 0.5f * (scale.vmin + scale.vmax)}) {
    std::snprintf(buf, sizeof buf, format, v);
    label_w = std::max(label_w, ImGui::CalcTextSize(buf).x);
  }
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float bar_thick = font;
  const float tick_len = std::max(2.0f, font * 0.25f);
  if (vertical) {
    if (size.x <= 0) size.x = bar_thick + tick_len + 2.0f + label_w + font * 0.5f;
    if (size.y <= 0) size.y = std::clamp(avail.y, font * 6.0f, font * 16.0f);
  } else {
    if (size.x <= 0) size.x = std::max(avail.x, font * 8.0f);
    if (size.y <= 0) size.y = bar_thick + tick_len + font * 1.2f;
  }
  const ImVec2 pos = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(id, size);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  ImVec2 bar_min, bar_max;
  if (vertical) {
    // Half a line of room above and below so the end labels are not cut.
    bar_min = ImVec2(pos.x, pos.y + font * 0.5f);
    bar_max = ImVec2(pos.x + bar_thick, pos.y + size.y - font * 0.5f);
  } else {
    const float pad = label_w * 0.5f;
    bar_min = ImVec2(pos.x + pad, pos.y);
    bar_max = ImVec2(pos.x + size.x - pad, pos.y + bar_thick);
  }
  DrawColorbarInRect(draw, bar_min, bar_max, scale, orientation, format);
  if (!ImGui::IsItemHovered()) return std::numeric_limits<float>::quiet_NaN();
  const ImVec2 m = ImGui::GetIO().MousePos;
  float t = vertical ? (bar_max.y - m.y) / std::max(1.0f, bar_max.y - bar_min.y)
                     : (m.x - bar_min.x) / std::max(1.0f, bar_max.x - bar_min.x);
  t = std::clamp(t, 0.0f, 1.0f);
  const float v = scale.vmin + t * (scale.vmax - scale.vmin);
  std::snprintf(buf, sizeof buf, format, v);
  ImGui::SetTooltip("%s", buf);
  return v;
}

namespace {
bool LightBackground() {
  const ImVec4 bg = ImGui::GetStyleColorVec4(ImGuiCol_WindowBg);
  return 0.2126f * bg.x + 0.7152f * bg.y + 0.0722f * bg.z > 0.5f;
}
}  // namespace

ImVec4 NoticeColor() { return LightBackground() ? ImVec4(0.66f, 0.36f, 0.0f, 1.0f) : ImVec4(0.95f, 0.7f, 0.3f, 1.0f); }
ImVec4 ProblemColor() { return LightBackground() ? ImVec4(0.75f, 0.1f, 0.1f, 1.0f) : ImVec4(1.0f, 0.45f, 0.4f, 1.0f); }

}  // namespace attnviz::ui
