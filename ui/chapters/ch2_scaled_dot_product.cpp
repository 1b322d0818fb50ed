// Chapter 2: scaled dot-product attention, step by step.
#include <cmath>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "ui/chapters/attention_view.h"
#include "ui/chapters/chapters.h"
#include "ui/segmented_control.h"

namespace attnviz::ui {

namespace {

constexpr const char* kIntro =
    "Each token's vector is projected three ways: a query (what it is looking for), a key (what it can be "
    "found by) and a value (what it hands over when chosen). The score of a pair is the dot product of one "
    "token's query with the other's key. Dividing by the square root of the head size keeps scores from "
    "growing with the dimension, which would push the softmax towards a hard one-hot choice whose gradients "
    "vanish. The softmax turns each row into positive weights that sum to one, and a token's output is the "
    "weighted sum of the value vectors. Step through the matrices below.";

class ScaledDotProductChapter final : public Chapter {
 public:
  explicit ScaledDotProductChapter(TextureService& t) : view_(t) {}
  int number() const override { return 2; }
  const char* title() const override { return "Scaled dot-product attention step by step"; }
  const char* subtitle() const override { return "Q, K, V, scores, softmax, weighted sum"; }

  void Draw(ChapterContext& ctx) override {
    DrawChapterIntro(ctx, number(), title(), kIntro);
    static const char* const kSteps[] = {"1  scores  Q·Kᵀ", "2  logits  (s·score + bias) / T", "3  weights  softmax"};
    SegmentedControl("steps", kSteps, 3, &step_);
    if (ctx.trace) {
      const TraceConfig& c = ctx.trace->config;
      char s[64];
      if (c.scale) std::snprintf(s, sizeof s, "1/√%d = %.4f", c.d_k, 1.0 / std::sqrt(static_cast<double>(c.d_k)));
      else std::snprintf(s, sizeof s, "1 (scaling off)");
      FactBadge("s", s, true);
      std::snprintf(s, sizeof s, "%g", c.temperature);
      FactBadge("T", s, true);
    }
    AttentionViewOptions o;
    o.matrix = kStepMatrix[step_];
    view_.Draw(ctx, o);
  }

  std::string SavedState() const override { return ShownMatrixName(kStepMatrix[step_]); }
  void RestoreState(std::string_view state) override {
    for (int i = 0; i < 3; ++i)
      if (state == ShownMatrixName(kStepMatrix[i])) step_ = i;
  }

 private:
  static constexpr ShownMatrix kStepMatrix[3] = {ShownMatrix::Scores, ShownMatrix::Logits, ShownMatrix::Weights};
  AttentionView view_;
  int step_ = 0;  // which of kStepMatrix the walkthrough shows
};

}  // namespace

std::unique_ptr<Chapter> MakeScaledDotProductChapter(TextureService& t) {
  return std::make_unique<ScaledDotProductChapter>(t);
}

}  // namespace attnviz::ui
