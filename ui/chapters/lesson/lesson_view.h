// Pieces every lesson chapter (5-8) repeats: section tabs whose segments a GUI
// test can click, a matrix heatmap with its own texture that offers itself for
// export, the status of an off-thread lesson, and number formats for badges.
// Chapters draw; every number they show comes from core (core/lessons/).
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <imgui.h>

#include "core/compute/compute_service.h"
#include "core/figure/figure.h"
#include "ui/chapters/chapter.h"
#include "ui/widgets/heatmap.h"
#include "ui/widgets/plot.h"

namespace attnviz::ui {

// A segmented control whose segments are recorded as "<id>.0", "<id>.1", ...
// (and the whole as "<id>") for --layout-dump. Returns true when it changed.
bool DrawSectionTabs(ChapterContext& ctx, const char* id, const char* const* items, int count, int* current);

// Records the frame of the last slider (or any labelled widget) without its
// label, so a test's click at "90% of the rect" lands on the slider itself.
void RecordFrame(ChapterContext& ctx, const std::string& name, const char* label);

// What one matrix panel shows (values borrowed for the frame).
struct MatrixPanelData {
  std::string title;                     // drawn above the matrix, and the export's title
  std::string slug;                      // export file stem
  const float* values = nullptr;         // (rows, cols) row-major
  int rows = 0, cols = 0;
  const std::uint8_t* allowed = nullptr; // hatched where 0
  std::span<const Token> row_tokens, col_tokens;  // empty: numbers
  const char* row_axis = "query";
  const char* col_axis = "key";
  const char* value_name = "weight";
  const char* value_format = "%.4f";
  ColorScale scale;
  PoolMode pool = PoolMode::Max;
  std::uint64_t generation = 0;          // bump when the values change at the same address
  int selected_row = -1, highlight_row = -1, highlight_col = -1;
  bool colorbar = true;
  bool cell_values = true;               // numbers in cells when they fit
  std::vector<HeatmapExtra> extras;      // more matrices of the same shape in the tooltip
};

// A heatmap with its own texture and view; offers itself to Ctrl+E when hovered.
class MatrixPanel {
 public:
  explicit MatrixPanel(TextureService& textures) : heatmap_(textures) {}
  HeatmapResult Draw(ChapterContext& ctx, const char* id, const MatrixPanelData& d, ImVec2 size);
  // Whether the whole matrix is in view (no zoom): overlays in cell units line up.
  bool fitted() const { return view_.zoom <= 1.0f; }

 private:
  Heatmap heatmap_;
  HeatmapView view_;
};

// "computing..." while the first result of a slot is on its way, the error in
// red when it failed; nothing when a value is on screen. Returns the value.
template <class T>
const T* LessonValue(const Computed<T>& c) {
  if (!c.error.empty()) {
    ImGui::PushStyleColor(ImGuiCol_Text, ProblemColor());
    ImGui::TextWrapped("%s", c.error.c_str());
    ImGui::PopStyleColor();
  } else if (!c.value) {
    ImGui::TextDisabled("computing...");
  }
  return c.value.get();
}

// Dimmed text wrapped at `width` pixels: captions inside a group, which would
// otherwise widen the group and push the next column out of the window.
void DrawCaption(float width, const char* fmt, ...) IM_FMTARGS(2);

// Offers a plot for export and forwards its Export button.
void OfferPlot(ChapterContext& ctx, const PlotFigure& fig, const std::string& slug, const PlotResult& r);

// A plot whose legend (when it has one) is a row of coloured labels above the
// frame, so it never covers the data; the exported figure keeps its legend.
// size is the whole block, legend row included. Offers the figure for export.
PlotResult DrawLessonPlot(ChapterContext& ctx, const char* id, const PlotFigure& fig, ImVec2 size, const std::string& slug,
                          bool export_button = true);

// Numbers for badges: "1.2e-07", "0.98"; "12,345"; "1.5M"; "31%".
std::string FormatDifference(double v);
std::string FormatCount(double v);
std::string FormatShare(double v);
// "0.0000001 (float rounding)" for values at float precision, else the value.
std::string FormatEquality(double max_abs_diff);

// A value range symmetric about 0 for a diverging map (at least `floor`).
ColorScale DivergingScale(const float* values, long count, float floor = 1e-6f);

// The sequential colormap the person chose (View > colormap).
Colormap ChapterColormap(const ChapterContext& ctx);

}  // namespace attnviz::ui
