// Next-token panel: what a loaded model expects after the text, from the
// trace's next_token (the 10 most likely tokens, core/trace.h). Each candidate
// is a row: the token as a person reads it (core/text/token_label.h: the
// leading space as a faint "␣" before the word, bytes of an unfinished
// character as ⟨E2 80⟩, never U+FFFD), a bar and its probability in percent.
// Bars are scaled to the most likely candidate (the percentages are absolute),
// so a flat distribution over 50,257 tokens still shows its shape.
// Candidates run down the first column, then the next (two columns of five).
//
// Usage:
//   ui::NextTokenPanel panel;
//   panel.Draw("##next", trace.next_token, ImVec2(w, h), /*stale=*/busy);
#pragma once
#include <string>
#include <vector>

#include <imgui.h>

#include "core/trace.h"
#include "core/text/token_label.h"

namespace attnviz::ui {

class NextTokenPanel {
 public:
  // Draws at the cursor in a box of `size`; stale dims it (a newer text is
  // computing). Returns the candidate under the mouse (-1 = none).
  int Draw(const char* id, const std::vector<NextToken>& next, ImVec2 size, bool stale);
  // The height that shows every row of `count` candidates at the current font.
  static float WantedHeight(int count);

 private:
  std::vector<NextToken> cached_;  // labels are redone only when the candidates change
  std::vector<TokenLabel> labels_;
};

}  // namespace attnviz::ui
