// Pieces the lesson chapters (1-4) draw around their figures: the row of
// section tabs, a caption at a readable measure, and the state of a lesson
// computing off the UI thread.
#pragma once
#include <string>

#include "core/compute/compute_service.h"
#include "ui/chapters/chapter.h"

namespace attnviz::ui {

// A segmented control whose segments are recorded for GUI tests as
// "<id>.<k>" (e.g. "ch1.section.2"). Returns true when the choice changed.
bool SectionTabs(ChapterContext& ctx, const char* id, const char* const* items, int count, int* current);

// A paragraph in the dim text colour, wrapped at about 60 em (or the width).
void LessonCaption(const char* text);
void LessonCaption(const std::string& text);

// Pixels per diagram unit and the available size in units (ui/widgets/diagram.h).
ImVec2 DiagramUnits(ImVec2 pixels);

// A one-line note for a lesson still computing or that failed (nothing when fine).
template <class T>
void LessonStatus(const Computed<T>& c, const char* what);
void LessonStatusLine(bool pending, bool have_value, const std::string& error, const char* what);

// The layer slider (multi-layer models) and the head chips on one line when
// they fit: the head a lesson shows, picked where the lesson is.
void DrawLayerAndHeadPicker(ChapterContext& ctx);

// Slides are laid out at this width (figure units), whatever the window's size:
// a chapter builds its diagram a second time at kSlideWidth for export.
inline constexpr float kSlideWidth = 960.0f;

// Records the last item's frame (a slider without its label, `width` wide) as `name`.
void RecordFrame(ChapterContext& ctx, const std::string& name, float width);

// While a lesson computes for the first time: the room its figure will take,
// recorded under `name` so the layout (and tests) see the figure's place.
void FigurePlaceholder(ChapterContext& ctx, const char* name);

template <class T>
void LessonStatus(const Computed<T>& c, const char* what) {
  LessonStatusLine(c.pending, c.value != nullptr, c.error, what);
}

}  // namespace attnviz::ui
