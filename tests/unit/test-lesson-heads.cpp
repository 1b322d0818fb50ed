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
    // Thumbnail: 8 x 8 blocks of an n x n matrix, each the max of its block.
    REQUIRE(s.thumb_rows == 8);
    for (int a = 0; a < 8; ++a)
      for (int b = 0; b < 8; ++b) {
        float mx = 0;
        for (int i = 0; i < n; ++i)
          for (int j = 0; j < n; ++j)
            if (i * 8 / n == a && j * 8 / n == b) mx = std::max(mx, W(i, j));
        CHECK(s.thumb[a * 8 + b] == mx);
      }
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

TEST_CASE("heads lesson: max-pooling and bad parameters", "[lesson][heads]") {
  const float m[] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  int rr = 0, cc = 0;
  const std::vector<float> p = MaxPoolMatrix(m, 3, 3, 2, &rr, &cc);
  REQUIRE(rr == 2);
  REQUIRE(cc == 2);
  // Block a holds rows i with i * 2 / 3 == a: rows {0, 1} and {2}; the same for columns.
  CHECK(p == std::vector<float>{5, 6, 8, 9});
  const TracePtr t = RunTrace(Request{});
  HeadsParams bad;
  bad.layer = 5;
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
