// The window: GLFW + glad + Dear ImGui backends around ui::Shell. A straight
// line, as in Dear ImGui's example_glfw_opengl3/main.cpp: parse flags, load
// settings, init (GLFW, GL, ImGui), loop, shutdown in reverse. Each concern of
// the loop lives in its own file:
//   trace_feed.*            the Request goes to the TraceWorker, traces come back
//   frame_pacing.*          sleep when idle, draw while something moves
//   key_release_deferral.*  the ImGui 1.86 key-release workaround
//   test_hooks.*            --screenshot, --layout-dump, SIGUSR1, --frames
//   frame_stats.*           --frame-stats, ATTNVIZ_TRACE_STARTUP
//   settings_autosave.*     the settings file, a second after each change
//
// Index:
//   [SECTION] Signals, GLFW errors, fonts
//   [SECTION] RunWindow: init
//   [SECTION] RunWindow: loop
//   [SECTION] RunWindow: shutdown
#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include <glad/gl.h>  // before GLFW, so GLFW does not pull in the system GL header
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_opengl3.h>

#include "app/commands.h"
#include "app/window/frame_pacing.h"
#include "app/window/frame_stats.h"
#include "app/window/gl_texture_service.h"
#include "app/window/key_release_deferral.h"
#include "app/window/settings_autosave.h"
#include "app/window/test_hooks.h"
#include "app/window/trace_feed.h"
#include "app/window/window_options.h"
#include "ui/settings.h"
#include "ui/shell.h"
#include "ui/theme.h"

namespace attnviz::app {

namespace {

// [SECTION] Signals, GLFW errors, fonts

std::atomic<bool> g_quit{false};  // SIGTERM / SIGINT: leave the loop, save settings
extern "C" void OnQuitSignal(int) { g_quit.store(true); }

std::string g_glfw_error;
extern "C" void OnGlfwError(int, const char* description) {
  if (g_glfw_error.empty() && description) g_glfw_error = description;
}

// GLFW and a GL 3.3 core context; null (after one line on stderr) when there is no display.
GLFWwindow* OpenGlWindow(int width, int height) {
  constexpr const char* kHeadless = "without a display use attnviz trace or attnviz export";
  glfwSetErrorCallback(OnGlfwError);
  if (!glfwInit()) {
    std::fprintf(stderr, "attnviz: cannot open a window (%s); %s\n",
                 g_glfw_error.empty() ? "no display" : g_glfw_error.c_str(), kHeadless);
    return nullptr;
  }
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 3);
  glfwWindowHint(GLFW_OPENGL_PROFILE, GLFW_OPENGL_CORE_PROFILE);
  glfwWindowHint(GLFW_OPENGL_FORWARD_COMPAT, GLFW_TRUE);
  glfwWindowHint(GLFW_SCALE_TO_MONITOR, GLFW_TRUE);  // HiDPI: the window grows with the content scale
  GLFWwindow* window = glfwCreateWindow(width, height, "attnviz", nullptr, nullptr);
  if (!window) {
    std::fprintf(stderr, "attnviz: cannot create a GL 3.3 window (%s); %s\n",
                 g_glfw_error.empty() ? "unknown reason" : g_glfw_error.c_str(), kHeadless);
    glfwTerminate();
    return nullptr;
  }
  glfwMakeContextCurrent(window);
  if (gladLoadGL(glfwGetProcAddress) == 0) {
    std::fprintf(stderr, "attnviz: cannot load OpenGL 3.3 functions; %s\n", kHeadless);
    glfwDestroyWindow(window);
    glfwTerminate();
    return nullptr;
  }
  return window;
}

float ContentScale(GLFWwindow* window) {
  float xs = 1, ys = 1;
  glfwGetWindowContentScale(window, &xs, &ys);
  return std::max(xs, ys);
}

// Fonts and theme as the shell wants them (font size, presenter mode, content scale).
struct FontState {
  float content_scale = 1.0f;
  ui::Fonts fonts;
  ui::Theme theme = ui::Theme::Dark;

  void Load(ui::Shell& shell, float scale, bool upload) {
    content_scale = scale;
    const float px = shell.WantedFontPixels(scale);
    fonts = ui::BuildFonts(ImGui::GetIO().Fonts, px);
    ImGui::GetIO().Fonts->Build();  // rasterise now, so startup timing shows it (--frame-stats)
    theme = shell.WantedTheme();
    ui::ApplyTheme(theme, px / 17.0f);  // style sizes follow the text: 17 px text is scale 1
    shell.SetFonts(fonts);
    if (upload) {
      ImGui_ImplOpenGL3_DestroyFontsTexture();
      ImGui_ImplOpenGL3_CreateFontsTexture();
    }
  }
  // Before NewFrame: rebuilt when the shell asks for another size or theme.
  void Follow(ui::Shell& shell, float scale) {
    if (scale != content_scale || shell.WantedFontPixels(scale) != fonts.pixel_size || shell.WantedTheme() != theme)
      Load(shell, scale, /*upload=*/true);
  }
};

ui::ShellKeys GlfwShellKeys() {
  ui::ShellKeys keys;
  for (int d = 0; d <= 9; ++d) keys.digit[d] = GLFW_KEY_0 + d;
  keys.e = GLFW_KEY_E;
  keys.f11 = GLFW_KEY_F11;
  keys.equal = GLFW_KEY_EQUAL;
  keys.minus = GLFW_KEY_MINUS;
  return keys;
}

}  // namespace

int RunWindow(const std::vector<std::string>& args) {
  // [SECTION] RunWindow: init
  FrameStats stats(NowMs());
  WindowOptions opt;
  try {
    opt = ParseWindowOptions(args);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "attnviz: %s\n", e.what());
    return 2;
  }
  const std::string settings_path = ui::SettingsPath(std::getenv("XDG_CONFIG_HOME"), std::getenv("HOME"));
  const ui::SettingsLoad loaded = ui::LoadSettingsFile(settings_path);
  ui::Settings settings = loaded.settings;
  ApplyWindowOptions(opt, &settings);

  GLFWwindow* window = OpenGlWindow(opt.width, opt.height);
  if (!window) return 1;
  TestHooks hooks(opt);
  glfwSwapInterval(hooks.scripted() ? 0 : 1);  // interactive runs wait for vsync
  stats.MarkGlReady();

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // the layout is fixed; our own settings file holds what matters
  ImGui_ImplGlfw_InitForOpenGL(window, true);
  ImGui_ImplOpenGL3_Init("#version 330 core");
  InstallKeyReleaseDeferral(window);

  GlTextureService textures;
  auto shell_owner = std::make_unique<ui::Shell>(textures, settings, GlfwShellKeys());
  ui::Shell& shell = *shell_owner;
  shell.AddNotice(loaded.notice);
  shell.set_record_chips(!opt.layout_dump.empty() || !opt.signal_screenshot.empty());
  FontState fonts;
  fonts.Load(shell, ContentScale(window), /*upload=*/false);
  shell.AddNotice(fonts.fonts.note);
  stats.MarkFontsReady();

  TraceFeed feed(shell.request(), NowMs(), MatrixPrewarm{shell.ui().layer, shell.ui().focused_head, true});
  ui::ShellFrame frame;
  frame.busy = true;
  SettingsAutosave autosave(settings_path, loaded.settings, hooks.persist());
  FramePacing pacing;
  // The trace whose arrival on screen, then completion, --frame-stats waits for (0: none).
  unsigned long shown_generation = 0, complete_generation = 0;
  std::signal(SIGTERM, OnQuitSignal);
  std::signal(SIGINT, OnQuitSignal);

  // [SECTION] RunWindow: loop
  while (!glfwWindowShouldClose(window) && !g_quit.load()) {
    pacing.WaitForEvents(window, hooks.scripted() || shell.Animating() || hooks.WantsFrames(),
                         /*awaiting_results=*/frame.busy || shell.ComputeBusy());
    const double t0 = NowMs();
    const unsigned long generation_before = frame.generation;
    const MatrixPrewarm prewarm{shell.ui().layer, shell.ui().focused_head, /*with_extras=*/true};
    if (feed.Sync(shell.request(), t0, &frame, prewarm)) hooks.RequestPosted();
    if (frame.generation != generation_before && frame.trace) shown_generation = complete_generation = frame.generation;
    fonts.Follow(shell, ContentScale(window));

    const double t_ui = NowMs();
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    hooks.BeforeNewFrame();
    ImGui::NewFrame();
    MarkKeysSeen();
    shell.Draw(frame);
    ImGui::Render();
    const double ui_ms = NowMs() - t_ui;
    pacing.NoteInput(ImGui::GetIO());

    int fb_w = 0, fb_h = 0;
    glfwGetFramebufferSize(window, &fb_w, &fb_h);
    glViewport(0, 0, fb_w, fb_h);
    const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
    glClearColor(bg.x, bg.y, bg.z, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImDrawData* draw_data = ImGui::GetDrawData();
    ImGui_ImplOpenGL3_RenderDrawData(draw_data);
    // Screenshots wait for the chapters' own computations too (their results land a frame later).
    hooks.AfterFrame(window, shell, frame.busy || shell.ComputeBusy(), frame.trace != nullptr);
    glfwSwapBuffers(window);

    stats.Add(NowMs() - t0, ui_ms, draw_data->TotalVtxCount);
    // Shown: this frame drew the newest trace (the view's heatmap with it).
    // Complete: and nothing drawn for it is still computing.
    if (shown_generation != 0 && shown_generation == frame.generation && !frame.busy) {
      stats.AddTraceShown(feed.posted_at(), NowMs());
      shown_generation = 0;
    }
    if (complete_generation != 0 && complete_generation == frame.generation && !frame.busy && !shell.ComputeBusy()) {
      stats.AddTraceComplete(feed.posted_at(), NowMs());
      complete_generation = 0;
    }
    autosave.Poll(shell, t0);
  }

  // [SECTION] RunWindow: shutdown (reverse order of init)
  autosave.Flush(shell);
  if (opt.frame_stats) stats.Print(frame.trace ? frame.trace->n() : 0);
  std::signal(SIGTERM, SIG_DFL);
  std::signal(SIGINT, SIG_DFL);
  const int exit_code = hooks.exit_code();
  shell_owner.reset();  // the shell's textures go before the GL context
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window);
  glfwTerminate();
  return exit_code;
}

}  // namespace attnviz::app
