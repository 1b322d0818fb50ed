#include "ui/widgets/plot.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "ui/theme.h"
#include "ui/widgets/fit_text.h"

namespace attnviz::ui {

namespace {

ImU32 ToU32(Rgb8 c, float a = 1.0f) { return IM_COL32(c.r, c.g, c.b, static_cast<int>(a * 255)); }

void DashedLine(ImDrawList* dl, ImVec2 a, ImVec2 b, ImU32 c, float w, float dash) {
  const float len = std::hypot(b.x - a.x, b.y - a.y);
  if (len <= 0) return;
  for (float t = 0; t < len; t += dash * 1.7f) {
    const float t1 = std::min(len, t + dash);
    dl->AddLine(ImVec2(a.x + (b.x - a.x) * t / len, a.y + (b.y - a.y) * t / len),
                ImVec2(a.x + (b.x - a.x) * t1 / len, a.y + (b.y - a.y) * t1 / len), c, w);
  }
}

// ImGui 1.86 has no rotated text: draw it, then turn the vertices it added a
// quarter turn counter-clockwise about the centre (reads bottom to top).
void AddVerticalText(ImDrawList* dl, ImVec2 center, ImU32 col, const char* text) {
  const int start = dl->VtxBuffer.Size;
  const ImVec2 ts = ImGui::CalcTextSize(text);
  dl->AddText(ImVec2(center.x - ts.x * 0.5f, center.y - ts.y * 0.5f), col, text);
  for (int i = start; i < dl->VtxBuffer.Size; ++i) {
    ImVec2& q = dl->VtxBuffer[i].pos;
    const float dx = q.x - center.x, dy = q.y - center.y;
    q = ImVec2(center.x + dy, center.y - dx);
  }
}

}  // namespace

PlotResult DrawPlot(const char* id, const PlotFigure& p, ImVec2 size, bool export_button) {
  PlotResult res;
  const Palette& pal = CurrentPalette();
  const float fs = ImGui::GetFontSize();
  const ImGuiStyle& style = ImGui::GetStyle();
  ImGui::PushID(id);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  if (size.x <= 0) size.x = std::max(avail.x, 10 * fs);
  if (size.y <= 0) size.y = 16 * fs;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();

  // -- Title row (title left, Export right), then the frame with room for tick labels.
  float title_h = 0;
  if (!p.title.empty() || export_button) {
    title_h = ImGui::GetTextLineHeightWithSpacing();
    dl->AddText(origin, pal.text_dim, p.title.c_str());
    if (export_button) {
      const float bw = ImGui::CalcTextSize("Export").x + style.FramePadding.x * 2;
      ImGui::SetCursorScreenPos(ImVec2(origin.x + size.x - bw, origin.y));
      if (ImGui::SmallButton("Export")) res.export_requested = true;
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("Export this plot as PNG / SVG (Ctrl+E)");
    }
  }
  const ResolvedAxis ax = ResolvePlotAxis(p, true, std::max(2, static_cast<int>(size.x / (6 * fs)))),
                     ay = ResolvePlotAxis(p, false, std::max(2, static_cast<int>(size.y / (3 * fs))));
  float ylab_w = 0;
  for (const PlotTick& t : ay.ticks) ylab_w = std::max(ylab_w, ImGui::CalcTextSize(t.label.c_str()).x);
  const float lh = ImGui::GetTextLineHeight();
  const ImVec2 fmin(origin.x + ylab_w + 0.4f * fs + (p.y.label.empty() ? 0.0f : lh * 1.2f), origin.y + title_h + 0.3f * fs);
  const ImVec2 fmax(origin.x + size.x - 0.3f * fs, origin.y + size.y - lh * (p.x.label.empty() ? 1.3f : 2.4f));
  if (fmax.x - fmin.x < 2 * fs || fmax.y - fmin.y < 2 * fs) {  // too small to draw anything honest
    ImGui::SetCursorScreenPos(origin);
    ImGui::Dummy(size);
    ImGui::PopID();
    return res;
  }
  res.plot_min = fmin;
  res.plot_max = fmax;
  const float W = fmax.x - fmin.x, H = fmax.y - fmin.y;
  auto X = [&](double v) { return static_cast<float>(fmin.x + ax.Fraction(v) * W); };
  auto Y = [&](double v) { return static_cast<float>(fmax.y - ay.Fraction(v) * H); };

  ImGui::SetCursorScreenPos(fmin);
  ImGui::InvisibleButton("##plot", ImVec2(W, H));
  res.hovered = ImGui::IsItemHovered();
  res.clicked = ImGui::IsItemClicked();

  dl->AddRectFilled(fmin, fmax, ImGui::GetColorU32(ImGuiCol_FrameBg, 0.55f));
  const ImU32 grid = ImGui::GetColorU32(ImGuiCol_Border, 0.55f), grid_minor = ImGui::GetColorU32(ImGuiCol_Border, 0.22f);
  for (const PlotTick& t : ax.ticks) {
    const float x = X(t.value);
    if (x < fmin.x - 0.5f || x > fmax.x + 0.5f) continue;
    dl->AddLine(ImVec2(x, fmin.y), ImVec2(x, fmax.y), t.label.empty() ? grid_minor : grid);
    if (!t.label.empty()) {
      const ImVec2 ts = ImGui::CalcTextSize(t.label.c_str());
      dl->AddText(ImVec2(std::clamp(x - ts.x * 0.5f, origin.x, origin.x + size.x - ts.x), fmax.y + 0.2f * fs), pal.text_dim,
                  t.label.c_str());
    }
  }
  for (const PlotTick& t : ay.ticks) {
    const float y = Y(t.value);
    if (y < fmin.y - 0.5f || y > fmax.y + 0.5f) continue;
    dl->AddLine(ImVec2(fmin.x, y), ImVec2(fmax.x, y), t.label.empty() ? grid_minor : grid);
    if (!t.label.empty()) {
      const ImVec2 ts = ImGui::CalcTextSize(t.label.c_str());
      dl->AddText(ImVec2(fmin.x - ts.x - 0.3f * fs, y - ts.y * 0.5f), pal.text_dim, t.label.c_str());
    }
  }
  if (!p.x.label.empty()) {
    const ImVec2 ts = ImGui::CalcTextSize(p.x.label.c_str());
    dl->AddText(ImVec2(fmin.x + (W - ts.x) * 0.5f, fmax.y + lh * 1.15f), pal.text_faint, p.x.label.c_str());
  }
  if (!p.y.label.empty())
    AddVerticalText(dl, ImVec2(origin.x + lh * 0.55f, fmin.y + H * 0.5f), pal.text_faint,
                    FitTextToWidth(p.y.label, H).c_str());

  dl->PushClipRect(fmin, fmax, true);
  for (const PlotMark& m : p.x_marks) {
    const float x = X(m.value);
    DashedLine(dl, ImVec2(x, fmin.y), ImVec2(x, fmax.y), ToU32(m.color, 0.9f), 1.0f, 0.35f * fs);
    if (!m.label.empty()) dl->AddText(ImVec2(x + 0.25f * fs, fmin.y + 0.15f * fs), ToU32(m.color), m.label.c_str());
  }
  for (const PlotMark& m : p.y_marks) {
    const float y = Y(m.value);
    DashedLine(dl, ImVec2(fmin.x, y), ImVec2(fmax.x, y), ToU32(m.color, 0.9f), 1.0f, 0.35f * fs);
    if (!m.label.empty()) {
      const ImVec2 ts = ImGui::CalcTextSize(m.label.c_str());
      dl->AddText(ImVec2(fmax.x - ts.x - 0.25f * fs, y - ts.y - 0.1f * fs), ToU32(m.color), m.label.c_str());
    }
  }
  // Bars side by side within a category, then lines and markers on top.
  int bar_series = 0, bar_index = 0;
  for (const PlotSeries& s : p.series) bar_series += s.style == PlotStyle::Bars;
  const float unit = static_cast<float>(W / std::max(1e-12, ax.max - ax.min));
  const float px_per_unit = fs / 17.0f * 1.2f;  // figure width units to pixels, roughly
  for (const PlotSeries& s : p.series) {
    if (s.style != PlotStyle::Bars) continue;
    const float group = unit * p.bar_width, w = group / std::max(1, bar_series);
    const double base = ay.log ? ay.min : std::clamp(0.0, ay.min, ay.max);
    for (std::size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
      if (!std::isfinite(s.x[i]) || !std::isfinite(s.y[i]) || (ay.log && s.y[i] <= 0)) continue;
      const float x0 = X(s.x[i]) - group * 0.5f + bar_index * w;
      const float y0 = Y(std::clamp(s.y[i], ay.min, ay.max)), y1 = Y(base);
      dl->AddRectFilled(ImVec2(x0, std::min(y0, y1)), ImVec2(x0 + w * 0.92f, std::max(y0, y1)), ToU32(s.color));
    }
    ++bar_index;
  }
  std::vector<ImVec2> pts;
  for (const PlotSeries& s : p.series) {
    if (s.style == PlotStyle::Bars) continue;
    const ImU32 c = ToU32(s.color);
    const float lw = std::max(1.0f, s.width * px_per_unit);
    pts.clear();
    auto flush = [&] {
      if (pts.size() >= 2 && s.style != PlotStyle::Markers) {
        if (s.dashed)
          for (std::size_t k = 1; k < pts.size(); ++k) DashedLine(dl, pts[k - 1], pts[k], c, lw, 0.45f * fs);
        else
          dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), c, 0, lw);
      }
      pts.clear();
    };
    const std::size_t n = std::min(s.x.size(), s.y.size());
    for (std::size_t i = 0; i < n; ++i) {
      const double fx = ax.Fraction(s.x[i]), fy = ay.Fraction(s.y[i]);
      if (!std::isfinite(fx) || !std::isfinite(fy) || !std::isfinite(s.x[i]) || !std::isfinite(s.y[i])) {
        flush();
        continue;
      }
      // Far outside the frame a point is clamped, so a huge value neither
      // overflows ImGui's vertex math nor bends the line's visible part much.
      const ImVec2 q(static_cast<float>(fmin.x + std::clamp(fx, -4.0, 5.0) * W),
                     static_cast<float>(fmax.y - std::clamp(fy, -4.0, 5.0) * H));
      pts.push_back(q);
      if (s.style == PlotStyle::Markers || s.style == PlotStyle::LineMarkers) dl->AddCircleFilled(q, 0.22f * fs, c, 10);
    }
    flush();
  }
  dl->PopClipRect();
  dl->AddRect(fmin, fmax, ImGui::GetColorU32(ImGuiCol_Border));

  // Legend (top left, inside the frame).
  if (p.legend) {
    float wmax = 0;
    int entries = 0;
    for (const PlotSeries& s : p.series)
      if (!s.label.empty()) wmax = std::max(wmax, ImGui::CalcTextSize(s.label.c_str()).x), ++entries;
    if (entries > 0) {
      const ImVec2 lmin(fmin.x + 0.4f * fs, fmin.y + 0.4f * fs);
      const ImVec2 lmax(std::min(fmax.x - 0.2f * fs, lmin.x + wmax + 2.4f * fs), lmin.y + entries * lh + 0.4f * fs);
      dl->AddRectFilled(lmin, lmax, ImGui::GetColorU32(ImGuiCol_PopupBg, 0.85f), 3.0f);
      float y = lmin.y + 0.2f * fs;
      dl->PushClipRect(lmin, lmax, true);
      for (const PlotSeries& s : p.series) {
        if (s.label.empty()) continue;
        const float cy = y + lh * 0.5f;
        if (s.style == PlotStyle::Bars)
          dl->AddRectFilled(ImVec2(lmin.x + 0.3f * fs, cy - 0.25f * fs), ImVec2(lmin.x + 1.3f * fs, cy + 0.25f * fs), ToU32(s.color));
        else if (s.dashed)
          DashedLine(dl, ImVec2(lmin.x + 0.3f * fs, cy), ImVec2(lmin.x + 1.5f * fs, cy), ToU32(s.color), 2.0f, 0.3f * fs);
        else
          dl->AddLine(ImVec2(lmin.x + 0.3f * fs, cy), ImVec2(lmin.x + 1.5f * fs, cy), ToU32(s.color), 2.0f);
        dl->AddText(ImVec2(lmin.x + 1.9f * fs, y), pal.text, s.label.c_str());
        y += lh;
      }
      dl->PopClipRect();
    }
  }

  // Hover: the nearest point of each series under the mouse's x, in one tooltip.
  if (res.hovered) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    res.mouse_x = ax.FromFraction((m.x - fmin.x) / W);
    res.mouse_y = ay.FromFraction((fmax.y - m.y) / H);
    dl->AddLine(ImVec2(m.x, fmin.y), ImVec2(m.x, fmax.y), ImGui::GetColorU32(ImGuiCol_Text, 0.25f));
    float best = 1e30f;
    std::vector<std::pair<int, int>> rows;  // (series, index) nearest in x per series
    for (int si = 0; si < static_cast<int>(p.series.size()); ++si) {
      const PlotSeries& s = p.series[si];
      int bi = -1;
      float bd = 1e30f;
      for (std::size_t i = 0; i < std::min(s.x.size(), s.y.size()); ++i) {
        const double fx = ax.Fraction(s.x[i]);
        if (!std::isfinite(fx) || !std::isfinite(s.y[i])) continue;
        const float d = std::fabs(static_cast<float>(fmin.x + fx * W) - m.x);
        if (d < bd) bd = d, bi = static_cast<int>(i);
      }
      if (bi < 0 || bd > 1.2f * fs) continue;
      rows.push_back({si, bi});
      const double fy = ay.Fraction(s.y[bi]);
      const float dy = std::isfinite(fy) ? std::fabs(static_cast<float>(fmax.y - fy * H) - m.y) : 1e30f;
      if (dy + bd < best) best = dy + bd, res.nearest_series = si, res.nearest_index = bi;
    }
    if (!rows.empty()) {
      ImGui::BeginTooltip();
      const PlotSeries& s0 = p.series[rows[0].first];
      const std::string xl = p.x.categories.empty() ? FormatPlotNumber(s0.x[rows[0].second])
                                                    : p.x.categories[std::clamp<std::size_t>(static_cast<std::size_t>(std::lround(s0.x[rows[0].second])), 0, p.x.categories.size() - 1)];
      ImGui::Text("%s %s", p.x.label.empty() ? "x" : p.x.label.c_str(), xl.c_str());
      for (const auto& [si, i] : rows) {
        const PlotSeries& s = p.series[si];
        ImGui::ColorButton("##c", ImGui::ColorConvertU32ToFloat4(ToU32(s.color)), ImGuiColorEditFlags_NoTooltip, ImVec2(lh * 0.7f, lh * 0.7f));
        ImGui::SameLine();
        ImGui::Text("%s: %s", s.label.empty() ? "value" : s.label.c_str(), FormatPlotNumber(s.y[i]).c_str());
      }
      ImGui::EndTooltip();
    }
  }

  ImGui::SetCursorScreenPos(origin);
  ImGui::Dummy(size);
  ImGui::PopID();
  return res;
}

}  // namespace attnviz::ui
