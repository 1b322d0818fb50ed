// Chapter 5: positional information.
#include <string>

#include <imgui.h>

#include "ui/chapters/attention_view.h"
#include "ui/chapters/chapters.h"
#include "ui/segmented_control.h"

namespace attnviz::ui {

namespace {

constexpr const char* kIntro =
    "Attention on its own has no sense of order: shuffle the tokens and every output is shuffled in the same "
    "way, nothing more. Position has to be put in. Sinusoidal encodings add sines and cosines of many "
    "frequencies to each token vector before the projections. RoPE rotates pairs of query and key dimensions "
    "by an angle proportional to the position, so their dot product depends on how far apart two tokens are "
    "rather than where they sit. ALiBi leaves the vectors alone and subtracts from each logit a penalty that "
    "grows linearly with distance, with a different slope for every head.";

class PositionalChapter final : public Chapter {
 public:
  explicit PositionalChapter(TextureService& t) : view_(t) {}
  int number() const override { return 5; }
  const char* title() const override { return "Positional information"; }
  const char* subtitle() const override { return "None, sinusoidal, RoPE, ALiBi"; }

  void Draw(ChapterContext& ctx) override {
    DrawChapterIntro(ctx, number(), title(), kIntro);
    static const char* const kKinds[] = {"none", "sinusoidal", "RoPE", "ALiBi"};
    static const Positional kValues[] = {Positional::None, Positional::Sinusoidal, Positional::Rope, Positional::Alibi};
    int cur = -1;
    for (int i = 0; i < 4; ++i)
      if (ctx.request.positional == kValues[i]) cur = i;
    if (SegmentedControl("pe", kKinds, 4, &cur)) ctx.request.positional = kValues[cur];
    ctx.layout.AddLastItem("chapter.positional");
    AttentionViewOptions o;
    view_.Draw(ctx, o);
  }

 private:
  AttentionView view_;
};

}  // namespace

std::unique_ptr<Chapter> MakePositionalChapter(TextureService& t) { return std::make_unique<PositionalChapter>(t); }

}  // namespace attnviz::ui
