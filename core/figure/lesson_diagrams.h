// The diagrams of chapters 1-4, laid out by core from lesson results so the
// window (ui/widgets/diagram.h) and an exported slide draw the same shapes.
// Each builder takes the drawing's size in figure units: the window passes its
// pixel size divided by ui::DiagramPixelsPerUnit(), export a fixed width.
//
// Index:
//   [SECTION] Numbers as the chapters write them
//   [SECTION] Chapter 1: the recurrent chain beside the attention graph
//   [SECTION] Chapter 1: recurrence against attention, the table
//   [SECTION] Chapter 3: split, attend, concatenate, mix
//   [SECTION] Chapter 4: one query row under three masks
//   [SECTION] Chapter 4: a padded batch
#pragma once
#include <string>
#include <vector>

#include "core/figure/diagram.h"
#include "core/lessons/complexity.h"
#include "core/lessons/masks.h"
#include "core/lessons/padding.h"

namespace attnviz {

// [SECTION] Numbers as the chapters write them
// 1,024 · 16,384 · 1.05 million · 16.4 billion · 2.1 trillion (3 significant digits past a million).
std::string FormatCount(double v);

// [SECTION] Chapter 1: the recurrent chain beside the attention graph
struct PathDiagramInput {
  std::vector<std::string> tokens;      // (N)
  int from = 0, to = 0;                 // the two ends of the path (clamped into the sentence)
  int hidden = 16;                      // D of the recurrent state
  std::vector<float> states;            // (N, D) row-major h_t of the rnn lesson, or empty (boxes drawn blank)
  float width = 800, height = 420;      // units
};
// Top: h_0 -> h_1 -> ... each state a column of D cells coloured by its values,
// the |from - to| steps between the ends in the accent colour. Bottom: the same
// tokens joined pairwise by arcs, the one arc between the ends highlighted.
// Long sentences show the first and last tokens and the neighbourhoods of the
// ends, with the skipped stretches marked "⋯ k". Tokens carry tag = index.
DiagramFigure MakePathDiagram(const PathDiagramInput& in);

// [SECTION] Chapter 1: recurrence against attention, the table
DiagramFigure MakeComparisonDiagram(const lessons::ComplexityLesson& c, float width);

// [SECTION] Chapter 3: split, attend, concatenate, mix
struct PipelineDiagramInput {
  int n = 0, d_model = 0, heads = 0, kv_heads = 0, d_k = 0;
  std::vector<std::string> roles;       // (H) "" for heads without a designed role
  int focused_head = 0;
  std::string token;                    // the selected token ("" = none: no value strips)
  std::vector<float> concat;            // (H·dk) its row of the concatenation
  std::vector<float> result;            // (D)    its row of concat W_o + b_o
  float width = 800, height = 360;
};
// X -> per head W_q, W_k, W_v -> attention -> concat -> W_o -> output, every
// box with its shape, heads in their colours (at most 8 lanes drawn), and the
// selected token's concat and result rows as strips of coloured cells.
// Lanes carry tag = head.
DiagramFigure MakePipelineDiagram(const PipelineDiagramInput& in);

// Two heads composing (the induction circuit), on one line of tokens: layer 1's
// previous-token head has written into each token "the word before me"; the
// induction head's query at `query` matches the token whose previous word is
// the query itself, so it attends to the token after an earlier copy.
struct InductionDiagramInput {
  std::vector<std::string> tokens;      // (N)
  int query = 0;                        // the repeated token
  std::vector<int> previous_word;       // (N) what layer 1 wrote into each token (token index, -1 none)
  std::vector<int> targets;             // the tokens after earlier copies of the query's word
  int attends_to = -1;                  // the induction head's argmax from the query
  double weight = 0;                    // its weight
  int predicted = -1;                   // the token the head's output resembles most
  std::string prev_head, induction_head;  // "L1 H0", "L2 H0"
  float width = 800, height = 240;
};
DiagramFigure MakeInductionDiagram(const InductionDiagramInput& in);

// [SECTION] Chapter 4: one query row under three masks
// Keys as columns (a window around the query in long sentences), the query's
// logits in the first row, then per mask the weights as bars with
// percentages, −∞ where masked, and the mass the bidirectional row kept.
// Key columns carry tag = token index.
DiagramFigure MakeMaskRowDiagram(const lessons::MasksLesson& m, float width, float height);

// [SECTION] Chapter 4: a padded batch
// The batch as two rows of chips, pads hatched, with the padding mask under
// each. Chips of the padded sentence carry tag = padded index.
DiagramFigure MakeBatchDiagram(const lessons::PaddingLesson& p, float width);

}  // namespace attnviz
