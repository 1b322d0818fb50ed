// AttentionView: the shared "heatmap + arcs" of one head that every chapter
// shows until it grows its own views, and the core of the Playground. It reads
// the trace, writes selection / hover / focused head into UiState, and offers
// its heatmap for Ctrl+E.
#pragma once
#include <vector>

#include "ui/chapters/chapter.h"
#include "ui/widgets/arcs.h"
#include "ui/widgets/heatmap.h"

namespace attnviz::ui {

// Which (N, N) matrix of the focused head the heatmap colours.
enum class ShownMatrix { Weights, Logits, Scores, Bias, Mask };
const char* ShownMatrixName(ShownMatrix m);

struct AttentionViewOptions {
  ShownMatrix matrix = ShownMatrix::Weights;
  bool head_picker = true;     // a row of head chips above the views
  bool arcs = true;
  bool arcs_head_chips = false;  // the arcs widget's own per-head toggles
  float height = 0;            // 0 = all the available height
  const char* id = "attention";
};

class AttentionView {
 public:
  explicit AttentionView(TextureService& textures) : heatmap_(textures) {}
  void Draw(ChapterContext& ctx, const AttentionViewOptions& options = {});

  HeatmapView& heatmap_view() { return heatmap_view_; }
  ArcsView& arcs_view() { return arcs_view_; }

 private:
  Heatmap heatmap_;
  HeatmapView heatmap_view_;
  ArcsView arcs_view_;
  std::vector<float> mask_values_;      // the mask as 0/1 floats when HeadMatrix::Mask is shown
  unsigned long mask_generation_ = ~0ul;
  std::vector<const char*> head_names_;
  // The matrices on screen, computed on demand by the trace and held while shown.
  MatPtr shown_, extra_a_, extra_b_;
};

// Head chips: "H0 previous-token" with the head's colour; click focuses the head.
// Returns true when the focused head changed.
bool DrawHeadPicker(ChapterContext& ctx, const LayerTrace& layer);

// The layer slider, shown only for multi-layer traces.
void DrawLayerPicker(ChapterContext& ctx);

// The chapter header (number, title, intro paragraph) in the chapter's voice.
void DrawChapterIntro(ChapterContext& ctx, int number, const char* title, const char* intro);

// Shown in place of a view while the first trace computes or after an error.
void DrawNoTrace(ChapterContext& ctx);

}  // namespace attnviz::ui
