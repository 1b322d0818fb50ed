// Chapter 1: why attention? The recurrent bottleneck versus one direct step.
#include <cstdlib>
#include <string>

#include <imgui.h>

#include "core/lessons/path_length.h"
#include "ui/chapters/attention_view.h"
#include "ui/chapters/chapters.h"
#include "ui/segmented_control.h"

namespace attnviz::ui {

namespace {

constexpr const char* kIntro =
    "A recurrent network reads a sentence one token at a time and squeezes everything it has seen into a "
    "single state of fixed size. A word near the start must survive every later step before it can shape the "
    "end, and the gradient that would teach the network about it fades along the same chain. Attention "
    "replaces the chain with direct connections: every token compares itself with every other token and takes "
    "a weighted mix of what they carry, all in one parallel step, so any two positions are a single hop apart. "
    "The price is that the comparisons grow with the square of the length. Click a token to see where it looks.";

class WhyAttentionChapter final : public Chapter {
 public:
  explicit WhyAttentionChapter(TextureService& t) : view_(t) {}
  int number() const override { return 1; }
  const char* title() const override { return "Why attention?"; }
  const char* subtitle() const override { return "The recurrent bottleneck and the one-step path"; }

  void Draw(ChapterContext& ctx) override {
    DrawChapterIntro(ctx, number(), title(), kIntro);
    if (ctx.trace) {
      const int q = ctx.ui.selected_token, k = ctx.ui.hovered_token;
      const bool pair = q >= 0 && k >= 0;
      const lessons::PathLesson p = lessons::ComputePathLesson(ctx.trace->n(), pair ? q : -1, pair ? k : -1);
      FactBadge("tokens", std::to_string(p.n));
      FactBadge(pair ? "RNN steps between them" : "RNN steps first to last", std::to_string(p.rnn_steps), true);
      FactBadge("attention steps", std::to_string(p.attention_steps), true);
      FactBadge("pairs compared", std::to_string(static_cast<long long>(p.pairs)), true);
    }
    view_.Draw(ctx);
  }

 private:
  AttentionView view_;
};

}  // namespace

std::unique_ptr<Chapter> MakeWhyAttentionChapter(TextureService& t) { return std::make_unique<WhyAttentionChapter>(t); }

}  // namespace attnviz::ui
