// Drawing pieces the shell's panels share: section titles, boxed messages.
#pragma once
#include <string>

#include <imgui.h>

namespace attnviz::ui {

inline ImVec4 Col(ImU32 c) { return ImGui::ColorConvertU32ToFloat4(c); }

// A small uppercase section title with a hairline under it.
void SectionTitle(const char* text);

// A boxed one-paragraph message (warning or error) that wraps to the width,
// keeping `reserve_right` pixels free on the right (for a button).
void MessageBox(const std::string& text, bool error, float reserve_right = 0);
// One faint line under a disabled control saying why it does not apply.
void DisabledReason(const char* why);

}  // namespace attnviz::ui
