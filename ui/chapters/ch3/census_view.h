// Chapter 3, section "Census": every head of every layer scored for
// previous-token, induction, first-token sink, duplicate-token and local
// behaviour (the `census` lesson), on the user's text or on a repeated
// random-token probe; the heads sorted by the chosen score, and the evidence
// for the chosen head (its pattern with the cells the score reads outlined).
#pragma once
#include <vector>

#include "ui/chapters/chapter.h"

namespace attnviz::ui {

class CensusView {
 public:
  void Draw(ChapterContext& ctx);

 private:
  int source_ = 1;     // 0 = the text, 1 = the probe
  int score_ = 1;      // lessons::CensusScore (induction first: what the probe is for)
  int selected_ = -1;  // index into the result's heads (layer-major); -1 = the top of the ranking
  // Which thumbnail cells the chosen score reads, kept while nothing changes.
  std::vector<unsigned char> marks_;
  unsigned long marks_generation_ = 0;
  int marks_source_ = -1, marks_score_ = -1;
};

}  // namespace attnviz::ui
