// Chapter 8's three views, one file each: FlashAttention stepped tile by tile
// (with the engine's kernel and its live speed beside it), linear attention in
// its two forms, and hybrid stacks at long context.
#pragma once
#include <string>

#include "core/bench/attention_bench.h"
#include "core/lessons/flash.h"
#include "core/lessons/hybrid.h"
#include "core/lessons/linear_attention.h"
#include "ui/chapters/chapter.h"
#include "ui/chapters/lesson/lesson_view.h"

namespace attnviz::ui {

class FlashView {
 public:
  explicit FlashView(TextureService& t) : known_(t) {}
  void Draw(ChapterContext& ctx);

 private:
  void DrawRowTable(const lessons::FlashStepLesson& l, float width);
  void DrawBench(ChapterContext& ctx, float width);
  MatrixPanel known_;
  int block_q_ = 4, block_k_ = 4;
  int step_ = -1;          // tiles done; -1 = all
  int bench_n_index_ = 1;  // 1024, 2048, 4096
};

class LinearView {
 public:
  explicit LinearView(TextureService& t) : softmax_(t), implied_(t), state_(t) {}
  void Draw(ChapterContext& ctx);

 private:
  MatrixPanel softmax_, implied_, state_;
};

class HybridView {
 public:
  void Draw(ChapterContext& ctx);

 private:
  int base_ = 2;           // Llama-3-8B
  int ratio_ = 3;
  int window_ = 4096;
  int context_ = 131072;
};

}  // namespace attnviz::ui
