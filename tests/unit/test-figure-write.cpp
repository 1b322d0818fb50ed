// Writing figures: atomic (temporary + rename), the overwrite policy, clear
// errors for unwritable paths, and the raw-matrix formats (npy, json).
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/engine.h"
#include "core/figure/figure.h"
#include "test-figure-support.h"

using namespace attnviz;
namespace fs = std::filesystem;

namespace {
using figure_test::TempDir;

int FilesIn(const fs::path& dir) {
  int n = 0;
  for (auto& e : fs::directory_iterator(dir)) (void)e, ++n;
  return n;
}

HeatmapFigure Small() {
  static const std::vector<float> v{0.5f, -1.25f, 3.0f, 1e-8f, 7.0f, 0.1f};
  static const std::vector<std::uint8_t> mask{1, 1, 0, 1, 1, 1};
  HeatmapFigure f;
  f.values = v.data();
  f.rows = 2;
  f.cols = 3;
  f.mask = mask.data();
  f.row_labels = {"q0", "q\"1"};
  f.col_labels = {"a", "b", "c"};
  f.title = "small";
  return f;
}
}  // namespace

TEST_CASE("WriteFigure picks the format from the extension and writes whole files", "[figure][write]") {
  TempDir dir;
  HeatmapFigure f = Small();
  CHECK(WriteFigure(Figure{f}, RenderOptions{}, dir / "a.png") == dir / "a.png");
  CHECK(WriteFigure(Figure{f}, RenderOptions{}, dir / "a.SVG") == dir / "a.SVG");
  figure_test::Decoded d = figure_test::DecodePng(figure_test::ReadFile(dir / "a.png"));
  CHECK(d.ok);
  CHECK(d.width == 1000);
  CHECK(figure_test::ReadFile(dir / "a.SVG").rfind("<?xml", 0) == 0);
  CHECK_THROWS_WITH(WriteFigure(Figure{f}, RenderOptions{}, dir / "a.gif"), Catch::Contains("ending in .png"));
  // No temporaries left behind.
  CHECK(FilesIn(dir.path) == 2);
}

TEST_CASE("WriteFigure refuses to overwrite unless asked, atomically", "[figure][write]") {
  TempDir dir;
  const std::string path = dir / "keep.png";
  {
    std::FILE* fp = std::fopen(path.c_str(), "w");
    std::fputs("precious", fp);
    std::fclose(fp);
  }
  HeatmapFigure f = Small();
  CHECK_THROWS_WITH(WriteFigure(Figure{f}, RenderOptions{}, path, false), Catch::Contains("exists"));
  CHECK(figure_test::ReadFile(path) == "precious");
  CHECK(FilesIn(dir.path) == 1);
  WriteFigure(Figure{f}, RenderOptions{}, path, true);
  CHECK(figure_test::DecodePng(figure_test::ReadFile(path)).ok);
  CHECK(FilesIn(dir.path) == 1);
}

TEST_CASE("WriteFigure fails clearly on unwritable paths and leaves nothing", "[figure][write]") {
  TempDir dir;
  HeatmapFigure f = Small();
  CHECK_THROWS_WITH(WriteFigure(Figure{f}, RenderOptions{}, dir / "no/such/dir/x.png"),
                    Catch::Contains("cannot write") && Catch::Contains("No such file or directory"));
  fs::create_directory(dir.path / "sub.png");
  CHECK_THROWS_WITH(WriteFigure(Figure{f}, RenderOptions{}, dir / "sub.png"), Catch::Contains("is a directory"));
  if (geteuid() != 0) {  // root ignores directory permissions
    fs::create_directory(dir.path / "ro");
    fs::permissions(dir.path / "ro", fs::perms::owner_read | fs::perms::owner_exec);
    CHECK_THROWS_WITH(WriteFigure(Figure{f}, RenderOptions{}, dir / "ro/x.png"), Catch::Contains("Permission denied"));
    CHECK(FilesIn(dir.path / "ro") == 0);
  }
  CHECK(FilesIn(dir.path) == 1);  // just sub.png, no temporaries
}

TEST_CASE("npy holds the matrix as little-endian float32 with the NumPy header", "[figure][write]") {
  HeatmapFigure f = Small();
  std::string npy = EncodeNpy(f);
  REQUIRE(npy.size() > 10);
  CHECK(npy.compare(0, 6, "\x93NUMPY") == 0);
  CHECK(npy[6] == 1);
  const std::size_t header_len = static_cast<unsigned char>(npy[8]) | static_cast<unsigned char>(npy[9]) << 8;
  CHECK((10 + header_len) % 64 == 0);
  std::string header = npy.substr(10, header_len);
  CHECK(header.find("'descr': '<f4'") != std::string::npos);
  CHECK(header.find("'shape': (2, 3)") != std::string::npos);
  CHECK(header.back() == '\n');
  REQUIRE(npy.size() == 10 + header_len + 6 * 4);
  for (int i = 0; i < 6; ++i) {
    float v;
    std::memcpy(&v, npy.data() + 10 + header_len + 4 * i, 4);  // this machine is little-endian (x86-64)
    CHECK(v == f.values[i]);
  }
}

TEST_CASE("matrix json round-trips values exactly and nulls masked cells", "[figure][write]") {
  HeatmapFigure f = Small();
  nlohmann::json j = nlohmann::json::parse(EncodeMatrixJson(f));
  CHECK(j["format"] == "attnviz-matrix/1");
  CHECK(j["rows"] == 2);
  CHECK(j["cols"] == 3);
  CHECK(j["row_labels"][1] == "q\"1");
  CHECK(j["values"][0][2].is_null());
  // Shortest round-trip form: parsing back gives the same float bits.
  CHECK(j["values"][1][0].get<float>() == 1e-8f);
  CHECK(j["values"][0][1].get<float>() == -1.25f);
  CHECK(j["values"][1][1].get<float>() == 7.0f);
}

TEST_CASE("figures with missing data fail with a message, not a crash", "[figure][write]") {
  HeatmapFigure empty;
  CHECK_THROWS_AS(RenderFigure(Figure{empty}, RenderOptions{}), FigureError);
  HeatmapFigure f = Small();
  f.row_labels = {"only one"};
  CHECK_THROWS_WITH(RenderFigure(Figure{f}, RenderOptions{}), Catch::Contains("row labels"));
  ArcsFigure a;
  a.tokens = {"x", "y"};
  a.selected = 5;
  CHECK_THROWS_WITH(RenderFigure(Figure{a}, RenderOptions{}), Catch::Contains("selected token"));
  HeadGridFigure g;
  CHECK_THROWS_AS(RenderFigureSvg(Figure{g}, RenderOptions{}), FigureError);
  // A constant and an all-masked matrix still render (no NaN range).
  std::vector<float> flat(16, 0.25f);
  std::vector<std::uint8_t> none(16, 0);
  HeatmapFigure c;
  c.values = flat.data();
  c.rows = c.cols = 4;
  CHECK_NOTHROW(RenderFigure(Figure{c}, RenderOptions{}));
  c.mask = none.data();
  CHECK_NOTHROW(RenderFigure(Figure{c}, RenderOptions{}));
  c.colormap = Colormap::Diverging;
  CHECK_NOTHROW(RenderFigureSvg(Figure{c}, RenderOptions{}));
}

TEST_CASE("the window's export names never collide with earlier exports", "[figure][write]") {
  TempDir dir;
  CHECK(ExportFileStem(TraceMatrix::Weights, 0, 3) == "weights-L0-H3");
  CHECK(ExportFileStem(TraceMatrix::PositionalEncoding, 0, 3) == "pe");
  CHECK(ExportFileStem(TraceMatrix::LayerInput, 1, 3) == "input-L1");
  const std::string first = NextFreeExportPath(dir.path.string(), "weights-L0-H3", FigureFormat::Png);
  CHECK(first == dir / "weights-L0-H3.png");
  HeatmapFigure f = Small();
  WriteFigure(Figure{f}, RenderOptions{}, first, false);
  const std::string second = NextFreeExportPath(dir.path.string(), "weights-L0-H3", FigureFormat::Png);
  CHECK(second == dir / "weights-L0-H3-2.png");
  WriteFigure(Figure{f}, RenderOptions{}, second, false);
  CHECK(NextFreeExportPath(dir.path.string() + "/", "weights-L0-H3", FigureFormat::Png) == dir / "weights-L0-H3-3.png");
}

TEST_CASE("PNG records its resolution for --dpi and --scale", "[figure][write]") {
  TempDir dir;
  HeatmapFigure f = Small();
  RenderOptions o;
  o.dpi = 300;
  WriteFigure(Figure{f}, o, dir / "d.png");
  std::string png = figure_test::ReadFile(dir / "d.png");
  std::size_t at = png.find("pHYs");
  REQUIRE(at != std::string::npos);
  auto be32 = [&](std::size_t i) {
    return static_cast<unsigned>(static_cast<unsigned char>(png[i])) << 24 | static_cast<unsigned char>(png[i + 1]) << 16 |
           static_cast<unsigned char>(png[i + 2]) << 8 | static_cast<unsigned char>(png[i + 3]);
  };
  // 300 dpi = 11811 pixels per metre (300 / 0.0254, rounded); unit byte 1 = metre.
  CHECK(be32(at + 4) == 11811u);
  CHECK(be32(at + 8) == 11811u);
  CHECK(png[at + 12] == 1);
  figure_test::Decoded d = figure_test::DecodePng(png);
  CHECK(d.width == 3000);
}

TEST_CASE("oversized figures are refused with a message", "[figure][write]") {
  HeadGridFigure g;
  HeatmapFigure f = Small();
  f.row_labels.clear();
  f.col_labels.clear();
  g.panels.assign(kMaxGridPanels + 1, f);
  CHECK_THROWS_WITH(RenderFigure(Figure{g}, RenderOptions{}), Catch::Contains("panels"));
  g.panels.resize(kMaxGridPanels);
  g.columns = 1;  // one very tall column: 512 panels of ~240 units at 600 dpi
  RenderOptions o;
  o.dpi = 600;
  CHECK_THROWS_WITH(RenderFigure(Figure{g}, o), Catch::Contains("megapixels"));
}
