// PNG figures, decoded with libpng independently of the encoder: size,
// heatmap pixels equal the colormap of the trace's weights, masked cells
// hatched grey, labels and colorbar where they should be, max-pooling.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/engine.h"
#include "core/figure/figure.h"
#include "core/figure/layout.h"
#include "test-figure-support.h"
#include "tests/unit/head-matrices.h"

using namespace attnviz;
using figure_test::DecodePng;

namespace {

Rgb8 Pixel(const figure_test::Decoded& d, int x, int y) {
  const unsigned char* p = d.At(x, y);
  return Rgb8{p[0], p[1], p[2]};
}

// The colour a cell must have, computed here from the definition in
// colormap.h (floor((v - lo) / (hi - lo) * 256), clamped) in double.
Rgb8 Expected(Colormap c, float v, float lo, float hi) {
  int i = static_cast<int>(std::floor((double(v) - lo) / (double(hi) - lo) * 256.0));
  return ColormapTable(c)[static_cast<std::size_t>(std::clamp(i, 0, 255))];
}

TracePtr SmallTrace(bool masked) {
  Request r;
  r.text = "The cat sat on the mat because it was tired.";
  if (masked) {
    r.mask.pattern = MaskPattern::Sliding;
    r.mask.causal = true;
    r.mask.window = 3;
  }
  return RunTrace(r);
}

figure_test::Decoded Render(const Figure& f, const RenderOptions& o, RenderReport* rep) {
  RasterImage img = RenderFigure(f, o, rep);
  std::vector<std::uint8_t> png = EncodePng(img, o.transparent);
  figure_test::Decoded d = DecodePng(std::string(png.begin(), png.end()));
  REQUIRE(d.ok);
  return d;
}

// Cell c of n under pixel column px of a w-pixel plot (figure.h's rule).
int CellOf(int px, int n, int w) { return static_cast<int>(static_cast<long long>(px) * n / w); }


// Dark, text-like pixels in a rectangle (labels are #262626 anti-aliased).
int InkPixels(const figure_test::Decoded& d, int x0, int y0, int x1, int y1) {
  int n = 0;
  for (int y = std::max(0, y0); y < std::min(d.height, y1); ++y)
    for (int x = std::max(0, x0); x < std::min(d.width, x1); ++x) {
      Rgb8 c = Pixel(d, x, y);
      if (c.r < 140 && c.g < 140 && c.b < 140) ++n;
    }
  return n;
}

}  // namespace

TEST_CASE("PNG heatmap: size follows scale and dpi", "[figure][png]") {
  TracePtr t = SmallTrace(false);
  HeatmapFigure f = MakeTraceHeatmap(*t, 0, 0, TraceMatrix::Weights);
  RenderReport rep;
  CHECK(Render(Figure{f}, RenderOptions{}, &rep).width == 1000);
  RenderOptions two;
  two.scale = 2;
  figure_test::Decoded d2 = Render(Figure{f}, two, &rep);
  CHECK(d2.width == 2000);
  CHECK(d2.height == 1600);
  RenderOptions dpi;
  dpi.dpi = 150;
  figure_test::Decoded d3 = Render(Figure{f}, dpi, &rep);
  CHECK(d3.width == 1500);
  CHECK(d3.height == 1200);
  CHECK(!d3.has_alpha);
  RenderOptions bad;
  bad.scale = 5;
  CHECK_THROWS_AS(RenderFigure(Figure{f}, bad), FigureError);
}

TEST_CASE("PNG heatmap pixels are the colormap of the trace's weights", "[figure][png]") {
  TracePtr t = SmallTrace(true);
  const int n = t->n();
  for (int head : {0, 3}) {
    for (float scale : {1.0f, 2.0f}) {
      HeatmapFigure f = MakeTraceHeatmap(*t, 0, head, TraceMatrix::Weights);
      f.cell_values = CellValues::Hide;  // values printed in cells would cover the centres
      RenderOptions o;
      o.scale = scale;
      RenderReport rep;
      figure_test::Decoded d = Render(Figure{f}, o, &rep);
      REQUIRE(rep.plots.size() == 1);
      const PixelRect p = rep.plots[0];
      CHECK(p.w >= n);
      // Range the builder promises for weights: [0, max weight].
      const Mat w = test::WeightsOf(*t, 0, head);
      const float hi = w.maxCoeff();
      int checked = 0, masked = 0;
      // Sample a pixel a third of the way into each cell (clear of grid lines).
      for (int r = 0; r < n; ++r)
        for (int c = 0; c < n; ++c) {
          int px = static_cast<int>(std::ceil((c + 0.35) * p.w / n)), py = static_cast<int>(std::ceil((r + 0.35) * p.h / n));
          REQUIRE(CellOf(px, n, p.w) == c);
          REQUIRE(CellOf(py, n, p.h) == r);
          Rgb8 got = Pixel(d, p.x + px, p.y + py);
          INFO("head " << head << " scale " << scale << " cell " << r << "," << c);
          if (t->mask(r, c)) {
            CHECK(got == Expected(Colormap::Viridis, w(r, c), 0.0f, hi));
            ++checked;
          } else {
            CHECK((got == kMaskedCellColor || got == kMaskedHatchColor));
            ++masked;
          }
        }
      CHECK(checked > n);
      CHECK(masked > n);
    }
  }
}

TEST_CASE("PNG heatmap has labels, captions and a colorbar where they belong", "[figure][png]") {
  TracePtr t = SmallTrace(false);
  HeatmapFigure f = MakeTraceHeatmap(*t, 0, 0, TraceMatrix::Weights);
  RenderReport rep;
  figure_test::Decoded d = Render(Figure{f}, RenderOptions{}, &rep);
  const PixelRect p = rep.plots.at(0);
  const int n = t->n();
  const int ch = p.h / n;
  // Row labels: ink left of the plot at each row ("." is a single dot, so
  // the threshold is one pixel); none in the far-left margin strip.
  for (int r = 0; r < n; ++r) {
    INFO("row label " << r << " " << t->tokens[static_cast<std::size_t>(r)].text);
    CHECK(InkPixels(d, p.x - 80, p.y + r * ch + 2, p.x - 6, p.y + (r + 1) * ch - 2) >= (r == n - 1 ? 1 : 5));
  }
  CHECK(InkPixels(d, 0, p.y, 10, p.y + p.h) == 0);
  // Column labels below the plot.
  CHECK(InkPixels(d, p.x, p.y + p.h + 6, p.x + p.w, p.y + p.h + 40) > 50);
  // Title above the plot.
  CHECK(InkPixels(d, 0, 0, d.width, p.y - 20) > 200);
  // Colorbar: to the right, top is the map's last colour, bottom its first.
  REQUIRE(rep.colorbar.has_value());
  const PixelRect b = *rep.colorbar;
  CHECK(b.x > p.x + p.w);
  CHECK(Pixel(d, b.x + b.w / 2, b.y + 2) == ColormapTable(Colormap::Viridis)[255]);
  // The ramp is a (256, 1) heatmap: its last bin covers the bottom ~2.6 pixels.
  REQUIRE(b.h >= 2 * 256);
  CHECK(Pixel(d, b.x + b.w / 2, b.y + b.h - 2) == ColormapTable(Colormap::Viridis)[0]);
  CHECK(InkPixels(d, b.x + b.w + 2, b.y, b.x + b.w + 40, b.y + b.h) > 30);  // tick labels

  // Without labels and colorbar: nothing left of the plot but the caption, nothing right of it.
  f.labels = false;
  f.colorbar = false;
  f.row_caption.clear();
  RenderReport rep2;
  figure_test::Decoded bare = Render(Figure{f}, RenderOptions{}, &rep2);
  const PixelRect q = rep2.plots.at(0);
  CHECK(!rep2.colorbar);
  CHECK(InkPixels(bare, 0, q.y, q.x - 6, q.y + q.h) == 0);
  CHECK(InkPixels(bare, q.x + q.w + 4, 0, bare.width, bare.height) == 0);
}

TEST_CASE("PNG transparent background keeps alpha outside the figure's ink", "[figure][png]") {
  TracePtr t = SmallTrace(false);
  HeatmapFigure f = MakeTraceHeatmap(*t, 0, 0, TraceMatrix::Weights);
  RenderOptions o;
  o.transparent = true;
  RenderReport rep;
  figure_test::Decoded d = Render(Figure{f}, o, &rep);
  CHECK(d.has_alpha);
  CHECK(d.At(2, 2)[3] == 0);
  const PixelRect p = rep.plots.at(0);
  CHECK(d.At(p.x + p.w / 3, p.y + p.h / 3)[3] == 255);
}

TEST_CASE("PNG max-pools a matrix larger than its pixels and drops no cell", "[figure][png]") {
  // 1500 x 1500 zeros with one spike: at scale 1 the plot has fewer pixels
  // than cells, so cells are pooled; the spike must still show, and the
  // report must say so.
  const int n = 1500;
  std::vector<float> v(static_cast<std::size_t>(n) * n, 0.0f);
  const int sr = 777, sc = 1234;
  v[static_cast<std::size_t>(sr) * n + sc] = 1.0f;
  HeatmapFigure f;
  f.values = v.data();
  f.rows = f.cols = n;
  f.labels = false;
  RenderReport rep;
  figure_test::Decoded d = Render(Figure{f}, RenderOptions{}, &rep);
  const PixelRect p = rep.plots.at(0);
  REQUIRE(p.w < n);
  REQUIRE(!rep.notes.empty());
  CHECK(rep.notes[0].find("max-pooled") != std::string::npos);
  // Find the spike colour in the pixel that covers cell (sr, sc).
  int px = static_cast<int>(static_cast<long long>(sc) * p.w / n), py = static_cast<int>(static_cast<long long>(sr) * p.h / n);
  bool found = false;
  for (int dy = -1; dy <= 1; ++dy)
    for (int dx = -1; dx <= 1; ++dx)
      found = found || Pixel(d, p.x + px + dx, p.y + py + dy) == ColormapTable(Colormap::Viridis)[255];
  CHECK(found);
  // And the pooled pixels elsewhere are the zero colour.
  CHECK(Pixel(d, p.x + 5, p.y + 5) == ColormapTable(Colormap::Viridis)[0]);
}

TEST_CASE("PNG figures for every view of a trace render", "[figure][png]") {
  Request r;
  r.text = "a b c d e";
  r.positional = Positional::Sinusoidal;
  TracePtr t = RunTrace(r);
  for (TraceMatrix m : {TraceMatrix::Weights, TraceMatrix::Scores, TraceMatrix::Logits, TraceMatrix::Bias,
                        TraceMatrix::Mask, TraceMatrix::Q, TraceMatrix::K, TraceMatrix::V, TraceMatrix::HeadOutput,
                        TraceMatrix::LayerInput, TraceMatrix::LayerOutput, TraceMatrix::PositionalEncoding}) {
    INFO(ToString(m));
    HeatmapFigure f = MakeTraceHeatmap(*t, 0, 1, m);
    CHECK(f.rows == t->n());
    f.cell_values = CellValues::Hide;  // numbers would cover the pixels sampled below
    RenderReport rep;
    figure_test::Decoded d = Render(Figure{f}, RenderOptions{}, &rep);
    CHECK(d.width == 1000);
    // Each view shows its own matrix: the first and last cells have the colours of their values.
    REQUIRE(rep.plots.size() == 1);
    const PixelRect p = rep.plots[0];
    const ValueRange range = figure::ResolveRange(f);
    for (auto [r, c] : {std::pair{0, 0}, std::pair{f.rows - 1, f.cols - 1}}) {
      const int px = static_cast<int>(std::ceil((c + 0.35) * p.w / f.cols));
      const int py = static_cast<int>(std::ceil((r + 0.35) * p.h / f.rows));
      REQUIRE(CellOf(px, f.cols, p.w) == c);
      REQUIRE(CellOf(py, f.rows, p.h) == r);
      const float v = f.values[static_cast<std::size_t>(r) * f.cols + c];
      INFO("cell " << r << ", " << c << " = " << v);
      if (range.vmax > range.vmin) CHECK(Pixel(d, p.x + px, p.y + py) == Expected(f.colormap, v, range.vmin, range.vmax));
    }
  }
  // The arcs and the head grid render at their documented sizes, with something drawn.
  RasterImage arcs = RenderFigure(Figure{MakeTraceArcs(*t, 0, 2)}, RenderOptions{});
  CHECK(arcs.width == 1000);
  RenderReport grid_rep;
  RasterImage grid = RenderFigure(Figure{MakeTraceHeadGrid(*t, 0)}, RenderOptions{}, &grid_rep);
  CHECK(grid_rep.plots.size() == t->layers[0].heads.size());  // one panel per head
  CHECK_THROWS_AS(MakeTraceHeatmap(*t, 2, 0, TraceMatrix::Weights), FigureError);  // layers 0 and 1 exist
  CHECK_THROWS_AS(MakeTraceHeatmap(*t, 0, 99, TraceMatrix::Weights), FigureError);
  CHECK_THROWS_AS(MakeTraceArcs(*t, 0, 99), FigureError);
  Request rope = r;
  rope.positional = Positional::Rope;
  CHECK_THROWS_AS(MakeTraceHeatmap(*RunTrace(rope), 0, 0, TraceMatrix::PositionalEncoding), FigureError);
}

TEST_CASE("Head grid panels show each head's own weights on one shared scale", "[figure][png]") {
  TracePtr t = SmallTrace(false);
  HeadGridFigure g = MakeTraceHeadGrid(*t, 0);
  const int heads = static_cast<int>(t->layers[0].heads.size());
  REQUIRE(static_cast<int>(g.panels.size()) == heads);
  RenderReport rep;
  figure_test::Decoded d = Render(Figure{g}, RenderOptions{}, &rep);
  REQUIRE(static_cast<int>(rep.plots.size()) == heads);
  float hi = 0;
  for (int h = 0; h < static_cast<int>(t->layers[0].heads.size()); ++h) hi = std::max(hi, test::WeightsOf(*t, 0, h).maxCoeff());
  const int n = t->n();
  for (int h = 0; h < heads; ++h) {
    const PixelRect p = rep.plots[static_cast<std::size_t>(h)];
    const Mat w = test::WeightsOf(*t, 0, h);
    for (int r = 0; r < n; r += 3)
      for (int c = 0; c < n; c += 2) {
        int px = static_cast<int>(std::ceil((c + 0.4) * p.w / n)), py = static_cast<int>(std::ceil((r + 0.4) * p.h / n));
        INFO("head " << h << " cell " << r << "," << c);
        CHECK(Pixel(d, p.x + px, p.y + py) == Expected(Colormap::Viridis, w(r, c), 0.0f, hi));
      }
  }
}

TEST_CASE("Arcs figure draws each head in its palette colour, heavier for larger weights", "[figure][png]") {
  // Two heads over 4 tokens, query 1: head 0 puts all weight on key 3, head 1
  // spreads it evenly. Head 0's single full-weight line is opaque, so its
  // colour appears exactly (line core + legend swatch); head 1's lines are
  // translucent, so only its legend swatch has its exact colour.
  const int n = 4;
  std::vector<float> w0(n * n, 0.0f), w1(n * n, 0.25f);
  w0[1 * n + 3] = 1.0f;
  ArcsFigure a;
  a.tokens = {"w", "x", "y", "z"};
  a.selected = 1;
  a.heads = {{"focused", HeadColor(0), w0.data() + 1 * n}, {"spread", HeadColor(1), w1.data() + 1 * n}};
  figure_test::Decoded d = Render(Figure{a}, RenderOptions{}, nullptr);
  auto count = [&](Rgb8 c, int x0, int x1) {
    int k = 0;
    for (int y = 0; y < d.height; ++y)
      for (int x = x0; x < x1; ++x) k += Pixel(d, x, y) == c;
    return k;
  };
  const int legend_x = 700;  // the legend sits right of the token columns
  CHECK(count(HeadColor(0), 0, legend_x) > 100);   // the opaque line
  CHECK(count(HeadColor(1), 0, legend_x) == 0);    // translucent lines never reach the pure colour
  CHECK(count(HeadColor(0), legend_x, d.width) > 50);  // legend swatches
  CHECK(count(HeadColor(1), legend_x, d.width) > 50);
}
