// The window's start-up flags: the shared trace options (core/cli/options.h),
// which override the saved settings, plus the window's own flags for scripting
// and tests. Pure: no GLFW, so bad flags are reported before any display check.
#pragma once
#include <string>
#include <vector>

#include "core/cli/options.h"
#include "ui/settings.h"

namespace attnviz::app {

struct WindowOptions {
  TraceOptions trace;
  std::vector<std::string> trace_flags_given;  // "--heads", "--causal", ... as typed
  int chapter = -1;             // --chapter N (0..8), -1 = from settings
  int select = -2;              // --select K, -2 = from settings (-1 = none)
  std::string screenshot;       // --screenshot FILE
  int frames = 0;               // --frames N, 0 = run until closed
  bool frame_stats = false;     // --frame-stats
  // Hidden, for tests and scripting:
  std::string layout_dump;      // --layout-dump FILE: widget rects as JSON after the first complete frame
  std::string signal_screenshot;// --signal-screenshot FILE: on SIGUSR1 save a screenshot (and the layout dump)
  int width = 1440, height = 900;  // --size WxH
  bool presenter = false;       // --presenter
  bool light = false;           // --light
};

// Throws UsageError (one line) for an unknown flag or a bad value.
WindowOptions ParseWindowOptions(const std::vector<std::string>& args);

// Applies the flags that were given on top of the saved settings.
void ApplyWindowOptions(const WindowOptions& o, ui::Settings* s);

}  // namespace attnviz::app
