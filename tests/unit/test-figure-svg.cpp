// SVG figures: well-formed XML, one rect per cell (or one image for large
// matrices), text elements for labels, cell colours from the colormap.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdio>

#include "core/engine.h"
#include "core/figure/figure.h"
#include "test-figure-support.h"
#include "tests/unit/head-matrices.h"

using namespace attnviz;
using figure_test::Count;
using figure_test::WellFormedXml;

namespace {
std::string CellsGroup(const std::string& svg) {
  std::size_t a = svg.find("<g class=\"cells\"");
  if (a == std::string::npos) return "";
  std::size_t b = svg.find("</g>", a);
  return svg.substr(a, b - a);
}
std::string Hex(Rgb8 c) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", c.r, c.g, c.b);
  return buf;
}
}  // namespace

TEST_CASE("SVG heatmap is well-formed with a rect per cell and text labels", "[figure][svg]") {
  Request r;
  r.text = "The cat sat on the mat & \"it\" <was> tired.";
  r.mask.pattern = MaskPattern::Sliding;
  r.mask.causal = true;
  TracePtr t = RunTrace(r);
  const int n = t->n();
  HeatmapFigure f = MakeTraceHeatmap(*t, 0, 2, TraceMatrix::Weights);
  std::string svg = RenderFigureSvg(Figure{f}, RenderOptions{});
  std::string why;
  INFO(why);
  REQUIRE(WellFormedXml(svg, &why));
  CHECK(svg.find("<svg") != std::string::npos);
  CHECK(svg.find("width=\"1000\" height=\"800\"") != std::string::npos);
  std::string cells = CellsGroup(svg);
  CHECK(static_cast<int>(Count(cells, "<rect ")) == n * n);
  // Masked cells use the hatch pattern; allowed ones their colormap colour.
  long masked = 0;
  for (long i = 0; i < static_cast<long>(t->mask.size()); ++i) masked += t->mask.data()[i] == 0;
  CHECK(static_cast<long>(Count(cells, "url(#hatch")) == masked);
  const Mat w = test::WeightsOf(*t, 0, 2);
  const float hi = w.maxCoeff();
  // The first cell's fill, in document order (row 0, col 0).
  const std::size_t fill = cells.find("fill=\"#");
  REQUIRE(fill != std::string::npos);
  const std::string first_fill = cells.substr(fill + 6, 7);  // "#rrggbb"
  int idx = std::clamp(static_cast<int>(std::floor(double(w(0, 0)) / hi * 256.0)), 0, 255);
  CHECK(first_fill == Hex(ColormapTable(Colormap::Viridis)[static_cast<std::size_t>(idx)]));
  // Every token is a text element (escaped), twice (both axes), plus title and captions.
  CHECK(Count(svg, ">cat</text>") == 2);
  CHECK(Count(svg, ">&amp;</text>") == 2);
  CHECK(Count(svg, ">&lt;</text>") == 2);
  CHECK(svg.find("<text") != std::string::npos);
  CHECK(svg.find(">query</text>") != std::string::npos);
  CHECK(svg.find(">key</text>") != std::string::npos);
  CHECK(svg.find("Attention weights") != std::string::npos);
}

TEST_CASE("SVG keeps every cell of a large matrix as one embedded image", "[figure][svg]") {
  const int n = 300;
  std::vector<float> v(static_cast<std::size_t>(n) * n);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<float>(i % 97) / 97.0f;
  HeatmapFigure f;
  f.values = v.data();
  f.rows = f.cols = n;
  std::string svg = RenderFigureSvg(Figure{f}, RenderOptions{});
  std::string why;
  INFO(why);
  REQUIRE(WellFormedXml(svg, &why));
  CHECK(Count(svg, "<image ") == 1);
  CHECK(svg.find("data:image/png;base64,") != std::string::npos);
  // The only rects are the colorbar's 256 bins and the frames.
  CHECK(Count(svg, "<rect ") < 300);
}

TEST_CASE("SVG arcs and grid figures are well-formed; bad labels cannot break the XML", "[figure][svg]") {
  Request r;
  r.text = "a b c d";
  TracePtr t = RunTrace(r);
  std::string why;
  std::string arcs = RenderFigureSvg(Figure{MakeTraceArcs(*t, 0, 1)}, RenderOptions{});
  INFO(why);
  CHECK(WellFormedXml(arcs, &why));
  CHECK(Count(arcs, "<line ") > 0);
  std::string grid = RenderFigureSvg(Figure{MakeTraceHeadGrid(*t, 0)}, RenderOptions{});
  CHECK(WellFormedXml(grid, &why));

  // Invalid UTF-8 and control characters in labels and title.
  std::vector<float> v{1, 2, 3, 4};
  HeatmapFigure f;
  f.values = v.data();
  f.rows = f.cols = 2;
  f.row_labels = {std::string("\xff\xfe"), std::string("a\x01<b>")};
  f.col_labels = {"]]>", "&amp"};
  f.title = std::string("bad \xc3 title");
  std::string svg = RenderFigureSvg(Figure{f}, RenderOptions{});
  CHECK(WellFormedXml(svg, &why));
  CHECK(svg.find('\x01') == std::string::npos);
}

TEST_CASE("difference heatmaps are signed, centred on zero and own their values", "[figure][svg]") {
  Mat a(2, 2), b(2, 2);
  a << 1.0f, 0.5f, 0.25f, 0.0f;
  b << 0.0f, 0.5f, 0.75f, 0.0f;
  HeatmapFigure f = MakeDifferenceHeatmap(a, b, {"x", "y"}, {"p", "q"}, "after \xE2\x88\x92 before");
  a.setZero();  // the figure keeps its own copy of a - b
  b.setZero();
  REQUIRE(f.rows == 2);
  CHECK(f.values[0] == 1.0f);
  CHECK(f.values[2] == -0.5f);
  CHECK(f.colormap == Colormap::Diverging);
  std::string svg = RenderFigureSvg(Figure{f}, RenderOptions{});
  std::string why;
  INFO(why);
  REQUIRE(WellFormedXml(svg, &why));
  // Range [-1, 1]: 0 is the centre colour, 1 the red end, -0.5 in the blue half.
  std::string cells = CellsGroup(svg);
  CHECK(Count(cells, Hex(ColormapTable(Colormap::Diverging)[255])) == 1);
  CHECK(Count(cells, Hex(ColormapTable(Colormap::Diverging)[128])) == 2);
  CHECK(Count(cells, Hex(ColormapTable(Colormap::Diverging)[64])) == 1);
  // 2 x 2 is small: values are written in the cells, minus as U+2212.
  CHECK(svg.find(">1.00</text>") != std::string::npos);
  CHECK(svg.find(">\xE2\x88\x92" "0.50</text>") != std::string::npos);
  CHECK(Count(svg, ">0.00</text>") == 2);
  Mat c(3, 2);
  CHECK_THROWS_AS(MakeDifferenceHeatmap(a, c, {}, {}, "bad"), FigureError);
}
