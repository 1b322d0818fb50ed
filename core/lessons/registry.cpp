// Every lesson `attnviz lesson` knows, in chapter order: one list, one place to
// add a lesson (as the chapters' registry lists the chapters).
#include <algorithm>

#include "core/engine.h"
#include "core/lessons/attention_steps.h"
#include "core/lessons/complexity.h"
#include "core/lessons/cross_attention.h"
#include "core/lessons/flash.h"
#include "core/lessons/heads.h"
#include "core/lessons/alibi.h"
#include "core/lessons/census.h"
#include "core/lessons/gqa.h"
#include "core/lessons/hybrid.h"
#include "core/lessons/induction.h"
#include "core/lessons/linear_attention.h"
#include "core/lessons/kv_cache.h"
#include "core/lessons/lesson.h"
#include "core/lessons/masks.h"
#include "core/lessons/memory.h"
#include "core/lessons/padding.h"
#include "core/lessons/mla.h"
#include "core/lessons/path_length.h"
#include "core/lessons/receptive_field.h"
#include "core/lessons/permutation.h"
#include "core/lessons/rnn.h"
#include "core/lessons/scaling.h"
#include "core/lessons/rope.h"
#include "core/lessons/sinks.h"
#include "core/lessons/sinusoidal.h"
#include "core/lessons/sparse.h"
#include "core/lessons/sparse_cost.h"

namespace attnviz::lessons {

namespace {

// [SECTION] Chapter 1

nlohmann::json RunPath(const LessonArgs& a, LessonContext& ctx) {
  const auto source = ctx.engine.ModelFor(a.request);
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

nlohmann::json RunComplexity(const LessonArgs& a, LessonContext& ctx) {
  ComplexityParams p;
  // 0 means "the sentence's N" and "the model's d", so the numbers start from what is on screen.
  const auto source = ctx.engine.ModelFor(a.request);
  p.n = a.Int("n") > 0 ? a.Num("n") : static_cast<double>(TokenizeChecked(*source, a.request.text).size());
  p.d = a.Int("d") > 0 ? a.Int("d") : source->Shape().d_model;
  p.k = a.Int("k");
  p.r = a.Int("r");
  return ToJson(ComputeComplexityLesson(p));
}

// [SECTION] Chapter 2

int LayerOf(const LessonArgs& a) { return a.layer < 0 ? 0 : a.layer; }

nlohmann::json RunAttentionSteps(const LessonArgs& a, LessonContext& ctx) {
  AttentionStepsParams p;
  p.layer = LayerOf(a);
  p.head = a.Int("head");
  p.query = a.Int("query");
  return ToJson(RunAttentionStepsLesson(ctx.engine, a.request, p, ctx.cancel));
}

nlohmann::json RunScaling(const LessonArgs& a, LessonContext& ctx) {
  ScalingParams p;
  p.layer = LayerOf(a);
  p.head = a.Int("head");
  p.samples = a.Int("samples");
  p.keys = a.Int("keys");
  p.trials = a.Int("trials");
  p.seed = a.request.seed;
  return ToJson(RunScalingLesson(ctx.engine, a.request, p, ctx.cancel));
}

// [SECTION] Chapter 3

nlohmann::json RunHeads(const LessonArgs& a, LessonContext& ctx) {
  HeadsParams p;
  p.layer = LayerOf(a);
  p.query = a.Int("query");
  p.thumb = a.Int("thumb");
  return ToJson(RunHeadsLesson(ctx.engine, a.request, p, ctx.cancel));
}

// [SECTION] Chapter 4

nlohmann::json RunMasks(const LessonArgs& a, LessonContext& ctx) {
  MasksParams p;
  p.layer = LayerOf(a);
  p.head = a.Int("head");
  p.prefix = a.Int("prefix");
  p.query = a.Int("query");
  return ToJson(RunMasksLesson(ctx.engine, a.request, p, ctx.cancel));
}

nlohmann::json RunCrossAttention(const LessonArgs& a, LessonContext& ctx) {
  CrossAttentionParams p;
  p.layer = LayerOf(a);
  p.head = a.Int("head");
  p.source = a.Text("source");
  return ToJson(RunCrossAttentionLesson(ctx.engine, a.request, p, ctx.cancel));
}

nlohmann::json RunPadding(const LessonArgs& a, LessonContext& ctx) {
  PaddingParams p;
  p.layer = LayerOf(a);
  p.head = a.Int("head");
  p.second = a.Text("second");
  p.left = a.Choice("side") == "left";
  return ToJson(RunPaddingLesson(ctx.engine, a.request, p, ctx.cancel));
}

// [SECTION] Chapter 3: the built-in model's induction circuit

nlohmann::json RunInduction(const LessonArgs& a, LessonContext& ctx) {
  InductionParams p;
  p.top = a.Int("top");
  return ToJson(RunInductionLesson(ctx.engine, a.request, p, ctx.cancel));
}

// [SECTION] Chapter 3: the census of the heads (issue 11)

nlohmann::json RunCensus(const LessonArgs& a, LessonContext& ctx) {
  CensusParams p;
  p.probe_length = a.Int("probe-length");
  p.local_window = a.Int("local-window");
  p.seed = a.request.seed;
  return ToJson(RunCensusLesson(ctx.engine, a.request, p, ctx.cancel));
}

// [SECTION] Chapter 5

nlohmann::json RunPermutation(const LessonArgs& a, LessonContext& ctx) {
  PermutationParams p;
  p.shuffle = static_cast<std::uint64_t>(a.Num("shuffle"));
  return ToJson(RunPermutationLesson(ctx.engine, a.request, p, ctx.cancel));
}

nlohmann::json RunSinusoidal(const LessonArgs& a, LessonContext& ctx) {
  SinusoidalParams p;
  p.from = a.Int("from");
  p.positions = a.Int("positions");
  return ToJson(RunSinusoidalLesson(ctx.engine, a.request, p, ctx.cancel));
}

nlohmann::json RunRope(const LessonArgs& a, LessonContext& ctx) {
  RopeParams p;
  p.layer = LayerOf(a);
  p.head = a.Int("head");
  p.token = a.Int("token");
  p.key = a.Int("key");
  p.base = a.Num("base");
  p.positions = a.Int("positions");
  return ToJson(RunRopeLesson(ctx.engine, a.request, p, ctx.cancel));
}

nlohmann::json RunAlibi(const LessonArgs& a, LessonContext& ctx) {
  AlibiParams p;
  p.slope_heads = a.Int("slope-heads");
  p.repeat = a.Int("repeat");
  p.layer = LayerOf(a);
  return ToJson(RunAlibiLesson(ctx.engine, a.request, p, ctx.cancel));
}

// [SECTION] Chapter 6

nlohmann::json RunMemory(const LessonArgs& a, LessonContext& ctx) {
  std::vector<ModelMemoryConfig> models = PublishedModelConfigs();
  // The model loaded now joins the table (built-in and random models too: the
  // numbers are as real for them, and a student sees where a toy model sits).
  const auto source = ctx.engine.ModelFor(a.request);
  models.push_back(ConfigOfModel(source->Shape(), a.request.kv_heads));
  return ToJson(ComputeMemoryLesson(a.Int("context"), a.Int("bytes"), models));
}

nlohmann::json RunKvCache(const LessonArgs& a, LessonContext& ctx) {
  KvCacheParams p;
  p.step = a.Int("step");
  p.layer = LayerOf(a);
  p.head = a.Int("head");
  p.bytes_per_value = a.Int("bytes");
  return ToJson(RunKvCacheLesson(ctx.engine, a.request, p, ctx.cancel));
}

nlohmann::json RunGqa(const LessonArgs& a, LessonContext& ctx) {
  GqaParams p;
  p.layer = LayerOf(a);
  p.bytes_per_value = a.Int("bytes");
  return ToJson(RunGqaLesson(ctx.engine, a.request, p, ctx.cancel));
}

nlohmann::json RunMla(const LessonArgs& a, LessonContext& ctx) {
  MlaParams p;
  p.rank = a.Int("rank");
  p.layer = LayerOf(a);
  return ToJson(RunMlaLesson(ctx.engine, a.request, p, nullptr, ctx.cancel));
}

nlohmann::json RunSinks(const LessonArgs& a, LessonContext& ctx) {
  SinksParams p;
  p.sinks = a.Int("sinks");
  p.window = a.Int("recent");
  p.layer = LayerOf(a);
  p.head = a.Int("head");
  return ToJson(RunSinksLesson(ctx.engine, a.request, p, ctx.cancel));
}

// [SECTION] Chapter 7

nlohmann::json RunSparse(const LessonArgs& a, LessonContext& ctx) {
  SparseParams p;
  p.layer = LayerOf(a);
  p.head = a.Int("head");
  p.tile = a.Int("tile");
  p.top = a.Int("top");
  return ToJson(RunSparseLesson(ctx.engine, a.request, p, ctx.cancel));
}

nlohmann::json RunReceptiveField(const LessonArgs& a, LessonContext& ctx) {
  const auto source = ctx.engine.ModelFor(a.request);
  const int n = static_cast<int>(TokenizeChecked(*source, a.request.text).size());
  ReceptiveFieldParams p;
  p.mask = a.request.mask;
  if (source->Shape().causal) p.mask.causal = true;
  p.token = a.Int("token");
  return ToJson(ComputeReceptiveFieldLesson(n, p));
}

nlohmann::json RunSparseCost(const LessonArgs& a, LessonContext& ctx) {
  const auto source = ctx.engine.ModelFor(a.request);
  SparseCostParams p;
  p.mask = a.request.mask;
  p.n = static_cast<int>(TokenizeChecked(*source, a.request.text).size());
  p.max_n = a.Int("max-n");
  p.d_k = source->Shape().d_k;
  return ToJson(ComputeSparseCostLesson(p));
}

// [SECTION] Chapter 8

nlohmann::json RunFlash(const LessonArgs& a, LessonContext& ctx) {
  FlashParams p;
  p.layer = LayerOf(a);
  p.head = a.Int("head");
  p.block_q = a.Int("block-q");
  p.block_k = a.Int("block-k");
  p.step = a.Int("step");
  p.row = a.Int("row");
  p.sram_kib = a.Num("sram-kib");
  p.bytes_per_value = a.Int("bytes");
  return ToJson(RunFlashLesson(ctx.engine, a.request, p, ctx.cancel));
}

nlohmann::json RunLinear(const LessonArgs& a, LessonContext& ctx) {
  LinearParams p;
  p.layer = LayerOf(a);
  p.head = a.Int("head");
  p.token = a.Int("token");
  return ToJson(RunLinearLesson(ctx.engine, a.request, p, ctx.cancel));
}

// The stack's base: a published configuration by its short name, or the model loaded now.
ModelMemoryConfig HybridBase(const std::string& name, LessonContext& ctx, const Request& r) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"gpt2", "GPT-2 small"}, {"llama2-7b", "Llama-2-7B"}, {"llama3-8b", "Llama-3-8B"}, {"mistral-7b", "Mistral-7B"}};
  for (const auto& [shortname, full] : kNames)
    if (name == shortname)
      for (const ModelMemoryConfig& c : PublishedModelConfigs())
        if (c.name == full) return c;
  return ConfigOfModel(ctx.engine.ModelFor(r)->Shape(), r.kv_heads);
}

nlohmann::json RunHybrid(const LessonArgs& a, LessonContext& ctx) {
  HybridParams p;
  p.base = HybridBase(a.Choice("base"), ctx, a.request);
  p.context = a.Num("context");
  p.ratio = a.Int("ratio");
  p.window = a.Int("recent");
  p.bytes_per_value = a.Int("bytes");
  return ToJson(ComputeHybridLesson(p));
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

LessonOption Choice(std::string name, std::string value_name, std::string help, std::vector<std::string> choices,
                    std::string fallback) {
  LessonOption o = Int(std::move(name), std::move(value_name), std::move(help), 0, 0, 0);
  o.integer = false;
  o.choices = std::move(choices);
  o.fallback_choice = std::move(fallback);
  return o;
}

LessonOption Text(std::string name, std::string value_name, std::string help, std::string fallback) {
  LessonOption o = Int(std::move(name), std::move(value_name), std::move(help), 0, 0, 0);
  o.integer = false;
  o.text = true;
  o.fallback_choice = std::move(fallback);
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
    l.push_back({"complexity", 1, "Vaswani et al.'s Table 1 at your N and d: per-layer work, sequential steps and longest path of attention, recurrence, convolution and restricted attention; N^2 pairs; RNN vs attention",
                 {Int("n", "N", "tokens (0 = the sentence's)", 0, 1 << 30, 0),
                  Int("d", "D", "model width d (0 = the model's d_model)", 0, kComplexityMaxD, 0),
                  Int("k", "K", "convolution kernel width", 2, 64, 3),
                  Int("r", "R", "restricted attention: keys per query", 1, 1 << 20, 128)},
                 true, RunComplexity});
    // -- chapters 2-4 (issue 9); the trace option --layer L picks the layer (default 0)
    l.push_back({"attention-steps", 2, "scaled dot-product attention for one query token: x, q, the keys, q.k, scaled logits, softmax, sum of values, concat, W_o, copied from the trace",
                 {Int("head", "H", "query head", 0, 63, 0), Int("query", "I", "query token (-1 = the last)", -1, 1 << 20, -1)},
                 true, RunAttentionSteps});
    l.push_back({"scaling", 2, "why divide by sqrt(d_k): variance of q.k for random vectors at d_k = 1..1024, softmax saturation, and the sentence's rows with and without scaling across temperatures",
                 {Int("head", "H", "query head of the sentence part", 0, 63, 0),
                  Int("samples", "S", "random pairs per width", 100, 100000, 2000),
                  Int("keys", "K", "keys per softmax row in the saturation part", 2, 1024, 16),
                  Int("trials", "T", "softmax rows per width", 1, 10000, 256),
                  Int("seed", "S", "seed of the random vectors (the shared --seed option)", 0, 0, 1)},
                 true, RunScaling});
    l.push_back({"heads", 3, "every head of every layer: entropy, distance, self/previous/first weight; for one token, each head's target and what one averaged head would give them",
                 {Int("query", "I", "query token of the one-against-several part (-1 = the last)", -1, 1 << 20, -1),
                  Int("thumb", "S", "thumbnail size (the JSON omits thumbnails)", 4, 256, 48)},
                 true, RunHeads});
    l.push_back({"masks", 4, "one head's logits under the bidirectional (BERT), causal (GPT) and prefix-LM masks, and how the softmax renormalises what a mask leaves",
                 {Int("head", "H", "query head", 0, 63, 0),
                  Int("prefix", "P", "prefix-LM: visible prefix length (-1 = half the sentence)", -1, 1 << 20, -1),
                  Int("query", "I", "query token shown in detail (-1 = the last)", -1, 1 << 20, -1)},
                 true, RunMasks});
    l.push_back({"cross-attention", 4, "encoder-decoder cross-attention: queries from the sentence, keys and values from a source sentence; a target x source matrix",
                 {Int("head", "H", "query head whose projections are used", 0, 63, 0),
                  Text("source", "TEXT", "the source sentence (what an encoder read)", kDefaultSourceText)},
                 true, RunCrossAttention});
    l.push_back({"padding", 4, "a batch of the sentence and a second one padded to one length: weights with and without the padding mask, leaked weight, fully masked rows",
                 {Int("head", "H", "query head", 0, 63, 0),
                  Text("second", "TEXT", "the batch's second sentence", kDefaultSecondText),
                  Choice("side", "SIDE", "where the pads go", {"right", "left"}, "right")},
                 true, RunPadding});
    l.push_back({"induction", 3, "the built-in model's induction circuit on the sentence: what layer 1's previous-token head writes, what layer 2's induction head matches, and whether each repeated token finds the token after its earlier copy",
                 {Int("top", "K", "keys listed per query row, largest weight first", 1, kInductionMaxTop, 5)},
                 true, RunInduction});
    // -- chapter 5 adds its lessons here (issue 10)
    l.push_back({"permutation", 5, "positions off: shuffling the tokens permutes every head's weights exactly; on: it does not, and the previous-token head follows the new order",
                 {Int("shuffle", "S", "seed of the shuffle (0 = reverse the tokens)", 0, 1 << 30, 1)},
                 true, RunPermutation});
    l.push_back({"sinusoidal", 5, "the sinusoidal encoding of the sentence, a few dimensions as waves, and PE(p).PE(q) against the offset p - q",
                 {Int("from", "P", "reference position of the dot-product curve", 0, 4095, 0),
                  Int("positions", "P", "positions on the curves (0 = max(N, 64))", 0, 4096, 0)},
                 true, RunSinusoidal});
    l.push_back({"rope", 5, "RoPE on a token's own query: pairs rotating with position, q_m.k_n constant along diagonals, base 10,000 vs 500,000",
                 {Int("head", "H", "query head", 0, 63, 0),
                  Int("token", "I", "the query's token (-1 = the last)", -1, 4095, -1),
                  Int("key", "J", "the key's token (-1 = the one before the query)", -1, 4095, -1),
                  Real("base", "B", "RoPE base", 2, 1e8, 10000),
                  Int("positions", "P", "offsets on the curves (0 = max(N, 64))", 0, 4096, 0)},
                 true, RunRope});
    l.push_back({"alibi", 5, "ALiBi: Press et al.'s slopes (any H), each head's bias, and how much attention stays within the sentence's length on a text R times longer",
                 {Int("slope-heads", "H", "heads for the slope table (0 = the model's)", 0, 64, 0),
                  Int("repeat", "R", "the long text is the sentence R times", 1, 64, 4)},
                 true, RunAlibi});
    l.push_back({"kv-cache", 6, "the KV cache of the model on screen: bytes per token, and generation token by token with and without it (work per step, the cache's rows)",
                 {Int("bytes", "B", "bytes per cached value (4 = float32, as computed here)", 1, 8, 4),
                  Int("step", "T", "the generation step shown (-1 = the last token)", -1, 4095, -1),
                  Int("head", "H", "query head whose weights are shown", 0, 63, 0)},
                 true, RunKvCache});
    l.push_back({"memory", 6, "KV-cache bytes per token and per context for GPT-2, Llama-2/3, Mistral (sliding window), DeepSeek-V2 (MLA) and the model loaded now",
                 {Int("context", "N", "context length in tokens", 1, 1 << 30, 4096),
                  Int("bytes", "B", "bytes per cached value (2 = fp16/bf16)", 1, 8, 2)},
                 false, RunMemory});
    // -- chapter 6's further lessons and chapter 7's here (issue 10)
    l.push_back({"gqa", 6, "key/value heads from H (MHA) through groups to 1 (MQA) by mean-pooling: each head's change against MHA, and bytes per token",
                 {Int("bytes", "B", "bytes per cached value", 1, 8, 4)},
                 true, RunGqa});
    l.push_back({"mla", 6, "K and V rebuilt from a rank-r latent (SVD of the stacked projections): attention moved and cache saved against r",
                 {Int("rank", "R", "latent size r (0 = half the rank)", 0, 4096, 0)},
                 true, RunMla});
    l.push_back({"sinks", 6, "StreamingLLM: first tokens (sinks) plus a recent window, against the window alone, compared with full causal attention",
                 {Int("sinks", "S", "first tokens kept", 0, 64, 1),
                  Int("recent", "W", "recent tokens kept (with the token itself)", 1, 4096, 4),
                  Int("head", "H", "head whose rows are listed", 0, 63, 0)},
                 true, RunSinks});
    l.push_back({"sparse", 7, "sliding, global-local and block-sparse on the sentence: density, tiles the kernel skipped, the change from full attention, and (loaded models) KL(p_full || p_sparse) of the next token",
                 {Int("head", "H", "head run through the tiled reference", 0, 63, 0),
                  Int("tile", "T", "tile size of the tiled reference", 1, 4096, 8),
                  Int("top", "K", "loaded models: next tokens listed before and after each pattern", 1, 50, 5)},
                 true, RunSparse});
    l.push_back({"receptive-field", 7, "the cone of tokens a token depends on after 1, 2, ... stacked layers of the mask, and the layers until the last token hears the first",
                 {Int("token", "I", "whose cone (-1 = the last token)", -1, 4095, -1)},
                 true, RunReceptiveField});
    l.push_back({"sparse-cost", 7, "pairs computed against N up to 1M tokens: full, Longformer, BigBird, Mistral and the mask in use",
                 {Int("max-n", "N", "longest length on the curves", 256, 1 << 24, 1 << 20)},
                 true, RunSparseCost});
    l.push_back({"flash", 8, "tiled attention with the online softmax, tile by tile on one head: running max and sum, rescaling, equal to the naive result; memory and traffic",
                 {Int("bytes", "B", "bytes per value", 1, 8, 4),
                  Int("head", "H", "the head", 0, 63, 0),
                  Int("block-q", "BR", "query rows per tile", 1, 4096, 4),
                  Int("block-k", "BC", "keys per tile", 1, 4096, 4),
                  Int("step", "S", "tiles done (-1 = all)", -1, 1 << 24, -1),
                  Int("row", "I", "the query row whose history is listed (-1 = the last)", -1, 4095, -1),
                  Real("sram-kib", "M", "on-chip memory in KiB for the traffic curve", 1, 1 << 20, 192)},
                 true, RunFlash});
    l.push_back({"linear", 8, "linear attention (phi = elu + 1) on one head: parallel and recurrent forms agree, its implied attention beside softmax's, cost per token",
                 {Int("head", "H", "the head", 0, 63, 0),
                  Int("token", "I", "whose state is shown (-1 = the last)", -1, 4095, -1)},
                 true, RunLinear});
    {
      LessonOption base;
      base.name = "base";
      base.value_name = "MODEL";
      base.help = "the stack's shape";
      base.choices = {"gpt2", "llama2-7b", "llama3-8b", "mistral-7b", "current"};
      base.fallback_choice = "llama3-8b";
      l.push_back({"hybrid", 8, "memory and compute against N for full, sliding, linear and hybrid stacks, and the 128k-token arithmetic",
                   {base,
                    Int("context", "N", "context length", 1, 1 << 30, 131072),
                    Int("ratio", "R", "cheap layers per full layer in the hybrids", 1, 64, 3),
                    Int("recent", "W", "window of the sliding layers", 1, 1 << 24, 4096),
                    Int("bytes", "B", "bytes per cached value", 1, 8, 2)},
                   true, RunHybrid});
    }
    // -- chapter 8's further lessons here (issue 10); real-model lessons (census) here (issue 11)
    l.push_back({"census", 3, "every head of every layer scored on the text and on a repeated random-token probe: previous-token, induction, first-token sink, duplicate-token and local, ranked, with each score's rows",
                 {Int("probe-length", "R", "the probe: R random tokens, then the same R again", kCensusMinProbe, kCensusMaxProbe, 20),
                  Int("local-window", "W", "the local score counts keys with |i - j| <= W", 1, kCensusMaxWindow, 2),
                  Int("seed", "S", "seed of the probe's tokens (the shared --seed option)", 0, 0, 1)},
                 true, RunCensus});
    std::stable_sort(l.begin(), l.end(), [](const LessonInfo& a, const LessonInfo& b) { return a.chapter < b.chapter; });
    return l;
  }();
  return kLessons;
}

}  // namespace attnviz::lessons
