// What scripts and the GUI tests ask of the window (none of it changes what a
// person sees in an ordinary session):
//   --screenshot FILE         the back buffer once the newest result has been on
//                             screen for three frames (ImGui has settled every size), then quit
//   --layout-dump FILE        widget rectangles and facts at that moment and on SIGUSR1
//   --signal-screenshot FILE  on SIGUSR1, a screenshot a few settled frames later
//   --frames N                quit after N frames
// A --screenshot run is a figure, not a session: wherever the pointer happens
// to rest (the centre of an Xvfb screen) must not leave hover marks in it.
#pragma once
#include "app/window/window_options.h"

struct GLFWwindow;

namespace attnviz::ui {
class Shell;
}

namespace attnviz::app {

class TestHooks {
 public:
  explicit TestHooks(const WindowOptions& opt);  // installs the SIGUSR1 handler
  ~TestHooks();                                   // and restores the default
  TestHooks(const TestHooks&) = delete;
  TestHooks& operator=(const TestHooks&) = delete;

  // Frames as fast as possible, no vsync (scripted runs measure frames).
  bool scripted() const { return scripted_; }
  // A SIGUSR1 request waits for frames.
  bool WantsFrames() const;
  // Whether the settings file may be written (not by --screenshot or --frames runs).
  bool persist() const { return opt_.screenshot.empty() && opt_.frames == 0; }

  // A new request was posted: the result on screen is not the newest any more.
  void RequestPosted() { complete_frames_ = 0; }
  // Between the backend's NewFrame and ImGui::NewFrame.
  void BeforeNewFrame() const;
  // After rendering into the back buffer, before SwapBuffers. May ask the window to close.
  void AfterFrame(GLFWwindow* window, const ui::Shell& shell, bool busy, bool have_trace);

  int exit_code() const { return exit_code_; }

 private:
  void DumpLayout(GLFWwindow* window, const ui::Shell& shell, int fb_w, int fb_h) const;

  WindowOptions opt_;
  bool scripted_ = false;
  int frames_ = 0;
  int complete_frames_ = 0;        // frames drawn with the newest request's result on screen
  int pending_signal_frames_ = -1; // frames until the SIGUSR1 screenshot, -1 = none pending
  int exit_code_ = 0;
};

}  // namespace attnviz::app
