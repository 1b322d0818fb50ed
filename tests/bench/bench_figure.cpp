// In-process cost of a heatmap figure: layout + raster + PNG encoding, or SVG,
// for an N x N attention matrix with token labels at 2000 x 1600 px.
#include <benchmark/benchmark.h>

#include <cmath>
#include <string>
#include <vector>

#include "core/figure/figure.h"

namespace {

struct Matrix {
  std::vector<float> v;
  std::vector<std::string> labels;
  attnviz::HeatmapFigure fig;
};

// A softmax-like banded matrix (each row sums to 1), like a previous-token head.
Matrix MakeMatrix(int n) {
  Matrix m;
  m.v.resize(static_cast<std::size_t>(n) * n);
  for (int r = 0; r < n; ++r) {
    double sum = 0;
    for (int c = 0; c < n; ++c) sum += m.v[static_cast<std::size_t>(r) * n + c] = static_cast<float>(std::exp(-std::abs(r - 1 - c)));
    for (int c = 0; c < n; ++c) m.v[static_cast<std::size_t>(r) * n + c] /= static_cast<float>(sum);
    m.labels.push_back("tok" + std::to_string(r));
  }
  m.fig.values = m.v.data();
  m.fig.rows = m.fig.cols = n;
  m.fig.row_labels = m.fig.col_labels = m.labels;
  m.fig.title = "Attention weights";
  m.fig.subtitle = "benchmark";
  m.fig.vmin = 0.0f;
  return m;
}

void BM_HeatmapPng(benchmark::State& state) {
  Matrix m = MakeMatrix(static_cast<int>(state.range(0)));
  attnviz::RenderOptions o;
  o.scale = 2;
  for (auto _ : state) {
    attnviz::RasterImage img = attnviz::RenderFigure(attnviz::Figure{m.fig}, o);
    std::vector<std::uint8_t> png = attnviz::EncodePng(img, false);
    benchmark::DoNotOptimize(png.data());
  }
}
BENCHMARK(BM_HeatmapPng)->Arg(64)->Arg(1024)->Unit(benchmark::kMillisecond);

void BM_HeatmapRasterOnly(benchmark::State& state) {
  Matrix m = MakeMatrix(static_cast<int>(state.range(0)));
  attnviz::RenderOptions o;
  o.scale = 2;
  for (auto _ : state) {
    attnviz::RasterImage img = attnviz::RenderFigure(attnviz::Figure{m.fig}, o);
    benchmark::DoNotOptimize(img.rgba.data());
  }
}
BENCHMARK(BM_HeatmapRasterOnly)->Arg(64)->Arg(1024)->Unit(benchmark::kMillisecond);

void BM_HeatmapSvg(benchmark::State& state) {
  Matrix m = MakeMatrix(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    std::string svg = attnviz::RenderFigureSvg(attnviz::Figure{m.fig}, attnviz::RenderOptions{});
    benchmark::DoNotOptimize(svg.data());
  }
}
BENCHMARK(BM_HeatmapSvg)->Arg(64)->Arg(1024)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
