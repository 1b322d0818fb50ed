// Chapter 8: FlashAttention, linear attention and hybrid models. Three views
// (ui/chapters/ch8/).
#include <string>

#include <imgui.h>

#include "ui/chapters/attention_view.h"
#include "ui/chapters/ch8/efficient_views.h"
#include "ui/chapters/chapters.h"
#include "ui/chapters/lesson/lesson_view.h"
#include "ui/segmented_control.h"

namespace attnviz::ui {

namespace {

constexpr const char* kIntro =
    "Two ways past the quadratic wall. FlashAttention computes exactly what softmax(QKᵀ/√dₖ)·V computes, tile by "
    "tile, and never writes the N×N weights to slow memory: the same numbers, faster. Linear attention changes the "
    "numbers so the work grows with N instead of N²; hybrid models mix a few exact layers with many cheap ones.";

constexpr const char* kSectionNotes[] = {
    "For each block of query rows, walk the blocks of keys keeping a running max m and sum l per row; when a new "
    "block raises the max, the old sum and the partial output are rescaled by e^(m_old − m_new). After the last "
    "block o/l is the exact softmax-weighted sum. Click a row; step the tiles.",
    "Replace exp(q·k) with φ(q)·φ(k): the sums regroup, and causal attention becomes an RNN whose state is the "
    "matrix S = Σ φ(k)vᵀ (chapter 1's bottleneck, but a d×d one). The weights it implies are flatter than softmax's.",
    "Every full-attention layer keeps the whole cache; sliding and linear layers keep a window or a fixed state. "
    "A hybrid keeps a few full layers for exact recall and pays for the rest at the cheap rate.",
};

class EfficientAttentionChapter final : public Chapter {
 public:
  explicit EfficientAttentionChapter(TextureService& t) : flash_(t), linear_(t) {}
  int number() const override { return 8; }
  const char* title() const override { return "FlashAttention, linear and hybrid attention"; }
  const char* subtitle() const override { return "Same numbers faster, or different numbers cheaper"; }

  void Draw(ChapterContext& ctx) override {
    DrawChapterIntro(ctx, number(), title(), kIntro);
    static const char* const kSections[] = {"FlashAttention", "Linear attention", "Hybrid stacks"};
    DrawSectionTabs(ctx, "ch8.section", kSections, 3, &section_);
    if (!ctx.ui.presenter) {
      const float measure = std::min(ImGui::GetContentRegionAvail().x, 56.0f * ImGui::GetFontSize());
      ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + measure);
      ImGui::TextDisabled("%s", kSectionNotes[section_]);
      ImGui::PopTextWrapPos();
    }
    // The section's figures as one area (tests compare it; --layout-dump names it).
    ImGui::BeginGroup();
    switch (section_) {
      case 0: flash_.Draw(ctx); break;
      case 1: linear_.Draw(ctx); break;
      default: hybrid_.Draw(ctx); break;
    }
    ImGui::EndGroup();
    ctx.layout.AddLastItem("chapter.figure");
  }

 private:
  int section_ = 0;
  FlashView flash_;
  LinearView linear_;
  HybridView hybrid_;
};

}  // namespace

std::unique_ptr<Chapter> MakeEfficientAttentionChapter(TextureService& t) {
  return std::make_unique<EfficientAttentionChapter>(t);
}

}  // namespace attnviz::ui
