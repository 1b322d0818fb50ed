// When the loop draws: an idle interactive window sleeps until input; a few
// frames follow any input (hover and click results land one frame later);
// frames keep coming while something moves, and at 30 per second while only a
// computation is awaited (the spinner turns, a result shows within 33 ms, and
// under a software renderer such as Xvfb's llvmpipe, which costs a core per
// 60 fps, the computation keeps the CPU: at N = 4096 an edit reached the
// screen in 0.8 s drawing flat out, and in about half that at 30 fps).
#pragma once

struct GLFWwindow;
struct ImGuiIO;

namespace attnviz::app {

class FramePacing {
 public:
  // Before the frame: poll when `keep_drawing` or after recent input; else
  // wait for an event, at most 1/30 s while `awaiting_results`, else 0.5 s.
  // Deferred key releases go in first.
  void WaitForEvents(GLFWwindow* window, bool keep_drawing, bool awaiting_results);
  // After the frame's NewFrame..Render: input this frame keeps a few frames coming.
  void NoteInput(const ImGuiIO& io);

 private:
  int settle_frames_ = 3;  // frames still to draw without waiting
};

}  // namespace attnviz::app
