// Diagram figures (core/figure/diagram.h) and the chapters' diagrams built
// from lessons (lesson_diagrams.h): they render to PNG and SVG, carry the
// numbers the lessons computed, tag the tokens a person can click, and stay
// bounded for long sentences.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "core/engine.h"
#include "core/figure/figure.h"
#include "core/figure/lesson_diagrams.h"
#include "core/lessons/complexity.h"
#include "core/lessons/masks.h"
#include "core/lessons/padding.h"

using namespace attnviz;

namespace {

bool HasText(const DiagramFigure& d, const std::string& needle) {
  return std::any_of(d.items.begin(), d.items.end(), [&](const DiagramItem& it) {
    return it.shape == DiagramShape::Text && it.text.find(needle) != std::string::npos;
  });
}

std::vector<int> Tags(const DiagramFigure& d) {
  std::vector<int> t;
  for (const DiagramItem& it : d.items)
    if (it.tag >= 0 && std::find(t.begin(), t.end(), it.tag) == t.end()) t.push_back(it.tag);
  std::sort(t.begin(), t.end());
  return t;
}

PathDiagramInput Sentence(int n, int from, int to) {
  PathDiagramInput in;
  for (int i = 0; i < n; ++i) {
    std::string w = "w";  // appended, not "w" + ...: GCC 12's false -Wrestrict (bug 105329)
    w += std::to_string(i);
    in.tokens.push_back(w);
  }
  in.from = from;
  in.to = to;
  in.hidden = 16;
  in.states.assign(static_cast<std::size_t>(n) * 16, 0.25f);
  return in;
}

}  // namespace

TEST_CASE("diagram: shapes render to PNG and SVG at the figure's size", "[figure][diagram]") {
  DiagramFigure d;
  d.width = 300;
  d.height = 120;
  d.title = "A diagram";
  d.AddRect(10, 10, 60, 40, DiagramColor::Accent, true);
  d.AddLine(60, 25, 120, 25, DiagramColor::Ink, 1.5f).arrow = true;
  d.AddCurve(10, 100, 150, 0, 290, 100, DiagramColor::Faint, 1.0f).dashed = true;
  d.AddText("x", 150, 60, 11, DiagramColor::Secondary, DiagramAnchor::Middle);
  RenderReport rep;
  const RasterImage img = RenderFigure(Figure{d}, RenderOptions{}, &rep);
  CHECK(img.width == 300 + 48);
  CHECK(img.height > 120);
  REQUIRE(rep.plots.size() == 1);
  CHECK(rep.plots[0].w == 300);
  // The accent rectangle is drawn (inside the drawing area, offset by the margin and title).
  const int x = rep.plots[0].x + 30, y = rep.plots[0].y + 25;
  const std::uint8_t* px = &img.rgba[(static_cast<std::size_t>(y) * img.width + x) * 4];
  const Rgb8 accent = DiagramSlideColor(DiagramColor::Accent, {});
  CHECK(px[0] == accent.r);
  CHECK(px[1] == accent.g);
  CHECK(px[2] == accent.b);
  const std::string svg = RenderFigureSvg(Figure{d}, RenderOptions{});
  CHECK(svg.find("<svg") != std::string::npos);
  DiagramFigure empty;
  REQUIRE_THROWS_AS(RenderFigure(Figure{empty}, RenderOptions{}), FigureError);
}

TEST_CASE("path diagram: both ends tagged, the path lit, long sentences elided", "[figure][diagram]") {
  const DiagramFigure d = MakePathDiagram(Sentence(13, 1, 9));
  CHECK(HasText(d, "8 steps"));
  CHECK(HasText(d, "1 hop"));
  CHECK(HasText(d, "78 pairs"));  // 13 * 12 / 2
  CHECK(Tags(d).size() == 13);
  // The chain's arrows between the ends are in the accent colour: 8 of them.
  int lit = 0;
  for (const DiagramItem& it : d.items) lit += it.shape == DiagramShape::Line && it.arrow && it.color == DiagramColor::Accent;
  CHECK(lit == 8);
  CHECK_NOTHROW(RenderFigure(Figure{d}, RenderOptions{}));

  // 1,024 tokens: the first, the last, the ends' neighbourhoods, and "⋯ k" for the rest.
  const DiagramFigure big = MakePathDiagram(Sentence(1024, 100, 900));
  const std::vector<int> tags = Tags(big);
  CHECK(tags.size() < 20);
  for (int t : {0, 100, 900, 1023}) CHECK(std::count(tags.begin(), tags.end(), t) == 1);
  CHECK(HasText(big, "800 steps"));
  CHECK(HasText(big, "\xE2\x8B\xAF"));
  CHECK(big.items.size() < 3000);
}

TEST_CASE("comparison, pipeline, mask-row and batch diagrams carry the lessons' numbers", "[figure][diagram]") {
  lessons::ComplexityParams cp;
  cp.n = 128000;
  cp.d = 4096;
  const DiagramFigure cmp = MakeComparisonDiagram(lessons::ComputeComplexityLesson(cp), 700);
  CHECK(HasText(cmp, "127,999 steps"));
  CHECK(HasText(cmp, "16.4 billion"));
  CHECK_NOTHROW(RenderFigure(Figure{cmp}, RenderOptions{}));

  PipelineDiagramInput pin;
  pin.n = 11, pin.d_model = 64, pin.heads = 8, pin.kv_heads = 8, pin.d_k = 8;
  pin.roles = {"previous-token", "next-token", "", "", "", "", "", ""};
  pin.token = "sat";
  pin.concat.assign(64, 0.5f);
  pin.result.assign(64, -0.5f);
  const DiagramFigure pipe = MakePipelineDiagram(pin);
  CHECK(HasText(pipe, "11\xC3\x97" "64"));
  CHECK(HasText(pipe, "H0 previous-token"));
  CHECK(Tags(pipe) == std::vector<int>{0, 1, 2, 3, 4, 5, 6, 7});
  pin.heads = 12;
  pin.concat.assign(96, 0.1f);
  CHECK(HasText(MakePipelineDiagram(pin), "6 more heads"));

  Request req;
  req.text = "The cat sat on the mat because it was tired.";
  const TracePtr t = RunTrace(req);
  lessons::MasksParams mp;
  mp.query = 4;
  const lessons::MasksLesson m = lessons::ComputeMasksLesson(*t, mp);
  const DiagramFigure row = MakeMaskRowDiagram(m, 700, 220);
  CHECK(HasText(row, "\xE2\x88\x92\xE2\x88\x9E"));  // −∞ where masked
  CHECK(HasText(row, "prefix"));
  CHECK_NOTHROW(RenderFigure(Figure{row}, RenderOptions{}));

  Engine engine;
  lessons::PaddingParams pp;
  pp.left = true;
  const DiagramFigure batch = MakeBatchDiagram(lessons::RunPaddingLesson(engine, req, pp), 700);
  CHECK(HasText(batch, "[pad]"));
  CHECK(HasText(batch, "4 tokens + 7 pads"));
  CHECK_NOTHROW(RenderFigure(Figure{batch}, RenderOptions{}));
}
