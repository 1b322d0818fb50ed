// When the loop draws: an idle interactive window sleeps until input; a few
// frames follow any input (hover and click results land one frame later), and
// frames keep coming while something moves or computes.
#pragma once

struct GLFWwindow;
struct ImGuiIO;

namespace attnviz::app {

class FramePacing {
 public:
  // Before the frame: poll when `keep_drawing` or after recent input, else wait
  // for an event (at most 0.5 s). Deferred key releases go in first.
  void WaitForEvents(GLFWwindow* window, bool keep_drawing);
  // After the frame's NewFrame..Render: input this frame keeps a few frames coming.
  void NoteInput(const ImGuiIO& io);

 private:
  int settle_frames_ = 3;  // frames still to draw without waiting
};

}  // namespace attnviz::app
