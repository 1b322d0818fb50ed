// The `heads` lesson (chapter 3) against plain loops over the trace's weight
// matrices: per-head statistics, thumbnails as block maxima, each head's
// strongest key, the averaged row, and the distinct targets.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <set>

#include "core/engine.h"
#include "core/lessons/heads.h"
#include "tests/unit/process.h"

using namespace attnviz;
using namespace attnviz::lessons;

TEST_CASE("heads lesson: statistics and thumbnails of every head against direct loops", "[lesson][heads]") {
  Request req;
  req.text = "the cat sat on the mat and the dog sat on the rug because it was warm";
  req.mask.causal = true;
  const TracePtr t = RunTrace(req);
  HeadsParams p;
  p.query = 9;
  p.thumb = 8;
  const HeadsLesson r = ComputeHeadsLesson(*t, p);
  const int n = t->n(), H = static_cast<int>(t->layers[0].heads.size());
  // Every head of every layer; the first layer's are checked here.
  REQUIRE(r.summary.size() == t->layers.size() * H);
  for (int h = 0; h < H; ++h) {
    const Mat W = *t->Matrix(0, h, HeadMatrix::Weights);
    double ent = 0, dist = 0, self = 0, prev = 0, first = 0;
    for (int i = 0; i < n; ++i) {
      for (int j = 0; j < n; ++j) {
        if (W(i, j) > 0) ent -= W(i, j) * std::log(static_cast<double>(W(i, j)));
        dist += W(i, j) * std::abs(i - j);
      }
      self += W(i, i);
      first += W(i, 0);
      if (i > 0) prev += W(i, i - 1);
    }
    const HeadSummary& s = r.summary[h];
    CHECK(s.role == t->layers[0].heads[h].role);
    CHECK(s.entropy == Approx(ent / n).margin(1e-6));
    CHECK(s.distance == Approx(dist / n).margin(1e-5));
    CHECK(s.self == Approx(self / n).margin(1e-6));
    CHECK(s.first == Approx(first / n).margin(1e-6));
    CHECK(s.previous == Approx(prev / (n - 1)).margin(1e-6));
    // Thumbnail: square f x f blocks (f the smallest factor that fits 8 texels,
    // edge blocks partial), each the max of its allowed cells; a block with no
    // allowed cell (above the causal diagonal) is invalid and holds 0.
    const int f = (n + 7) / 8, R = (n + f - 1) / f;
    REQUIRE(s.thumb_factor == f);
    REQUIRE(ThumbFactor(n, 8) == f);
    REQUIRE(s.thumb_rows == R);
    REQUIRE(s.thumb_cols == R);
    REQUIRE(R <= 8);
    int invalid = 0;
    for (int a = 0; a < R; ++a)
      for (int b = 0; b < R; ++b) {
        float mx = 0;
        bool any = false;
        for (int i = a * f; i < std::min(n, (a + 1) * f); ++i)
          for (int j = b * f; j < std::min(n, (b + 1) * f); ++j)
            if (t->mask(i, j)) mx = std::max(mx, W(i, j)), any = true;
        CHECK(s.thumb_valid[a * R + b] == (any ? 1 : 0));
        // The lesson pulls rows in blocks of f, the whole matrix comes in blocks
        // of 64: the same sums in another grouping, equal to float rounding.
        CHECK(s.thumb[a * R + b] == Approx(any ? mx : 0.0f).margin(1e-6));
        invalid += any ? 0 : 1;
      }
    CHECK(invalid == R * (R - 1) / 2);  // causal: the blocks strictly above the diagonal
  }
  // One against several at token 9.
  std::set<int> keys;
  for (int h = 0; h < H; ++h) {
    const Mat W = *t->Matrix(0, h, HeadMatrix::Weights);
    int arg = 0;
    for (int j = 1; j < n; ++j)
      if (W(9, j) > W(9, arg)) arg = j;
    CHECK(r.top_key[h] == arg);
    CHECK(r.top_weight[h] == W(9, arg));
    keys.insert(arg);
    for (int j = 0; j < n; ++j) CHECK(r.rows(h, j) == W(9, j));
  }
  REQUIRE(r.targets.size() == keys.size());
  for (const HeadTarget& tg : r.targets) {
    CHECK(keys.count(tg.key) == 1);
    double mean = 0;
    for (int h = 0; h < H; ++h) mean += r.rows(h, tg.key) / H;
    CHECK(tg.mean_weight == Approx(mean).margin(1e-6));
    CHECK(tg.best_weight >= tg.mean_weight);
  }
  // The averaged row is a distribution flatter than the heads' own (concavity of entropy).
  double sum = 0;
  for (float w : r.mean_row) sum += w;
  CHECK(sum == Approx(1.0).margin(1e-5));
  CHECK(r.mean_row_entropy >= r.head_entropy - 1e-9);
  CHECK(r.sentence_targets >= 1.0);
  CHECK(r.sentence_targets <= H);
}

TEST_CASE("heads lesson: one thread gives the pool's thumbnails; bad parameters", "[lesson][heads]") {
  Request req;
  req.text = "one two three four five six seven eight nine ten eleven twelve";
  const TracePtr t = RunTrace(req);
  HeadsParams one, pool;
  one.threads = 1;
  one.thumb = pool.thumb = 5;
  const HeadsLesson a = ComputeHeadsLesson(*t, one), b = ComputeHeadsLesson(*t, pool);
  REQUIRE(a.summary.size() == b.summary.size());
  for (std::size_t k = 0; k < a.summary.size(); ++k) {
    CHECK(a.summary[k].thumb == b.summary[k].thumb);
    CHECK(a.summary[k].entropy == b.summary[k].entropy);
  }
  CHECK(a.summary[0].thumb_rows == 4);  // 12 tokens in at most 5 texels: blocks of 3
  HeadsParams bad;
  bad.layer = 5;
  REQUIRE_THROWS_AS(ComputeHeadsLesson(*t, bad), InputError);
  bad.layer = 0;
  bad.thumb = 2;
  REQUIRE_THROWS_AS(ComputeHeadsLesson(*t, bad), InputError);
}

TEST_CASE("attnviz lesson heads prints the lesson", "[lesson][heads][cli]") {
  const test::ProcessResult res = test::RunAttnviz({"lesson", "heads", "--text", "The cat sat on the mat", "--query", "2"});
  REQUIRE(res.status == 0);
  const nlohmann::json j = nlohmann::json::parse(res.out);
  REQUIRE(j["lesson"] == "heads");
  Request req;
  req.text = "The cat sat on the mat";
  const TracePtr t = RunTrace(req);
  HeadsParams p;
  p.query = 2;
  const HeadsLesson r = ComputeHeadsLesson(*t, p);
  REQUIRE(j["summary"].size() == r.summary.size());
  for (std::size_t h = 0; h < r.summary.size(); ++h) {
    CHECK(j["summary"][h]["entropy"].get<double>() == r.summary[h].entropy);
    CHECK(j["summary"][h]["role"] == r.summary[h].role);
  }
  CHECK(j["query"]["top_key"] == r.top_key);
  CHECK(j["query"]["token"] == 2);
}
