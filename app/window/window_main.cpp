// The window: GLFW + glad + Dear ImGui backends around ui::Shell.
// A straight line, as in Dear ImGui's example_glfw_opengl3/main.cpp:
// parse flags, load settings, init (GLFW, GL, ImGui), loop, shutdown in reverse.
//
// Index:
//   [SECTION] Signals and small clocks
//   [SECTION] Frame statistics (--frame-stats)
//   [SECTION] RunWindow: init
//   [SECTION] RunWindow: loop (swap in the Request, pick up traces, draw, screenshot)
//   [SECTION] RunWindow: shutdown
#include <algorithm>
#include <atomic>
#include <cfloat>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <glad/gl.h>  // before GLFW, so GLFW does not pull in the system GL header
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>

#include "app/commands.h"
#include "app/window/framebuffer_png.h"
#include "app/window/gl_texture_service.h"
#include "app/window/window_options.h"
#include "core/trace_worker.h"
#include "ui/settings.h"
#include "ui/shell.h"
#include "ui/theme.h"

namespace attnviz::app {

namespace {

// [SECTION] Signals and small clocks

std::atomic<int> g_screenshot_requests{0};  // SIGUSR1 (tests: screenshot after xdotool input)
std::atomic<bool> g_quit{false};            // SIGTERM / SIGINT: leave the loop, save settings

extern "C" void OnScreenshotSignal(int) { g_screenshot_requests.fetch_add(1); }
extern "C" void OnQuitSignal(int) { g_quit.store(true); }

std::string g_glfw_error;
extern "C" void OnGlfwError(int, const char* description) {
  if (g_glfw_error.empty() && description) g_glfw_error = description;
}

// ImGui 1.86 keeps only the current up/down state of each key, so a press and
// release arriving between two frames (fast typists, xdotool, remote desktops)
// would never be seen as a press. Releases arriving after a press since the
// last NewFrame are held back until after it: every press lasts a frame.
struct KeyReleaseDeferral {
  bool any_pressed_since_frame = false;
  struct Release {
    int key, scancode, mods;
  };
  std::vector<Release> deferred;
};
KeyReleaseDeferral g_keys;

extern "C" void OnKey(GLFWwindow* window, int key, int scancode, int action, int mods) {
  if (key >= 0 && key <= GLFW_KEY_LAST) {
    if (action == GLFW_PRESS) {
      g_keys.any_pressed_since_frame = true;
    }
    // Once any key went down since the last frame, every release waits (in
    // order), so a chord like Ctrl+E typed within one frame keeps its Ctrl.
    if (action == GLFW_RELEASE && (g_keys.any_pressed_since_frame || !g_keys.deferred.empty())) {
      g_keys.deferred.push_back({key, scancode, mods});
      return;
    }
  }
  ImGui_ImplGlfw_KeyCallback(window, key, scancode, action, mods);
}

// Called right after NewFrame: presses from now on belong to the next frame.
void MarkKeysSeen() {
  g_keys.any_pressed_since_frame = false;
}
// Called before polling the next frame's events (never between NewFrame and
// Render: ImGui asserts that modifiers do not change inside a frame).
void ReleaseDeferredKeys(GLFWwindow* window) {
  for (const auto& r : g_keys.deferred) ImGui_ImplGlfw_KeyCallback(window, r.key, r.scancode, GLFW_RELEASE, r.mods);
  g_keys.deferred.clear();
}

// Whether the person did anything this frame (then a few more frames follow
// quickly instead of waiting for the next event).
bool InputThisFrame(const ImGuiIO& io) {
  if (io.MouseDelta.x != 0 || io.MouseDelta.y != 0 || io.MouseWheel != 0 || io.MouseWheelH != 0) return true;
  for (bool down : io.MouseDown)
    if (down) return true;
  for (bool down : io.KeysDown)
    if (down) return true;
  return false;
}

double NowMs() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

// Whether what is on screen differs from the saved settings (transient hover ignored).
bool SamePersistent(const Request& request, const ui::UiState& ui, const ui::Settings& saved) {
  return request == saved.request && static_cast<const ui::UiSettings&>(ui) == saved.ui;
}

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

// [SECTION] Frame statistics (--frame-stats)
// Each frame: the whole frame from the start of its work (after waiting for
// events) to the end of SwapBuffers, and the UI part alone (NewFrame through
// Render: what attnviz computes; the rest is the GL driver rasterising, which
// under Xvfb is the llvmpipe software renderer), plus the vertices ImGui made.
struct FrameStats {
  std::vector<double> frame_ms, ui_ms;
  int last_vertices = 0;
  int max_vertices = 0;

  void Add(double frame, double ui, int vertices) {
    frame_ms.push_back(frame);
    ui_ms.push_back(ui);
    last_vertices = vertices;
    max_vertices = std::max(max_vertices, vertices);
  }
  static void MedianP95(std::vector<double> s, double* median, double* p95) {
    std::sort(s.begin(), s.end());
    *median = s[s.size() / 2];
    *p95 = s[std::min(s.size() - 1, static_cast<std::size_t>(0.95 * static_cast<double>(s.size())))];
  }
  double first_frame_ms = -1;  // process start (RunWindow) to the first frame swapped

  void Print(int tokens) const {
    if (frame_ms.empty()) {
      std::printf("frame-stats: no frames\n");
      return;
    }
    double fm, fp, um, up;
    MedianP95(frame_ms, &fm, &fp);
    MedianP95(ui_ms, &um, &up);
    std::printf("frame-stats: %zu frames, %d tokens: frame median %.2f ms, p95 %.2f ms; "
                "UI alone median %.2f ms, p95 %.2f ms; vertices %d (last frame), %d (max); "
                "first frame at %.0f ms\n",
                frame_ms.size(), tokens, fm, fp, um, up, last_vertices, max_vertices, first_frame_ms);
  }
};

void LoadFonts(ui::Shell& shell, float content_scale, ui::Fonts* fonts, ui::Theme* theme, bool upload) {
  const float px = shell.WantedFontPixels(content_scale);
  *fonts = ui::BuildFonts(ImGui::GetIO().Fonts, px);
  ImGui::GetIO().Fonts->Build();  // rasterise now, so startup timing shows it (--frame-stats)
  *theme = shell.WantedTheme();
  // Style sizes follow the text: 17 px text is scale 1.
  ui::ApplyTheme(*theme, px / 17.0f);
  shell.SetFonts(*fonts);
  if (upload) {
    ImGui_ImplOpenGL3_DestroyFontsTexture();
    ImGui_ImplOpenGL3_CreateFontsTexture();
  }
}

}  // namespace

int RunWindow(const std::vector<std::string>& args) {
  // [SECTION] RunWindow: init
  const double t_start = NowMs();
  WindowOptions opt;
  try {
    opt = ParseWindowOptions(args);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "attnviz: %s\n", e.what());
    return 2;
  }

  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  const std::string settings_path = ui::SettingsPath(xdg, std::getenv("HOME"));
  ui::SettingsLoad loaded = ui::LoadSettingsFile(settings_path);
  ui::Settings settings = loaded.settings;
  ApplyWindowOptions(opt, &settings);

  glfwSetErrorCallback(OnGlfwError);
  if (!glfwInit()) {
    std::fprintf(stderr,
                 "attnviz: cannot open a window (%s); without a display use attnviz trace or attnviz export\n",
                 g_glfw_error.empty() ? "no display" : g_glfw_error.c_str());
    return 1;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);  // HiDPI: the window grows with the content scale
  GLFWwindow* window = glfwCreateWindow(opt.width, opt.height, "attnviz", nullptr, nullptr);
  if (!window) {
    std::fprintf(stderr, "attnviz: cannot create a GL 3.3 window (%s); without a display use attnviz trace or attnviz export\n",
                 g_glfw_error.empty() ? "unknown reason" : g_glfw_error.c_str());
    glfwTerminate();
    return 1;
  }
  glfwMakeContextCurrent(window);
  if (gladLoadGL(glfwGetProcAddress) == 0) {
    std::fprintf(stderr, "attnviz: cannot load OpenGL 3.3 functions; without a display use attnviz trace or attnviz export\n");
    glfwDestroyWindow(window);
    glfwTerminate();
    return 1;
  }
  const bool scripted = !opt.screenshot.empty() || opt.frames > 0 || opt.frame_stats ||
                        !opt.signal_screenshot.empty() || !opt.layout_dump.empty();
  // Scripted runs measure frames, so no vsync; interactive runs wait for it.
  glfwSwapInterval(scripted ? 0 : 1);

  const double t_gl = NowMs();
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // the layout is fixed; our own settings file holds what matters
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");
  glfwSetKeyCallback(window, OnKey);  // wraps ImGui's (see KeyReleaseDeferral)

  float content_scale = 1.0f;
  {
    float xs = 1, ys = 1;
    glfwGetWindowContentScale(window, &xs, &ys);
    content_scale = std::max(xs, ys);
  }

  GlTextureService textures;
  ui::ShellKeys keys;
  for (int d = 0; d <= 9; ++d) keys.digit[d] = GLFW_KEY_0 + d;
  keys.e = GLFW_KEY_E;
  keys.f11 = GLFW_KEY_F11;
  keys.equal = GLFW_KEY_EQUAL;
  keys.minus = GLFW_KEY_MINUS;
  auto shell_owner = std::make_unique<ui::Shell>(textures, settings, keys);
  ui::Shell& shell = *shell_owner;
  shell.AddNotice(loaded.notice);
  shell.set_record_chips(!opt.layout_dump.empty() || !opt.signal_screenshot.empty());

  ui::Fonts fonts;
  ui::Theme theme = ui::Theme::Dark;
  LoadFonts(shell, content_scale, &fonts, &theme, /*upload=*/false);
  if (!fonts.note.empty()) shell.AddNotice(fonts.note);

  const double t_fonts = NowMs();
  TraceWorker worker;
  Request posted = shell.request();
  worker.Post(posted);
  double posted_at = NowMs();
  bool posted_while_idle = true;
  unsigned long seen_generation = 0;
  ui::ShellFrame frame;
  frame.busy = true;

  std::signal(SIGUSR1, OnScreenshotSignal);
  std::signal(SIGTERM, OnQuitSignal);
  std::signal(SIGINT, OnQuitSignal);

  // What the file holds; what is on screen (flags included) is saved when it
  // differs. Runs that only take a screenshot or count frames never write it.
  ui::Settings saved = loaded.settings;
  const bool persist = opt.screenshot.empty() && opt.frames == 0;
  double changed_at = -1;
  FrameStats stats;
  int frames = 0;
  int complete_frames = 0;       // frames drawn with the newest request's result on screen
  int pending_signal_frames = -1;
  int exit_code = 0;
  bool first_frame_reported = false;
  int settle_frames = 3;

  // [SECTION] RunWindow: loop
  while (!glfwWindowShouldClose(window) && !g_quit.load()) {
    // Interactive and idle: sleep until input. A few frames after any input
    // (hover and click results land one frame later) and while something moves
    // (spinner, toasts) the loop keeps drawing.
    const bool keys_held = !g_keys.deferred.empty();
    ReleaseDeferredKeys(window);
    if (scripted || frame.busy || keys_held || settle_frames > 0 || shell.Animating() ||
        g_screenshot_requests.load() > 0)
      glfwPollEvents();
    else
      glfwWaitEventsTimeout(0.5);
    if (settle_frames > 0) --settle_frames;
    const double t0 = NowMs();

    // Swap in the edited Request (before NewFrame) and post it if it changed.
    if (!(shell.request() == posted)) {
      posted = shell.request();
      posted_while_idle = !worker.Busy();
      worker.Post(posted);
      posted_at = t0;
      complete_frames = 0;
    }
    const unsigned long gen = worker.Generation();
    frame.busy = worker.Busy();
    if (gen != seen_generation) {
      seen_generation = gen;
      TracePtr latest = worker.Latest();
      if (latest != frame.trace) frame.generation = gen;
      frame.trace = latest;
      frame.trace_error = worker.LatestError();
      frame.error_is_current = !frame.busy;
      frame.compute_ms = (!frame.busy && posted_while_idle && frame.trace_error.empty()) ? t0 - posted_at : -1;
    }

    // Fonts and theme follow the settings (font size, presenter, content scale).
    {
      float xs = 1, ys = 1;
      glfwGetWindowContentScale(window, &xs, &ys);
      const float cs = std::max(xs, ys);
      if (cs != content_scale || shell.WantedFontPixels(cs) != fonts.pixel_size || shell.WantedTheme() != theme) {
        content_scale = cs;
        LoadFonts(shell, content_scale, &fonts, &theme, /*upload=*/true);
      }
    }

    const double t_ui = NowMs();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    // A --screenshot run is a figure, not a session: wherever the pointer
    // happens to rest (the centre of an Xvfb screen) must not leave hover
    // highlights or tooltips in the image.
    if (!opt.screenshot.empty()) ImGui::GetIO().MousePos = ImVec2(-FLT_MAX, -FLT_MAX);
    ImGui::NewFrame();
    MarkKeysSeen();
    shell.Draw(frame);
    ImGui::Render();
    const double ui_ms = NowMs() - t_ui;

    int fb_w = 0, fb_h = 0;
    glfwGetFramebufferSize(window, &fb_w, &fb_h);
    glViewport(0, 0, fb_w, fb_h);
    const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    glClearColor(bg.x, bg.y, bg.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    if (InputThisFrame(io)) settle_frames = 3;
    ImDrawData* draw_data = ImGui::GetDrawData();
    ImGui_ImplOpenGL3_RenderDrawData(draw_data);
    ++frames;
    if (!frame.busy && frame.trace) ++complete_frames;

    if (!first_frame_reported && std::getenv("ATTNVIZ_TRACE_STARTUP")) {
      std::fprintf(stderr, "attnviz: startup: window + GL %.1f ms, ImGui + fonts %.1f ms, first frame drawn at %.1f ms\n",
                   t_gl - t_start, t_fonts - t_gl, NowMs() - t_start);
    }
    first_frame_reported = true;

    // The third frame with the result on screen: ImGui has settled every size by then.
    const bool settled = complete_frames == 3 || (complete_frames == 0 && !frame.busy && frames >= 3 && frame.trace == nullptr);
    auto dump_layout = [&](const std::string& path) {
      if (path.empty()) return;
      int wx = 0, wy = 0;
      glfwGetWindowPos(window, &wx, &wy);
      std::string json = shell.layout().ToJson();
      // Prepend where the window is on the screen, for xdotool.
      char head[160];
      std::snprintf(head, sizeof head, "{\"window\": [%d, %d, %d, %d], \"framebuffer\": [%d, %d],", wx, wy,
                    opt.width, opt.height, fb_w, fb_h);
      json = head + json.substr(1);
      if (!WriteTextFile(path, json)) std::fprintf(stderr, "attnviz: cannot write %s\n", path.c_str());
    };
    if (settled) {
      dump_layout(opt.layout_dump);
      if (!opt.screenshot.empty()) {
        const std::string err = WriteFramebufferPng(opt.screenshot, fb_w, fb_h);
        if (!err.empty()) {
          std::fprintf(stderr, "attnviz: %s\n", err.c_str());
          exit_code = 1;
        }
        glfwSetWindowShouldClose(window, GLFW_TRUE);
      }
    }
    // SIGUSR1: let input settle for a few frames (hover, click, recompute), then save.
    if (g_screenshot_requests.load() > 0 && pending_signal_frames < 0) {
      g_screenshot_requests.store(0);
      pending_signal_frames = 4;
    }
    if (pending_signal_frames >= 0 && !frame.busy && --pending_signal_frames <= 0) {
      pending_signal_frames = -1;
      dump_layout(opt.layout_dump);
      if (!opt.signal_screenshot.empty()) {
        const std::string err = WriteFramebufferPng(opt.signal_screenshot, fb_w, fb_h);
        if (!err.empty()) std::fprintf(stderr, "attnviz: %s\n", err.c_str());
      }
    }

    glfwSwapBuffers(window);
    stats.Add(NowMs() - t0, ui_ms, draw_data->TotalVtxCount);
    if (stats.first_frame_ms < 0) stats.first_frame_ms = NowMs() - t_start;
    if (opt.frames > 0 && frames >= opt.frames) glfwSetWindowShouldClose(window, GLFW_TRUE);

    // Settings: saved one second after the last change, and at exit.
    if (persist && !SamePersistent(shell.request(), shell.ui(), saved)) {
      if (changed_at < 0) changed_at = t0;
      if (t0 - changed_at > 1000.0) {
        saved = shell.settings();
        const std::string err = ui::SaveSettingsFile(settings_path, saved);
        if (!err.empty()) shell.Toast("Settings not saved: " + err, true);
        changed_at = -1;
      }
    }
  }

  // [SECTION] RunWindow: shutdown (reverse order of init)
  if (persist && !SamePersistent(shell.request(), shell.ui(), saved)) {
    const std::string err = ui::SaveSettingsFile(settings_path, shell.settings());
    if (!err.empty()) std::fprintf(stderr, "attnviz: settings not saved: %s\n", err.c_str());
  }
  if (opt.frame_stats) stats.Print(frame.trace ? frame.trace->n() : 0);
  std::signal(SIGUSR1, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
  std::signal(SIGINT, SIG_DFL);
  // The shell's textures go before the GL context.
  shell_owner.reset();
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  return exit_code;
}

}  // namespace attnviz::app
