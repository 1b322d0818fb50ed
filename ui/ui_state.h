// UiState: what the window shows, as plain data. Hover and selection live here
// and never trigger a recompute; the Request (core/request.h) is what computes.
//
// Two parts: UiSettings is what the settings file keeps next to the Request
// (ui/settings.h); UiState adds what lives for one frame (hover). Chapter code
// reads both through ctx.ui. A chapter's own controls (chapter 2's step) live
// in the chapter object; what of them should survive a restart it hands over
// as a short string (Chapter::SavedState), kept in chapter_state.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace attnviz::ui {

inline constexpr int kPlaygroundChapter = 0;  // chapters are 1..8; 0 is the Playground
inline constexpr int kChapterCount = 8;
inline constexpr int kMaxRecentModels = 8;    // the controls' recent checkpoints, newest first

enum class Theme { Dark, Light };

// Saved in the settings file.
struct UiSettings {
  int chapter = 1;                  // 0 = Playground, 1..8
  int selected_token = -1;          // query token, -1 = none
  int focused_head = 0;             // head shown by the shared heatmap / arcs
  int layer = 0;
  std::string colormap = "viridis"; // a name core/figure/colormap.h knows
  float font_size = 17.0f;          // logical pixels, before content scale
  bool presenter = false;           // large fonts, sidebar and controls collapsed
  bool show_sidebar = true;
  bool show_controls = true;
  Theme theme = Theme::Dark;
  bool show_values = true;          // numbers inside heatmap cells when they fit
  std::map<int, std::string> chapter_state;  // chapter number -> its SavedState() (absent = nothing kept)
  std::vector<std::string> recent_models;    // checkpoints loaded before (directories or cached names), newest first

  bool operator==(const UiSettings&) const = default;
};

// The saved part plus what lives for one frame (never saved).
struct UiState : UiSettings {
  int hovered_token = -1;           // token under the mouse anywhere (chip, heatmap row/col, arc end)
  int hovered_row = -1;             // heatmap cell under the mouse
  int hovered_col = -1;

  bool operator==(const UiState&) const = default;
};

}  // namespace attnviz::ui
