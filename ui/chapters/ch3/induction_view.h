// Chapter 3, section 4: an induction circuit, two heads composing, drawn from
// the built-in model's `induction` lesson: what layer 1's previous-token head
// writes into each token, what layer 2's induction head matches, and whether
// it lands on the token after an earlier copy, on any repeated text.
#pragma once
#include <cstdint>

#include "ui/chapters/chapter.h"

namespace attnviz::ui {

class InductionView {
 public:
  explicit InductionView(TextureService& textures);
  // False when this build has no induction lesson (then the section is hidden).
  static bool Available();
  void Draw(ChapterContext& ctx);

 private:
  std::uint64_t random_texts_ = 0;  // how many random repeated texts were asked for (their seed)
};

}  // namespace attnviz::ui
