// Diagram: a DiagramFigure (core/figure/diagram.h) drawn on ImDrawList, scaled
// to the widget, colour roles mapped to the theme. The same figure is what
// Ctrl+E exports, so screen and slide agree shape for shape. Shapes with a tag
// report hover and click (e.g. a token of the recurrent chain).
//
// Usage:
//   DiagramFigure d = MakePathDiagram(...);   // units: d.width x d.height
//   ui::DiagramResult r = ui::DrawDiagram("##path", d, ImVec2(w, h));
//   if (r.clicked_tag >= 0) Select(r.clicked_tag);
#pragma once
#include <imgui.h>

#include "core/figure/diagram.h"

namespace attnviz::ui {

struct DiagramResult {
  bool hovered = false;          // the mouse is over the drawing
  int hovered_tag = -1;          // tag of the topmost tagged shape under the mouse
  int clicked_tag = -1;          // ... clicked this frame
  bool export_requested = false; // the corner Export button was pressed
  float scale = 1.0f;            // pixels per figure unit used
  ImVec2 min, max;               // the widget on screen (the drawing is centred in it)
};

// Pixels per figure unit the chapters lay diagrams out for: text of 13 units
// shows at the current font size.
float DiagramPixelsPerUnit();

// Draws at the cursor as one item of `size` (0 = available width / the
// figure's aspect). The figure is scaled uniformly to fit and centred.
DiagramResult DrawDiagram(const char* id, const DiagramFigure& d, ImVec2 size = ImVec2(0, 0),
                          bool export_button = true);

}  // namespace attnviz::ui
