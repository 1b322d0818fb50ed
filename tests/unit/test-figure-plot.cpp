// Plot figures (core/figure/plot.h): axes shared with the window's widget,
// and the PNG/SVG a chapter's plot exports to.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/figure/figure.h"
#include "tests/unit/test-figure-support.h"

using namespace attnviz;

namespace {
figure_test::Decoded RenderPng(const Figure& f) {
  const RasterImage img = RenderFigure(f, RenderOptions{});
  const std::vector<std::uint8_t> png = EncodePng(img, false);
  figure_test::Decoded d = figure_test::DecodePng(std::string(png.begin(), png.end()));
  REQUIRE(d.ok);
  return d;
}
int CountColour(const figure_test::Decoded& d, Rgb8 c) {
  int k = 0;
  for (int y = 0; y < d.height; ++y)
    for (int x = 0; x < d.width; ++x) {
      const unsigned char* p = d.At(x, y);
      k += p[0] == c.r && p[1] == c.g && p[2] == c.b;
    }
  return k;
}
}  // namespace

TEST_CASE("plot axes: linear ranges get a margin and nice ticks, log axes whole decades", "[figure][plot]") {
  PlotFigure p;
  p.series.push_back({"a", {0, 10}, {0.5, 3.0}});
  const ResolvedAxis x = ResolvePlotAxis(p, true);
  REQUIRE(x.min < 0);
  REQUIRE(x.max > 10);
  REQUIRE_FALSE(x.ticks.empty());
  // Evenly spaced, inside the range, a "nice" step (1, 2, 2.5 or 5 x 10^k).
  REQUIRE(x.ticks.size() >= 3);
  const double step = x.ticks[1].value - x.ticks[0].value;
  for (std::size_t i = 0; i < x.ticks.size(); ++i) {
    REQUIRE(x.ticks[i].value >= x.min);
    REQUIRE(x.ticks[i].value <= x.max);
    if (i > 0) REQUIRE(x.ticks[i].value - x.ticks[i - 1].value == Approx(step));
  }
  const double mant = step / std::pow(10.0, std::floor(std::log10(step)));
  REQUIRE((mant == Approx(1) || mant == Approx(2) || mant == Approx(2.5) || mant == Approx(5)));
  p.y.log = true;
  p.series[0].y = {1e-7, 3.0};
  const ResolvedAxis y = ResolvePlotAxis(p, false);
  REQUIRE(y.min == Approx(1e-7));
  REQUIRE(y.max == Approx(10.0));
  REQUIRE(y.Fraction(1e-3) == Approx(0.5));
  REQUIRE(std::isnan(y.Fraction(0.0)));  // non-positive on a log axis: skipped, never drawn
  REQUIRE(y.FromFraction(0.5) == Approx(1e-3));
  int labelled = 0;
  for (const PlotTick& t : y.ticks) labelled += !t.label.empty();
  REQUIRE(labelled >= 3);
  REQUIRE(labelled <= 8);
  // No finite data at all: a sane default range instead of NaN.
  PlotFigure empty;
  empty.series.push_back({"nan", {NAN}, {INFINITY}});
  const ResolvedAxis e = ResolvePlotAxis(empty, true);
  REQUIRE(e.max > e.min);
}

TEST_CASE("plot numbers read as a person writes them", "[figure][plot]") {
  REQUIRE(FormatPlotNumber(0) == "0");
  REQUIRE(FormatPlotNumber(16.4e9) == "16.4G");
  REQUIRE(FormatPlotNumber(131072) == "131k");
  REQUIRE(FormatPlotNumber(4096) == "4096");
  REQUIRE(FormatPlotNumber(0.0123) == "0.0123");
  REQUIRE(FormatPlotNumber(1e-6) == "1e-6");
  REQUIRE(FormatPlotNumber(-0.5) == "\xE2\x88\x92" "0.5");
}

TEST_CASE("plot figure renders lines, bars and a legend to PNG and SVG", "[figure][plot]") {
  PlotFigure p;
  p.title = "Gradient norm against distance";
  p.x.label = "distance";
  p.y.label = "norm";
  p.y.log = true;
  PlotSeries line{"rnn", {}, {}, Rgb8{214, 39, 40}, PlotStyle::Line, false, 3.0f};
  for (int i = 0; i < 50; ++i) line.x.push_back(i), line.y.push_back(std::pow(0.8, i));
  p.series.push_back(line);
  p.series.push_back({"attention", {0, 49}, {1, 1}, Rgb8{31, 119, 180}, PlotStyle::Line, true});
  p.x_marks.push_back({10, "ten"});
  const figure_test::Decoded d = RenderPng(Figure{p});
  REQUIRE(d.width == 1000);
  // The red line is drawn: some pixels carry its colour exactly.
  REQUIRE(CountColour(d, Rgb8{214, 39, 40}) > 100);
  const std::string svg = RenderFigureSvg(Figure{p}, RenderOptions{});
  REQUIRE(svg.find("Gradient norm against distance") != std::string::npos);
  REQUIRE(svg.find("</svg>") != std::string::npos);
  PlotFigure bars;
  bars.x.categories = {"GPT-2", "Llama-3-8B"};
  bars.series.push_back({"bytes", {0, 1}, {36864, 131072}, Rgb8{44, 160, 44}, PlotStyle::Bars});
  REQUIRE(CountColour(RenderPng(Figure{bars}), Rgb8{44, 160, 44}) > 2000);
  // A series with mismatched lengths is refused with a message, not drawn wrong.
  PlotFigure bad;
  bad.series.push_back({"x", {1, 2}, {1}});
  REQUIRE_THROWS_WITH(RenderFigure(Figure{bad}, RenderOptions{}), Catch::Contains("2 x values and 1 y values"));
}
