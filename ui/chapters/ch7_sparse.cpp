// Chapter 7: sparse attention for long contexts. Three views (ui/chapters/ch7/):
// the patterns side by side, the receptive field, the cost curves.
#include <string>

#include <imgui.h>

#include "ui/chapters/attention_view.h"
#include "ui/chapters/ch7/sparse_views.h"
#include "ui/chapters/chapters.h"
#include "ui/chapters/lesson/lesson_view.h"
#include "ui/segmented_control.h"

namespace attnviz::ui {

namespace {

constexpr const char* kIntro =
    "Full attention compares all N² pairs, and past a few thousand tokens that is the whole cost. Sparse "
    "patterns keep some pairs and skip the rest: a window of neighbours (Mistral), a few global tokens everyone "
    "reads (Longformer, BigBird), or blocks with one summary position each (Sparse Transformer).";

constexpr const char* kSectionNotes[] = {
    "The same head under three patterns. A kept key's weight grows when others are dropped (the row still sums to "
    "1), so the attention that moves equals what full attention gave the dropped keys. Ctrl+click a token to make "
    "it global.",
    "One layer lets a token read its window; the next layer reads windows of windows. The cone widens by w − 1 "
    "tokens per layer under a causal window: stacking layers buys back the reach a sparse mask gave up.",
    "Full attention grows as N²; a window of w as N·w; a few global tokens add N·g. Every point is an exact count "
    "of the mask's pairs.",
};

class SparseChapter final : public Chapter {
 public:
  explicit SparseChapter(TextureService& t) : patterns_(t), receptive_(t) {}
  int number() const override { return 7; }
  const char* title() const override { return "Sparse attention"; }
  const char* subtitle() const override { return "Sliding windows, global tokens, blocks"; }

  void Draw(ChapterContext& ctx) override {
    DrawChapterIntro(ctx, number(), title(), kIntro);
    static const char* const kSections[] = {"Patterns", "Receptive field", "Cost to 1M tokens"};
    DrawSectionTabs(ctx, "ch7.section", kSections, 3, &section_);
    if (section_ == 2) {
      ImGui::SameLine(0, 2 * ImGui::GetFontSize());
      ImGui::AlignTextToFramePadding();
      ImGui::TextDisabled("model's mask");
      ImGui::SameLine();
      static const char* const kPatterns[] = {"full", "sliding", "global-local", "block-sparse"};
      int cur = static_cast<int>(ctx.request.mask.pattern);
      if (DrawSectionTabs(ctx, "chapter.pattern", kPatterns, 4, &cur)) ctx.request.mask.pattern = static_cast<MaskPattern>(cur);
    }
    if (!ctx.ui.presenter) {
      const float measure = std::min(ImGui::GetContentRegionAvail().x, 56.0f * ImGui::GetFontSize());
      ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + measure);
      ImGui::TextDisabled("%s", kSectionNotes[section_]);
      ImGui::PopTextWrapPos();
    }
    // The section's figures as one area (tests compare it; --layout-dump names it).
    ImGui::BeginGroup();
    switch (section_) {
      case 0: patterns_.Draw(ctx); break;
      case 1: receptive_.Draw(ctx); break;
      default: cost_.Draw(ctx); break;
    }
    ImGui::EndGroup();
    ctx.layout.AddLastItem("chapter.figure");
  }

 private:
  int section_ = 0;
  PatternsView patterns_;
  ReceptiveFieldView receptive_;
  CostView cost_;
};

}  // namespace

std::unique_ptr<Chapter> MakeSparseChapter(TextureService& t) { return std::make_unique<SparseChapter>(t); }

}  // namespace attnviz::ui
