// Chapter 6: inference memory. Five views (ui/chapters/ch6/): generation with
// a KV cache, GQA/MQA, the memory table, MLA computed, attention sinks.
#include <string>
#include <vector>

#include <imgui.h>

#include "ui/chapters/attention_view.h"
#include "ui/chapters/ch6/cache_views.h"
#include "ui/chapters/chapters.h"
#include "ui/chapters/lesson/lesson_view.h"
#include "ui/segmented_control.h"

namespace attnviz::ui {

namespace {

constexpr const char* kIntro =
    "A model writes one token at a time, and each new token attends to every token before it. Their keys and "
    "values never change, so they are kept in a cache instead of being computed again, and the cache becomes "
    "the memory bill of long contexts: every way to shrink it keeps fewer, shared or compressed keys and values.";

constexpr const char* kSectionNotes[] = {
    "Step through the sentence as a model would write it. With the cache a step projects only the new token and "
    "compares its query with the cached keys: work grows like t. Without it the whole prefix is computed again: t².",
    "Grouped-query attention lets H/G query heads share one key/value head (MQA: G = 1), shrinking the cache H/G "
    "times. Converting a trained model mean-pools each group's K and V projections: heads that looked for the same "
    "keys keep working, the others read a blur.",
    "What the cache costs real models, per token and at a context you choose. Llama 3 shares 8 key/value heads "
    "among 32 query heads; Mistral keeps a rolling buffer of its 4,096-token window; DeepSeek-V2 caches one "
    "compressed latent per token and layer (MLA).",
    "MLA caches r numbers per token and layer, from which every head's K and V are rebuilt. Here the model's own "
    "K and V projections are factored by SVD: at the rank of the stacked projections nothing changes; below it "
    "attention starts to move.",
    "Many heads park weight they do not need on the first token. StreamingLLM keeps a few such sink tokens for "
    "ever plus a recent window; dropping the sinks forces that weight onto the recent tokens.",
};

class KvCacheChapter final : public Chapter {
 public:
  explicit KvCacheChapter(TextureService& t) : generation_(t), gqa_(t), mla_(t), sinks_(t) {}
  int number() const override { return 6; }
  const char* title() const override { return "KV cache, GQA and MLA"; }
  const char* subtitle() const override { return "What generation keeps, and how to keep less"; }

  void Draw(ChapterContext& ctx) override {
    DrawChapterIntro(ctx, number(), title(), kIntro);
    static const char* const kSections[] = {"Generation", "GQA / MQA", "Memory", "MLA", "Sinks"};
    DrawSectionTabs(ctx, "ch6.section", kSections, 5, &section_);
    // The model's own grouping (H = MHA, 1 = MQA): every divisor of H.
    labels_.clear();
    values_.clear();
    const int heads = ctx.request.heads;
    for (int g = heads; g >= 1; --g)
      if (heads % g == 0) {
        values_.push_back(g);
        labels_.push_back(g == heads ? std::string("G=") + std::to_string(g) + " MHA" : g == 1 ? "G=1 MQA" : std::string("G=") + std::to_string(g));
      }
    std::vector<const char*> items;
    int cur = -1;
    for (std::size_t i = 0; i < values_.size(); ++i) {
      items.push_back(labels_[i].c_str());
      if (values_[i] == ctx.request.kv_heads) cur = static_cast<int>(i);
    }
    if (!ctx.ui.presenter) {
      const float measure = std::min(ImGui::GetContentRegionAvail().x, 56.0f * ImGui::GetFontSize());
      ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + measure);
      ImGui::TextDisabled("%s", kSectionNotes[section_]);
      ImGui::PopTextWrapPos();
    }
    // Where the model's own grouping matters: the cache it generates with, and its row in the table.
    if (section_ == 0 || section_ == 2) {
      ImGui::AlignTextToFramePadding();
      ImGui::TextDisabled("model's key/value heads");
      ImGui::SameLine();
      if (DrawSectionTabs(ctx, "chapter.kv_heads", items.data(), static_cast<int>(items.size()), &cur))
        ctx.request.kv_heads = values_[cur];
    }
    // The section's figures as one area (tests compare it; --layout-dump names it).
    ImGui::BeginGroup();
    switch (section_) {
      case 0: generation_.Draw(ctx); break;
      case 1: gqa_.Draw(ctx); break;
      case 2: memory_.Draw(ctx); break;
      case 3: mla_.Draw(ctx); break;
      default: sinks_.Draw(ctx); break;
    }
    ImGui::EndGroup();
    ctx.layout.AddLastItem("chapter.figure");
  }

 private:
  int section_ = 0;
  GenerationView generation_;
  GqaView gqa_;
  MemoryView memory_;
  MlaView mla_;
  SinksView sinks_;
  std::vector<std::string> labels_;
  std::vector<int> values_;
};

}  // namespace

std::unique_ptr<Chapter> MakeKvCacheChapter(TextureService& t) { return std::make_unique<KvCacheChapter>(t); }

}  // namespace attnviz::ui
