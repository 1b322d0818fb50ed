// Diagram figures (see diagram.h): the appenders builders use, and the export
// drawing on a Surface, under the house title block, on white.
#include <algorithm>
#include <cmath>

#include "core/figure/diagram.h"
#include "core/figure/layout.h"

namespace attnviz {

// [SECTION] Building

DiagramItem& DiagramFigure::AddRect(float x0, float y0, float x1, float y1, DiagramColor c, bool filled, float w) {
  DiagramItem it;
  it.shape = DiagramShape::Rect;
  it.x0 = x0, it.y0 = y0, it.x1 = x1, it.y1 = y1;
  it.color = c;
  it.filled = filled;
  it.width = w;
  items.push_back(std::move(it));
  return items.back();
}

DiagramItem& DiagramFigure::AddLine(float x0, float y0, float x1, float y1, DiagramColor c, float w) {
  DiagramItem it;
  it.shape = DiagramShape::Line;
  it.x0 = x0, it.y0 = y0, it.x1 = x1, it.y1 = y1;
  it.color = c;
  it.width = w;
  items.push_back(std::move(it));
  return items.back();
}

DiagramItem& DiagramFigure::AddText(std::string text, float x, float baseline, float size, DiagramColor c,
                                    DiagramAnchor anchor) {
  DiagramItem it;
  it.shape = DiagramShape::Text;
  it.x0 = it.x1 = x;
  it.y0 = it.y1 = baseline;
  it.text = std::move(text);
  it.size = size;
  it.color = c;
  it.anchor = anchor;
  items.push_back(std::move(it));
  return items.back();
}

DiagramItem& DiagramFigure::AddCurve(float x0, float y0, float cx, float cy, float x1, float y1, DiagramColor c,
                                     float w, int segments) {
  DiagramItem it;
  it.shape = DiagramShape::Polyline;
  it.color = c;
  it.width = w;
  segments = std::max(1, segments);
  it.points.reserve(2 * (segments + 1));
  for (int s = 0; s <= segments; ++s) {
    const float t = static_cast<float>(s) / segments, u = 1 - t;
    it.points.push_back(u * u * x0 + 2 * u * t * cx + t * t * x1);
    it.points.push_back(u * u * y0 + 2 * u * t * cy + t * t * y1);
  }
  // The bounding box, for hit tests and culling.
  it.x0 = std::min({x0, cx, x1}), it.x1 = std::max({x0, cx, x1});
  it.y0 = std::min({y0, cy, y1}), it.y1 = std::max({y0, cy, y1});
  items.push_back(std::move(it));
  return items.back();
}

Rgb8 DiagramSlideColor(DiagramColor c, Rgb8 custom) {
  switch (c) {
    case DiagramColor::Ink: return {38, 38, 38};
    case DiagramColor::Secondary: return {95, 95, 95};
    case DiagramColor::Faint: return {175, 180, 188};
    case DiagramColor::Panel: return {240, 242, 246};
    case DiagramColor::Frame: return {120, 126, 136};
    case DiagramColor::Accent: return {41, 98, 214};
    case DiagramColor::Highlight: return {214, 120, 24};
    case DiagramColor::Warning: return {196, 40, 64};
    case DiagramColor::Custom: return custom;
  }
  return custom;
}

// [SECTION] Export drawing

namespace figure {

namespace {

float TopOf(const DiagramFigure& d) { return kMargin + TitleBlockHeight(d.title, d.subtitle); }

Anchor ToAnchor(DiagramAnchor a) {
  return a == DiagramAnchor::Middle ? Anchor::Middle : a == DiagramAnchor::End ? Anchor::End : Anchor::Start;
}

void DashedLine(Surface& s, float x0, float y0, float x1, float y1, Rgba c, float w, bool dashed) {
  if (!dashed) return s.Line(x0, y0, x1, y1, c, w);
  const float len = std::hypot(x1 - x0, y1 - y0), dash = 5.0f, gap = 3.5f;
  if (len <= 0) return;
  for (float t = 0; t < len; t += dash + gap) {
    const float a = t / len, b = std::min(len, t + dash) / len;
    s.Line(x0 + (x1 - x0) * a, y0 + (y1 - y0) * a, x0 + (x1 - x0) * b, y0 + (y1 - y0) * b, c, w);
  }
}

}  // namespace

FigureUnits DiagramFigureUnits(const DiagramFigure& d) {
  return {d.width + 2 * kMargin, TopOf(d) + d.height + kMargin};
}

void DrawDiagramFigure(Surface& s, const DiagramFigure& d, RenderReport* report) {
  const FigureUnits u = DiagramFigureUnits(d);
  DrawTitleBlock(s, d.title, d.subtitle, kMargin, u.w - 2 * kMargin, kMargin);
  const float ox = kMargin, oy = TopOf(d);
  for (const DiagramItem& it : d.items) {
    const Rgba c{DiagramSlideColor(it.color, it.rgb), std::clamp(it.alpha, 0.0f, 1.0f)};
    switch (it.shape) {
      case DiagramShape::Rect: {
        const float x = ox + std::min(it.x0, it.x1), y = oy + std::min(it.y0, it.y1);
        const float w = std::fabs(it.x1 - it.x0), h = std::fabs(it.y1 - it.y0);
        if (it.filled) s.FillRect(x, y, w, h, c);
        else s.StrokeRect(x, y, w, h, c, it.width);
        break;
      }
      case DiagramShape::Line: {
        DashedLine(s, ox + it.x0, oy + it.y0, ox + it.x1, oy + it.y1, c, it.width, it.dashed);
        if (it.arrow) {
          // Two strokes at +-28 degrees from the shaft, pointing back from the tip.
          const float dx = it.x1 - it.x0, dy = it.y1 - it.y0, len = std::hypot(dx, dy);
          if (len > 0) {
            const float ux = dx / len, uy = dy / len, head = std::max(5.0f, it.width * 3.5f);
            const float ca = std::cos(0.49f), sa = std::sin(0.49f), bx0 = -ux, by0 = -uy;
            const float ax = (bx0 * ca - by0 * sa) * head, ay = (bx0 * sa + by0 * ca) * head;
            const float bx = (bx0 * ca + by0 * sa) * head, by = (-bx0 * sa + by0 * ca) * head;
            s.Line(ox + it.x1, oy + it.y1, ox + it.x1 + ax, oy + it.y1 + ay, c, it.width);
            s.Line(ox + it.x1, oy + it.y1, ox + it.x1 + bx, oy + it.y1 + by, c, it.width);
          }
        }
        break;
      }
      case DiagramShape::Polyline:
        for (std::size_t i = 2; i + 1 < it.points.size(); i += 2)
          DashedLine(s, ox + it.points[i - 2], oy + it.points[i - 1], ox + it.points[i], oy + it.points[i + 1], c,
                     it.width, it.dashed);
        break;
      case DiagramShape::Text:
        if (!it.text.empty())
          s.Text(it.text, ox + it.x0, oy + it.y0, it.size, c, ToAnchor(it.anchor),
                 it.bold ? FontWeight::Bold : FontWeight::Regular);
        break;
    }
  }
  if (report) report->plots.push_back(ToPixels(Rect{ox, oy, d.width, d.height}, s.PixelsPerUnit()));
}

}  // namespace figure
}  // namespace attnviz
