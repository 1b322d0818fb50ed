// The `census` lesson (chapter 3, issue 11): scores on constructed heads whose
// behaviour is known exactly, the pure scoring against an independent plain
// loop written from the definitions in census.h, the built-in model's designed
// heads ranked first, a loaded GPT-2 checkpoint, and the CLI's JSON.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <set>
#include <unistd.h>

#include "core/engine.h"
#include "core/lessons/census.h"
#include "core/seeded_rng.h"
#include "tests/support/gpt2_checkpoint_writer.h"
#include "tests/unit/lesson-json.h"
#include "tests/unit/process.h"

using namespace attnviz;
using namespace attnviz::lessons;
using namespace attnviz::test;

namespace {

constexpr int kPrev = static_cast<int>(CensusScore::PreviousToken);
constexpr int kInd = static_cast<int>(CensusScore::Induction);
constexpr int kSink = static_cast<int>(CensusScore::Sink);
constexpr int kDup = static_cast<int>(CensusScore::Duplicate);
constexpr int kLocal = static_cast<int>(CensusScore::Local);

MaskMat Causal(int n) {
  MaskMat m = MaskMat::Zero(n, n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j <= i; ++j) m(i, j) = 1;
  return m;
}

// A head that puts all of row i's weight on key f(i).
template <class F>
Mat OneHot(int n, F f) {
  Mat w = Mat::Zero(n, n);
  for (int i = 0; i < n; ++i) w(i, f(i)) = 1.0f;
  return w;
}

// [SECTION] The definitions, again, as plain loops in double (no plan).
std::array<double, kCensusScores> Reference(const Mat& w, const std::vector<int>& labels, const MaskMat& m, int win) {
  const int n = static_cast<int>(labels.size());
  std::array<double, kCensusScores> sum{}, count{};
  for (int i = 0; i < n; ++i) {
    bool any = false, far = false;
    for (int j = 0; j < n; ++j)
      if (m(i, j)) any = true, far = far || std::abs(i - j) > win;
    if (!any) continue;
    if (i >= 1 && m(i, i - 1)) sum[kPrev] += w(i, i - 1), count[kPrev] += 1;
    if (i >= 1 && m(i, 0)) sum[kSink] += w(i, 0), count[kSink] += 1;
    double ind = 0, dup = 0;
    bool has_ind = false, has_dup = false;
    for (int k = 0; k < i; ++k) {
      if (labels[k] != labels[i]) continue;
      if (m(i, k)) dup += w(i, k), has_dup = true;
      if (k + 1 < i && m(i, k + 1)) ind += w(i, k + 1), has_ind = true;
    }
    if (has_ind) sum[kInd] += ind, count[kInd] += 1;
    if (has_dup) sum[kDup] += dup, count[kDup] += 1;
    bool near = false;  // a row needs a target: an allowed key within the window
    double local = 0;
    for (int j = 0; j < n; ++j)
      if (m(i, j) && std::abs(i - j) <= win) local += w(i, j), near = true;
    if (far && near) sum[kLocal] += local, count[kLocal] += 1;
  }
  std::array<double, kCensusScores> out{};
  for (int s = 0; s < kCensusScores; ++s) out[s] = count[s] > 0 ? sum[s] / count[s] : 0.0;
  return out;
}

struct ScratchDir {
  std::filesystem::path path;
  ScratchDir() {
    char tmpl[] = "/tmp/attnviz-census-test-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
};

std::string DataFile(const std::string& name) { return ReadWhole(std::string(ATTNVIZ_TEST_DATA_DIR) + "/gpt2/" + name); }

// tests/data/gpt2's tiny vocabulary: 2 layers x 4 heads, 64 positions.
void WriteTinyGpt2(const std::string& dir) {
  Gpt2Sizes s;
  s.n_embd = 32;
  s.n_head = 4;
  s.n_layer = 2;
  s.n_positions = 64;
  s.vocab_size = 296;
  WriteGpt2Checkpoint(dir, RandomGpt2Weights(s, 11, WeightScale::kTestScale, false), DataFile("tiny_vocab.json"),
                      DataFile("tiny_merges.txt"), {});
}

}  // namespace

TEST_CASE("census: constructed heads score 1 on the behaviour they were built for", "[lesson][census]") {
  constexpr int R = 6, n = 2 * R;
  const std::vector<int> labels = ProbeLabels(R);
  const MaskMat causal = Causal(n);
  const CensusPlan plan = PlanCensus(labels, &causal, 2);

  // The plan on the probe: induction reads the second half at i - R + 1, duplicate at i - R.
  const CensusRows& ind = plan.scores[kInd];
  REQUIRE(ind.rows.size() == static_cast<std::size_t>(R));
  for (std::size_t a = 0; a < ind.rows.size(); ++a) {
    CHECK(ind.rows[a] == R + static_cast<int>(a));
    CHECK(ind.keys[a] == std::vector<int>{ind.rows[a] - R + 1});
    CHECK(plan.scores[kDup].keys[a] == std::vector<int>{ind.rows[a] - R});
  }
  CHECK(plan.scores[kPrev].rows.size() == static_cast<std::size_t>(n - 1));
  CHECK(plan.scores[kSink].rows.size() == static_cast<std::size_t>(n - 1));
  // Local (w = 2, causal): only rows i > 2 can look farther than 2 back.
  CHECK(plan.scores[kLocal].rows.front() == 3);

  // Previous-token: every row on i - 1 (row 0 on itself).
  const auto prev = ScoreHead(OneHot(n, [](int i) { return std::max(0, i - 1); }), plan);
  CHECK(prev[kPrev] == 1.0);
  CHECK(prev[kLocal] == 1.0);  // i - 1 is within 2 tokens
  CHECK(prev[kInd] == 0.0);
  CHECK(prev[kSink] == Approx(1.0 / (n - 1)));  // row 1's previous token is token 0

  // Induction: the second half on the token after the earlier copy, the first half on itself.
  const auto induction = ScoreHead(OneHot(n, [](int i) { return i >= R ? i - R + 1 : i; }), plan);
  CHECK(induction[kInd] == 1.0);
  CHECK(induction[kDup] == 0.0);
  CHECK(induction[kPrev] == 0.0);

  // Sink: everything on token 0.
  const auto sink = ScoreHead(OneHot(n, [](int) { return 0; }), plan);
  CHECK(sink[kSink] == 1.0);
  CHECK(sink[kInd] == 0.0);  // targets k + 1 are never token 0
  CHECK(sink[kPrev] == Approx(1.0 / (n - 1)));  // only row 1's previous token is token 0

  // Duplicate-token: the second half on its earlier copy.
  const auto dup = ScoreHead(OneHot(n, [](int i) { return i >= R ? i - R : i; }), plan);
  CHECK(dup[kDup] == 1.0);
  CHECK(dup[kInd] == 0.0);

  // Local: uniform over the causal window of 3 (i - 2 .. i).
  Mat local = Mat::Zero(n, n);
  for (int i = 0; i < n; ++i) {
    const int lo = std::max(0, i - 2);
    for (int j = lo; j <= i; ++j) local(i, j) = 1.0f / static_cast<float>(i - lo + 1);
  }
  const auto loc = ScoreHead(local, plan);
  CHECK(loc[kLocal] == Approx(1.0).epsilon(1e-6));
  CHECK(loc[kPrev] == Approx(Reference(local, labels, causal, 2)[kPrev]).epsilon(1e-12));

  // A uniform causal head: every score is its share of the row.
  Mat uniform = Mat::Zero(n, n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j <= i; ++j) uniform(i, j) = 1.0f / static_cast<float>(i + 1);
  const auto u = ScoreHead(uniform, plan);
  double expect_prev = 0;
  for (int i = 1; i < n; ++i) expect_prev += 1.0 / (i + 1);
  CHECK(u[kPrev] == Approx(expect_prev / (n - 1)).epsilon(1e-6));
  CHECK(u[kSink] == Approx(expect_prev / (n - 1)).epsilon(1e-6));  // the same 1/(i+1) on key 0
  double expect_ind = 0;
  for (int i = R; i < n; ++i) expect_ind += 1.0 / (i + 1);
  CHECK(u[kInd] == Approx(expect_ind / R).epsilon(1e-6));
  CHECK(u[kDup] == Approx(expect_ind / R).epsilon(1e-6));
}

TEST_CASE("census: ScoreHead equals a plain loop over the definitions on random heads, texts and masks", "[lesson][census]") {
  SeededRng rng{42};
  for (int trial = 0; trial < 40; ++trial) {
    const int n = 2 + static_cast<int>(rng.Next() % 40);
    // Labels from a small alphabet, so tokens repeat (sometimes next to each other).
    std::vector<int> labels(n);
    const int alphabet = 1 + static_cast<int>(rng.Next() % 6);
    for (int& l : labels) l = static_cast<int>(rng.Next() % alphabet);
    // A random mask (some rows empty), causal half the time.
    MaskMat m(n, n);
    const bool causal = trial % 2 == 0;
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) m(i, j) = (!causal || j <= i) && rng.Uniform() < 0.7 ? 1 : 0;
    // Softmax rows over the allowed keys.
    Mat w = Mat::Zero(n, n);
    for (int i = 0; i < n; ++i) {
      double total = 0;
      for (int j = 0; j < n; ++j)
        if (m(i, j)) total += (w(i, j) = static_cast<float>(std::exp(3 * rng.NormalDouble())));
      for (int j = 0; j < n; ++j)
        if (total > 0) w(i, j) = static_cast<float>(w(i, j) / total);
    }
    const int win = 1 + static_cast<int>(rng.Next() % 4);
    const auto got = ScoreHead(w, PlanCensus(labels, &m, win));
    const auto want = Reference(w, labels, m, win);
    // Same float inputs summed in double on both sides, in a different order: 1e-12.
    for (int s = 0; s < kCensusScores; ++s) {
      INFO("trial " << trial << " score " << CensusScoreName(static_cast<CensusScore>(s)));
      CHECK(got[s] == Approx(want[s]).margin(1e-12));
      CHECK(got[s] >= 0.0);
      CHECK(got[s] <= 1.0 + 1e-6);
    }
  }
}

TEST_CASE("census: text labels are ids or lowercased words; rankings sort by the score", "[lesson][census]") {
  std::vector<Token> words = TokenizeWords("The cat saw the CAT .");
  CHECK(TokenLabels(words) == std::vector<int>{0, 1, 2, 0, 1, 3});
  std::vector<Token> ids(3);
  ids[0].id = 7, ids[1].id = 9, ids[2].id = 7;
  ids[0].text = "a", ids[1].text = "a", ids[2].text = "b";  // ids decide, not text
  CHECK(TokenLabels(ids) == std::vector<int>{0, 1, 0});

  std::vector<CensusHead> heads(4);
  const double v[] = {0.2, 0.9, 0.2, 0.5};
  for (int k = 0; k < 4; ++k) heads[k].head = k, heads[k].score[kSink] = v[k];
  CHECK(RankHeads(heads, CensusScore::Sink) == std::vector<int>{1, 3, 0, 2});
}

TEST_CASE("census: on a trace, every head's scores and thumbnail equal the whole matrix's", "[lesson][census]") {
  Request req;
  req.model = "random";
  req.layers = 2;
  req.heads = 4;
  req.kv_heads = 4;
  req.d_model = 32;
  req.mask.causal = true;
  req.text = "one two three one two three four five one two";
  const TracePtr t = RunTrace(req);
  CensusParams p;
  p.thumb = 4;
  const CensusSequence c = ComputeCensusSequence(*t, TokenLabels(t->tokens), p);
  const int n = t->n();
  REQUIRE(c.heads.size() == 8u);
  for (const CensusHead& h : c.heads) {
    const Mat w = *t->Matrix(h.layer, h.head, HeadMatrix::Weights);
    const auto want = Reference(w, c.labels, t->mask, p.local_window);
    for (int s = 0; s < kCensusScores; ++s) CHECK(h.score[s] == Approx(want[s]).margin(1e-6));
    REQUIRE(h.thumb_rows == 4);
    for (int a = 0; a < 4; ++a)
      for (int b = 0; b < 4; ++b) {
        float mx = 0;
        for (int i = 0; i < n; ++i)
          for (int j = 0; j < n; ++j)
            if (i * 4 / n == a && j * 4 / n == b) mx = std::max(mx, w(i, j));
        CHECK(h.thumb[a * 4 + b] == Approx(mx).margin(1e-6));
      }
  }
  for (int s = 0; s < kCensusScores; ++s) {
    REQUIRE(c.ranking[s].size() == c.heads.size());
    for (std::size_t k = 1; k < c.ranking[s].size(); ++k)
      CHECK(c.heads[c.ranking[s][k - 1]].score[s] >= c.heads[c.ranking[s][k]].score[s]);
  }
}

TEST_CASE("census: the built-in model's designed heads rank first on the probe", "[lesson][census]") {
  Engine engine;
  Request req;  // the built-in model
  req.mask.causal = true;  // induction is a decoder's circuit
  CensusParams p;
  const CensusLesson c = RunCensusLesson(engine, req, p);
  REQUIRE(c.layers == 2);
  const CensusSequence& s = c.probe;
  REQUIRE(s.computed);
  REQUIRE(s.n == 2 * p.probe_length);
  const auto top = [&s](int score) { return s.heads[s.ranking[score][0]]; };
  // Layer 1's previous-token head (and layer 2's copy of it) lead the previous-token ranking.
  CHECK(top(kPrev).role == "previous-token");
  CHECK(top(kPrev).score[kPrev] > 0.9);
  // Layer 2's induction head leads induction, far ahead of the rest.
  CHECK(top(kInd).role == "induction");
  CHECK(top(kInd).layer == 1);
  CHECK(top(kInd).score[kInd] > 0.8);
  CHECK(s.heads[s.ranking[kInd][1]].score[kInd] < 0.5 * top(kInd).score[kInd]);
  CHECK(top(kSink).role == "first-token");
  CHECK(top(kDup).role == "duplicate-token");
  // The probe's tokens are distinct lexicon words, repeated once.
  std::set<std::string> first(s.tokens.begin(), s.tokens.begin() + p.probe_length);
  CHECK(first.size() == static_cast<std::size_t>(p.probe_length));
  for (int k = 0; k < p.probe_length; ++k) CHECK(s.tokens[k] == s.tokens[k + p.probe_length]);
  // The same seed gives the same probe; another seed another.
  const auto again = MakeProbeTokens(engine, req, p.probe_length, p.seed);
  const auto other = MakeProbeTokens(engine, req, p.probe_length, p.seed + 1);
  CHECK(again[0].text == s.tokens[0]);
  CHECK(other[0].text + other[1].text != again[0].text + again[1].text);
  // The text part: "The cat sat on the mat ..." repeats "the".
  REQUIRE(c.text.computed);
  CHECK(c.text.defined[kDup]);
}

TEST_CASE("census: a loaded GPT-2 checkpoint, probed with its own vocabulary, through the CLI", "[lesson][census][gpt2]") {
  ScratchDir dir;
  WriteTinyGpt2(dir.path.string());
  Engine engine;
  Request req;
  req.model = dir.path.string();
  req.d_model = 32;
  req.heads = 4;
  req.kv_heads = 4;
  req.text = "the cat sat on the mat";
  CensusParams p;
  p.probe_length = 20;
  const std::vector<Token> probe = MakeProbeTokens(engine, req, p.probe_length, 3);
  REQUIRE(probe.size() == 40u);
  std::set<int> ids;
  for (int k = 0; k < 20; ++k) {
    CHECK(probe[k].id >= 0);
    CHECK(probe[k].id < 296);
    CHECK(probe[k].id == probe[k + 20].id);
    ids.insert(probe[k].id);
  }
  CHECK(ids.size() == 20u);

  const nlohmann::json j = LessonJson({"census", "--model", dir.path.string(), "--text", "the cat sat on the mat",
                                       "--probe-length", "20", "--seed", "3"});
  CHECK(j["layers"] == 2);
  CHECK(j["heads"] == 4);
  REQUIRE(j["probe"]["heads"].size() == 8u);
  CHECK(j["probe"]["n"] == 40);
  for (const char* name : {"previous-token", "induction", "sink", "duplicate-token", "local"}) {
    CHECK(j["definitions"][name].is_string());
    CHECK(j["probe"]["rankings"][name].size() == 8u);
  }
  // The printed scores are core's.
  req.seed = 3;
  p.seed = 3;
  const CensusLesson c = RunCensusLesson(engine, req, p);
  for (std::size_t h = 0; h < 8; ++h)
    for (int s = 0; s < kCensusScores; ++s) {
      const nlohmann::json& v = j["probe"]["heads"][h]["scores"][CensusScoreName(static_cast<CensusScore>(s))];
      REQUIRE(v.is_number());
      CHECK(v.get<double>() == Approx(c.probe.heads[h].score[s]).margin(1e-12));
    }
  // 64 positions: a probe of 2 x 40 does not fit, and says so.
  const ProcessResult bad = RunAttnviz({"lesson", "census", "--model", dir.path.string(), "--probe-length", "40"});
  CHECK(bad.status != 0);
  CHECK_THAT(bad.err, Catch::Contains("--probe-length 40"));
  CHECK_THAT(bad.err, Catch::Contains("at most 32"));
}

TEST_CASE("census: JSON of the built-in model: definitions, rankings, rows, nulls", "[lesson][census]") {
  const nlohmann::json j = LessonJson({"census", "--causal", "--text", "a b c d", "--probe-length", "8", "--local-window", "1"});
  CHECK(j["model"].is_string());
  CHECK(j["probe_length"] == 8);
  CHECK(j["local_window"] == 1);
  // No token of "a b c d" repeats: induction and duplicate have no rows and print null.
  CHECK(j["text"]["heads"][0]["scores"]["induction"].is_null());
  CHECK(j["text"]["rankings"]["induction"].empty());
  CHECK(j["text"]["rows"]["induction"].empty());
  CHECK(j["text"]["heads"][0]["scores"]["previous-token"].is_number());
  // Probe rows of induction: 8..15, each reading i - 7.
  const nlohmann::json& rows = j["probe"]["rows"]["induction"];
  REQUIRE(rows.size() == 8u);
  for (int a = 0; a < 8; ++a) {
    CHECK(rows[a]["row"] == 8 + a);
    CHECK(rows[a]["keys"] == nlohmann::json::array({8 + a - 7}));
  }
  const nlohmann::json& top = j["probe"]["rankings"]["induction"][0];
  CHECK(j["probe"]["heads"][top["layer"].get<int>() * 8 + top["head"].get<int>()]["role"] == "induction");
  const ProcessResult bad = RunAttnviz({"lesson", "census", "--local-window", "0"});
  CHECK(bad.status == 2);
  CHECK_THAT(bad.err, Catch::Contains("local-window"));
}
