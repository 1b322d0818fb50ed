// The `hybrid` lesson: the 128k-token arithmetic for Llama-3-8B written out by hand.
#include <catch2/catch.hpp>

#include "core/lessons/hybrid.h"
#include "tests/unit/lesson-json.h"

using namespace attnviz;
using namespace attnviz::lessons;

TEST_CASE("hybrid: Llama-3-8B at 128k tokens, full against 3 linear : 1 full", "[lesson][hybrid]") {
  HybridParams p;
  for (const ModelMemoryConfig& c : PublishedModelConfigs())
    if (c.name == "Llama-3-8B") p.base = c;
  const HybridLesson L = ComputeHybridLesson(p);
  // One full layer: 2 (K, V) x 8 kv heads x 128 x 2 bytes x 131,072 tokens = 512 MiB.
  REQUIRE(L.full_layer.memory_bytes == 2.0 * 8 * 128 * 2 * 131072);
  REQUIRE(L.full_layer.memory_bytes == 536870912.0);
  // 32 of them: 16 GiB.
  REQUIRE(L.stacks[0].total.memory_bytes == 17179869184.0);
  // A linear layer's state: 32 heads x (128 x 128 + 128) x 2 bytes, whatever N.
  REQUIRE(L.linear_layer.memory_bytes == 32.0 * (128 * 128 + 128) * 2);
  // 3 linear : 1 full over 32 layers: 8 full, 24 linear.
  const HybridStack& h = L.stacks[3];
  REQUIRE(h.full == 8);
  REQUIRE(h.linear == 24);
  REQUIRE(h.total.memory_bytes == 8 * 536870912.0 + 24 * 32.0 * (128 * 128 + 128) * 2);
  // Prefill flops of a full layer: 4 d H N(N+1)/2.
  REQUIRE(L.full_layer.prefill_flops == 4.0 * 128 * 32 * 131072.0 * 131073 / 2);
  // Sliding 4096: the cache stops at the window.
  REQUIRE(L.sliding_layer.memory_bytes == 2.0 * 8 * 128 * 2 * 4096);
  REQUIRE(L.stacks[1].memory_curve.back() == L.stacks[1].memory_curve[4]);  // 16k and 1M: both a full window
}

TEST_CASE("hybrid: attnviz lesson prints core's numbers", "[lesson][hybrid][cli]") {
  const nlohmann::json j = test::LessonJson({"hybrid", "--base", "mistral-7b", "--context", "32768", "--ratio", "5"});
  REQUIRE(j["model"]["name"] == "Mistral-7B");
  REQUIRE(j["context"] == 32768.0);
  REQUIRE(j["stacks"][3]["full_layers"] == 6);  // 32 layers in groups of 6: ceil(32 / 6)
  REQUIRE(j["per_layer"]["full"]["memory_bytes"] == 2.0 * 8 * 128 * 2 * 32768);
  const nlohmann::json cur = test::LessonJson({"hybrid", "--base", "current"});
  REQUIRE(cur["model"]["name"] == "builtin");
}
