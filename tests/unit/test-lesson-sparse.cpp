// The `sparse` and `sparse-cost` lessons: pair counts against a walk over every
// (i, j) of MaskAllows, tile counts against a plain count of empty tiles, the
// tiled reference's output against the trace's, and the change from full
// attention after renormalisation against the weight on the dropped keys.
#include <catch2/catch.hpp>

#include <algorithm>

#include "core/attention/mask.h"
#include "core/engine.h"
#include "core/lessons/sparse.h"
#include "core/lessons/sparse_cost.h"
#include "tests/unit/head-matrices.h"
#include "tests/unit/lesson-json.h"

using namespace attnviz;
using namespace attnviz::lessons;

namespace {
double BruteForcePairs(const MaskSpec& m, int n) {
  double c = 0;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) c += MaskAllows(m, i, j) ? 1 : 0;
  return c;
}
}  // namespace

TEST_CASE("sparse: allowed pairs counted row by row match the mask", "[lesson][sparse]") {
  int checked = 0;
  for (MaskPattern pattern : {MaskPattern::Full, MaskPattern::Sliding, MaskPattern::GlobalLocal, MaskPattern::BlockSparse})
    for (bool causal : {false, true})
      for (int w : {1, 2, 3, 4, 7})
        for (const std::vector<int>& g : std::vector<std::vector<int>>{{}, {0}, {0, 5}, {3, 40}})
          for (int n : {1, 2, 5, 9, 16, 33, 70}) {
            MaskSpec m;
            m.pattern = pattern;
            m.causal = causal;
            m.window = w;
            m.block = w;
            m.globals = g;
            INFO(DescribeMask(m) << " n=" << n);
            REQUIRE(CountAllowedPairs(m, n) == BruteForcePairs(m, n));
            ++checked;
          }
  REQUIRE(checked == 4 * 2 * 5 * 4 * 7);
}

TEST_CASE("sparse: three patterns on the sentence, the work skipped and the change from full", "[lesson][sparse]") {
  Engine engine;
  Request r;
  r.model = "random";
  r.mask.causal = true;
  r.mask.window = 3;
  r.mask.block = 4;
  r.mask.globals = {0};
  r.text = "sparse attention keeps some pairs and skips the tiles that the mask leaves empty for good";
  SparseParams p;
  p.head = 3;
  p.tile = 4;
  const SparseLesson L = RunSparseLesson(engine, r, p);
  REQUIRE(L.patterns.size() == 3);
  const int n = L.n;
  for (const SparsePattern& sp : L.patterns) {
    INFO(sp.name);
    REQUIRE(sp.pairs_allowed == BruteForcePairs(sp.mask, n));
    REQUIRE(sp.density == Approx(sp.pairs_allowed / (double(n) * n)));
    // Empty 4 x 4 tiles, counted plainly.
    long empty = 0, total = 0;
    for (int i0 = 0; i0 < n; i0 += 4)
      for (int j0 = 0; j0 < n; j0 += 4) {
        ++total;
        bool any = false;
        for (int i = i0; i < std::min(n, i0 + 4); ++i)
          for (int j = j0; j < std::min(n, j0 + 4); ++j) any = any || MaskAllows(sp.mask, i, j);
        empty += any ? 0 : 1;
      }
    REQUIRE(sp.tiles_total == total);
    REQUIRE(sp.tiles_skipped == empty);
    REQUIRE(sp.tiles_skipped > 0);
    REQUIRE(sp.tiled_max_abs_diff < 1e-5);
    REQUIRE(sp.kernel.pairs_allowed == static_cast<long>(sp.pairs_allowed) * 8);
    // First layer: renormalising moves exactly the weight full attention gave the dropped keys.
    for (int h = 0; h < 8; ++h) {
      const Mat f = test::WeightsOf(*L.full, 0, h);
      double dropped = 0;
      for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j)
          if (!MaskAllows(sp.mask, i, j)) dropped += f(i, j);
      REQUIRE(sp.heads[h].mean_tv == Approx(dropped / n).margin(1e-5));
    }
  }
}

TEST_CASE("sparse-cost: exact counts, published defaults", "[lesson][sparse]") {
  SparseCostParams p;
  p.mask.pattern = MaskPattern::Sliding;
  p.mask.window = 3;
  p.mask.causal = true;
  p.max_n = 1 << 12;
  const SparseCostLesson L = ComputeSparseCostLesson(p);
  REQUIRE(L.curves.size() == 5);
  for (std::size_t k = 0; k < L.lengths.size(); ++k) {
    const double n = L.lengths[k];
    REQUIRE(L.curves[0].pairs[k] == n * (n + 1) / 2);  // full, causal (as the request)
    const double w = 4096;
    REQUIRE(L.curves[3].pairs[k] == (n <= w ? n * (n + 1) / 2 : w * (w + 1) / 2 + (n - w) * w));  // Mistral
    REQUIRE(L.curves[2].pairs[k] == n * std::min(n, 512.0));  // BigBird's budget
    if (n <= 600) REQUIRE(L.curves[1].pairs[k] == BruteForcePairs(L.curves[1].mask, static_cast<int>(n)));
  }
  REQUIRE(L.pairs_128k[3] == 4096.0 * 4097 / 2 + (131072.0 - 4096) * 4096);
}

TEST_CASE("sparse and sparse-cost: attnviz lesson prints core's numbers", "[lesson][sparse][cli]") {
  const nlohmann::json j = test::LessonJson({"sparse", "--tile", "2", "--window", "2", "--text", "a b c d e f g"});
  Engine engine;
  Request r;
  r.text = "a b c d e f g";
  r.mask.window = 2;
  SparseParams p;
  p.tile = 2;
  const SparseLesson L = RunSparseLesson(engine, r, p);
  REQUIRE(j["patterns"].size() == 3);
  for (int k = 0; k < 3; ++k) {
    REQUIRE(j["patterns"][k]["pattern"] == L.patterns[k].name);
    REQUIRE(j["patterns"][k]["density"].get<double>() == L.patterns[k].density);
    REQUIRE(j["patterns"][k]["tiled_reference"]["tiles_skipped"] == L.patterns[k].tiles_skipped);
    REQUIRE(j["patterns"][k]["kernel"]["tiles_skipped"] == L.patterns[k].kernel.tiles_skipped);
  }
  const nlohmann::json c = test::LessonJson({"sparse-cost", "--max-n", "4096", "--text", "a b c"});
  REQUIRE(c["n"] == 3);
  REQUIRE(c["curves"][0]["pairs"][0] == 128.0 * 128);
}
