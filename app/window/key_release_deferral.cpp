// The ImGui 1.86 key-release workaround (see key_release_deferral.h).
#include "app/window/key_release_deferral.h"

#include <vector>

#include <GLFW/glfw3.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>

namespace attnviz::app {

namespace {

struct Deferral {
  bool any_pressed_since_frame = false;
  struct Release {
    int key, scancode, mods;
  };
  std::vector<Release> deferred;
};
Deferral g_keys;

extern "C" void OnKey(GLFWwindow* window, int key, int scancode, int action, int mods) {
  if (key >= 0 && key <= GLFW_KEY_LAST) {
    if (action == GLFW_PRESS) g_keys.any_pressed_since_frame = true;
    // Once any key went down since the last frame, every release waits (in
    // order), so a chord like Ctrl+E typed within one frame keeps its Ctrl.
    if (action == GLFW_RELEASE && (g_keys.any_pressed_since_frame || !g_keys.deferred.empty())) {
      g_keys.deferred.push_back({key, scancode, mods});
      return;
    }
  }
  ImGui_ImplGlfw_KeyCallback(window, key, scancode, action, mods);
}

}  // namespace

void InstallKeyReleaseDeferral(GLFWwindow* window) { glfwSetKeyCallback(window, OnKey); }

bool KeyReleasesHeld() { return !g_keys.deferred.empty(); }

void ReleaseDeferredKeys(GLFWwindow* window) {
  for (const auto& r : g_keys.deferred) ImGui_ImplGlfw_KeyCallback(window, r.key, r.scancode, GLFW_RELEASE, r.mods);
  g_keys.deferred.clear();
}

void MarkKeysSeen() { g_keys.any_pressed_since_frame = false; }

}  // namespace attnviz::app
