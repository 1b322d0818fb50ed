// Chapter 5's four views, one file each: the permutation experiment, the
// sinusoidal encoding, RoPE and ALiBi. Each asks core for its lesson through the
// compute service and draws it; the chapter (ch5_positional.cpp) switches views.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/lessons/alibi.h"
#include "core/lessons/permutation.h"
#include "core/lessons/rope.h"
#include "core/lessons/sinusoidal.h"
#include "ui/chapters/chapter.h"
#include "ui/chapters/lesson/lesson_view.h"
#include "ui/widgets/matrix_thumbnail.h"

namespace attnviz::ui {

class PermutationView {
 public:
  explicit PermutationView(TextureService& t) : original_(t), shuffled_(t), difference_(t) {}
  void Draw(ChapterContext& ctx);

 private:
  void DrawChips(ChapterContext& ctx, const std::vector<Token>& tokens);
  void DrawHeadTable(const lessons::PermutationLesson& l);
  std::vector<int> order_;        // new position k holds token order_[k]
  std::uint64_t seed_ = 1;
  int positions_on_ = 0;          // 0 = off, 1 = on
  MatrixPanel original_, shuffled_, difference_;
  MatPtr shown_a_, shown_b_;      // the head on screen, held while shown
  std::vector<Token> shuffled_tokens_;
};

class SinusoidalView {
 public:
  explicit SinusoidalView(TextureService& t) : pe_(t) {}
  void Draw(ChapterContext& ctx);

 private:
  MatrixPanel pe_;
};

class RopeView {
 public:
  explicit RopeView(TextureService& t) : diagonal_(t) {}
  void Draw(ChapterContext& ctx);

 private:
  MatrixPanel diagonal_;
  int key_offset_ = 1;            // the key sits this many tokens before the query
};

class AlibiView {
 public:
  explicit AlibiView(TextureService& t) : textures_(&t) {}
  void Draw(ChapterContext& ctx);

 private:
  TextureService* textures_;
  std::vector<std::unique_ptr<MatrixThumbnail>> bias_;
  int slope_heads_ = 0;           // 0 = the model's H
  int repeat_ = 4;
};

}  // namespace attnviz::ui
