// The chapters in reading order, then the Playground (like ImPlot's demo
// sections: one list, one place to add a chapter).
#include "ui/chapters/chapters.h"

namespace attnviz::ui {

std::vector<std::unique_ptr<Chapter>> MakeChapters(TextureService& textures) {
  std::vector<std::unique_ptr<Chapter>> c;
  c.push_back(MakeWhyAttentionChapter(textures));
  c.push_back(MakeScaledDotProductChapter(textures));
  c.push_back(MakeMultiHeadChapter(textures));
  c.push_back(MakeMasksChapter(textures));
  c.push_back(MakePositionalChapter(textures));
  c.push_back(MakeKvCacheChapter(textures));
  c.push_back(MakeSparseChapter(textures));
  c.push_back(MakeEfficientAttentionChapter(textures));
  c.push_back(MakePlayground(textures));
  return c;
}

}  // namespace attnviz::ui
