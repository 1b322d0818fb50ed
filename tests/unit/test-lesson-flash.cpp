// The `flash` lesson's stepper against a plain double-precision attention:
// the output for every mask, block size and ALiBi slope; the running max and
// sum after the last tile; the weights "as known so far" mid-way; the engine's
// kernel with the same tiles; the traffic formulas.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/attention/mask.h"
#include "core/engine.h"
#include "core/lessons/flash.h"
#include "core/seeded_rng.h"
#include "tests/unit/lesson-json.h"

using namespace attnviz;
using namespace attnviz::lessons;

namespace {

struct Plain {
  Eigen::MatrixXd logits, weights, out;
  std::vector<double> max, sum;
};

Plain Naive(const Mat& q, const Mat& k, const Mat& v, const MaskSpec& m, double scale, double slope) {
  const int n = static_cast<int>(q.rows());
  Plain p;
  p.logits = Eigen::MatrixXd::Zero(n, n);
  p.weights = Eigen::MatrixXd::Zero(n, n);
  p.out = Eigen::MatrixXd::Zero(n, v.cols());
  p.max.assign(n, -INFINITY);
  p.sum.assign(n, 0);
  for (int i = 0; i < n; ++i) {
    for (int j = 0; j < n; ++j) {
      if (!MaskAllows(m, i, j)) continue;
      double s = 0;
      for (int c = 0; c < q.cols(); ++c) s += double(q(i, c)) * k(j, c);
      p.logits(i, j) = s * scale - slope * std::abs(i - j);
      p.max[i] = std::max(p.max[i], p.logits(i, j));
    }
    for (int j = 0; j < n; ++j)
      if (MaskAllows(m, i, j)) p.sum[i] += std::exp(p.logits(i, j) - p.max[i]);
    for (int j = 0; j < n; ++j)
      if (MaskAllows(m, i, j)) {
        p.weights(i, j) = std::exp(p.logits(i, j) - p.max[i]) / p.sum[i];
        p.out.row(i) += p.weights(i, j) * v.row(j).cast<double>();
      }
  }
  return p;
}

Mat Random(int rows, int cols, std::uint64_t seed) {
  SeededRng rng{seed};
  Mat m(rows, cols);
  for (int i = 0; i < rows; ++i)
    for (int c = 0; c < cols; ++c) m(i, c) = rng.Normal();
  return m;
}

}  // namespace

TEST_CASE("flash: the tiled online softmax equals naive attention for every mask and block size", "[lesson][flash]") {
  const int n = 23;
  const Mat q = Random(n, 8, 1) * 1.5f, k = Random(n, 8, 2) * 1.5f, v = Random(n, 6, 3);
  std::vector<MaskSpec> masks;
  for (bool causal : {false, true})
    for (MaskPattern pattern : {MaskPattern::Full, MaskPattern::Sliding, MaskPattern::GlobalLocal, MaskPattern::BlockSparse}) {
      MaskSpec m;
      m.pattern = pattern;
      m.causal = causal;
      m.window = 4;
      m.block = 5;
      m.globals = {0, 11};
      masks.push_back(m);
    }
  int checked = 0;
  for (const MaskSpec& m : masks)
    for (int bq : {1, 2, 3, 4, 7, 16, 23, 40})
      for (int bk : {1, 4, 5, 23})
        for (double slope : {0.0, 0.25}) {
          const Plain p = Naive(q, k, v, m, 1 / std::sqrt(8.0), slope);
          const FlashStepper s = RunFlashStepper(q, k, v, m, 1 / std::sqrt(8.0f), 1.0f, static_cast<float>(slope), bq, bk, -1, 5);
          INFO(DescribeMask(m) << " Br=" << bq << " Bc=" << bk << " slope=" << slope);
          // Float inputs, double arithmetic on both sides: 1e-5 absolute.
          for (int i = 0; i < n; ++i) {
            for (int c = 0; c < 6; ++c) REQUIRE(std::abs(s.output(i, c) - p.out(i, c)) < 1e-5);
            REQUIRE(s.m[i] == Approx(p.max[i]).margin(1e-5));
            REQUIRE(s.l[i] == Approx(p.sum[i]).epsilon(1e-6));
            for (int j = 0; j < n; ++j) REQUIRE(std::abs(s.known(i, j) - p.weights(i, j)) < 1e-6);
          }
          // Tiles: computed + skipped = all; a skipped tile has no allowed pair.
          REQUIRE(static_cast<long>(s.tiles.size()) + s.tiles_skipped == static_cast<long>(s.tiles_q) * s.tiles_k);
          ++checked;
        }
  REQUIRE(checked == 8 * 8 * 4 * 2);
}

TEST_CASE("flash: mid-way, a row's weights are the softmax over the keys seen so far", "[lesson][flash]") {
  const int n = 12;
  const Mat q = Random(n, 4, 5), k = Random(n, 4, 6), v = Random(n, 4, 7);
  MaskSpec m;
  const FlashStepper s = RunFlashStepper(q, k, v, m, 0.5f, 1.0f, 0.0f, 4, 4, 4, 5);  // 4 of 9 tiles: rows 0-3 done, rows 4-7 seen keys 0-3
  REQUIRE(s.step == 4);
  const Plain p = Naive(q, k, v, m, 0.5, 0);
  for (int j = 0; j < n; ++j) REQUIRE(std::abs(s.known(1, j) - p.weights(1, j)) < 1e-6);
  double sum = 0;
  for (int j = 0; j < 4; ++j) sum += std::exp(p.logits(5, j));
  for (int j = 0; j < 4; ++j) REQUIRE(s.known(5, j) == Approx(std::exp(p.logits(5, j)) / sum).epsilon(1e-5));
  for (int j = 4; j < n; ++j) REQUIRE(s.known(5, j) == 0);
  REQUIRE(s.known(9, 0) == 0);
  // Row 5's history: one entry per key tile, the rescale factor e^(m_old - m_new).
  REQUIRE(s.row_history.size() == 3);
  REQUIRE(s.row_history[0].rescale == 0);  // nothing before the first tile
  for (std::size_t t = 1; t < 3; ++t)
    REQUIRE(s.row_history[t].rescale == Approx(std::exp(s.row_history[t - 1].m - s.row_history[t].m)));
  for (int c = 0; c < 4; ++c) REQUIRE(s.row_history.back().output[c] == Approx(p.out(5, c)).margin(1e-6));
}

TEST_CASE("flash: the lesson on the sentence, the engine's kernel and the traffic", "[lesson][flash]") {
  Engine engine;
  Request r;
  r.model = "random";
  r.positional = Positional::Alibi;
  r.mask.pattern = MaskPattern::Sliding;
  r.mask.causal = true;
  r.mask.window = 5;
  r.text = "the tiled kernel never holds the whole matrix of weights in memory at once";
  FlashParams p;
  p.head = 6;
  p.block_q = 3;
  p.block_k = 4;
  const FlashStepLesson L = RunFlashLesson(engine, r, p);
  REQUIRE(L.max_abs_diff < 1e-5);
  REQUIRE(L.kernel_max_abs_diff < 1e-5);
  REQUIRE(L.stepper.tiles_skipped > 0);
  const double n = L.memory.n, d = 8;
  REQUIRE(L.traffic_standard == 4 * n * n + 4 * n * d);
  double kv = 0;
  for (const FlashTile& t : L.stepper.tiles) kv += 2.0 * (t.j1 - t.j0) * d;
  REQUIRE(L.traffic_tiled == 2 * n * d + kv + n);
  REQUIRE(FlashBlockRows(192 * 1024 / 4, 64) == 192);  // 192 KiB of floats over 4 x 64
  REQUIRE(FlashBlockRows(1024, 64) == 4);
  REQUIRE(FlashBlockRows(100, 64) == 1);
  REQUIRE(TiledAttentionTraffic(4096, 64, 64) == 2.0 * 4096 * 64 + 2.0 * 4096 * 64 * 64 + 4096);
}

TEST_CASE("flash: attnviz lesson prints core's numbers", "[lesson][flash][cli]") {
  const nlohmann::json j = test::LessonJson({"flash", "--block-q", "2", "--block-k", "3", "--step", "4", "--row", "3", "--text", "a b c d e f g"});
  Engine engine;
  Request r;
  r.text = "a b c d e f g";
  FlashParams p;
  p.block_q = 2;
  p.block_k = 3;
  p.step = 4;
  p.row = 3;
  const FlashStepLesson L = RunFlashLesson(engine, r, p);
  REQUIRE(j["memory"]["weights_bytes_per_head"] == 7 * 7 * 4);  // the original fields stay
  REQUIRE(j["tiling"]["tiles_q"] == 4);
  REQUIRE(j["tiling"]["tiles_k"] == 3);
  REQUIRE(j["tiling"]["step"] == 4);
  REQUIRE(j["row_history"].size() == L.stepper.row_history.size());
  REQUIRE(j["row_history"][1]["l"].get<double>() == L.stepper.row_history[1].l);
  REQUIRE(j["max_abs_diff"].get<double>() == L.max_abs_diff);
  REQUIRE(j["traffic"]["tiled"].get<double>() == L.traffic_tiled);
}
