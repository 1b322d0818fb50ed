// The controls' model path box (ui/shell/model_load.cpp) on a headless ImGui
// context: a checkpoint typed and entered loads off the UI thread and its
// shape fills the Request; a broken one leaves the model on screen and says
// which file is wrong; recent models survive the settings file; "built-in"
// gives back the built-in model's own shape. Checkpoints are written by the
// test (tests/support/gpt2_checkpoint_writer.h), nothing is downloaded.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cfloat>
#include <filesystem>
#include <string>

#include <imgui.h>

#include "core/engine.h"
#include "tests/support/gpt2_checkpoint_writer.h"
#include "tests/ui/headless-ui.h"
#include "ui/settings.h"
#include "ui/shell.h"
#include "ui/texture_service.h"
#include "ui/theme.h"

using namespace attnviz;
using namespace attnviz::ui;
using namespace attnviz::test;
namespace fs = std::filesystem;

namespace {

// A fresh folder under the temp directory, removed at the end of the test.
struct TempDir {
  fs::path path;
  explicit TempDir(const std::string& tag) {
    path = fs::temp_directory_path() / ("attnviz-modelbox-" + tag + "-" + std::to_string(::getpid()));
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

// The tiny preset of make_checkpoint: 2 layers x 4 heads, d_model 32, 64 positions, 300 tokens.
void WriteTinyCheckpoint(const fs::path& dir, std::uint64_t seed = 3, int layers = 2) {
  Gpt2Sizes s;
  s.n_embd = 32;
  s.n_head = 4;
  s.n_layer = layers;
  s.n_positions = 64;
  s.vocab_size = 300;
  const VocabAndMerges vocab = SyntheticGpt2Vocab(s.vocab_size);
  fs::create_directories(dir);
  WriteGpt2Checkpoint(dir.string(), RandomGpt2Weights(s, seed, WeightScale::kGpt2Init), vocab.VocabJson(),
                      vocab.MergesTxt(), {});
}

// Clicks the path box, replaces its text with `text` and presses Enter.
void TypeInPathBox(HeadlessUi& ui, Shell& shell, const ShellFrame& f, const std::string& text) {
  const LayoutRect* box = shell.layout().Find("control.model_path");
  REQUIRE(box != nullptr);
  ui.Click(shell, f, Center(*box));
  ImGuiIO& io = ImGui::GetIO();
  io.KeyCtrl = true;  // Ctrl+A selects what is there, typing replaces it
  io.KeysDown[ImGuiKey_A] = true;
  ui.Frame(shell, f);
  io.KeysDown[ImGuiKey_A] = false;
  io.KeyCtrl = false;
  io.AddInputCharactersUTF8(text.c_str());
  ui.Frame(shell, f);
  ui.Key(shell, f, ImGuiKey_Enter);
}

// Frames until the load finished (the compute service's job is waited for,
// never timed).
void FinishLoad(HeadlessUi& ui, Shell& shell, const ShellFrame& f) {
  for (int i = 0; i < 50 && !shell.loading_model().empty(); ++i) {
    shell.WaitForCompute();
    ui.Frame(shell, f);
  }
  REQUIRE(shell.loading_model().empty());
}

ShellFrame FrameFor(const Request& r) {
  ShellFrame f;
  f.trace = RunTrace(r);
  f.generation = 1;
  return f;
}

}  // namespace

TEST_CASE("model box: a checkpoint typed and entered loads; its shape fills the Request; recents remember it",
          "[shell][model]") {
  TempDir tmp("ok");
  const fs::path dir = tmp.path / "tiny";
  WriteTinyCheckpoint(dir);
  HeadlessUi ui;
  NullTextureService textures;
  Settings s;
  Shell shell(textures, s, TestKeys());
  shell.SetFonts(ui.fonts());
  const ShellFrame builtin = FrameFor(s.request);
  ui.Frame(shell, builtin);
  ui.Frame(shell, builtin);
  CHECK(shell.layout().Find("next_token") == nullptr);  // the built-in model predicts nothing: no panel

  TypeInPathBox(ui, shell, builtin, dir.string());
  // Loading is under way or done; either way the Request has not moved yet
  // unless the load finished, and it never blocked a frame.
  FinishLoad(ui, shell, builtin);
  CHECK(shell.model_error().empty());
  const Request& r = shell.request();
  CHECK(r.model == dir.string());
  CHECK(r.d_model == 32);
  CHECK(r.heads == 4);
  CHECK(r.kv_heads == 4);
  CHECK(r.layers == 2);
  CHECK(r.positional == Positional::Learned);
  CHECK(r.mask.causal);
  CHECK(r.text == s.request.text);
  REQUIRE_FALSE(shell.ui().recent_models.empty());
  CHECK(shell.ui().recent_models.front() == dir.string());

  // The engine accepts the fitted Request as it is (the app posts exactly this).
  const ShellFrame loaded = FrameFor(r);
  REQUIRE(loaded.trace->next_token.size() == 10);
  ui.Frame(shell, loaded);
  ui.Frame(shell, loaded);
  CHECK(shell.layout().Find("next_token") != nullptr);
  CHECK(shell.layout().Find("control.checkpoint") != nullptr);

  // Recents survive the settings file.
  const SettingsParse p = ParseSettings(SerializeSettings(shell.settings()));
  CHECK(p.notice.empty());
  CHECK(p.settings.ui.recent_models == shell.ui().recent_models);
  CHECK(p.settings.request == r);

  // "built-in" goes back to the built-in model with its own shape and positions.
  shell.LoadModel("built-in");
  ui.Frame(shell, loaded);
  CHECK(shell.request().model == "builtin");
  CHECK(shell.request().positional != Positional::Learned);
  CHECK(shell.request().mask.causal == s.request.mask.causal);
  CHECK_NOTHROW(RunTrace(shell.request()));
}

TEST_CASE("model box: a broken checkpoint names the file and the problem, and the model on screen stays",
          "[shell][model]") {
  TempDir tmp("bad");
  const fs::path good = tmp.path / "good";
  WriteTinyCheckpoint(good);
  HeadlessUi ui;
  NullTextureService textures;
  Settings s;
  Shell shell(textures, s, TestKeys());
  shell.SetFonts(ui.fonts());
  ShellFrame f = FrameFor(s.request);
  ui.Frame(shell, f);
  TypeInPathBox(ui, shell, f, good.string());
  FinishLoad(ui, shell, f);
  const Request before = shell.request();
  REQUIRE(before.model == good.string());
  f = FrameFor(before);
  ui.Frame(shell, f);

  struct Case {
    const char* name;
    const char* file;     // the file the message must name
    const char* problem;  // and words of the problem
    void (*Break)(const fs::path&);
  };
  const Case cases[] = {
      {"missing", "model.safetensors", "missing", [](const fs::path& d) { fs::remove(d / "model.safetensors"); }},
      {"json", "config.json", "not valid JSON", [](const fs::path& d) { WriteTextFile((d / "config.json").string(), "{\"n_embd\": 32,"); }},
      {"truncated", "model.safetensors", "truncated",
       [](const fs::path& d) { fs::resize_file(d / "model.safetensors", fs::file_size(d / "model.safetensors") - 100); }},
      {"pickle", "pytorch_model.bin", "code",
       [](const fs::path& d) {
         fs::remove(d / "model.safetensors");
         WriteTextFile((d / "pytorch_model.bin").string(), "PK not really a pickle");
       }},
  };
  for (const Case& c : cases) {
    INFO(c.name);
    const fs::path bad = tmp.path / c.name;
    WriteTinyCheckpoint(bad);
    c.Break(bad);
    TypeInPathBox(ui, shell, f, bad.string());
    FinishLoad(ui, shell, f);
    CHECK(shell.request() == before);  // the model it had, unchanged
    CHECK_THAT(shell.model_error(), Catch::Contains(c.file) && Catch::Contains(c.problem));
    CHECK(shell.model_error().find('\n') == std::string::npos);  // one line
    ui.Frame(shell, f);
    CHECK(shell.layout().Find("control.model_error") != nullptr);
    // A failed model is not remembered as recent.
    CHECK(std::find(shell.ui().recent_models.begin(), shell.ui().recent_models.end(), bad.string()) ==
          shell.ui().recent_models.end());
  }
  // A name that is neither a folder nor in the cache.
  TypeInPathBox(ui, shell, f, "no-such-model-anywhere");
  FinishLoad(ui, shell, f);
  CHECK(shell.request() == before);
  CHECK_THAT(shell.model_error(), Catch::Contains("no-such-model-anywhere"));
  // And the good one loads again after the errors (the error goes away).
  TypeInPathBox(ui, shell, f, good.string());
  FinishLoad(ui, shell, f);
  CHECK(shell.model_error().empty());
  CHECK(shell.request() == before);
}

TEST_CASE("model box: a checkpoint in the settings opens on the built-in model, then swaps in when loaded",
          "[shell][model]") {
  TempDir tmp("start");
  const fs::path dir = tmp.path / "tiny";
  WriteTinyCheckpoint(dir, 3, /*layers=*/4);
  HeadlessUi ui;
  NullTextureService textures;
  Settings s;
  s.request.model = dir.string();  // what --model DIR or the settings file hands the shell
  s.ui.chapter = kPlaygroundChapter;
  s.ui.layer = 3;                  // --layer 3: more than the built-in model shown meanwhile has
  Shell shell(textures, s, TestKeys());
  shell.SetFonts(ui.fonts());
  // The first Request the app posts is one the engine can run at once.
  CHECK(shell.request().model == "builtin");
  CHECK_NOTHROW(RunTrace(shell.request()));
  CHECK(shell.loading_model() == dir.string());
  const ShellFrame f = FrameFor(shell.request());
  ui.Frame(shell, f);
  FinishLoad(ui, shell, f);
  CHECK(shell.request().model == dir.string());
  CHECK(shell.request().heads == 4);
  // The views clamped the layer to the built-in model's; the new model's first
  // trace gives it back.
  const ShellFrame loaded = FrameFor(shell.request());
  ui.Frame(shell, loaded);
  ui.Frame(shell, loaded);
  CHECK(shell.ui().layer == 3);

  // A checkpoint that went away: the built-in model stays, with the reason.
  Settings gone;
  gone.request.model = (tmp.path / "deleted").string();
  Shell shell2(textures, gone, TestKeys());
  shell2.SetFonts(ui.fonts());
  FinishLoad(ui, shell2, f);
  CHECK(shell2.request().model == "builtin");
  CHECK_THAT(shell2.model_error(), Catch::Contains("deleted") && Catch::Contains("does not exist"));
}

TEST_CASE("settings: recent models tolerate bad values", "[settings][model]") {
  const SettingsParse bad = ParseSettings(R"({"format": "attnviz-settings/1", "ui": {"recent_models": 5, "chapter": 3}})");
  CHECK_FALSE(bad.corrupt);
  CHECK(bad.settings.ui.recent_models.empty());
  CHECK(bad.settings.ui.chapter == 3);
  CHECK_THAT(bad.notice, Catch::Contains("ui.recent_models"));
  const SettingsParse mixed = ParseSettings(R"({"format": "attnviz-settings/1", "ui": {"recent_models": ["a", 7]}})");
  CHECK(mixed.settings.ui.recent_models.empty());
  CHECK_THAT(mixed.notice, Catch::Contains("ui.recent_models"));
  // Repeats count once and more than kMaxRecentModels are dropped without complaint.
  const SettingsParse many = ParseSettings(
      R"({"format": "attnviz-settings/1", "ui": {"recent_models": ["a","b","a","c","d","e","f","g","h","i","j"]}})");
  CHECK(many.notice.empty());
  CHECK(many.settings.ui.recent_models == std::vector<std::string>{"a", "b", "c", "d", "e", "f", "g", "h"});
}
