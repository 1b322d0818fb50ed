// The `induction` lesson (core/lessons/induction.h) against independent
// computations: each field re-derived from the trace and the model's weights
// with plain loops in double (the logit split, the targets, the argmax, what
// layer 1 wrote and which token it came from), and the JSON of
// `attnviz lesson induction` against the same core result.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <string>

#include "core/engine.h"
#include "core/lessons/induction.h"
#include "core/model/builtin.h"
#include "tests/unit/process.h"

using namespace attnviz;
using namespace attnviz::lessons;

namespace {

const char* kDursley =
    "Mr and Mrs Dursley, of number four, Privet Drive, were proud to say that they were perfectly normal, "
    "thank you very much. Mr and Mrs Dursley";

Request Causal(const std::string& text, Positional pe = Positional::Sinusoidal) {
  Request r;
  r.text = text;
  r.mask.causal = true;
  r.positional = pe;
  return r;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

TEST_CASE("induction lesson: every field re-derived from the trace and the weights", "[lesson][induction]") {
  Engine engine;
  const Request req = Causal(kDursley);
  const TracePtr t = engine.Run(req);
  const InductionLesson l = ComputeInductionLesson(*t);
  const int n = t->n();
  REQUIRE(l.n == n);
  REQUIRE(static_cast<int>(l.tokens.size()) == n);
  CHECK(l.causal);
  CHECK(l.prev_layer == 0);
  CHECK(t->layers[0].heads[l.prev_head].role == "previous-token");
  CHECK(l.induction_layer == 1);
  CHECK(t->layers[1].heads[l.induction_head].role == "induction");
  CHECK(l.notes.empty());  // causal, sinusoidal, 8 kv heads: nothing to warn about

  const LayerTrace& L2 = t->layers[1];
  const int ih = l.induction_head, g = L2.heads[ih].kv_head;
  const Mat& W_q = L2.W_q(ih);
  const Mat& W_k = L2.W_k(g);
  const Mat& prev_w = *t->Matrix(0, l.prev_head, HeadMatrix::Weights);
  const Mat& ind_w = *t->Matrix(1, ih, HeadMatrix::Weights);
  const Mat& ind_l = *t->Matrix(1, ih, HeadMatrix::Logits);
  auto identity = [&](int i) {  // the embedding's identity: layer-1 input minus PE
    Eigen::VectorXd v(6);
    for (int c = 0; c < 6; ++c) {
      const int d = kBuiltinIdentityDims[c];
      v(c) = t->layers[0].input(i, d) - t->positional_encoding(i, d);
    }
    return v;
  };
  int repeated = 0, hits = 0;
  for (int i = 0; i < n; ++i) {
    const InductionToken& tok = l.tokens[i];
    INFO("token " << i << " " << tok.text);
    // Step 1: the previous-token head reads i - 1 (token 0 reads itself).
    CHECK(tok.prev_source == std::max(0, i - 1));
    CHECK(tok.prev_weight == Approx(prev_w(i, tok.prev_source)));
    Eigen::VectorXd written(6);
    for (int c = 0; c < 6; ++c) {
      written(c) = t->layers[0].output(i, kBuiltinPreviousWordDims[c]);
      CHECK(tok.written[c] == written(c));
    }
    // The write is closest to the identity of the token read (ties between
    // copies of one word go to the token read).
    CHECK(tok.copied == std::max(0, i - 1));
    CHECK(tok.copied_cosine == Approx(written.normalized().dot(identity(tok.copied).normalized())).margin(1e-9));
    for (int k = 0; k <= i; ++k)
      CHECK(written.normalized().dot(identity(k).normalized()) <= tok.copied_cosine + 1e-9);
    // Step 2: the query and key rows are the trace's.
    for (int c = 0; c < 8; ++c) {
      CHECK(tok.query[c] == L2.heads[ih].Q(i, c));
      CHECK(tok.key[c] == t->KvOf(1, ih).K(i, c));
    }
    // The largest weights, largest first; the first is the argmax.
    REQUIRE(!tok.top.empty());
    Eigen::Index am = 0;
    ind_w.row(i).maxCoeff(&am);
    CHECK(tok.attends_to == static_cast<int>(am));
    CHECK(tok.top[0].key == tok.attends_to);
    for (std::size_t k = 0; k < tok.top.size(); ++k) {
      const InductionKey& key = tok.top[k];
      if (k > 0) CHECK(key.weight <= tok.top[k - 1].weight);
      CHECK(key.key <= i);  // causal
      CHECK(key.weight == Approx(ind_w(i, key.key)));
      CHECK(key.logit == Approx(ind_l(i, key.key)));
      // The split, in plain loops from the layer-2 input and the weights:
      // match = Q . (previous-word rows of W_k, + b_k) / sqrt(8), copy = Q .
      // (identity rows of W_k) / sqrt(8). Tolerance 1e-3: float logits of 40.
      double match = 0, copy = 0;
      for (int c = 0; c < 8; ++c) {
        double q = L2.b_q(ih)(c), km = L2.b_k(g)(c), kc = 0;
        for (int d = 0; d < 64; ++d) q += L2.input(i, d) * W_q(d, c);
        for (int d : kBuiltinPreviousWordDims) km += L2.input(key.key, d) * W_k(d, c);
        for (int d : kBuiltinIdentityDims) kc += L2.input(key.key, d) * W_k(d, c);
        match += q * km / std::sqrt(8.0);
        copy += q * kc / std::sqrt(8.0);
      }
      CHECK(key.match == Approx(match).margin(1e-3));
      CHECK(key.copy == Approx(copy).margin(1e-3));
      CHECK(key.rest == Approx(0.0).margin(1e-3));  // sinusoidal, no ALiBi: nothing else in the logit
    }
    // The prediction: when most of the weight is on one key, the head's
    // output (the weighted identities) is closest to that key's word.
    if (tok.attends_weight > 0.6) CHECK(Lower(t->tokens[tok.predicted].text) == Lower(t->tokens[tok.attends_to].text));
    // Summary: earlier copies of the same word, the tokens after them, the hit.
    std::vector<int> earlier, targets;
    for (int k = 0; k < i; ++k)
      if (Lower(t->tokens[k].text) == Lower(t->tokens[i].text)) {
        earlier.push_back(k);
        targets.push_back(k + 1);
      }
    CHECK(tok.earlier == earlier);
    CHECK(tok.targets == targets);
    CHECK(tok.at_targets.size() == targets.size());
    if (!earlier.empty()) {
      ++repeated;
      const bool hit = std::find(targets.begin(), targets.end(), static_cast<int>(am)) != targets.end();
      CHECK(tok.hit == hit);
      hits += hit;
    }
  }
  CHECK(l.repeated == repeated);
  CHECK(l.hits == hits);
  // The example: the second Mr, and, Mrs, Dursley, "were" and three
  // of the four commas repeat an earlier token, and all hit.
  CHECK(repeated == 8);
  CHECK(hits == repeated);
  CHECK(l.misses.empty());
}

TEST_CASE("induction lesson: the logit split holds under RoPE and ALiBi, and the notes say what breaks", "[lesson][induction]") {
  Engine engine;
  for (Positional pe : {Positional::Rope, Positional::Alibi, Positional::None}) {
    const InductionLesson l = RunInductionLesson(engine, Causal(kDursley, pe));
    INFO(ToString(pe));
    for (const InductionToken& tok : l.tokens)
      for (const InductionKey& k : tok.top) CHECK(k.match + k.copy + k.rest == Approx(k.logit).margin(1e-3));
    REQUIRE(l.notes.size() == 1);
    CHECK_THAT(l.notes[0], Catch::Contains(pe == Positional::Rope ? "RoPE" : pe == Positional::Alibi ? "ALiBi" : "none"));
    if (pe == Positional::Alibi) {
      // ALiBi's bias is all the rest: -m |i - j| / T with the induction head's slope (head 0: 1/2).
      const InductionToken& last = l.tokens.back();
      for (const InductionKey& k : last.top) CHECK(k.rest == Approx(-0.5 * (l.n - 1 - k.key)).margin(1e-3));
    }
  }
  // Without the causal mask the token after the query matches too.
  Request bidi = Causal(kDursley);
  bidi.mask.causal = false;
  const InductionLesson b = RunInductionLesson(engine, bidi);
  REQUIRE(!b.notes.empty());
  CHECK_THAT(b.notes[0], Catch::Contains("causal"));
  // With 4 kv heads layer 1's previous-token head shares its value.
  Request gqa = Causal(kDursley);
  gqa.kv_heads = 4;
  CHECK_THAT(RunInductionLesson(engine, gqa).notes.back(), Catch::Contains("mean-pooled"));
}

TEST_CASE("induction lesson: refuses models without the circuit, and a --top out of range", "[lesson][induction]") {
  Engine engine;
  Request r = Causal("a b a b");
  r.model = "random";
  CHECK_THROWS_WITH(RunInductionLesson(engine, r), Catch::Contains("--model builtin"));
  InductionParams p;
  p.top = 0;
  CHECK_THROWS_WITH(RunInductionLesson(engine, Causal("a b a b"), p), Catch::Contains("top 0"));
  const test::ProcessResult bad = test::RunAttnviz({"lesson", "induction", "--model", "random", "--text", "a b"});
  CHECK(bad.status == 2);
  CHECK_THAT(bad.err, Catch::Contains("--model builtin"));
  CHECK(std::count(bad.err.begin(), bad.err.end(), '\n') == 1);
}

TEST_CASE("induction lesson: attnviz lesson induction prints the same numbers as core", "[lesson][induction][cli]") {
  const test::ProcessResult res =
      test::RunAttnviz({"lesson", "induction", "--text", kDursley, "--causal", "--top", "3", "--format", "json"});
  REQUIRE(res.status == 0);
  const nlohmann::json j = nlohmann::json::parse(res.out);
  CHECK(j["lesson"] == "induction");
  Engine engine;
  InductionParams p;
  p.top = 3;
  const nlohmann::json core = ToJson(RunInductionLesson(engine, Causal(kDursley), p));
  // Shortest round-trip numbers: the parsed JSON equals core's exactly.
  CHECK(j == nlohmann::json::parse(core.dump()));
  CHECK(j["summary"]["repeated"] == 8);
  CHECK(j["summary"]["hits"] == 8);
  CHECK(j["summary"]["hit_rate"] == 1.0);
  CHECK(j["tokens"].size() == static_cast<std::size_t>(j["n"].get<int>()));
  CHECK(j["tokens"][0]["repeat"].is_null());
  const nlohmann::json& last = j["tokens"].back();  // the second "Dursley"
  CHECK(last["text"] == "Dursley");
  CHECK(last["induction"]["attends_to"] == 4);      // the "," after the first "Dursley"
  CHECK(last["repeat"]["targets"] == nlohmann::json::array({4}));
  CHECK(last["induction"]["top"].size() == 3);
  CHECK(j["previous_word_dims"] == nlohmann::json::array({44, 45, 46, 47, 60, 62}));
}
