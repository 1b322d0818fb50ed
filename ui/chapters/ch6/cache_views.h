// Chapter 6's five views, one file each: generation with a KV cache, GQA/MQA,
// the memory table, MLA computed, and attention sinks. Each asks core for its
// lesson through the compute service and draws it.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/lessons/gqa.h"
#include "core/lessons/kv_cache.h"
#include "core/lessons/memory.h"
#include "core/lessons/mla.h"
#include "core/lessons/sinks.h"
#include "ui/chapters/chapter.h"
#include "ui/chapters/lesson/lesson_view.h"
#include "ui/widgets/matrix_thumbnail.h"

namespace attnviz::ui {

class GenerationView {
 public:
  explicit GenerationView(TextureService& t) : k_(t), v_(t) {}
  void Draw(ChapterContext& ctx);

 private:
  int step_ = -1;  // -1: the last token
  MatrixPanel k_, v_;
};

class GqaView {
 public:
  explicit GqaView(TextureService& t) : textures_(&t), diff_(t) {}
  void Draw(ChapterContext& ctx);

 private:
  TextureService* textures_;
  std::vector<std::unique_ptr<MatrixThumbnail>> thumbs_;
  std::vector<MatPtr> held_;
  MatrixPanel diff_;
  int groups_index_ = -1;  // index into the lesson's groupings; -1: the smallest G > 1
};

class MemoryView {
 public:
  void Draw(ChapterContext& ctx);

 private:
  int context_ = 32768;
};

class MlaView {
 public:
  explicit MlaView(TextureService& t) : original_(t), compressed_(t) {}
  void Draw(ChapterContext& ctx);

 private:
  int rank_ = 0;  // 0: half the rank, once known
  MatrixPanel original_, compressed_;
  MatPtr held_a_, held_b_;
};

class SinksView {
 public:
  explicit SinksView(TextureService& t) : full_(t), streaming_(t), window_(t) {}
  void Draw(ChapterContext& ctx);

 private:
  int sinks_ = 1, window_size_ = 4;
  bool focused_sink_head_ = false;
  MatrixPanel full_, streaming_, window_;
  MatPtr held_[3];
};

}  // namespace attnviz::ui
