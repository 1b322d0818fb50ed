// Chapter 2, section 1: scaled dot-product attention one step at a time. A
// step bar (X → W_q, W_k, W_v → Q, K, V → QKᵀ → ÷√dₖ → + bias → mask →
// softmax → · V → concat → W_o), the step's matrices as heatmaps with their
// shapes, and the selected token's own numbers for that step, all read from
// the `attention-steps` lesson and the trace (never recomputed here).
#pragma once
#include <memory>
#include <string>

#include "core/lessons/attention_steps.h"
#include "ui/chapters/chapter.h"
#include "ui/widgets/heatmap.h"

namespace attnviz::ui {

enum class AttentionStep { X, Projections, QKV, Scores, Scale, Bias, Mask, Softmax, WeightedSum, Concat, Output, Count };

class AttentionStepsView {
 public:
  explicit AttentionStepsView(TextureService& t);
  void Draw(ChapterContext& ctx);

  int step = static_cast<int>(AttentionStep::Softmax);

 private:
  void DrawStepBar(ChapterContext& ctx);
  void DrawMatrices(ChapterContext& ctx, const lessons::AttentionStepsLesson& s, float width, float height);
  void DrawNumbers(ChapterContext& ctx, const lessons::AttentionStepsLesson& s, float height);
  const lessons::AttentionStepsLesson* Lesson(const ChapterContext& ctx, int layer, int head, int query);

  std::unique_ptr<Heatmap> heat_[3];
  HeatmapView view_[3];
  // The lesson for (trace, layer, head, query), recomputed only when one changes.
  std::unique_ptr<lessons::AttentionStepsLesson> lesson_;
  std::string lesson_key_;
  // s · scores of the head on screen (the ÷√dₖ step), kept while shown.
  Mat scaled_;
  std::string scaled_key_;
  MatPtr shown_[3];
  bool strongest_first_ = false;
  int matrix_pick_ = 0;   // which of the step's matrices is shown
  int pick_step_ = -1;    // the step matrix_pick_ was chosen for
};

}  // namespace attnviz::ui
