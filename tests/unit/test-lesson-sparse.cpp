// The `sparse` and `sparse-cost` lessons: pair counts against a walk over every
// (i, j) of MaskAllows, tile counts against a plain count of empty tiles, the
// tiled reference's output against the trace's, and the change from full
// attention after renormalisation against the weight on the dropped keys.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <numeric>
#include <unistd.h>

#include "core/attention/mask.h"
#include "core/engine.h"
#include "core/lessons/sparse.h"
#include "core/lessons/sparse_cost.h"
#include "tests/unit/head-matrices.h"
#include "tests/support/gpt2_checkpoint_writer.h"
#include "tests/support/gpt2_reference.h"
#include "tests/unit/lesson-json.h"
#include "tests/unit/process.h"

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

// [SECTION] A loaded model: the next-token distribution under each pattern

namespace {

bool PlainAllows(MaskPattern p, int w, int g, int b, int i, int j) {
  if (j > i) return false;
  switch (p) {
    case MaskPattern::Full: return true;
    case MaskPattern::Sliding: return i - j < w;
    case MaskPattern::GlobalLocal: return i - j < w || i == g || j == g;
    case MaskPattern::BlockSparse: return i / b == j / b || j % b == b - 1;
  }
  return false;
}

// GPT-2's forward pass in double with plain loops (tests/support/gpt2_reference.h)
// under a mask; the probabilities of the token after the last one (V).
std::vector<double> PlainNextToken(const test::Gpt2Weights& w, const std::vector<int>& ids, MaskPattern pat, int win,
                                   int glob, int blk) {
  return test::ReferenceForward(w, ids, [&](int i, int j) { return PlainAllows(pat, win, glob, blk, i, j); }).probs;
}

}  // namespace

TEST_CASE("sparse: with a loaded model, KL(p_full || p_sparse) and the top tokens match a plain forward pass",
          "[lesson][sparse][gpt2]") {
  char tmpl[] = "/tmp/attnviz-sparse-test-XXXXXX";
  const std::string dir = mkdtemp(tmpl);
  test::Gpt2Sizes sz;  // 2 layers, 4 heads, d_model 32, the 296-token test vocabulary
  sz.vocab_size = 296;
  const test::Gpt2Weights w = test::RandomGpt2Weights(sz, 11);
  const std::string data = std::string(ATTNVIZ_TEST_DATA_DIR) + "/gpt2/";
  test::WriteGpt2Checkpoint(dir, w, test::ReadWhole(data + "tiny_vocab.json"), test::ReadWhole(data + "tiny_merges.txt"));
  Request req;
  req.model = dir;
  req.text = "the cat sat on the mat, and then the dog sat on the rug";
  req.d_model = 32;
  req.heads = req.kv_heads = 4;
  req.positional = Positional::Learned;
  req.mask.window = 3;
  req.mask.block = 4;
  req.mask.globals = {1};
  Engine engine;
  SparseParams p;
  p.top = 4;
  const SparseLesson l = RunSparseLesson(engine, req, p);
  REQUIRE(l.next_available);
  REQUIRE(l.causal);  // the model's own mask, under every pattern
  std::vector<int> ids;
  for (const Token& t : l.full->tokens) ids.push_back(t.id);
  const std::vector<double> full = PlainNextToken(w, ids, MaskPattern::Full, 3, 1, 4);
  // Full attention's favourites, most likely first, with its probabilities.
  std::vector<int> order(full.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) { return full[a] > full[b]; });
  REQUIRE(l.full_top.size() == 4);
  for (int k = 0; k < 4; ++k) {
    CHECK(l.full_top[k].id == order[k]);
    CHECK(l.full_top[k].p_full == Approx(full[order[k]]).margin(1e-5));
  }
  REQUIRE(l.patterns.size() == 3);
  for (const SparsePattern& sp : l.patterns) {
    INFO(sp.name);
    const std::vector<double> q = PlainNextToken(w, ids, sp.mask.pattern, 3, 1, 4);
    double kl = 0, tv = 0;
    for (std::size_t v = 0; v < q.size(); ++v) kl += full[v] * std::log(full[v] / q[v]), tv += std::abs(full[v] - q[v]) / 2;
    // The engine runs in float32 against double here: probabilities agree to
    // ~1e-6, so the KL (a sum of such differences weighted by p) to ~1e-5; a
    // pattern missing from a layer, or the wrong mask, changes it by 1e-2 or more.
    CHECK(kl > 1e-4);  // every pattern drops keys of this 16-token sentence
    CHECK(sp.kl == Approx(kl).epsilon(1e-3).margin(1e-5));
    CHECK(sp.top_changed == Approx(tv).margin(1e-5));
    REQUIRE(sp.top.size() == 4);
    std::vector<int> qo(q.size());
    std::iota(qo.begin(), qo.end(), 0);
    std::sort(qo.begin(), qo.end(), [&](int a, int b) { return q[a] > q[b]; });
    for (int k = 0; k < 4; ++k) {
      CHECK(sp.top[k].id == qo[k]);
      CHECK(sp.top[k].p_sparse == Approx(q[qo[k]]).margin(1e-5));
      CHECK(sp.top[k].p_full == Approx(full[qo[k]]).margin(1e-5));
      CHECK(sp.before[k].p_sparse == Approx(q[order[k]]).margin(1e-5));
    }
  }
  // The JSON carries the same numbers.
  const nlohmann::json j = ToJson(l);
  CHECK(j["next_token"]["available"] == true);
  CHECK(j["patterns"][1]["next_token"]["kl"].get<double>() == l.patterns[1].kl);
  std::filesystem::remove_all(dir);
}

TEST_CASE("sparse: the built-in model has no next-token distribution and says so", "[lesson][sparse]") {
  Engine engine;
  const SparseLesson l = RunSparseLesson(engine, Request{}, SparseParams{});
  CHECK_FALSE(l.next_available);
  CHECK(l.full_top.empty());
  const nlohmann::json j = ToJson(l);
  CHECK(j["next_token"]["available"] == false);
  CHECK(j["next_token"]["note"].get<std::string>().find("loaded model") != std::string::npos);
}
