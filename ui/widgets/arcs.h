// Attention arcs (the bertviz "head view", done for thousands of tokens):
// queries on the left and keys on the right (or all tokens on one line with
// arcs above it), curves from the selected query to its keys with opacity and
// width by weight, one colour per head (core/figure's HeadColor, the same as
// exported arcs figures), head chips to toggle heads, all heads overlaid or one.
// Hovering a token (here, or elsewhere via highlight_token) previews its arcs
// without selecting it; hovering a key shows every query's arc into it.
//
// Bounded cost at N = 1024+: only arcs of one query are drawn (the selected or
// hovered one), arcs below view.min_weight are culled, at most kMaxArcsPerHead
// per head (the strongest), only tokens inside the visible part are labelled,
// and everything is clipped to the widget.
//
// Usage:
//   ui::ArcsData d;
//   d.tokens = trace.tokens; d.heads = H;
//   d.weights = [&](int h, int token, bool column, float* out) {   // one row or column, on demand
//     column ? trace.WeightsColumn(layer, h, token, out) : trace.MatrixRows(layer, h, HeadMatrix::Weights, token, 1, out);
//   };
//   d.selected_query = state.selected_token; d.highlight_token = state.hovered_token;
//   ui::ArcsResult r = ui::DrawAttentionArcs("##arcs", d, state.arcs_view);
//   if (r.clicked_token >= 0) state.selected_token = r.clicked_token == state.selected_token ? -1 : r.clicked_token;
//   state.hovered_token = r.hovered_token;
#pragma once
#include <cstdint>
#include <functional>
#include <span>

#include <imgui.h>

#include "core/text/tokenizer.h"

namespace attnviz::ui {

inline constexpr int kMaxArcsPerHead = 256;

enum class ArcsLayout { TwoColumns, OneLine };

// Persistent view settings, owned by the caller (plain data: save it in settings).
struct ArcsView {
  ArcsLayout layout = ArcsLayout::TwoColumns;
  bool all_heads = true;          // overlay every enabled head; false = only solo_head
  int solo_head = 0;
  std::uint64_t hidden_heads = 0; // bit h set = head h toggled off (kMaxHeads = 64 fits)
  float min_weight = 0.01f;       // arcs below this weight are not drawn
  float scroll = 0.0f;            // first visible token (two columns: rows; one line: columns)
  bool operator==(const ArcsView&) const = default;
};

struct ArcsData {
  std::span<const Token> tokens;              // N
  int heads = 0;                              // H
  // Head h's weights from query `token` to every key (column false), or from
  // every query into key `token` (column true), written to out (N). Called
  // for the one token whose arcs are drawn, so a trace need not hold N x N.
  std::function<void(int head, int token, bool column, float* out)> weights;
  std::span<const char* const> head_names;    // optional, H names for chips' tooltips (e.g. roles)
  int selected_query = -1;                    // -1 = none (then hovering previews, else a hint is shown)
  int highlight_token = -1;                   // hovered elsewhere: highlighted, and its arcs previewed
  bool show_head_chips = true;                // the head toggle chips and layout toggle above the arcs
};

struct ArcsResult {
  int hovered_token = -1;   // token under the mouse (either column)
  int clicked_token = -1;   // a token was clicked (the caller decides select / clear)
  bool view_changed = false;// a chip, layout or head toggle changed the view
  int arcs_drawn = 0;       // curves drawn this frame (tests check it stays bounded)
  int vertices = 0;         // draw-list vertices this widget added this frame
};

// For callers that hold whole (N, N) row-major matrices (one per head).
std::function<void(int, int, bool, float*)> ArcsWeightsFromMatrices(std::span<const float* const> matrices, int n);

// Draws at the cursor. size (0,0): available width and height (at least 12 em tall).
ArcsResult DrawAttentionArcs(const char* id, const ArcsData& data, ArcsView& view,
                             ImVec2 size = ImVec2(0, 0));

}  // namespace attnviz::ui
