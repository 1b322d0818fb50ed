// Text cut to a pixel width in the current ImGui font, shared by the widgets.
#pragma once
#include <string>

namespace attnviz::ui {

// Returns s unchanged when it fits max_w pixels; otherwise cuts whole UTF-8
// code points from the end and appends the font's ellipsis (".." when the font
// has no U+2026).
std::string FitTextToWidth(std::string s, float max_w);

}  // namespace attnviz::ui
