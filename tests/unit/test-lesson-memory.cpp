// The `memory` lesson (SPEC "Lessons") against the published configurations,
// worked out by hand here, and the other first lessons (path, kv-cache,
// flash) against their definitions; `attnviz lesson` around them.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/lessons/flash.h"
#include "core/lessons/kv_cache.h"
#include "core/lessons/lesson.h"
#include "core/lessons/memory.h"
#include "core/lessons/path_length.h"
#include "tests/unit/process.h"

using namespace attnviz;
using namespace attnviz::lessons;

namespace {
const nlohmann::json& ModelEntry(const nlohmann::json& j, const std::string& name) {
  for (const nlohmann::json& m : j["models"])
    if (m["name"] == name) return m;
  FAIL("no model " << name);
  throw std::logic_error("unreachable");
}
}  // namespace

TEST_CASE("memory lesson: KV-cache bytes of published models", "[lesson][memory]") {
  const test::ProcessResult res = test::RunAttnviz({"lesson", "memory", "--format", "json"});
  REQUIRE(res.status == 0);
  const nlohmann::json j = nlohmann::json::parse(res.out);
  REQUIRE(j["lesson"] == "memory");
  REQUIRE(j["context"] == 4096);
  REQUIRE(j["bytes_per_value"] == 2);
  // K and V x layers x kv heads x head dim x 2 bytes, by hand:
  // GPT-2 small: 2 x 12 x 12 x 64 x 2 = 36,864 B per token.
  REQUIRE(ModelEntry(j, "GPT-2 small")["cache_bytes_per_token"] == 36864);
  REQUIRE(ModelEntry(j, "GPT-2 small")["attention"] == "MHA");
  // Llama-2-7B: 2 x 32 x 32 x 128 x 2 = 524,288 (0.5 MiB) per token; 2 GiB at 4,096.
  REQUIRE(ModelEntry(j, "Llama-2-7B")["cache_bytes_per_token"] == 524288);
  REQUIRE(ModelEntry(j, "Llama-2-7B")["cache_bytes"] == 2147483648LL);
  // Llama-3-8B: 8 kv heads, 4x less: 131,072 per token, 512 MiB at 4,096 (SPEC's example).
  const nlohmann::json& l3 = ModelEntry(j, "Llama-3-8B");
  REQUIRE(l3["layers"] == 32);
  REQUIRE(l3["heads"] == 32);
  REQUIRE(l3["kv_heads"] == 8);
  REQUIRE(l3["head_dim"] == 128);
  REQUIRE(l3["attention"] == "GQA");
  REQUIRE(l3["cache_bytes_per_token"] == 131072);
  REQUIRE(l3["cache_bytes"] == 536870912);
  // Mistral-7B: like Llama-3-8B per token, and a rolling buffer of 4,096 tokens.
  REQUIRE(ModelEntry(j, "Mistral-7B")["cache_bytes_per_token"] == 131072);
  REQUIRE(ModelEntry(j, "Mistral-7B")["sliding_window"] == 4096);
  // DeepSeek-V2, MLA: 60 layers x (512 + 64) x 2 = 69,120 B per token, shared by 128 heads.
  const nlohmann::json& ds = ModelEntry(j, "DeepSeek-V2");
  REQUIRE(ds["attention"] == "MLA");
  REQUIRE(ds["kv_lora_rank"] == 512);
  REQUIRE(ds["qk_rope_head_dim"] == 64);
  REQUIRE(ds["cache_bytes_per_token"] == 69120);
  // Against its own MHA equivalent (2 x 60 x 128 x 128 x 2 = 3,932,160) that is ~57x smaller.
  REQUIRE(ds["mha_bytes_per_token"] == 3932160);
  // The model loaded now is the last row: the built-in model, float figures at 2 bytes.
  const nlohmann::json& cur = j["models"].back();
  REQUIRE(cur["current"] == true);
  REQUIRE(cur["name"] == "builtin");
  REQUIRE(cur["cache_bytes_per_token"] == 2 * 2 * 8 * 8 * 2);  // K and V, 2 layers, 8 kv heads of 8, 2 bytes
}

TEST_CASE("memory lesson: a long context fills a sliding window and stops growing", "[lesson][memory]") {
  const MemoryLesson m = ComputeMemoryLesson(32768, 2, PublishedModelConfigs());
  for (const ModelMemoryRow& r : m.models) {
    if (r.config.name == "Mistral-7B") {
      REQUIRE(r.cached_tokens == 4096);
      REQUIRE(r.cache_bytes == 131072.0 * 4096);
    }
    if (r.config.name == "Llama-3-8B") REQUIRE(r.cache_bytes == 131072.0 * 32768);
  }
  const test::ProcessResult res = test::RunAttnviz({"lesson", "memory", "--context", "128000", "--bytes", "1", "--kv-heads", "2"});
  REQUIRE(res.status == 0);
  const nlohmann::json j = nlohmann::json::parse(res.out);
  REQUIRE(ModelEntry(j, "Llama-3-8B")["cache_bytes"] == 65536LL * 128000);
  REQUIRE(j["models"].back()["kv_heads"] == 2);
  REQUIRE(j["models"].back()["attention"] == "GQA");
}

TEST_CASE("path, kv-cache and flash lessons compute what chapters 1, 6 and 8 show", "[lesson]") {
  const PathLesson p = ComputePathLesson(12, 1, 8);
  REQUIRE(p.rnn_steps == 7);
  REQUIRE(p.attention_steps == 1);
  REQUIRE(p.first_to_last_rnn == 11);
  REQUIRE(p.pairs == 144);
  REQUIRE(ComputePathLesson(12, -1, -1).rnn_steps == 11);
  REQUIRE(ComputePathLesson(12, 4, 4).attention_steps == 0);
  REQUIRE(ComputePathLesson(1, -1, -1).first_to_last_attention == 0);

  ModelShape s;
  s.layers = 2;
  s.heads = 8;
  s.kv_heads = 8;
  s.d_k = 8;
  const KvCacheLesson k = ComputeKvCacheLesson(s, 2, 10, 4);
  REQUIRE(k.cache_bytes_per_token == 2 * 2 * 2 * 8 * 4);
  REQUIRE(k.cache_bytes == 10 * 2 * 2 * 2 * 8 * 4);
  REQUIRE(k.reduction == 4.0);

  const FlashLesson f = ComputeFlashLesson(1024, 64, 12, 4);
  REQUIRE(f.weights_bytes_per_head == 1024.0 * 1024 * 4);
  REQUIRE(f.tiled_state_bytes_per_head == 1024.0 * 66 * 4);

  const test::ProcessResult res = test::RunAttnviz({"lesson", "path", "--text", "a b c d e", "--from", "1", "--to", "4"});
  REQUIRE(res.status == 0);
  const nlohmann::json j = nlohmann::json::parse(res.out);
  REQUIRE(j["lesson"] == "path");
  REQUIRE(j["rnn_steps"] == 3);
  REQUIRE(j["pairs"] == 25);
}

TEST_CASE("attnviz lesson: --list names every lesson; bad names and options exit 2 with one line", "[lesson][cli]") {
  const test::ProcessResult list = test::RunAttnviz({"lesson", "--list"});
  REQUIRE(list.status == 0);
  for (const LessonInfo& l : AllLessons()) REQUIRE_THAT(list.out, Catch::Contains(l.name));
  const test::ProcessResult lj = test::RunAttnviz({"lesson", "--list", "--format", "json"});
  REQUIRE(lj.status == 0);
  REQUIRE(nlohmann::json::parse(lj.out)["lessons"].size() == AllLessons().size());
  REQUIRE(FindLesson("memory") != nullptr);
  REQUIRE(FindLesson("rnn") != nullptr);

  struct Bad {
    std::vector<std::string> args;
    const char* says;
  };
  for (const Bad& b : std::vector<Bad>{
           {{"lesson"}, "name a lesson"},
           {{"lesson", "nope"}, "'nope' is not a lesson"},
           {{"lesson", "memory", "--context", "0"}, "--context: '0' is not allowed"},
           {{"lesson", "memory", "--bogus", "1"}, "--bogus: unknown option for attnviz lesson memory"},
           {{"lesson", "rnn", "--radius", "nan"}, "--radius: 'nan' is not allowed"},
           {{"lesson", "rnn", "--text", ""}, "text is empty"},
           {{"lesson", "memory", "--format", "xml"}, "--format: 'xml'"},
       }) {
    const test::ProcessResult r = test::RunAttnviz(b.args);
    INFO(b.args.back());
    REQUIRE(r.status == 2);
    REQUIRE_THAT(r.err, Catch::Contains(b.says));
    REQUIRE(r.ErrorLines().size() == 1);
  }
}
