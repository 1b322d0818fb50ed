// Chapter 4: masks and the three architectures.
#include <string>

#include <imgui.h>

#include "ui/chapters/attention_view.h"
#include "ui/chapters/chapters.h"
#include "ui/segmented_control.h"

namespace attnviz::ui {

namespace {

constexpr const char* kIntro =
    "A mask decides which keys a query may read; a pair it forbids gets a weight of exactly zero. Encoder "
    "models such as BERT leave every pair open, so each token sees both directions: good for understanding "
    "a text, useless for writing one. Decoder models such as GPT and Llama add the causal mask, so a token "
    "sees only itself and what came before it, which is what lets them generate one token at a time. "
    "Encoder-decoder models such as T5 pair a bidirectional encoder with a causal decoder that also reads "
    "the encoder's output through cross-attention.";

class MasksChapter final : public Chapter {
 public:
  explicit MasksChapter(TextureService& t) : view_(t) {}
  int number() const override { return 4; }
  const char* title() const override { return "Masks and the three architectures"; }
  const char* subtitle() const override { return "Bidirectional, causal, encoder-decoder"; }

  void Draw(ChapterContext& ctx) override {
    DrawChapterIntro(ctx, number(), title(), kIntro);
    static const char* const kArch[] = {"Encoder (BERT): bidirectional", "Decoder (GPT): causal"};
    int arch = ctx.request.mask.causal ? 1 : 0;
    if (SegmentedControl("arch", kArch, 2, &arch)) ctx.request.mask.causal = arch == 1;
    ctx.layout.AddLastItem("chapter.arch");
    if (ctx.trace) {
      long allowed = 0;
      for (long i = 0; i < ctx.trace->mask.size(); ++i) allowed += ctx.trace->mask.data()[i] ? 1 : 0;
      FactBadge("mask", DescribeMask(ctx.trace->config.mask), true);
      FactBadge("allowed pairs", std::to_string(allowed) + " of " + std::to_string(ctx.trace->mask.size()), true);
    }
    AttentionViewOptions o;
    view_.Draw(ctx, o);
  }

 private:
  AttentionView view_;
};

}  // namespace

std::unique_ptr<Chapter> MakeMasksChapter(TextureService& t) { return std::make_unique<MasksChapter>(t); }

}  // namespace attnviz::ui
