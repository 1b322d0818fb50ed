// Chapter 2: scaled dot-product attention, step by step (ch2/steps_view), and
// why the scores are divided by √dₖ (ch2/scaling_view).
#include <string>
#include <string_view>

#include <imgui.h>

#include "ui/chapters/attention_view.h"
#include "ui/chapters/ch2/scaling_view.h"
#include "ui/chapters/ch2/steps_view.h"
#include "ui/chapters/chapters.h"
#include "ui/chapters/lesson_view.h"

namespace attnviz::ui {

namespace {

constexpr const char* kIntro =
    "Attention(Q, K, V) = softmax(QK\xE1\xB5\x80/\xE2\x88\x9A" "d\xE2\x82\x96)\xC2\xB7V. Each token's vector is projected into a "
    "query (what it looks for), a key (what it can be found by) and a value (what it hands over). Walk the steps "
    "for the selected token: every number below is the engine's own.";

class ScaledDotProductChapter final : public Chapter {
 public:
  explicit ScaledDotProductChapter(TextureService& t) : steps_(t) {}
  int number() const override { return 2; }
  const char* title() const override { return "Scaled dot-product attention step by step"; }
  const char* subtitle() const override { return "Q, K, V, scores, softmax, weighted sum"; }

  void Draw(ChapterContext& ctx) override {
    DrawChapterIntro(ctx, number(), title(), kIntro);
    static const char* const kSections[] = {"1  Step by step", "2  Why \xE2\x88\x9A" "d\xE2\x82\x96"};
    SectionTabs(ctx, "ch2.section", kSections, 2, &section_);
    if (!ctx.trace || ctx.trace->layers.empty() || ctx.trace->n() == 0) {
      DrawNoTrace(ctx);
      return;
    }
    if (section_ == 0) steps_.Draw(ctx);
    else scaling_.Draw(ctx);
  }

  std::string SavedState() const override { return std::to_string(section_) + ":" + std::to_string(steps_.step); }
  void RestoreState(std::string_view s) override {
    if (s.size() >= 3 && (s[0] == '0' || s[0] == '1') && s[1] == ':') {
      section_ = s[0] - '0';
      const int step = std::atoi(std::string(s.substr(2)).c_str());
      if (step >= 0 && step < static_cast<int>(AttentionStep::Count)) steps_.step = step;
    }
  }


 private:
  int section_ = 0;
  AttentionStepsView steps_;
  ScalingView scaling_;
};

}  // namespace

std::unique_ptr<Chapter> MakeScaledDotProductChapter(TextureService& t) {
  return std::make_unique<ScaledDotProductChapter>(t);
}

}  // namespace attnviz::ui
