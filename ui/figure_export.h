// Writing the focused heatmap to disk through core/figure, so the window's
// Ctrl+E and `attnviz export` produce the same pixels.
#pragma once
#include <string>

#include "core/trace.h"
#include "ui/chapters/chapter.h"

namespace attnviz::ui {

// True when this build can export figures (core/figure is linked).
bool FigureExportAvailable();

// $HOME/Pictures/attnviz when $HOME/Pictures exists (created on first export),
// else the current directory. Not XDG_PICTURES_DIR: reading user-dirs.dirs is
// more machinery than a predictable, documented place is worth.
std::string DefaultExportDirectory();

// Writes `h` as dir/attnviz-<slug>-<YYYYmmdd-HHMMSS>.png (never overwriting:
// -2, -3, ... are appended when the name exists). Returns the path, or "" and
// one line in *error.
std::string ExportHeatmapPng(const ExportableHeatmap& h, const Trace& trace, const std::string& dir,
                             std::string* error);
// Any core figure the same way (dir/attnviz-<slug>-<stamp>.png).
std::string ExportFigurePng(const Figure& figure, const std::string& slug, const std::string& dir, std::string* error);

}  // namespace attnviz::ui
