// Chapter 3: multi-head attention.
#include <string>

#include <imgui.h>

#include "ui/chapters/attention_view.h"
#include "ui/chapters/chapters.h"
#include "ui/segmented_control.h"

namespace attnviz::ui {

namespace {

constexpr const char* kIntro =
    "One softmax can spread attention in only one way, yet a sentence holds many relations at once: "
    "neighbours, agreement, reference, repetition. Multi-head attention runs several smaller attentions side "
    "by side, each with its own projections into d_model / H dimensions, so the total cost stays close to "
    "that of one wide head. Their outputs are concatenated and mixed back into the model's width by W_o. The "
    "built-in model's heads were set by hand, each for one named role: overlay them in the arcs, or pick one "
    "and check that it does what its name says.";

class MultiHeadChapter final : public Chapter {
 public:
  explicit MultiHeadChapter(TextureService& t) : view_(t) {}
  int number() const override { return 3; }
  const char* title() const override { return "Multi-head attention"; }
  const char* subtitle() const override { return "Many heads, many relations, one concatenation"; }

  void Draw(ChapterContext& ctx) override {
    DrawChapterIntro(ctx, number(), title(), kIntro);
    if (ctx.trace) {
      const TraceConfig& c = ctx.trace->config;
      FactBadge("heads H", std::to_string(c.heads));
      FactBadge("d_k = d_model / H", std::to_string(c.d_k), true);
      FactBadge("concat width H·d_k", std::to_string(c.heads * c.d_k), true);
    }
    AttentionViewOptions o;
    o.arcs_head_chips = true;  // overlay and toggle heads in the arcs
    view_.Draw(ctx, o);
  }

 private:
  AttentionView view_;
};

}  // namespace

std::unique_ptr<Chapter> MakeMultiHeadChapter(TextureService& t) { return std::make_unique<MultiHeadChapter>(t); }

}  // namespace attnviz::ui
