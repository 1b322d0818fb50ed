// `attnviz export` as a person runs it: the binary, its exit codes, messages
// and files. The PNG it writes must equal, pixel for pixel, what core renders
// for the same trace (what the window's Export button writes).
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

#include "core/engine.h"
#include "core/figure/figure.h"
#include "test-figure-support.h"
#include "tests/unit/process.h"
#include "tests/unit/head-matrices.h"

using namespace attnviz;
namespace fs = std::filesystem;

namespace {

using Run = attnviz::test::ProcessResult;

// `attnviz export args...`, with limits or environment changes in `opt`.
Run Export(const std::vector<std::string>& args, const attnviz::test::ProcessOptions& opt = {}) {
  std::vector<std::string> full = {"export"};
  full.insert(full.end(), args.begin(), args.end());
  return attnviz::test::RunAttnviz(full, opt);
}

attnviz::test::ProcessOptions NoDisplay() {
  attnviz::test::ProcessOptions o;
  o.unset_env = {"DISPLAY", "WAYLAND_DISPLAY"};
  return o;
}

attnviz::test::ProcessOptions FullDiskAfter(long bytes) {
  attnviz::test::ProcessOptions o;
  o.file_size_cap_bytes = bytes;
  return o;
}

using figure_test::TempDir;

int Lines(const std::string& s) {
  int n = 0;
  for (char c : s) n += c == '\n';
  return n;
}

}  // namespace

TEST_CASE("export --help lists every option and the overwrite policy", "[export][cli]") {
  Run r = Export({"--help"});
  CHECK(r.status == 0);
  for (const char* opt : {"--view", "--head", "--layer", "--select", "--out", "--format", "--scale", "--dpi", "--title",
                          "--colormap", "--no-labels", "--no-colorbar", "--transparent", "--force", "--text", "--mask",
                          "heatmap", "arcs", "grid", "npy", "json", "max-pooled"})
    CHECK(r.out.find(opt) != std::string::npos);
  CHECK(r.out.find("never overwritten unless --force") != std::string::npos);
}

TEST_CASE("export rejects bad values with exit 2 and one line naming the option", "[export][cli]") {
  TempDir dir;
  const std::string out = dir / "x.png";
  struct Case {
    std::vector<std::string> args;
    const char* option;
  };
  const Case cases[] = {
      {{"--out", out, "--scale", "9"}, "--scale"},
      {{"--out", out, "--scale", "two"}, "--scale"},
      {{"--out", out, "--dpi", "10"}, "--dpi"},
      {{"--out", out, "--dpi", "100", "--scale", "2"}, "--dpi"},
      {{"--out", out, "--view", "pie"}, "--view"},
      {{"--out", out, "--colormap", "jet"}, "--colormap"},
      {{"--out", out, "--head", "x"}, "--head"},
      {{"--out", out, "--head", "99"}, "--head"},
      {{"--out", out, "--select", "999"}, "--select"},
      {{"--out", out, "--layer", "5"}, "--layer"},
      {{"--out", out, "--layer", "all"}, "--layer"},
      {{"--out", out, "--format", "gif"}, "--format"},
      {{"--out", out, "--format", "svg"}, "--format"},
      {{"--out", dir / "x.gif"}, "--out"},
      {{"--view", "heatmap"}, "--out"},
      {{"--out", dir / "x.npy", "--view", "arcs"}, "--format"},
      {{"--out", out, "--window", "0", "--mask", "sliding"}, "--window"},
      {{"--out", out, "--vmin", "1", "--vmax", "0"}, "--vmax"},
      {{"--out", out, "--bogus"}, "--bogus"},
      {{"--out", out, "--head", "all"}, "--head"},
      {{"--out", out, "--view", "pie\n\x1b[2J"}, "--view"},
      {{"--out", out, "--\nbogus"}, "bogus"},
  };
  for (const Case& c : cases) {
    std::string joined;
    for (const std::string& a : c.args) joined += a + " ";
    INFO(joined << "-> " << 0 << c.option);
    Run r = Export(c.args);
    INFO("stderr: " << r.err);
    CHECK(r.status == 2);
    CHECK(Lines(r.err) == 1);
    CHECK(r.err.find(c.option) != std::string::npos);
    CHECK(r.err.find("attnviz export: ") == 0);
    CHECK(r.err.find('\x1b') == std::string::npos);
  }
  CHECK(!figure_test::FileExists(out));
}

TEST_CASE("export writes the same PNG core renders for the window", "[export][cli]") {
  TempDir dir;
  const std::string out = dir / "w.png";
  Run r = Export({"--text", "the cat sat on the mat", "--mask", "sliding", "--causal", "--head", "2", "--scale", "2",
                  "--out", out});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out == out + "\n");
  figure_test::Decoded cli = figure_test::DecodePng(figure_test::ReadFile(out));
  REQUIRE(cli.ok);
  CHECK(cli.width == 2000);
  CHECK(cli.height == 1600);

  Request req;
  req.text = "the cat sat on the mat";
  req.mask.pattern = MaskPattern::Sliding;
  req.mask.causal = true;
  TracePtr t = RunTrace(req);
  RenderOptions o;
  o.scale = 2;
  RasterImage img = RenderFigure(Figure{MakeTraceHeatmap(*t, 0, 2, TraceMatrix::Weights)}, o);
  REQUIRE(img.width == cli.width);
  REQUIRE(img.height == cli.height);
  long differing = 0;
  for (std::size_t i = 0; i < img.rgba.size(); ++i) differing += img.rgba[i] != cli.rgba[i];
  CHECK(differing == 0);
}

TEST_CASE("export never overwrites without --force and leaves no partial file", "[export][cli]") {
  TempDir dir;
  const std::string out = dir / "f.svg";
  REQUIRE(Export({"--out", out}).status == 0);
  std::string first = figure_test::ReadFile(out);
  Run again = Export({"--out", out, "--colormap", "magma"});
  CHECK(again.status == 1);
  CHECK(again.err.find("exists") != std::string::npos);
  CHECK(again.err.find("--force") != std::string::npos);
  CHECK(figure_test::ReadFile(out) == first);
  Run forced = Export({"--out", out, "--colormap", "magma", "--force"});
  CHECK(forced.status == 0);
  CHECK(figure_test::ReadFile(out) != first);

  // A file size limit of 8 KiB makes write() fail part-way, as a full disk does.
  const std::string big = dir / "big.png";
  Run full = Export({"--out", big}, FullDiskAfter(8192));
  CHECK(full.status == 1);
  INFO(full.err);
  CHECK(full.err.find("cannot write '" + big + "'") != std::string::npos);
  CHECK(!figure_test::FileExists(big));
  int files = 0;
  for (auto& e : fs::directory_iterator(dir.path)) (void)e, ++files;
  CHECK(files == 1);  // f.svg only: no temporary left behind

  Run nodir = Export({"--out", dir / "missing/x.png"});
  CHECK(nodir.status == 1);
  CHECK(nodir.err.find("No such file or directory") != std::string::npos);
}

TEST_CASE("export --head all writes one file per head into a directory", "[export][cli]") {
  TempDir dir;
  const std::string out = dir / "heads";
  Run r = Export({"--head", "all", "--out", out, "--format", "svg", "--view", "scores"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  TracePtr t = RunTrace(Request{});
  const int heads = static_cast<int>(t->layers[0].heads.size());
  CHECK(Lines(r.out) == heads);
  for (int h = 0; h < heads; ++h) CHECK(figure_test::FileExists(out + "/scores-L0-H" + std::to_string(h) + ".svg"));
}

TEST_CASE("export json/npy hold exactly the trace's matrix", "[export][cli]") {
  TempDir dir;
  Run j = Export({"--text", "one two three four", "--mask", "sliding", "--causal", "--view", "logits", "--head", "1",
                  "--out", dir / "l.json"});
  REQUIRE(j.status == 0);
  nlohmann::json m = nlohmann::json::parse(figure_test::ReadFile(dir / "l.json"));
  Request req;
  req.text = "one two three four";
  req.mask.pattern = MaskPattern::Sliding;
  req.mask.causal = true;
  TracePtr t = RunTrace(req);
  const Mat logits = test::LogitsOf(*t, 0, 1);
  REQUIRE(m["rows"] == t->n());
  for (int r = 0; r < t->n(); ++r)
    for (int c = 0; c < t->n(); ++c) {
      if (t->mask(r, c))
        CHECK(m["values"][r][c].get<float>() == logits(r, c));  // shortest round-trip: exact
      else
        CHECK(m["values"][r][c].is_null());
    }
  CHECK(m["col_labels"][0] == "one");

  Run n = Export({"--view", "q", "--out", dir / "q.npy"});
  REQUIRE(n.status == 0);
  std::string npy = figure_test::ReadFile(dir / "q.npy");
  TracePtr d = RunTrace(Request{});
  const Mat& q = d->layers[0].heads[0].Q;
  const std::size_t header = 10 + (static_cast<unsigned char>(npy[8]) | static_cast<unsigned char>(npy[9]) << 8);
  REQUIRE(npy.size() == header + static_cast<std::size_t>(q.size()) * 4);
  CHECK(std::memcmp(npy.data() + header, q.data(), npy.size() - header) == 0);
}

TEST_CASE("export draws arcs, grid and every matrix view without a display", "[export][cli]") {
  TempDir dir;
  for (const char* view : {"arcs", "grid", "mask", "scores", "logits", "bias", "q", "k", "v", "output", "input",
                           "layer-output", "pe"}) {
    INFO(view);
    Run r = Export({"--view", view, "--select", "3", "--out", dir / (std::string(view) + ".png")},
                   NoDisplay());
    INFO(r.err);
    CHECK(r.status == 0);
    CHECK(figure_test::DecodePng(figure_test::ReadFile(dir / (std::string(view) + ".png"))).ok);
  }
  Run t = Export({"--transparent", "--title", "Custom", "--no-labels", "--no-colorbar", "--dpi", "120", "--out",
                  dir / "t.png"});
  REQUIRE(t.status == 0);
  figure_test::Decoded d = figure_test::DecodePng(figure_test::ReadFile(dir / "t.png"));
  CHECK(d.has_alpha);
  CHECK(d.width == 1200);
}
