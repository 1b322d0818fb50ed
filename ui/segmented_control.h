// Two small shell widgets: a segmented control (a row of joined toggle
// buttons, one selected) and a fact line ("label  value" in a rounded badge).
#pragma once
#include <string>

namespace attnviz::ui {

// Returns true when the selection changed. `items` has `count` labels.
bool SegmentedControl(const char* id, const char* const* items, int count, int* current);

// "label value" on one line: label dimmed, value in a badge. Stays on the
// current line when `same_line` and it fits.
void FactBadge(const char* label, const std::string& value, bool same_line = false);
// "512 B", "3.0 KiB", "64.0 MiB": a size for a FactBadge.
std::string FormatBytes(double bytes);

}  // namespace attnviz::ui
