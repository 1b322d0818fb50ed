// Random figure specs (sizes, NaN/inf values, masks, junk labels, options):
// rendering PNG and SVG must never crash, and SVG must stay well-formed.
// A fixed seed keeps it reproducible; the sanitizer build runs it too.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "core/figure/figure.h"
#include "test-figure-support.h"

using namespace attnviz;

TEST_CASE("random heatmap specs render to PNG and well-formed SVG", "[figure][random]") {
  std::mt19937 rng(20240611);
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const float specials[] = {NAN, INFINITY, -INFINITY, 0.0f, -0.0f, 1e30f, -1e30f, 1e-30f};
  const char* junk[] = {"", "a", "\xff", "<&>", "\x01\x02", "\xe2\x82", "very-long-token-name-that-never-ends-and-keeps-going",
                        "\xf0\x9f\x98\x80", " ", "\"'"};
  for (int iter = 0; iter < 40; ++iter) {
    const int rows = uni(1, iter % 5 == 0 ? 700 : 40), cols = uni(1, iter % 7 == 0 ? 700 : 40);
    std::vector<float> v(static_cast<std::size_t>(rows) * cols);
    std::vector<std::uint8_t> mask(v.size());
    for (std::size_t i = 0; i < v.size(); ++i) {
      v[i] = uni(0, 20) == 0 ? specials[uni(0, 7)] : std::uniform_real_distribution<float>(-5, 5)(rng);
      mask[i] = uni(0, 3) != 0;
    }
    HeatmapFigure f;
    f.values = v.data();
    f.rows = rows;
    f.cols = cols;
    if (uni(0, 1)) f.mask = mask.data();
    if (uni(0, 1))
      for (int r = 0; r < rows; ++r) f.row_labels.push_back(junk[uni(0, 9)]);
    if (uni(0, 1))
      for (int c = 0; c < cols; ++c) f.col_labels.push_back(junk[uni(0, 9)]);
    f.title = junk[uni(0, 9)];
    f.subtitle = junk[uni(0, 9)];
    f.colormap = AllColormaps()[static_cast<std::size_t>(uni(0, kColormapCount - 1))];
    if (uni(0, 3) == 0) f.vmin = std::uniform_real_distribution<float>(-2, 2)(rng);
    if (uni(0, 3) == 0) f.vmax = std::uniform_real_distribution<float>(-2, 2)(rng);  // may be <= vmin
    f.cell_values = static_cast<CellValues>(uni(0, 2));
    f.value_decimals = uni(-2, 9);
    f.labels = uni(0, 1);
    f.colorbar = uni(0, 1);
    f.highlight_row = uni(-2, rows + 2);
    RenderOptions o;
    o.scale = 1.0f + uni(0, 2) * 0.5f;
    o.transparent = uni(0, 1);
    INFO("iteration " << iter << ": " << rows << " x " << cols);
    RasterImage img;
    REQUIRE_NOTHROW(img = RenderFigure(Figure{f}, o));
    CHECK(img.rgba.size() == static_cast<std::size_t>(img.width) * img.height * 4);
    std::string svg;
    REQUIRE_NOTHROW(svg = RenderFigureSvg(Figure{f}, o));
    std::string why;
    INFO(why);
    CHECK(figure_test::WellFormedXml(svg, &why));
    // No non-finite number in any attribute (the embedded image's base64 may spell anything).
    std::size_t b64 = svg.find("base64,");
    std::string text = b64 == std::string::npos ? svg : svg.substr(0, b64) + svg.substr(svg.find('"', b64));
    CHECK(text.find("nan") == std::string::npos);
    CHECK(text.find("inf") == std::string::npos);
    if (iter % 4 == 0) {
      HeadGridFigure g;
      g.panels.assign(static_cast<std::size_t>(uni(1, 9)), f);
      g.labels = uni(0, 1);
      REQUIRE_NOTHROW(RenderFigure(Figure{g}, RenderOptions{}));
    }
  }
}

TEST_CASE("random arcs specs render", "[figure][random]") {
  std::mt19937 rng(7);
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  for (int iter = 0; iter < 20; ++iter) {
    const int n = uni(1, iter % 5 == 0 ? 600 : 30), heads = uni(1, 24);
    std::vector<std::vector<float>> w(static_cast<std::size_t>(heads), std::vector<float>(static_cast<std::size_t>(n) * n));
    ArcsFigure a;
    for (int i = 0; i < n; ++i) {
      std::string t = "tok";  // appended: GCC 12's false -Wrestrict on "lit" + string&&
      t += std::to_string(i);
      a.tokens.push_back(uni(0, 5) ? t : std::string("\xff<"));
    }
    a.selected = uni(0, n - 1);
    for (int h = 0; h < heads; ++h) {
      for (float& x : w[static_cast<std::size_t>(h)]) x = uni(0, 30) == 0 ? NAN : std::uniform_real_distribution<float>(-0.5f, 1.5f)(rng);
      std::string name = "H";
      name += std::to_string(h);
      a.heads.push_back({name, HeadColor(h), w[static_cast<std::size_t>(h)].data() + static_cast<std::size_t>(a.selected) * n});
    }
    a.title = "arcs";
    INFO("iteration " << iter << ": n " << n << ", heads " << heads);
    REQUIRE_NOTHROW(RenderFigure(Figure{a}, RenderOptions{}));
    std::string svg = RenderFigureSvg(Figure{a}, RenderOptions{});
    std::string why;
    CHECK(figure_test::WellFormedXml(svg, &why));
  }
}
