// `attnviz trace`, `--help`, `--version` and usage errors, run as a user would.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/engine.h"
#include "tests/unit/process.h"
#include "tests/unit/head-matrices.h"

using attnviz::test::IsOneLineUsageError;
using attnviz::test::RunAttnviz;
using nlohmann::json;

TEST_CASE("trace JSON parses and equals the engine's numbers exactly", "[cli]") {
  const std::vector<std::string> args = {"trace", "--text", "The cat sat, then slept.", "--mask", "sliding", "--causal",
                                         "--window", "3", "--pe", "alibi", "--temperature", "0.8"};
  auto r = RunAttnviz(args);
  REQUIRE(r.status == 0);
  const json j = json::parse(r.out);
  REQUIRE(j["format"] == "attnviz-trace/1");
  REQUIRE(j["text"] == "The cat sat, then slept.");
  REQUIRE(j["tokens"].size() == 7);
  REQUIRE(j["tokens"][3]["text"] == ",");
  REQUIRE(j["tokens"][3]["start"] == 11);
  REQUIRE(j["tokens"][3]["end"] == 12);
  const json& c = j["config"];
  REQUIRE(c["model"] == "builtin");
  REQUIRE(c["d_model"] == 64);
  REQUIRE(c["heads"] == 8);
  REQUIRE(c["kv_heads"] == 8);
  REQUIRE(c["d_k"] == 8);
  REQUIRE(c["positional"] == "alibi");
  REQUIRE(c["mask"]["pattern"] == "sliding");
  REQUIRE(c["mask"]["causal"] == true);
  REQUIRE(c["mask"]["window"] == 3);

  attnviz::Request req;
  req.text = "The cat sat, then slept.";
  req.mask.pattern = attnviz::MaskPattern::Sliding;
  req.mask.causal = true;
  req.positional = attnviz::Positional::Alibi;
  req.temperature = 0.8f;
  auto t = attnviz::RunTrace(req);
  REQUIRE(j["layers"].size() == 2);  // the built-in model's two layers
  const json& heads = j["layers"][0]["heads"];
  REQUIRE(heads.size() == 8);
  for (int h = 0; h < 8; ++h) {
    const auto& ht = t->layers[0].heads[h];
    const attnviz::test::HeadMats hm = attnviz::test::MatsOf(*t, 0, h);
    REQUIRE(heads[h]["role"] == ht.role);
    for (int i = 0; i < 7; ++i)
      for (int k = 0; k < 7; ++k) {
        // Shortest round-trip float text: the parsed value is the identical float.
        REQUIRE(heads[h]["weights"][i][k].get<float>() == hm.weights(i, k));
        REQUIRE(heads[h]["scores"][i][k].get<float>() == hm.scores(i, k));
        REQUIRE(heads[h]["mask"][i][k].get<int>() == t->mask(i, k));
        if (t->mask(i, k)) REQUIRE(heads[h]["logits"][i][k].get<float>() == hm.logits(i, k));
        else REQUIRE(heads[h]["logits"][i][k].is_null());
      }
    for (const char* key : {"W_q", "b_q", "W_k", "b_k", "W_v", "b_v", "Q", "K", "V", "bias", "output", "empty_rows", "kv_head"})
      REQUIRE(heads[h].contains(key));
    REQUIRE(heads[h]["Q"].size() == 7);
    REQUIRE(heads[h]["Q"][0].size() == 8);
    REQUIRE(heads[h]["W_q"].size() == 64);
  }
  REQUIRE(j["layers"][0]["W_o"].size() == 64);
  REQUIRE(j["layers"][0]["output"][6][63].get<float>() == t->layers[0].output(6, 63));
  REQUIRE(j["layers"][0]["input"].size() == 7);
}

TEST_CASE("trace: --layer selects a layer of the random model", "[cli]") {
  auto r = RunAttnviz({"trace", "--model", "random", "--layers", "3", "--layer", "2", "--d-model", "16", "--heads", "2",
                       "--text", "a b c"});
  REQUIRE(r.status == 0);
  const json j = json::parse(r.out);
  REQUIRE(j["layers"].size() == 1);
  REQUIRE(j["layers"][0]["layer"] == 2);
  auto bad = RunAttnviz({"trace", "--layer", "2", "--text", "a b"});  // the built-in model has layers 0 and 1
  REQUIRE(IsOneLineUsageError(bad));
  REQUIRE_THAT(bad.err, Catch::Contains("--layer"));
}

TEST_CASE("trace reads text from standard input with --text-file -", "[cli]") {
  attnviz::test::ProcessOptions opt;
  opt.stdin_text = "hello   world\n";
  auto r = RunAttnviz({"trace", "--text-file", "-"}, opt);
  REQUIRE(r.status == 0);
  REQUIRE(json::parse(r.out)["tokens"].size() == 2);
}

TEST_CASE("--help and --version", "[cli]") {
  auto h = RunAttnviz({"--help"});
  REQUIRE(h.status == 0);
  REQUIRE_THAT(h.out, Catch::Contains("attnviz trace"));
  REQUIRE_THAT(h.out, Catch::Contains("--mask PATTERN"));
  REQUIRE_THAT(h.out, Catch::Contains("not trained"));
  auto th = RunAttnviz({"trace", "--help"});
  REQUIRE(th.status == 0);
  REQUIRE_THAT(th.out, Catch::Contains("attnviz-trace/1"));
  auto v = RunAttnviz({"--version"});
  REQUIRE(v.status == 0);
  REQUIRE_THAT(v.out, Catch::StartsWith("attnviz "));
}

TEST_CASE("each bad option exits 2 with one line naming option, value and what is allowed", "[cli]") {
  struct Case { std::vector<std::string> args; std::string expect; };
  const std::vector<Case> cases = {
      {{"trace", "--window", "0"}, "--window: '0' is not allowed"},
      {{"trace", "--block", "-3"}, "--block: '-3'"},
      {{"trace", "--heads", "5"}, "--heads: '5' does not divide d_model 64"},
      {{"trace", "--kv-heads", "3"}, "--kv-heads: '3' does not divide heads 8"},
      {{"trace", "--temperature", "0"}, "--temperature: '0' is not allowed; expected a number in 0.01..100"},
      {{"trace", "--temperature", "-1"}, "--temperature"},
      {{"trace", "--temperature", "nan"}, "--temperature"},
      {{"trace", "--pe", "fourier"}, "--pe: 'fourier' is not allowed; expected none, sinusoidal, rope, alibi"},
      {{"trace", "--mask", "diagonal"}, "--mask: 'diagonal'"},
      {{"trace", "--globals", "0,,3"}, "--globals"},
      {{"trace", "--seed", "-1"}, "--seed"},
      {{"trace", "--d-model", "abc"}, "--d-model: 'abc'"},
      {{"trace", "--text"}, "--text: needs a value"},
      {{"trace", "--frobnicate"}, "--frobnicate: unknown option"},
      {{"trace", "--format", "xml"}, "--format: 'xml'"},
      {{"trace", "--text", ""}, "text is empty"},
      {{"trace", "--text", "   "}, "no tokens"},
      {{"trace", "--text", std::string("bad \xC3(", 6)}, "not valid UTF-8: bad byte 0xC3 at byte offset 4"},
      {{"trace", "--d-model", "128"}, "--model random"},
      {{"trace", "--model", "random", "--d-model", "6", "--heads", "2", "--pe", "rope"}, "rope"},
      {{"trace", "--model", "/nonexistent/model"}, "not available"},
      {{"frobnicate"}, "unknown command 'frobnicate'"},
  };
  for (const Case& c : cases) {
    INFO(c.args.back());
    auto r = RunAttnviz(c.args);
    REQUIRE(IsOneLineUsageError(r));
    REQUIRE_THAT(r.err, Catch::Contains(c.expect));
    REQUIRE(r.out.empty());
  }
}
