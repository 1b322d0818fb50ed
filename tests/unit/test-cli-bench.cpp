// `attnviz bench`, run as a user would: JSON as SPEC.md "attnviz bench --format
// json" says, sane numbers at tiny sizes, one-line usage errors with status 2.
// Speed itself is never asserted here (benchmarks measure it; see README).
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <sstream>

#include "tests/unit/process.h"

using attnviz::test::IsOneLineUsageError;
using attnviz::test::RunAttnviz;
using nlohmann::json;

namespace {

std::vector<json> JsonLines(const std::string& out) {
  std::vector<json> lines;
  std::istringstream s(out);
  for (std::string l; std::getline(s, l);)
    if (!l.empty()) lines.push_back(json::parse(l));
  return lines;
}

}  // namespace

TEST_CASE("bench --format json: one object per result with every SPEC field", "[cli][bench]") {
  auto r = RunAttnviz({"bench", "--n", "64", "--d", "16", "--heads", "2", "--impl", "reference,tiled", "--mask",
                       "sliding", "--causal", "--window", "8", "--runs", "1", "--format", "json"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  const std::vector<json> lines = JsonLines(r.out);
  REQUIRE(lines.size() == 2);
  const char* keys[] = {"impl", "n", "d", "heads", "mask", "threads", "runs", "median_ms", "min_ms", "gflops",
                        "peak_gflops", "peak_fraction"};
  for (std::size_t k = 0; k < lines.size(); ++k) {
    const json& j = lines[k];
    REQUIRE(j.size() == std::size(keys));
    for (const char* key : keys) REQUIRE(j.contains(key));
    REQUIRE(j["impl"] == (k == 0 ? "reference" : "tiled"));
    REQUIRE(j["n"] == 64);
    REQUIRE(j["d"] == 16);
    REQUIRE(j["heads"] == 2);
    REQUIRE(j["threads"] == 1);
    REQUIRE(j["runs"] == 1);
    REQUIRE(j["mask"]["pattern"] == "sliding");
    REQUIRE(j["mask"]["causal"] == true);
    REQUIRE(j["mask"]["window"] == 8);
    REQUIRE(j["mask"]["globals"] == json::array({0}));
    REQUIRE(j["mask"]["block"] == 4);
    const double median = j["median_ms"], min = j["min_ms"], gflops = j["gflops"], peak = j["peak_gflops"],
                 fraction = j["peak_fraction"];
    REQUIRE(median > 0);
    REQUIRE(min > 0);
    REQUIRE(min <= median);
    REQUIRE(gflops > 0);
    REQUIRE(peak > 0);
    // gflops counts 4 d flops per allowed pair: 2 heads x (64 rows, at most 8 keys each, fewer at the start).
    const double pairs = 2.0 * (8 * 64 - 28);
    REQUIRE(gflops == Approx(4.0 * 16 * pairs / (median * 1e-3) / 1e9).epsilon(1e-9));
    REQUIRE(fraction == Approx(gflops / peak).epsilon(1e-9));
  }
}

TEST_CASE("bench: lists run every combination; the table is the default output", "[cli][bench]") {
  auto r = RunAttnviz({"bench", "--n", "32,48", "--d", "8", "--mask", "full,block-sparse", "--threads", "2",
                       "--runs", "1", "--format", "json"});
  REQUIRE(r.status == 0);
  const std::vector<json> lines = JsonLines(r.out);
  REQUIRE(lines.size() == 4);  // n outermost, then mask
  REQUIRE(lines[0]["n"] == 32);
  REQUIRE(lines[0]["mask"]["pattern"] == "full");
  REQUIRE(lines[1]["mask"]["pattern"] == "block-sparse");
  REQUIRE(lines[3]["n"] == 48);
  REQUIRE(lines[3]["threads"] == 2);
  auto t = RunAttnviz({"bench", "--n", "40", "--d", "8", "--runs", "1", "--kernel", "portable"});
  REQUIRE(t.status == 0);
  REQUIRE(t.out.find("median_ms") != std::string::npos);
  REQUIRE(t.out.find("portable") != std::string::npos);
  REQUIRE(t.out.find('{') == std::string::npos);
}

TEST_CASE("bench: bad values exit 2 with one line naming the option, the value and what is allowed", "[cli][bench]") {
  struct Bad {
    std::vector<std::string> args;
    const char* says;
  };
  const Bad bad[] = {
      {{"--n", "0"}, "--n: '0' is not allowed; expected an integer in 1..16384"},
      {{"--n", "64,"}, "--n: '' is not allowed"},
      {{"--n", "9000", "--impl", "reference"}, "--n: '9000' is not allowed with --impl reference"},
      {{"--d", "x"}, "--d: 'x' is not allowed"},
      {{"--heads", "65"}, "--heads: '65' is not allowed"},
      {{"--impl", "flash"}, "--impl: 'flash' is not allowed; expected reference or tiled"},
      {{"--mask", "diagonal"}, "--mask: 'diagonal' is not allowed"},
      {{"--threads", "0"}, "--threads: '0' is not allowed"},
      {{"--runs", "-1"}, "--runs: '-1' is not allowed"},
      {{"--window", "0"}, "--window: '0' is not allowed"},
      {{"--globals", "0,,5"}, "--globals: '0,,5' is not allowed"},
      {{"--kernel", "sse9"}, "--kernel: 'sse9' is not allowed"},
      {{"--format", "xml"}, "--format: 'xml' is not allowed"},
      {{"--causal=yes"}, "--causal: takes no value"},
      {{"--speed"}, "--speed: unknown option for attnviz bench"},
      {{"--n"}, "--n: needs a value"},
  };
  for (const Bad& b : bad) {
    std::vector<std::string> args = {"bench"};
    args.insert(args.end(), b.args.begin(), b.args.end());
    const auto r = RunAttnviz(args);
    INFO(b.args[0] << " -> " << r.err);
    REQUIRE(IsOneLineUsageError(r));
    REQUIRE(r.err.rfind("attnviz bench: ", 0) == 0);
    REQUIRE(r.err.find(b.says) != std::string::npos);
    REQUIRE(r.out.empty());
  }
  const auto m = RunAttnviz({"bench", "--model", "/tmp"});
  REQUIRE(IsOneLineUsageError(m));
  REQUIRE(m.err.find("bench --model needs the GPT-2 loader") != std::string::npos);
}

TEST_CASE("bench --help and the top-level help mention bench", "[cli][bench]") {
  const auto h = RunAttnviz({"bench", "--help"});
  REQUIRE(h.status == 0);
  REQUIRE(h.out.find("--impl") != std::string::npos);
  const auto top = RunAttnviz({"--help"});
  REQUIRE(top.out.find("attnviz bench") != std::string::npos);
}
