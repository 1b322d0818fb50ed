// Frame pacing (see frame_pacing.h).
#include "app/window/frame_pacing.h"

#include <GLFW/glfw3.h>
#include <imgui.h>

#include "app/window/key_release_deferral.h"

namespace attnviz::app {

namespace {

// Whether the person did anything this frame.
bool InputThisFrame(const ImGuiIO& io) {
  if (io.MouseDelta.x != 0 || io.MouseDelta.y != 0 || io.MouseWheel != 0 || io.MouseWheelH != 0) return true;
  for (bool down : io.MouseDown)
    if (down) return true;
  for (bool down : io.KeysDown)
    if (down) return true;
  return false;
}

}  // namespace

void FramePacing::WaitForEvents(GLFWwindow* window, bool keep_drawing, bool awaiting_results) {
  const bool keys_held = KeyReleasesHeld();
  ReleaseDeferredKeys(window);
  if (keep_drawing || keys_held || settle_frames_ > 0) glfwPollEvents();
  else glfwWaitEventsTimeout(awaiting_results ? 1.0 / 30.0 : 0.5);
  if (settle_frames_ > 0) --settle_frames_;
}

void FramePacing::NoteInput(const ImGuiIO& io) {
  if (InputThisFrame(io)) settle_frames_ = 3;
}

}  // namespace attnviz::app
