// Chapter 6: KV cache, grouped-query attention and multi-head latent attention.
#include <cstdio>
#include <string>
#include <vector>

#include <imgui.h>

#include "core/lessons/kv_cache.h"
#include "ui/chapters/attention_view.h"
#include "ui/chapters/chapters.h"
#include "ui/segmented_control.h"

namespace attnviz::ui {

namespace {

constexpr const char* kIntro =
    "While a model generates, each new token needs the keys and values of every token before it. Keeping "
    "them in a cache rather than recomputing them makes a step cost linear in the length instead of "
    "quadratic, but the cache becomes the memory bill: two vectors per token, per key/value head, per layer. "
    "Grouped-query attention lets several query heads share one key/value head, shrinking the cache by the "
    "group size at little cost in quality; multi-query attention is the extreme with a single shared head. "
    "Multi-head latent attention goes further and caches one compressed vector per token from which the keys "
    "and values are rebuilt.";

class KvCacheChapter final : public Chapter {
 public:
  explicit KvCacheChapter(TextureService& t) : view_(t) {}
  int number() const override { return 6; }
  const char* title() const override { return "KV cache, GQA and MLA"; }
  const char* subtitle() const override { return "What generation keeps, and how to keep less"; }

  void Draw(ChapterContext& ctx) override {
    DrawChapterIntro(ctx, number(), title(), kIntro);
    // Key/value heads: every divisor of H is a valid grouping (H = MHA, 1 = MQA).
    labels_.clear();
    values_.clear();
    const int heads = ctx.request.heads;
    for (int g = heads; g >= 1; --g)
      if (heads % g == 0) {
        values_.push_back(g);
        labels_.push_back(g == heads ? "G=" + std::to_string(g) + " MHA" : g == 1 ? "G=1 MQA" : "G=" + std::to_string(g));
      }
    std::vector<const char*> items;
    int cur = -1;
    for (std::size_t i = 0; i < values_.size(); ++i) {
      items.push_back(labels_[i].c_str());
      if (values_[i] == ctx.request.kv_heads) cur = static_cast<int>(i);
    }
    if (SegmentedControl("kv", items.data(), static_cast<int>(items.size()), &cur)) ctx.request.kv_heads = values_[cur];
    ctx.layout.AddLastItem("chapter.kv_heads");
    if (ctx.trace) {
      const TraceConfig& c = ctx.trace->config;
      ModelShape shape;
      shape.layers = c.layers;
      shape.heads = c.heads;
      shape.kv_heads = c.kv_heads;
      shape.d_k = c.d_k;
      // K and V, float32 as computed here, for every token, kv head and layer.
      const lessons::KvCacheLesson k = lessons::ComputeKvCacheLesson(shape, c.kv_heads, ctx.trace->n(), 4);
      FactBadge("KV cache per token", FormatBytes(k.cache_bytes_per_token), true);
      FactBadge("for this sentence", FormatBytes(k.cache_bytes), true);
      FactBadge("vs. MHA", k.kv_heads == k.heads ? "1x" : std::to_string(static_cast<int>(k.reduction)) + "x smaller", true);
    }
    view_.Draw(ctx);
  }

 private:
  AttentionView view_;
  std::vector<std::string> labels_;
  std::vector<int> values_;
};

}  // namespace

std::unique_ptr<Chapter> MakeKvCacheChapter(TextureService& t) { return std::make_unique<KvCacheChapter>(t); }

}  // namespace attnviz::ui
