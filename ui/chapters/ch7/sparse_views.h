// Chapter 7's three views, one file each: the three patterns side by side, the
// receptive field through stacked layers, and the cost curves to a million tokens.
#pragma once
#include <string>
#include <vector>

#include "core/lessons/receptive_field.h"
#include "core/lessons/sparse.h"
#include "core/lessons/sparse_cost.h"
#include "ui/chapters/chapter.h"
#include "ui/chapters/lesson/lesson_view.h"

namespace attnviz::ui {

class PatternsView {
 public:
  explicit PatternsView(TextureService& t) : panels_{MatrixPanel(t), MatrixPanel(t), MatrixPanel(t)} {}
  void Draw(ChapterContext& ctx);

 private:
  void DrawNextToken(ChapterContext& ctx, const lessons::SparseLesson& l, float w, float gap);
  MatrixPanel panels_[3];
  MatPtr held_[3];
  std::vector<std::shared_ptr<const Mat>> diffs_;
  int tile_ = 4;
  int show_change_ = 0;  // 0: weights, 1: change from full attention
};

class ReceptiveFieldView {
 public:
  explicit ReceptiveFieldView(TextureService& t) : cone_(t) {}
  void Draw(ChapterContext& ctx);

 private:
  MatrixPanel cone_;
};

class CostView {
 public:
  void Draw(ChapterContext& ctx);
};

}  // namespace attnviz::ui
