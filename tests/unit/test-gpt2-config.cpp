// GPT-2 config.json (core/model/gpt2_config.h).
#include <catch2/catch.hpp>

#include "core/model/gpt2_config.h"
#include "core/types.h"

using namespace attnviz;

namespace {

std::string ConfigError(const std::string& json) {
  try {
    ParseGpt2Config(json);
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

// GPT-2 small's sizes, as Hugging Face's config.json states them.
const std::string kSmall =
    R"({"model_type":"gpt2","n_embd":768,"n_head":12,"n_layer":12,"n_positions":1024,"n_ctx":1024,)"
    R"("vocab_size":50257,"layer_norm_epsilon":1e-05,"activation_function":"gelu_new"})";  // (no n_inner: 4 n_embd)

}  // namespace

TEST_CASE("gpt2 config: GPT-2 small and the tiny test file", "[gpt2-config]") {
  const Gpt2Config c = ParseGpt2Config(kSmall);
  CHECK(c.n_embd == 768);
  CHECK(c.n_head == 12);
  CHECK(c.n_layer == 12);
  CHECK(c.n_positions == 1024);
  CHECK(c.vocab_size == 50257);
  CHECK(c.layer_norm_epsilon == 1e-5);
  CHECK_NOTHROW(CheckGpt2ConfigFitsLimits(c));

  const Gpt2Config tiny = ReadGpt2Config(std::string(ATTNVIZ_TEST_DATA_DIR) + "/gpt2/config.json");
  CHECK(tiny.n_embd == 8);
  CHECK(tiny.n_head == 2);
  CHECK(tiny.vocab_size == 296);
}

TEST_CASE("gpt2 config: older and sparser files", "[gpt2-config]") {
  // No model_type, n_ctx instead of n_positions, no epsilon (GPT2Config default 1e-5).
  const Gpt2Config c = ParseGpt2Config(R"({"n_embd":64,"n_head":4,"n_layer":2,"n_ctx":128,"vocab_size":300})");
  CHECK(c.n_positions == 128);
  CHECK(c.layer_norm_epsilon == 1e-5);
}

TEST_CASE("gpt2 config: each bad field is named", "[gpt2-config]") {
  const std::string base = R"("n_head":4,"n_layer":2,"n_positions":128,"vocab_size":300)";
  CHECK(ConfigError("{\"n_embd\":64," + base + "}") == "(no error)");
  CHECK_THAT(ConfigError(""), Catch::Contains("config.json: not valid JSON at byte"));
  CHECK_THAT(ConfigError("[]"), Catch::Contains("expected a JSON object"));
  CHECK_THAT(ConfigError("{" + base + "}"), Catch::Contains("missing \"n_embd\""));
  CHECK_THAT(ConfigError("{\"n_embd\":\"64\"," + base + "}"), Catch::Contains("\"n_embd\" must be an integer"));
  CHECK_THAT(ConfigError("{\"n_embd\":64.5," + base + "}"), Catch::Contains("must be an integer"));
  CHECK_THAT(ConfigError("{\"n_embd\":0," + base + "}"), Catch::Contains("\"n_embd\" is 0; expected 1..16777216"));
  CHECK_THAT(ConfigError("{\"n_embd\":-8," + base + "}"), Catch::Contains("is -8"));
  CHECK_THAT(ConfigError("{\"n_embd\":18446744073709551615," + base + "}"), Catch::Contains("is 18446744073709551615"));
  CHECK_THAT(ConfigError("{\"n_embd\":66," + base + "}"), Catch::Contains("n_embd 66 is not divisible by n_head 4"));
  CHECK_THAT(ConfigError(R"({"n_embd":64,"n_head":4,"n_layer":2,"vocab_size":300})"), Catch::Contains("missing \"n_positions\""));
  CHECK_THAT(ConfigError(R"({"n_embd":64,"n_head":4,"n_layer":2,"n_positions":128,"n_ctx":64,"vocab_size":300})"),
             Catch::Contains("\"n_ctx\" 64 and \"n_positions\" 128 disagree"));
  CHECK_THAT(ConfigError("{\"n_embd\":64," + base + ",\"layer_norm_epsilon\":0}"), Catch::Contains("expected a number in (0, 1]"));
  CHECK_THAT(ConfigError("{\"n_embd\":64," + base + ",\"layer_norm_epsilon\":-1e-5}"), Catch::Contains("layer_norm_epsilon"));
  CHECK_THAT(ConfigError("{\"n_embd\":64," + base + ",\"layer_norm_epsilon\":\"x\"}"), Catch::Contains("must be a number"));
  CHECK_THAT(ConfigError("{\"model_type\":\"llama\",\"n_embd\":64," + base + "}"),
             Catch::Contains("model_type 'llama' is not a GPT-2 checkpoint"));
  CHECK_THAT(ConfigError("{\"n_embd\":64,\"n_embd\":32," + base + "}"), Catch::Contains("'n_embd' appears twice"));
  CHECK_THROWS_WITH(ReadGpt2Config("/nonexistent/config.json"), Catch::Contains("/nonexistent/config.json: cannot open"));
}

TEST_CASE("gpt2 config: models larger than attnviz traces are refused by size", "[gpt2-config]") {
  // GPT-2 XL: n_embd 1600 > kMaxDModel 1024.
  const Gpt2Config xl = ParseGpt2Config(
      R"({"n_embd":1600,"n_head":25,"n_layer":48,"n_positions":1024,"vocab_size":50257})");
  CHECK_THROWS_WITH(CheckGpt2ConfigFitsLimits(xl), Catch::Contains("n_embd 1600 is more than attnviz traces (at most 1024"));
  const Gpt2Config deep = ParseGpt2Config(R"({"n_embd":64,"n_head":4,"n_layer":49,"n_positions":64,"vocab_size":300})");
  CHECK_THROWS_WITH(CheckGpt2ConfigFitsLimits(deep), Catch::Contains("n_layer 49"));
}

TEST_CASE("gpt2 config: MLP width and settings that would change the forward pass", "[gpt2-config]") {
  // n_inner: null or absent means 4 n_embd (GPT2Config), a number is taken as is.
  CHECK(ParseGpt2Config(kSmall).n_inner == 3072);
  const std::string base = kSmall.substr(0, kSmall.size() - 1);
  CHECK(ParseGpt2Config(base + R"(,"n_inner":null})").n_inner == 3072);
  CHECK(ParseGpt2Config(base + R"(,"n_inner":1000})").n_inner == 1000);
  CHECK_THAT(ConfigError(base + R"(,"n_inner":0})"), Catch::Contains("\"n_inner\" is 0"));
  // gelu_pytorch_tanh is the same function as gelu_new; others are refused by name.
  CHECK_NOTHROW(ParseGpt2Config(R"({"n_embd":64,"n_head":4,"n_layer":2,"n_ctx":128,"vocab_size":300,"activation_function":"gelu_pytorch_tanh"})"));
  CHECK_THAT(ConfigError(R"({"n_embd":64,"n_head":4,"n_layer":2,"n_ctx":128,"vocab_size":300,"activation_function":"relu"})"),
             Catch::Contains("activation_function 'relu' is not supported"));
  CHECK_THAT(ConfigError(base + R"(,"scale_attn_weights":false})"), Catch::Contains("scale_attn_weights"));
  CHECK_NOTHROW(ParseGpt2Config(base + R"(,"scale_attn_weights":true,"scale_attn_by_inverse_layer_idx":false})"));
  CHECK_THAT(ConfigError(base + R"(,"scale_attn_by_inverse_layer_idx":true})"), Catch::Contains("scale_attn_by_inverse_layer_idx"));
}
