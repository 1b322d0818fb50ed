// The Playground: the sentence's heatmaps and arcs for any layer and head with
// every view control, for inspecting a model rather than following a lesson.
#include <algorithm>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "ui/chapters/attention_view.h"
#include "ui/chapters/chapters.h"
#include "ui/segmented_control.h"

namespace attnviz::ui {

namespace {

class Playground final : public Chapter {
 public:
  explicit Playground(TextureService& t) : view_(t) {}
  int number() const override { return 0; }
  const char* title() const override { return "Playground"; }
  const char* subtitle() const override { return "Every head, every matrix, every control"; }

  void Draw(ChapterContext& ctx) override {
    DrawChapterIntro(ctx, 0, title(),
                     "Any layer, any head, any of its matrices. Hover a cell for exact values; drag to pan and "
                     "scroll to zoom the heatmap; toggle heads in the arcs.");
    static const char* const kMatrices[] = {"weights", "logits", "scores", "bias", "mask"};
    SegmentedControl("matrix", kMatrices, 5, &matrix_);
    ctx.layout.AddLastItem("playground.matrix");
    ImGui::SameLine(0, ImGui::GetFontSize());
    ImGui::Checkbox("values in cells", &ctx.ui.show_values);
    ImGui::SameLine();
    if (ImGui::Button("Reset view")) {
      view_.heatmap_view().zoom = 1.0f;
      view_.heatmap_view().center_x = view_.heatmap_view().center_y = 0.5f;
    }
    if (ctx.trace && !ctx.trace->layers.empty()) {
      const LayerTrace& l = ctx.trace->layers[std::min<int>(ctx.ui.layer, ctx.trace->layers.size() - 1)];
      const int h = std::min<int>(ctx.ui.focused_head, l.heads.size() - 1);
      if (h >= 0 && !l.heads[h].empty_rows.empty())
        FactBadge("empty rows", std::to_string(l.heads[h].empty_rows.size()) + " (no allowed key: zero weights)", true);
      for (const std::string& note : ctx.trace->notes) FactBadge("note", note, true);
    }
    AttentionViewOptions o;
    o.matrix = static_cast<HeadMatrix>(matrix_);
    o.arcs_head_chips = true;
    o.id = "playground";
    view_.Draw(ctx, o);
  }

 private:
  AttentionView view_;
  int matrix_ = 0;
};

}  // namespace

std::unique_ptr<Chapter> MakePlayground(TextureService& t) { return std::make_unique<Playground>(t); }

}  // namespace attnviz::ui
