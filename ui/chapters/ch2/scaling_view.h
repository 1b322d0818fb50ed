// Chapter 2, section 2: why the scores are divided by √dₖ, measured by the
// `scaling` lesson: the variance of random dot products as dₖ grows, the
// softmax saturating into one-hot rows without the scale, and the sentence's
// own rows with and without it across the temperature slider.
#pragma once
#include "ui/chapters/chapter.h"

namespace attnviz::ui {

class ScalingView {
 public:
  void Draw(ChapterContext& ctx);
};

}  // namespace attnviz::ui
