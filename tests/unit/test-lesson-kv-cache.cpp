// The `kv-cache` lesson's generation stepper: the token-by-token decoder with a
// cache against the engine's causal trace (every positional kind, mask and
// grouping), its own count of what it computed against the counting rule, that
// rule against closed forms, and the rolling buffer of a causal window.
#include <catch2/catch.hpp>

#include <algorithm>

#include "core/engine.h"
#include "core/lessons/kv_cache.h"
#include "tests/unit/lesson-json.h"

using namespace attnviz;
using namespace attnviz::lessons;

TEST_CASE("kv-cache: the decoder with a cache gives the engine's numbers", "[lesson][kv-cache]") {
  Engine engine;
  int runs = 0;
  for (Positional pe : {Positional::None, Positional::Sinusoidal, Positional::Rope, Positional::Alibi}) {
    for (MaskPattern pattern : {MaskPattern::Full, MaskPattern::Sliding, MaskPattern::GlobalLocal, MaskPattern::BlockSparse}) {
      for (int kv : {8, 2}) {
        Request r;
        r.model = "random";
        r.layers = 2;
        r.kv_heads = kv;
        r.positional = pe;
        r.mask.pattern = pattern;
        r.mask.window = 3;
        r.mask.block = 3;
        r.mask.globals = {0, 4};
        r.temperature = 0.7f;
        r.text = "we cache what we have already computed and reuse it for every later token";
        KvCacheParams p;
        p.layer = 1;
        p.head = 5;
        p.step = 9;
        const KvCacheLesson k = RunKvCacheLesson(engine, r, p);
        INFO(ToString(pe) << " " << ToString(pattern) << " kv " << kv);
        REQUIRE(k.mask.causal);
        REQUIRE(k.verified_steps == k.n);
        // Each layer's output row, cached decoder against the engine (float, a
        // double softmax on one side: 1e-5).
        REQUIRE(k.max_abs_diff < 1e-5);
        // What the decoder counted is what the counting rule says.
        GenerationWork sum;
        for (const GenerationWork& w : k.cached) {
          sum.projections += w.projections;
          sum.dot_products += w.dot_products;
          sum.flops += w.flops;
        }
        REQUIRE(k.counted.projections == sum.projections);
        REQUIRE(k.counted.dot_products == sum.dot_products);
        REQUIRE(k.counted.flops == Approx(sum.flops));
        // The cache at step 9 is the trace's K rows (a causal trace's row j is what was cached).
        const Mat& K = k.trace->layers[1].kv_heads[k.kv_head].K;
        REQUIRE(k.K_cache.rows() == k.cache_rows[9]);
        for (int a = 0; a < k.K_cache.rows(); ++a)
          REQUIRE((k.K_cache.row(a) - K.row(k.cache_positions[a])).cwiseAbs().maxCoeff() < 1e-5);
        double wsum = 0;
        for (double w : k.weights) wsum += w;
        REQUIRE(wsum == Approx(1.0));
        ++runs;
      }
    }
  }
  REQUIRE(runs == 32);
}

TEST_CASE("kv-cache: O(t) work per step with the cache, O(t^2) without", "[lesson][kv-cache]") {
  ModelShape s;
  s.layers = 3;
  s.heads = 4;
  s.kv_heads = 4;
  s.d_k = 16;
  s.d_model = 64;
  MaskSpec causal;
  causal.causal = true;
  std::vector<GenerationWork> cached, uncached;
  std::vector<int> rows;
  CountGenerationWork(s, 2, causal, 20, &cached, &uncached, &rows);
  for (int t = 0; t < 20; ++t) {
    REQUIRE(cached[t].projections == 3 * (4 + 2 * 2));
    REQUIRE(cached[t].dot_products == 3 * 4 * (t + 1));
    REQUIRE(uncached[t].projections == 3 * (4 + 2 * 2) * (t + 1));
    REQUIRE(uncached[t].dot_products == 3 * 4 * (t + 1) * (t + 2) / 2);
    REQUIRE(rows[t] == t + 1);
    const double flops = 3 * ((4 + 4) * 2.0 * 64 * 16 + 4.0 * (t + 1) * 4 * 16 + 2.0 * 4 * 16 * 64);
    REQUIRE(cached[t].flops == Approx(flops));
  }
  // A causal window of 5 is a rolling buffer: 5 rows at most, 5 pairs per head.
  MaskSpec window = causal;
  window.pattern = MaskPattern::Sliding;
  window.window = 5;
  CountGenerationWork(s, 4, window, 20, &cached, &uncached, &rows);
  REQUIRE(rows[2] == 3);
  REQUIRE(rows[19] == 5);
  REQUIRE(cached[19].dot_products == 3 * 4 * 5);
}

TEST_CASE("kv-cache: attnviz lesson prints core's numbers", "[lesson][kv-cache][cli]") {
  const nlohmann::json j = test::LessonJson({"kv-cache", "--step", "3", "--head", "2", "--mask", "sliding", "--window", "2", "--text", "a b c d e f"});
  Engine engine;
  Request r;
  r.text = "a b c d e f";
  r.mask.pattern = MaskPattern::Sliding;
  r.mask.window = 2;
  KvCacheParams p;
  p.step = 3;
  p.head = 2;
  const KvCacheLesson k = RunKvCacheLesson(engine, r, p);
  REQUIRE(j["n"] == 6);
  REQUIRE(j["rolling_window"] == 2);
  REQUIRE(j["mask"] == "causal + sliding w=2");
  REQUIRE(j["steps"].size() == 6);
  REQUIRE(j["steps"][4]["uncached"]["dot_products"].get<double>() == k.uncached[4].dot_products);
  REQUIRE(j["total"]["cached"]["flops"].get<double>() == k.cached_total.flops);
  REQUIRE(j["at_step"]["cache_positions"].get<std::vector<int>>() == std::vector<int>{2, 3});
  REQUIRE(j["max_abs_diff"].get<double>() == k.max_abs_diff);
  REQUIRE(j["cache_bytes_per_token"].get<double>() == 2.0 * k.layers * 8 * 8 * 4);  // K and V x layers x 8 kv heads x d_k 8 x float
}
