// Ctrl+E: the heatmap the chapter offered this frame, written as PNG into
// the export directory, with a toast saying where.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "ui/shell.h"
#include "ui/shell/shell_style.h"

#include "ui/figure_export.h"

namespace attnviz::ui {

std::string Shell::ExportDirectory() { return DefaultExportDirectory(); }

void Shell::ExportFocused() {
  if (!export_target_.Exportable() || !export_trace_) {
    Toast("Nothing to export: no heatmap is on screen", true);
    return;
  }
  std::string error;
  const std::string path = ExportHeatmapPng(export_target_, *export_trace_, ExportDirectory(), &error);
  if (path.empty()) {
    Toast("Export failed: " + error, true);
    return;
  }
  last_export_ = path;
  Toast("Saved " + path);
}

}  // namespace attnviz::ui
