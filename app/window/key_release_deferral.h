// A workaround for Dear ImGui 1.86, which keeps only the current up/down state
// of each key: a press and release arriving between two frames (fast typists,
// xdotool, remote desktops) would never be seen as a press. Once a key went
// down since the last NewFrame, releases are held back (in order) until after
// it, so every press lasts at least one frame and a chord typed within one
// frame (Ctrl+E) keeps its Ctrl.
#pragma once

struct GLFWwindow;

namespace attnviz::app {

// Wraps ImGui's GLFW key callback (call after ImGui_ImplGlfw_InitForOpenGL).
void InstallKeyReleaseDeferral(GLFWwindow* window);
// Releases are waiting: keep polling rather than sleeping.
bool KeyReleasesHeld();
// Before polling the next frame's events (never between NewFrame and Render:
// ImGui asserts that modifiers do not change inside a frame).
void ReleaseDeferredKeys(GLFWwindow* window);
// Right after NewFrame: presses from now on belong to the next frame.
void MarkKeysSeen();

}  // namespace attnviz::app
