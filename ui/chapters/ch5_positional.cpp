// Chapter 5: positional information. Four views (ui/chapters/ch5/): the
// permutation experiment, sinusoidal, RoPE and ALiBi.
#include <string>

#include <imgui.h>

#include "ui/chapters/attention_view.h"
#include "ui/chapters/ch5/positional_views.h"
#include "ui/chapters/chapters.h"
#include "ui/chapters/lesson/lesson_view.h"
#include "ui/segmented_control.h"

namespace attnviz::ui {

namespace {

constexpr const char* kIntro =
    "Attention compares tokens by what they contain, not by where they stand: on its own it cannot tell \"dog "
    "bites man\" from \"man bites dog\". Order has to be put in, and where it goes decides what a head can express.";

constexpr const char* kSectionNotes[] = {
    "Positions off: a head sees a bag of vectors. Shuffle them and every weight moves with its token, in every "
    "head and layer; no query can ask for \"the token just before me\", because nothing in any vector says where "
    "it is, so the previous-token head loses its target. Positions on: the shuffled sentence gets new weights.",
    "Each pair of dimensions is a clock hand turning at its own speed. The dot product of two positions' codes is "
    "a sum of cosines of their offset, so it depends on how far apart they are, not where: click a token to move p₀.",
    "RoPE turns each pair of a query and a key by position × θᵢ. Rotations compose, so R(m)q · R(n)k = q · R(n−m)k: "
    "the score of a fixed pair of vectors depends on m − n only. A previous-token head is a query turned one step back.",
    "ALiBi adds nothing to the vectors: head h subtracts m_h·|i − j|. A head with a steep slope never looks past a few "
    "tokens, so a longer text than it has seen changes nothing for it; gentle slopes spread further.",
};

class PositionalChapter final : public Chapter {
 public:
  explicit PositionalChapter(TextureService& t) : permutation_(t), sinusoidal_(t), rope_(t), alibi_(t) {}
  int number() const override { return 5; }
  const char* title() const override { return "Positional information"; }
  const char* subtitle() const override { return "Permutation, sinusoidal, RoPE, ALiBi"; }

  void Draw(ChapterContext& ctx) override {
    DrawChapterIntro(ctx, number(), title(), kIntro);
    static const char* const kSections[] = {"Permutation", "Sinusoidal", "RoPE", "ALiBi"};
    DrawSectionTabs(ctx, "ch5.section", kSections, 4, &section_);
    ImGui::SameLine(0, 2 * ImGui::GetFontSize());
    ImGui::AlignTextToFramePadding();
    ImGui::TextDisabled("model's positions");
    ImGui::SameLine();
    static const char* const kKinds[] = {"none", "sinusoidal", "RoPE", "ALiBi"};
    static const Positional kValues[] = {Positional::None, Positional::Sinusoidal, Positional::Rope, Positional::Alibi};
    int cur = -1;
    for (int i = 0; i < 4; ++i)
      if (ctx.request.positional == kValues[i]) cur = i;
    if (DrawSectionTabs(ctx, "chapter.positional", kKinds, 4, &cur)) ctx.request.positional = kValues[cur];
    if (!ctx.ui.presenter) {
      const float measure = std::min(ImGui::GetContentRegionAvail().x, 56.0f * ImGui::GetFontSize());
      ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + measure);
      ImGui::TextDisabled("%s", kSectionNotes[section_]);
      ImGui::PopTextWrapPos();
    }
    // The section's figures as one area (tests compare it; --layout-dump names it).
    ImGui::BeginGroup();
    switch (section_) {
      case 0: permutation_.Draw(ctx); break;
      case 1: sinusoidal_.Draw(ctx); break;
      case 2: rope_.Draw(ctx); break;
      default: alibi_.Draw(ctx); break;
    }
    ImGui::EndGroup();
    ctx.layout.AddLastItem("chapter.figure");
  }

 private:
  int section_ = 0;
  PermutationView permutation_;
  SinusoidalView sinusoidal_;
  RopeView rope_;
  AlibiView alibi_;
};

}  // namespace

std::unique_ptr<Chapter> MakePositionalChapter(TextureService& t) { return std::make_unique<PositionalChapter>(t); }

}  // namespace attnviz::ui
