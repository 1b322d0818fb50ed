// Plot: a PlotFigure (core/figure/plot.h) drawn with ImDrawList in the style
// of ImPlot: frame, grid, ticks placed by core (ResolvePlotAxis, so the slide
// shows the same axes), lines, markers and bars, dashed reference marks, a
// legend, and a hover tooltip with the nearest point of every series. The
// caller offers the same PlotFigure to Ctrl+E / the Export button.
//
// Usage:
//   PlotFigure p = MyLessonPlot(result);            // built by the chapter from core numbers
//   ui::PlotResult r = ui::DrawPlot("##grad", p, ImVec2(w, h));
//   if (r.export_requested || r.hovered) ctx.OfferFigure(...);
#pragma once
#include <imgui.h>

#include "core/figure/plot.h"

namespace attnviz::ui {

struct PlotResult {
  bool hovered = false;          // the mouse is over the plot area
  double mouse_x = 0, mouse_y = 0;  // in data units (valid when hovered)
  int nearest_series = -1;       // the series with a point closest to the mouse (within a few px)
  int nearest_index = -1;        // that point's index
  bool clicked = false;          // a click inside the plot area this frame
  bool export_requested = false; // the corner Export button was pressed
  ImVec2 plot_min, plot_max;     // the frame on screen (tests, overlays)
};

// Draws at the cursor as one item. size (0,0): available width, 16 em high.
PlotResult DrawPlot(const char* id, const PlotFigure& p, ImVec2 size = ImVec2(0, 0), bool export_button = true);

}  // namespace attnviz::ui
