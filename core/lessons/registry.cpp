// Every lesson `attnviz lesson` knows, in chapter order: one list, one place to
// add a lesson (as the chapters' registry lists the chapters).
#include <algorithm>

#include "core/engine.h"
#include "core/lessons/flash.h"
#include "core/lessons/induction.h"
#include "core/lessons/kv_cache.h"
#include "core/lessons/lesson.h"
#include "core/lessons/memory.h"
#include "core/lessons/path_length.h"
#include "core/lessons/rnn.h"

namespace attnviz::lessons {

namespace {

// [SECTION] Chapter 1

nlohmann::json RunPath(const LessonArgs& a, LessonContext& ctx) {
  const auto source = ctx.engine.Source(a.request);
  const int n = static_cast<int>(TokenizeChecked(*source, a.request.text).size());
  return ToJson(ComputePathLesson(n, a.Int("from"), a.Int("to")));
}

nlohmann::json RunRnn(const LessonArgs& a, LessonContext& ctx) {
  RnnParams p;
  p.hidden = a.Int("hidden");
  p.radius = a.Num("radius");
  p.seed = a.request.seed;
  return ToJson(RunRnnLesson(ctx.engine, a.request, p, ctx.cancel));
}

// [SECTION] Chapters 2-4

nlohmann::json RunInduction(const LessonArgs& a, LessonContext& ctx) {
  InductionParams p;
  p.top = a.Int("top");
  return ToJson(RunInductionLesson(ctx.engine, a.request, p, ctx.cancel));
}

// [SECTION] Chapter 6

nlohmann::json RunMemory(const LessonArgs& a, LessonContext& ctx) {
  std::vector<ModelMemoryConfig> models = PublishedModelConfigs();
  // The model loaded now joins the table (built-in and random models too: the
  // numbers are as real for them, and a student sees where a toy model sits).
  const auto source = ctx.engine.Source(a.request);
  models.push_back(ConfigOfModel(source->Shape(), a.request.kv_heads));
  return ToJson(ComputeMemoryLesson(a.Int("context"), a.Int("bytes"), models));
}

nlohmann::json RunKvCache(const LessonArgs& a, LessonContext& ctx) {
  const auto source = ctx.engine.Source(a.request);
  const int n = static_cast<int>(TokenizeChecked(*source, a.request.text).size());
  return ToJson(ComputeKvCacheLesson(source->Shape(), a.request.kv_heads, n, a.Int("bytes")));
}

// [SECTION] Chapter 8

nlohmann::json RunFlash(const LessonArgs& a, LessonContext& ctx) {
  const auto source = ctx.engine.Source(a.request);
  const ModelShape shape = source->Shape();
  const int n = static_cast<int>(TokenizeChecked(*source, a.request.text).size());
  return ToJson(ComputeFlashLesson(n, shape.d_k, shape.heads, a.Int("bytes")));
}

LessonOption Int(std::string name, std::string value_name, std::string help, int min, int max, int fallback) {
  LessonOption o;
  o.name = std::move(name);
  o.value_name = std::move(value_name);
  o.help = std::move(help);
  o.min = min;
  o.max = max;
  o.fallback = fallback;
  o.integer = true;
  return o;
}

LessonOption Real(std::string name, std::string value_name, std::string help, double min, double max, double fallback) {
  LessonOption o = Int(std::move(name), std::move(value_name), std::move(help), 0, 0, 0);
  o.integer = false;
  o.min = min;
  o.max = max;
  o.fallback = fallback;
  return o;
}

}  // namespace

const std::vector<LessonInfo>& AllLessons() {
  static const std::vector<LessonInfo> kLessons = [] {
    std::vector<LessonInfo> l;
    l.push_back({"path", 1, "sequential steps between two tokens for an RNN (|i-j|) and for attention (1), and the N^2 pairs it compares",
                 {Int("from", "I", "first token of the pair (-1 = the first token)", -1, 1 << 20, -1),
                  Int("to", "J", "second token of the pair (-1 = the last token)", -1, 1 << 20, -1)},
                 true, RunPath});
    l.push_back({"rnn", 1, "a seeded tanh RNN over the sentence: states, and ||dh_last/dh_t|| against distance (vanishing or exploding)",
                 {Int("hidden", "D", "hidden size", kRnnMinHidden, kRnnMaxHidden, 16),
                  Real("radius", "R", "spectral radius of W_hh", kRnnMinRadius, kRnnMaxRadius, 0.9),
                  Int("seed", "S", "seed of the network's weights (the shared --seed option)", 0, 0, 1)},
                 true, RunRnn});
    // -- chapters 2-4 add their lessons here (issue 9)
    l.push_back({"induction", 3, "the built-in model's induction circuit on the sentence: what layer 1's previous-token head writes, what layer 2's induction head matches, and whether each repeated token finds the token after its earlier copy",
                 {Int("top", "K", "keys listed per query row, largest weight first", 1, kInductionMaxTop, 5)},
                 true, RunInduction});
    // -- chapter 5 adds its lessons here (issue 10)
    l.push_back({"kv-cache", 6, "the KV cache of the model on screen: bytes per token and for the sentence, and the saving of G < H",
                 {Int("bytes", "B", "bytes per cached value (4 = float32, as computed here)", 1, 8, 4)},
                 true, RunKvCache});
    l.push_back({"memory", 6, "KV-cache bytes per token and per context for GPT-2, Llama-2/3, Mistral (sliding window), DeepSeek-V2 (MLA) and the model loaded now",
                 {Int("context", "N", "context length in tokens", 1, 1 << 30, 4096),
                  Int("bytes", "B", "bytes per cached value (2 = fp16/bf16)", 1, 8, 2)},
                 false, RunMemory});
    // -- chapter 6's further lessons and chapter 7's here (issue 10)
    l.push_back({"flash", 8, "what the tiled kernel keeps per head (N (d+2) values) instead of the N x N weights",
                 {Int("bytes", "B", "bytes per value", 1, 8, 4)},
                 true, RunFlash});
    // -- chapter 8's further lessons here (issue 10); real-model lessons (census) here (issue 11)
    std::stable_sort(l.begin(), l.end(), [](const LessonInfo& a, const LessonInfo& b) { return a.chapter < b.chapter; });
    return l;
  }();
  return kLessons;
}

}  // namespace attnviz::lessons
