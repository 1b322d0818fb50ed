// core/request.h: problems are reported with the field they are about (the
// window places messages by field), global-token lists have one rule for the
// CLI, the window and the settings, and the built-in model's shape comes from core.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/cli/options.h"
#include "core/limits.h"
#include "core/model/builtin.h"
#include "core/request.h"
#include "core/types.h"

using namespace attnviz;

TEST_CASE("request problems name their field, and ValidateRequest throws the same message", "[request]") {
  struct Case {
    void (*edit)(Request&);
    RequestField field;
    const char* words;  // the option named in the message
  };
  const Case cases[] = {
      {[](Request& r) { r.d_model = 0; }, RequestField::DModel, "d_model 0"},
      {[](Request& r) { r.heads = kMaxHeads + 1; }, RequestField::Heads, "heads 65"},
      {[](Request& r) { r.heads = 5; r.kv_heads = 5; }, RequestField::Heads, "does not divide d_model"},
      {[](Request& r) { r.kv_heads = 3; }, RequestField::KvHeads, "kv-heads 3"},
      {[](Request& r) { r.layers = 0; }, RequestField::Layers, "layers 0"},
      {[](Request& r) { r.temperature = 0.0f; }, RequestField::Temperature, "temperature"},
      {[](Request& r) { r.d_model = 24; r.heads = 8; r.kv_heads = 8; r.positional = Positional::Rope; },
       RequestField::Positional, "rope needs an even head dimension"},
      {[](Request& r) { r.mask.window = 0; }, RequestField::Window, "window 0"},
      {[](Request& r) { r.mask.block = -2; }, RequestField::Block, "block -2"},
      {[](Request& r) { r.mask.globals = {0, -1}; }, RequestField::Globals, "global token -1"},
  };
  for (const Case& c : cases) {
    Request r;
    c.edit(r);
    const RequestProblem p = FindRequestProblem(r);
    INFO(p.message);
    CHECK(p);
    CHECK(p.field == c.field);
    CHECK(p.message.find(c.words) != std::string::npos);
    CHECK_THROWS_WITH(ValidateRequest(r), p.message);
  }
  CHECK_FALSE(FindRequestProblem(Request{}));
  CHECK_NOTHROW(ValidateRequest(Request{}));
}

TEST_CASE("global-token lists: one parser for the CLI, the window and the settings", "[request]") {
  using G = std::vector<int>;
  CHECK(ParseGlobalTokens("0,5") == G{0, 5});
  CHECK(ParseGlobalTokens(" 0, 5 ,9 ") == G{0, 5, 9});
  CHECK(ParseGlobalTokens("0 5") == G{0, 5});
  CHECK(ParseGlobalTokens("5,0,5") == G{5, 0});  // a repeat counts once, order kept
  CHECK(ParseGlobalTokens("0,") == G{0});        // being typed
  CHECK(ParseGlobalTokens("") == G{});
  CHECK(ParseGlobalTokens("none") == G{});
  CHECK(ParseGlobalTokens("4095") == G{4095});
  for (const char* bad : {"1,,2", ",5", ",", "0,,", "-1", "+3", "4096", "1e3", "x", "0;5", "99999999999999999999"}) {
    INFO(bad);
    CHECK_FALSE(ParseGlobalTokens(bad).has_value());
  }
  CHECK(FormatGlobalTokens({0, 5, 9}) == "0,5,9");
  CHECK(ParseGlobalTokens(FormatGlobalTokens({3, 1, 4})) == G{3, 1, 4});
  CHECK(GlobalTokensFrom({2, 2, 7}) == G{2, 7});
  CHECK_FALSE(GlobalTokensFrom({0, kMaxTokens}).has_value());
  CHECK_FALSE(GlobalTokensFrom(std::vector<long long>(kMaxTokens + 1, 0)).has_value());

  // The CLI reads --globals with it: the same lists, the same refusals.
  std::vector<std::string> rest;
  CHECK(ParseTraceOptions({"--globals", "0, 5,5"}, &rest).request.mask.globals == G{0, 5});
  CHECK(ParseTraceOptions({"--globals", "none"}, &rest).request.mask.globals.empty());
  CHECK_THROWS_WITH(ParseTraceOptions({"--globals", "1,,2"}, &rest), Catch::StartsWith("--globals: '1,,2'"));
  CHECK_THROWS_WITH(ParseTraceOptions({"--globals", "4096"}, &rest), Catch::Contains("0..4095"));
}

TEST_CASE("the built-in model's shape comes from core", "[request][builtin]") {
  Request r;
  r.model = "random";
  r.d_model = 96;
  r.heads = 12;
  r.kv_heads = 3;
  r.layers = 4;
  ApplyBuiltinShape(r);
  CHECK(r.d_model == kBuiltinDModel);
  CHECK(r.heads == kBuiltinHeads);
  CHECK(r.kv_heads == kBuiltinHeads);  // 3 does not divide 8: one per head
  CHECK(r.layers == kBuiltinLayers);
  r.kv_heads = 2;
  ApplyBuiltinShape(r);
  CHECK(r.kv_heads == 2);  // still a divisor: grouped-query attention stays
  CHECK(DescribeBuiltinShape() == "d_model 64, 8 heads, 2 layers");
  // And it is the shape the model itself reports.
  const ModelShape s = MakeBuiltinModel()->Shape();
  CHECK(s.d_model == kBuiltinDModel);
  CHECK(s.heads == kBuiltinHeads);
  CHECK(s.layers == kBuiltinLayers);
}
