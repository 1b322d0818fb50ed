// Test hooks (see test_hooks.h).
#include "app/window/test_hooks.h"

#include <atomic>
#include <cfloat>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <string>

#include <GLFW/glfw3.h>
#include <imgui.h>

#include "app/window/framebuffer_png.h"
#include "ui/shell.h"

namespace attnviz::app {

namespace {

std::atomic<int> g_screenshot_requests{0};  // SIGUSR1 (tests: screenshot after xdotool input)
extern "C" void OnScreenshotSignal(int) { g_screenshot_requests.fetch_add(1); }

bool WriteTextFile(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return false;
    out << text;
    if (!out) return false;
  }
  return std::rename(tmp.c_str(), path.c_str()) == 0;
}

}  // namespace

TestHooks::TestHooks(const WindowOptions& opt) : opt_(opt) {
  // --frame-stats alone is not scripted: it measures the window as a person
  // uses it, paced as usual (with --frames N it measures flat-out frames).
  scripted_ = !opt.screenshot.empty() || opt.frames > 0 || !opt.signal_screenshot.empty() || !opt.layout_dump.empty();
  std::signal(SIGUSR1, OnScreenshotSignal);
}

TestHooks::~TestHooks() { std::signal(SIGUSR1, SIG_DFL); }

bool TestHooks::WantsFrames() const { return g_screenshot_requests.load() > 0 || pending_signal_frames_ >= 0; }

void TestHooks::BeforeNewFrame() const {
  if (!opt_.screenshot.empty()) ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
}

void TestHooks::DumpLayout(GLFWwindow* window, const ui::Shell& shell, int fb_w, int fb_h) const {
  if (opt_.layout_dump.empty()) return;
  int wx = 0, wy = 0;
  glfwGetWindowPos(window, &wx, &wy);
  std::string json = shell.layout().ToJson();
  // Prepend where the window is on the screen, for xdotool.
  char head[160];
  std::snprintf(head, sizeof head, "{\"window\": [%d, %d, %d, %d], \"framebuffer\": [%d, %d],", wx, wy, opt_.width,
                opt_.height, fb_w, fb_h);
  json = head + json.substr(1);
  if (!WriteTextFile(opt_.layout_dump, json)) std::fprintf(stderr, "attnviz: cannot write %s\n", opt_.layout_dump.c_str());
}

void TestHooks::AfterFrame(GLFWwindow* window, const ui::Shell& shell, bool busy, bool have_trace) {
  int fb_w = 0, fb_h = 0;
  glfwGetFramebufferSize(window, &fb_w, &fb_h);
  ++frames_;
  if (!busy && have_trace) ++complete_frames_;

  // The third frame with the result on screen (or, when there is none, the third idle frame).
  const bool settled = complete_frames_ == 3 || (complete_frames_ == 0 && !busy && frames_ >= 3 && !have_trace);
  if (settled) {
    DumpLayout(window, shell, fb_w, fb_h);
    if (!opt_.screenshot.empty()) {
      const std::string err = WriteFramebufferPng(opt_.screenshot, fb_w, fb_h);
      if (!err.empty()) {
        std::fprintf(stderr, "attnviz: %s\n", err.c_str());
        exit_code_ = 1;
      }
      glfwSetWindowShouldClose(window, GLFW_TRUE);
    }
  }
  // SIGUSR1: let input settle for a few frames (hover, click, recompute), then save.
  if (g_screenshot_requests.load() > 0 && pending_signal_frames_ < 0) {
    g_screenshot_requests.store(0);
    pending_signal_frames_ = 4;
  }
  if (pending_signal_frames_ >= 0 && !busy && --pending_signal_frames_ <= 0) {
    pending_signal_frames_ = -1;
    DumpLayout(window, shell, fb_w, fb_h);
    if (!opt_.signal_screenshot.empty()) {
      const std::string err = WriteFramebufferPng(opt_.signal_screenshot, fb_w, fb_h);
      if (!err.empty()) std::fprintf(stderr, "attnviz: %s\n", err.c_str());
    }
  }
  if (opt_.frames > 0 && frames_ >= opt_.frames) glfwSetWindowShouldClose(window, GLFW_TRUE);
}

}  // namespace attnviz::app
