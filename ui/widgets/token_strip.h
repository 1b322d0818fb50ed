// Token strip: the sentence as chips on wrapping lines. Click selects a query
// token (click it again to clear), hovering reports the token so other views
// highlight it, Ctrl+click or Alt+click toggles the token as "global" for the
// global-local mask (global tokens carry a marker). Control characters show as
// escapes (attnviz::DisplayToken). Only the visible lines are drawn, so it
// stays fast at 4096 tokens; the chip layout is cached until tokens, font size
// or width change.
//
// Usage:
//   static ui::TokenStrip strip;                 // holds the layout cache
//   ui::TokenStripData d;
//   d.tokens = trace.tokens; d.selected = state.selected_token;
//   d.highlighted = state.hovered_token; d.globals = request.mask.globals;
//   d.allow_global_toggle = request.mask.pattern == MaskPattern::GlobalLocal;
//   ui::TokenStripResult r = strip.Draw("##tokens", d);
//   if (r.selection_changed) state.selected_token = r.selected;
//   if (r.toggled_global >= 0) edit request.mask.globals (add or remove it);
//   if (r.hovered >= 0) state.hovered_token = r.hovered;
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <imgui.h>

#include "core/text/tokenizer.h"

namespace attnviz::ui {

struct TokenStripData {
  std::span<const Token> tokens;
  int selected = -1;                 // selected query (drawn filled with the accent colour)
  int highlighted = -1;              // hovered elsewhere (drawn with a light band)
  std::span<const int> globals;      // global tokens (marked with a dot); indices >= N ignored
  bool allow_global_toggle = false;  // Ctrl/Alt+click toggles a global only when true
  bool show_indices = false;         // small index under each chip
  // What each chip shows, when given (one per token, e.g. core/text/token_label.h's
  // labels of byte-level tokens); else the token text with DisplayToken's escapes.
  std::span<const std::string> labels;
};

struct TokenStripResult {
  int hovered = -1;                  // chip under the mouse
  bool selection_changed = false;    // a plain click: selected is the new selection
  int selected = -1;                 // the clicked token, or -1 when the selected one was clicked again
  int toggled_global = -1;           // Ctrl/Alt+click on this token (when allow_global_toggle)
};

class TokenStrip {
 public:
  // Draws at the cursor. height 0: all lines up to 8 lines, then it scrolls
  // (a child region); height > 0: exactly that height, scrolling inside.
  // width 0: the rest of the line; > 0: that width.
  TokenStripResult Draw(const char* id, const TokenStripData& data, float height = 0.0f, float width = 0.0f);

  // Chip rectangles relative to the strip's top-left, for tests and for other
  // widgets that want to point at a token. Valid after Draw.
  const std::vector<ImVec4>& chip_rects() const { return rects_; }
  ImVec2 origin() const { return origin_; }  // screen position chip_rects() are relative to
  int lines() const { return lines_; }
  int chips_drawn_last_frame() const { return chips_drawn_; }

 private:
  void Layout(std::span<const Token> tokens, std::span<const std::string> labels, float width);
  std::vector<std::string> labels_;  // DisplayToken of each token
  std::vector<ImVec4> rects_;        // x0, y0, x1, y1 per token, relative to the strip origin
  std::vector<int> line_first_;      // first token of each line
  const Token* laid_tokens_ = nullptr;
  const std::string* laid_labels_ = nullptr;
  std::size_t laid_count_ = 0;
  std::uint64_t laid_hash_ = 0;      // of token texts, so a new trace at the same address relayouts
  float laid_width_ = -1.0f;
  float laid_font_ = -1.0f;
  int lines_ = 0;
  int chips_drawn_ = 0;
  ImVec2 origin_;
};

}  // namespace attnviz::ui
