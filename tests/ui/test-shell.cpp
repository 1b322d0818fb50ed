// The shell and every chapter, frame by frame, on an ImGui context with no
// renderer (NullTextureService): chapters draw their views, keys and clicks do
// what the shortcuts promise, edits reach the Request copy while hover and
// selection do not, and settings survive a round trip or a corrupt file.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <limits>
#include <memory>
#include <cfloat>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <tuple>

#include <imgui.h>

#include "core/attention/head.h"
#include "core/engine.h"
#include "core/figure/colormap.h"
#include "tests/ui/headless-ui.h"
#include "ui/chapters/ch2/steps_view.h"
#include "ui/settings.h"
#include "ui/shell.h"
#include "ui/texture_service.h"
#include "ui/theme.h"

using namespace attnviz;
using namespace attnviz::ui;

namespace {

ShellFrame FrameFor(const Request& r) {
  ShellFrame f;
  f.trace = RunTrace(r);
  f.generation = 1;
  return f;
}

// Keeps every texture's pixels, so a test can look at what a heatmap uploaded.
class RecordingTextureService final : public TextureService {
 public:
  struct Texture {
    int w = 0, h = 0;
    std::vector<std::uint8_t> rgba;
    Rgb8 At(int row, int col) const {
      const std::size_t i = (static_cast<std::size_t>(row) * w + col) * 4;
      return {rgba[i], rgba[i + 1], rgba[i + 2]};
    }
  };
  ImTextureID Create(int w, int h, const std::uint8_t* rgba) override {
    const std::uintptr_t id = ++next_;
    Update(reinterpret_cast<ImTextureID>(id), w, h, rgba);
    return reinterpret_cast<ImTextureID>(id);
  }
  void Update(ImTextureID id, int w, int h, const std::uint8_t* rgba) override {
    Texture& t = textures_[reinterpret_cast<std::uintptr_t>(id)];
    t.w = w;
    t.h = h;
    t.rgba.assign(rgba, rgba + static_cast<std::size_t>(w) * h * 4);
  }
  void Destroy(ImTextureID id) override { textures_.erase(reinterpret_cast<std::uintptr_t>(id)); }
  // The live textures of this size.
  std::vector<const Texture*> Find(int w, int h) const {
    std::vector<const Texture*> found;
    for (const auto& [id, t] : textures_)
      if (t.w == w && t.h == h) found.push_back(&t);
    return found;
  }

 private:
  std::map<std::uintptr_t, Texture> textures_;
  std::uintptr_t next_ = 0;
};

// A copy of `t` in which the queries `empty` may see no key: their mask rows are
// cleared and what the trace stores per head (output, log-sum-exp, empty rows)
// is recomputed by the engine's own head step; the N x N matrices follow on demand.
std::shared_ptr<const Trace> WithEmptyRows(const Trace& t, const std::vector<int>& empty) {
  auto e = std::make_shared<Trace>();
  e->text = t.text;
  e->tokens = t.tokens;
  e->config = t.config;
  e->mask = t.mask;
  e->positional_encoding = t.positional_encoding;
  e->layers = t.layers;
  e->notes = t.notes;
  e->model = t.model;
  e->final_residual = t.final_residual;
  for (int q : empty) e->mask.row(q).setZero();
  const float scale = t.config.scale ? 1.0f / std::sqrt(static_cast<float>(t.config.d_k)) : 1.0f;
  for (int l = 0; l < static_cast<int>(e->layers.size()); ++l)
    for (int h = 0; h < static_cast<int>(e->layers[l].heads.size()); ++h) {
      HeadTrace& head = e->layers[l].heads[h];
      const KvHeadTrace& kv = e->KvOf(l, h);
      const HeadSteps steps =
          ComputeHeadSteps(head.Q, kv.K, kv.V, e->mask, *t.Matrix(l, h, HeadMatrix::Bias), scale, t.config.temperature);
      head.output = steps.output;
      head.empty_rows = steps.empty_rows;
      for (int q : empty) head.lse(q) = -std::numeric_limits<float>::infinity();
    }
  return e;
}

// No NaN or infinity reached ImGui's vertex buffers this frame.
bool AllVerticesFinite() {
  const ImDrawData* dd = ImGui::GetDrawData();
  for (int l = 0; l < dd->CmdListsCount; ++l)
    for (const ImDrawVert& v : dd->CmdLists[l]->VtxBuffer)
      if (!std::isfinite(v.pos.x) || !std::isfinite(v.pos.y) || !std::isfinite(v.uv.x) || !std::isfinite(v.uv.y))
        return false;
  return true;
}

}  // namespace

TEST_CASE("shell: every chapter and the Playground draw a heatmap and arcs for a real trace", "[shell]") {
  HeadlessUi ui;
  NullTextureService textures;
  Settings s;
  Shell shell(textures, s, TestKeys());
  shell.SetFonts(ui.fonts());
  const ShellFrame f = FrameFor(s.request);
  REQUIRE(shell.chapter_count() == 9);
  std::set<std::string> titles;
  for (int c : {1, 2, 3, 4, 5, 6, 7, 8, 0}) {
    shell.ui().chapter = c;
    int vertices = 0;
    for (int i = 0; i < 3; ++i) {
      vertices = ui.Frame(shell, f);
      shell.WaitForCompute();  // chapters with lessons draw them once their jobs are done
    }
    INFO("chapter " << c << " " << shell.ChapterTitle(c));
    titles.insert(shell.ChapterTitle(c));
    CHECK(shell.ui().chapter == c);
    // The shared heatmap and arcs, or a chapter's own figures (chapters 5-8).
    const LayoutRect* fig = shell.layout().Find("chapter.figure");
    if (!fig) fig = shell.layout().Find("ch" + std::to_string(c) + ".figure");
    const bool shared_view = shell.layout().Find("heatmap") != nullptr && shell.layout().Find("arcs") != nullptr;
    CHECK((shared_view || (fig && fig->max.x - fig->min.x > 200 && fig->max.y - fig->min.y > 150)));
    CHECK(shell.layout().Find("sidebar." + std::to_string(c)) != nullptr);
    CHECK(shell.layout().Find("sentence") != nullptr);
    CHECK(vertices > 1000);
  }
  CHECK(titles.size() == 9);  // nine different titles: no chapter repeats another's
  CHECK(std::string(shell.ChapterTitle(2)) == "Scaled dot-product attention step by step");
  CHECK(std::string(shell.ChapterTitle(0)) == "Playground");
  CHECK(std::string(shell.ChapterTitle(9)).empty());
}

TEST_CASE("shell: no trace yet, an error, and a trace with empty rows draw; empty rows show as masked, never NaN",
          "[shell]") {
  HeadlessUi ui;
  RecordingTextureService textures;
  Settings s;
  Shell shell(textures, s, TestKeys());
  shell.SetFonts(ui.fonts());
  ShellFrame none;
  none.busy = true;
  for (int c = 0; c <= 8; ++c) {
    shell.ui().chapter = c;
    ui.Frame(shell, none);
    CHECK(shell.layout().Find("heatmap") == nullptr);
  }
  ShellFrame err;
  err.trace_error = "text has 5000 tokens; the limit is 4096";
  err.error_is_current = true;
  ui.Frame(shell, err);
  CHECK(shell.layout().Find("heatmap") == nullptr);

  // No mask pattern leaves a query without any key (each allows the diagonal), so the
  // empty rows are made here: queries 2 and 5 of a causal block-sparse trace may see nothing.
  Request r = s.request;
  r.mask.pattern = MaskPattern::BlockSparse;
  r.mask.block = 3;
  r.mask.causal = true;
  const std::vector<int> empty{2, 5};
  ShellFrame f = FrameFor(r);
  const std::shared_ptr<const Trace> t = WithEmptyRows(*f.trace, empty);
  for (int layer = 0; layer < static_cast<int>(t->layers.size()); ++layer)
    for (int h = 0; h < static_cast<int>(t->layers[layer].heads.size()); ++h) {
      REQUIRE(t->layers[layer].heads[h].empty_rows == empty);
      const MatPtr w = t->Matrix(layer, h, HeadMatrix::Weights);
      REQUIRE(w->row(2).cwiseAbs().maxCoeff() == 0.0f);
      REQUIRE(w->row(3).sum() == Approx(1.0f));
    }
  f.trace = t;
  f.generation = 2;
  for (int c = 0; c <= 8; ++c) {
    INFO("chapter " << c);
    shell.ui().chapter = c;
    ui.Frame(shell, f);
    shell.WaitForCompute();
    ui.Frame(shell, f);
    CHECK((shell.layout().Find("heatmap") != nullptr || shell.layout().Find("chapter.figure") != nullptr ||
           shell.layout().Find("ch" + std::to_string(c) + ".figure") != nullptr));
    CHECK(AllVerticesFinite());
  }
  // The playground colours the weights: the empty rows' texels are the masked grey, the others
  // are not. (A shell of its own, so its heatmap's is the only N x N texture.)
  RecordingTextureService one;
  s.ui.chapter = 0;
  Shell first(one, s, TestKeys());
  first.SetFonts(ui.fonts());
  ui.Frame(first, f);
  ui.Frame(first, f);
  const auto found = one.Find(t->n(), t->n());
  REQUIRE(found.size() == 1);
  const RecordingTextureService::Texture* tex = found[0];
  for (int row = 0; row < t->n(); ++row) {
    int grey = 0;
    for (int c = 0; c < t->n(); ++c) grey += tex->At(row, c) == kMaskedCellColor;
    INFO("row " << row);
    if (row == 2 || row == 5) CHECK(grey == t->n());
    else CHECK(grey < t->n());
  }
}

TEST_CASE("shell: PgUp/PgDn and digits move between chapters; Tab cycles heads; arrows and Esc move the selection",
          "[shell][keys]") {
  HeadlessUi ui;
  NullTextureService textures;
  Settings s;
  s.ui.chapter = 1;
  Shell shell(textures, s, TestKeys());
  shell.SetFonts(ui.fonts());
  const ShellFrame f = FrameFor(s.request);
  const int n = f.trace->n();
  ui.Frame(shell, f);

  ui.Key(shell, f, ImGuiKey_PageDown);
  CHECK(shell.ui().chapter == 2);
  ui.Key(shell, f, ImGuiKey_PageUp);
  ui.Key(shell, f, ImGuiKey_PageUp);  // clamps at chapter 1
  CHECK(shell.ui().chapter == 1);
  ui.Key(shell, f, kDigit0 + 7);
  CHECK(shell.ui().chapter == 7);
  ui.Key(shell, f, ImGuiKey_PageDown);
  ui.Key(shell, f, ImGuiKey_PageDown);
  CHECK(shell.ui().chapter == 0);  // after 8 comes the Playground
  ui.Key(shell, f, kDigit0 + 3);
  CHECK(shell.ui().chapter == 3);

  const int heads = static_cast<int>(f.trace->layers[0].heads.size());
  CHECK(shell.ui().focused_head == 0);
  ui.Key(shell, f, ImGuiKey_Tab);
  CHECK(shell.ui().focused_head == 1);
  ui.Key(shell, f, ImGuiKey_Tab, false, /*shift=*/true);
  ui.Key(shell, f, ImGuiKey_Tab, false, /*shift=*/true);
  CHECK(shell.ui().focused_head == heads - 1);

  CHECK(shell.ui().selected_token == -1);
  ui.Key(shell, f, ImGuiKey_RightArrow);
  CHECK(shell.ui().selected_token == 0);
  ui.Key(shell, f, ImGuiKey_RightArrow);
  ui.Key(shell, f, ImGuiKey_RightArrow);
  CHECK(shell.ui().selected_token == 2);
  ui.Key(shell, f, ImGuiKey_LeftArrow);
  CHECK(shell.ui().selected_token == 1);
  ui.Key(shell, f, ImGuiKey_End);
  CHECK(shell.ui().selected_token == n - 1);
  ui.Key(shell, f, ImGuiKey_RightArrow);
  CHECK(shell.ui().selected_token == n - 1);  // stays on the last token
  ui.Key(shell, f, ImGuiKey_Escape);
  CHECK(shell.ui().selected_token == -1);

  // None of this touched the Request: hover, selection and navigation never recompute.
  CHECK(shell.request() == s.request);

  ui.Key(shell, f, kKeyF11);
  CHECK(shell.ui().presenter);
  CHECK(shell.WantedFontPixels(1.0f) >= 24.0f);
  ui.Key(shell, f, kKeyF11);
  CHECK_FALSE(shell.ui().presenter);
  CHECK(shell.WantedFontPixels(2.0f) == Approx(2 * s.ui.font_size));  // HiDPI: content scale multiplies
}

TEST_CASE("shell: clicking a token chip selects it, clicking again clears, Ctrl+click toggles a global", "[shell][mouse]") {
  HeadlessUi ui;
  NullTextureService textures;
  Settings s;
  Shell shell(textures, s, TestKeys());
  shell.SetFonts(ui.fonts());
  shell.set_record_chips(true);
  const ShellFrame f = FrameFor(s.request);
  ui.Frame(shell, f);
  ui.Frame(shell, f);
  const auto chips = shell.layout().token_chips;
  REQUIRE(chips.size() == static_cast<std::size_t>(f.trace->n()));
  CHECK(chips[2].name == "sat");

  ui.Click(shell, f, Center(chips[2]));
  CHECK(shell.ui().selected_token == 2);
  ui.Click(shell, f, Center(shell.layout().token_chips[2]));
  CHECK(shell.ui().selected_token == -1);
  CHECK(shell.request() == s.request);

  ui.Click(shell, f, Center(shell.layout().token_chips[4]), /*ctrl=*/true);
  CHECK(shell.request().mask.pattern == MaskPattern::GlobalLocal);
  const auto& g = shell.request().mask.globals;
  CHECK(std::find(g.begin(), g.end(), 4) != g.end());
}

TEST_CASE("shell: the causal checkbox and the sentence edit the Request copy", "[shell][controls]") {
  HeadlessUi ui;
  NullTextureService textures;
  Settings s;
  s.request.mask.causal = false;
  Shell shell(textures, s, TestKeys());
  shell.SetFonts(ui.fonts());
  const ShellFrame f = FrameFor(s.request);
  ui.Frame(shell, f);
  ui.Frame(shell, f);
  const LayoutRect* causal = shell.layout().Find("control.causal");
  REQUIRE(causal != nullptr);
  ui.Click(shell, f, ImVec2(causal->min.x + 8, Center(*causal).y));
  CHECK(shell.request().mask.causal);

  // Typing into the sentence box.
  const LayoutRect* box = shell.layout().Find("sentence");
  REQUIRE(box != nullptr);
  ui.Click(shell, f, Center(*box));
  ImGuiIO& io = ImGui::GetIO();
  io.KeysDown[ImGuiKey_End] = true;
  ui.Frame(shell, f);
  io.KeysDown[ImGuiKey_End] = false;
  io.AddInputCharactersUTF8(" Yes");
  io.MousePos = Center(*box);
  ui.Frame(shell, f);
  ui.Frame(shell, f);
  CHECK(shell.request().text == s.request.text + " Yes");
  // Esc leaves the box and keeps the edit (ImGui alone would revert it).
  ui.Key(shell, f, ImGuiKey_Escape);
  CHECK(shell.request().text == s.request.text + " Yes");
  CHECK_FALSE(ImGui::GetIO().WantTextInput);
}

TEST_CASE("shell: Tab after a click in the controls cycles heads and never jumps into a field", "[shell][keys]") {
  HeadlessUi ui;
  NullTextureService textures;
  Settings s;
  s.request.model = "random";  // the controls then hold seed / d_model / heads fields
  Shell shell(textures, s, TestKeys());
  shell.SetFonts(ui.fonts());
  const ShellFrame f = FrameFor(s.request);
  ui.Frame(shell, f);
  ui.Frame(shell, f);
  const LayoutRect* causal = shell.layout().Find("control.causal");
  REQUIRE(causal != nullptr);
  ui.Click(shell, f, ImVec2(causal->max.x + 40, Center(*causal).y));  // empty space in the controls panel
  const int head = shell.ui().focused_head;
  ui.Key(shell, f, ImGuiKey_Tab);
  ui.Key(shell, f, ImGuiKey_Tab);
  CHECK(shell.ui().focused_head == head + 2);
  CHECK_FALSE(ImGui::GetIO().WantTextInput);
  CHECK(shell.request() == s.request);
}

TEST_CASE("shell: invalid combinations are explained in place, never thrown", "[shell][controls]") {
  HeadlessUi ui;
  NullTextureService textures;
  Settings s;
  Shell shell(textures, s, TestKeys());
  shell.SetFonts(ui.fonts());
  const ShellFrame f = FrameFor(s.request);
  ui.Frame(shell, f);
  // A checkpoint-free random model with heads that do not divide d_model.
  Settings bad = s;
  bad.request.model = "random";
  bad.request.d_model = 30;
  bad.request.heads = 4;
  bad.request.kv_heads = 4;
  Shell shell2(textures, bad, TestKeys());
  shell2.SetFonts(ui.fonts());
  for (int c = 0; c <= 8; ++c) {
    shell2.ui().chapter = c;
    ui.Frame(shell2, f);
  }
  bool found = false;
  for (const auto& [k, v] : shell2.layout().facts)
    if (k == "validation") found = v.find("does not divide") != std::string::npos;
  CHECK(found);
}

TEST_CASE("shell: a problem is shown under the control of the field it is about", "[shell][controls]") {
  HeadlessUi ui;
  NullTextureService textures;
  Settings good;
  const ShellFrame f = FrameFor(good.request);
  struct Case {
    void (*edit)(Request&);
    const char* after;   // the problem box sits below this control...
    const char* before;  // ...and above this one
  };
  const Case cases[] = {
      {[](Request& r) { r.model = "random"; r.d_model = 30; r.heads = 4; r.kv_heads = 4; }, "control.heads",
       "control.positional"},
      {[](Request& r) { r.model = "random"; r.d_model = 24; r.positional = Positional::Rope; }, "control.positional",
       "control.pattern"},
      {[](Request& r) { r.mask.pattern = MaskPattern::Sliding; r.mask.window = 0; }, "control.window",
       "control.scale"},
  };
  for (const Case& c : cases) {
    Settings s = good;
    c.edit(s.request);
    REQUIRE(FindRequestProblem(s.request));
    Shell shell(textures, s, TestKeys());
    shell.SetFonts(ui.fonts());
    ui.Frame(shell, f);
    ui.Frame(shell, f);
    const LayoutRect* box = shell.layout().Find("control.problem");
    const LayoutRect* above = shell.layout().Find(c.after);
    const LayoutRect* below = shell.layout().Find(c.before);
    INFO(FindRequestProblem(s.request).message);
    REQUIRE(box != nullptr);
    REQUIRE(above != nullptr);
    REQUIRE(below != nullptr);
    CHECK(box->min.y >= above->max.y);
    CHECK(box->max.y <= below->min.y);
  }
}

TEST_CASE("shell: chapter 2's step is the chapter's own, and survives a restart through the settings",
          "[shell][settings]") {
  // Ctrl+E exports what the chapter shows; its file name names the matrix.
  const auto home = std::filesystem::temp_directory_path() / ("attnviz-test-step-" + std::to_string(::getpid()));
  std::filesystem::create_directories(home / "Pictures");
  const char* old_home = std::getenv("HOME");
  const std::string saved_home = old_home ? old_home : "";
  ::setenv("HOME", home.c_str(), 1);
  HeadlessUi ui;
  NullTextureService textures;
  auto shown_matrix = [&](const Settings& s) {
    Shell shell(textures, s, TestKeys());
    shell.SetFonts(ui.fonts());
    const ShellFrame f = FrameFor(s.request);
    ui.Frame(shell, f);
    ui.Key(shell, f, kKeyE, /*ctrl=*/true);
    return std::make_pair(shell.last_export(), shell.settings());
  };
  Settings s;
  s.ui.chapter = 2;
  auto [path, after] = shown_matrix(s);  // no saved state: section 1 (step by step) at the softmax
  CHECK(!path.empty());                   // Ctrl+E exported the chapter's figure
  CHECK(after.ui.chapter_state.at(2) == "0:" + std::to_string(static_cast<int>(AttentionStep::Softmax)));
  s.ui.chapter_state[2] = "0:4";  // as a settings file written after choosing the fifth step
  std::tie(path, after) = shown_matrix(ParseSettings(SerializeSettings(s)).settings);
  CHECK(after.ui.chapter_state.at(2) == "0:4");
  s.ui.chapter_state[2] = "1:4";  // the second section (why sqrt(d_k)), the step kept for later
  std::tie(path, after) = shown_matrix(ParseSettings(SerializeSettings(s)).settings);
  CHECK(after.ui.chapter_state.at(2) == "1:4");
  s.ui.chapter_state[2] = "garbage";  // a hand-edited file: the chapter starts fresh
  std::tie(path, after) = shown_matrix(ParseSettings(SerializeSettings(s)).settings);
  CHECK(after.ui.chapter_state.at(2) == "0:" + std::to_string(static_cast<int>(AttentionStep::Softmax)));
  s.ui.chapter_state.erase(2);
  // UiState's per-frame part never reaches the file.
  Shell shell(textures, s, TestKeys());
  shell.ui().hovered_token = 3;
  CHECK(SerializeSettings(shell.settings()).find("hovered") == std::string::npos);
  CHECK(shell.settings().ui == s.ui);
  if (old_home) ::setenv("HOME", saved_home.c_str(), 1);
  std::filesystem::remove_all(home);
}

TEST_CASE("settings: round trip keeps the Request and the persistent UiState", "[settings]") {
  Settings s;
  s.request.text = "Ünïcode \"quotes\" and\nnewlines";
  s.request.model = "random";
  s.request.seed = 18446744073709551615ull;
  s.request.d_model = 96;
  s.request.heads = 12;
  s.request.kv_heads = 4;
  s.request.layers = 3;
  s.request.positional = Positional::Alibi;
  s.request.mask = {MaskPattern::GlobalLocal, true, 5, {0, 7, 9}, 2};
  s.request.scale = false;
  s.request.temperature = 0.25f;
  s.ui.chapter = 6;
  s.ui.selected_token = 4;
  s.ui.focused_head = 3;
  s.ui.colormap = "magma";
  s.ui.font_size = 21;
  s.ui.presenter = true;
  s.ui.theme = Theme::Light;
  s.ui.chapter_state = {{2, "logits"}, {0, "anything a chapter keeps"}};
  const SettingsParse p = ParseSettings(SerializeSettings(s));
  CHECK(p.notice.empty());
  CHECK_FALSE(p.corrupt);
  CHECK(p.settings.request == s.request);
  CHECK(p.settings.ui == s.ui);
}

TEST_CASE("settings: corrupt text gives defaults and a notice; a bad field only resets that field", "[settings]") {
  for (const char* text : {"", "{", "not json", "[1,2]", "{\"format\": \"other\"}", "\xff\xfe{}"}) {
    const SettingsParse p = ParseSettings(text);
    INFO(text);
    CHECK(p.corrupt);
    CHECK_FALSE(p.notice.empty());
    CHECK(p.settings.request == Request{});
  }
  const SettingsParse p = ParseSettings(
      R"({"format": "attnviz-settings/1", "request": {"text": "kept", "heads": "eight", "temperature": -3},
          "ui": {"chapter": 99, "colormap": "magma", "chapter_state": {"12": "x"}}})");
  CHECK_FALSE(p.corrupt);
  CHECK(p.settings.request.text == "kept");
  CHECK(p.settings.request.heads == Request{}.heads);
  CHECK(p.settings.request.temperature == Request{}.temperature);
  CHECK(p.settings.ui.chapter == UiState{}.chapter);
  CHECK(p.settings.ui.colormap == "magma");
  CHECK(p.notice.find("request.heads") != std::string::npos);
  CHECK(p.notice.find("ui.chapter") != std::string::npos);
  CHECK(p.notice.find("ui.chapter_state") != std::string::npos);
  CHECK(p.settings.ui.chapter_state.empty());
}

TEST_CASE("settings: the XDG path, and a corrupt file is kept as settings.json.bad", "[settings]") {
  CHECK(SettingsPath("/x/cfg", "/home/u") == "/x/cfg/attnviz/settings.json");
  CHECK(SettingsPath("relative", "/home/u") == "/home/u/.config/attnviz/settings.json");
  CHECK(SettingsPath(nullptr, "/home/u") == "/home/u/.config/attnviz/settings.json");
  CHECK(SettingsPath(nullptr, nullptr).empty());

  const auto dir = std::filesystem::temp_directory_path() / ("attnviz-test-settings-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  const std::string path = (dir / "attnviz" / "settings.json").string();
  CHECK(LoadSettingsFile(path).notice.empty());  // missing: defaults, quietly

  Settings s;
  s.request.text = "saved sentence";
  REQUIRE(SaveSettingsFile(path, s).empty());
  CHECK(LoadSettingsFile(path).settings.request.text == "saved sentence");

  {
    std::ofstream out(path, std::ios::trunc);
    out << "{ this is not json";
  }
  const SettingsLoad l = LoadSettingsFile(path);
  CHECK(l.settings.request == Request{});
  CHECK(l.notice.find("settings.json.bad") != std::string::npos);
  std::ifstream bad(path + ".bad");
  std::stringstream kept;
  kept << bad.rdbuf();
  CHECK(kept.str() == "{ this is not json");
  CHECK_FALSE(std::filesystem::exists(path));
  std::filesystem::remove_all(dir);
}
