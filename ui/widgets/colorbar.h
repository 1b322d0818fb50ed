// Colorbar: a colormap's gradient over a value range, with tick labels.
// The gradient is sampled from the same lookup table the heatmap texture and
// the exported figures use (core/figure/colormap.h), so the three agree.
#pragma once
#include <imgui.h>

#include "core/figure/colormap.h"

namespace attnviz::ui {

// How values become colours: a colormap and the range it spans. Values below
// vmin / above vmax clamp to the end colours (ColormapIndex).
struct ColorScale {
  Colormap map = Colormap::Viridis;
  float vmin = 0.0f;
  float vmax = 1.0f;
};

enum class ColorbarOrientation { Vertical, Horizontal };

// Draws a colorbar at the cursor as one item. size: (0,0) picks a default from
// the font size (vertical: ~1 em wide bar plus labels, as tall as the available
// height, max 16 em; horizontal: available width, ~1 em tall bar plus labels).
// format: printf format of the tick labels. Returns the value under the mouse
// when hovered (NaN otherwise), so a caller can show it elsewhere.
float DrawColorbar(const char* id, const ColorScale& scale, ColorbarOrientation orientation,
                   ImVec2 size = ImVec2(0, 0), const char* format = "%.3g");

// Same, into an explicit rectangle of a draw list (no item is submitted): the
// heatmap uses this to put its colorbar inside its own frame. bar_rect is the
// gradient itself; labels are drawn beside it (right of a vertical bar, below
// a horizontal one).
void DrawColorbarInRect(ImDrawList* draw, ImVec2 bar_min, ImVec2 bar_max, const ColorScale& scale,
                        ColorbarOrientation orientation, const char* format = "%.3g");

// Evenly spaced "nice" tick values (1, 2, 2.5, 5 x 10^k steps) inside [vmin, vmax],
// at most max_ticks of them. Exposed for tests.
int NiceTicks(float vmin, float vmax, int max_ticks, float* out_ticks);

inline ImU32 ToImU32(Rgb8 c, std::uint8_t alpha = 255) { return IM_COL32(c.r, c.g, c.b, alpha); }

// Text colours for notices inside widgets ("shown max-pooled", "non-finite"), readable on
// the dark and the light theme alike (picked by the window background's luminance).
ImVec4 NoticeColor();   // amber: something is summarised, not wrong
ImVec4 ProblemColor();  // red: a value that should not be there

}  // namespace attnviz::ui
