// Diagrams: a chapter's own drawing (the recurrent chain beside the attention
// graph, the multi-head pipeline, the step bar of chapter 2) as a flat list of
// shapes in figure units. A builder in core lays the diagram out once from a
// lesson's numbers; the window draws the list on ImDrawList
// (ui/widgets/diagram.h) and export draws the same list on a Surface, so the
// slide is the screen, shape for shape.
//
// Colours are roles (ink, faint, accent...) that each side maps to its own
// palette: the window is dark or light, a slide is always on white. Data
// colours (a head's colour, a colormap value) are given explicitly.
//
// Usage:
//   DiagramFigure d = MakePathDiagram(path, rnn, tokens, width, height);  // a builder (lesson_diagrams.h)
//   ui::DiagramResult r = ui::DrawDiagram("##path", d, size);               // the window
//   if (r.clicked_tag >= 0) select token r.clicked_tag;
//   WriteFigure(Figure{d}, RenderOptions{}, "path.png");                    // the slide
#pragma once
#include <string>
#include <vector>

#include "core/figure/colormap.h"

namespace attnviz {

// What a shape's colour means; the window maps these to its theme.
enum class DiagramColor {
  Ink,        // text and strong lines
  Secondary,  // captions, labels
  Faint,      // hairlines, the many edges of a complete graph
  Panel,      // boxes' fill
  Frame,      // boxes' outline
  Accent,     // the selected path
  Highlight,  // a second emphasis (the other end of a path)
  Warning,    // what goes wrong (a vanishing gradient, a leaked weight)
  Custom,     // `rgb` as given (head colours, colormap values)
};

enum class DiagramShape {
  Rect,      // (x0, y0)-(x1, y1); filled or outlined
  Line,      // (x0, y0)-(x1, y1); optional arrowhead at (x1, y1)
  Polyline,  // points (x, y pairs), e.g. a flattened curve
  Text,      // baseline through (x0, y0), anchored per `anchor`
};

enum class DiagramAnchor { Start, Middle, End };

struct DiagramItem {
  DiagramShape shape = DiagramShape::Rect;
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // figure units (1/100 inch), y down
  std::vector<float> points;             // Polyline: x0, y0, x1, y1, ...
  DiagramColor color = DiagramColor::Ink;
  Rgb8 rgb{0, 0, 0};                     // Custom colour
  float alpha = 1.0f;
  bool filled = false;                   // Rect: fill (else outline)
  float width = 1.0f;                    // stroke width (units)
  bool dashed = false;                   // Line / Polyline
  bool arrow = false;                    // Line: arrowhead at (x1, y1)
  std::string text;                      // Text (UTF-8)
  float size = 11.0f;                    // Text: em size (units)
  DiagramAnchor anchor = DiagramAnchor::Start;
  bool bold = false;
  bool mono = false;                     // Text: numbers that line up (the window's mono font)
  int tag = -1;                          // >= 0: the window reports hover / click on it (e.g. a token index)
};

struct DiagramFigure {
  std::string title, subtitle;           // drawn above the drawing in exports (the window shows its own)
  float width = 1000, height = 600;      // the drawing area, in units
  std::vector<DiagramItem> items;        // drawn in order (later on top)

  // Appenders for builders (each returns the item for further settings).
  DiagramItem& AddRect(float x0, float y0, float x1, float y1, DiagramColor c, bool filled, float width = 1.0f);
  DiagramItem& AddLine(float x0, float y0, float x1, float y1, DiagramColor c, float width = 1.0f);
  DiagramItem& AddText(std::string text, float x, float baseline, float size, DiagramColor c,
                       DiagramAnchor anchor = DiagramAnchor::Start);
  // A quadratic Bezier from (x0, y0) through control (cx, cy) to (x1, y1), flattened to `segments` lines.
  DiagramItem& AddCurve(float x0, float y0, float cx, float cy, float x1, float y1, DiagramColor c, float width,
                        int segments = 16);
};

// The colour of a role on a white slide (the window has its own for its theme).
Rgb8 DiagramSlideColor(DiagramColor c, Rgb8 custom);

}  // namespace attnviz
