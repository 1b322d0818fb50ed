// Chapter 7: sparse attention.
#include <cstdio>
#include <string>

#include <imgui.h>

#include "ui/chapters/attention_view.h"
#include "ui/chapters/chapters.h"
#include "ui/segmented_control.h"

namespace attnviz::ui {

namespace {

constexpr const char* kIntro =
    "Full attention compares all N² pairs, and past a few thousand tokens that is the bottleneck. Sparse "
    "patterns keep only some pairs. A sliding window lets each token see its w nearest neighbours, so the "
    "work grows as N·w, as in Mistral. Longformer and BigBird add a few global tokens that see everyone and "
    "are seen by everyone, so information still crosses the whole sequence in two hops (Ctrl+click a token "
    "to make it global). A fixed block pattern keeps attention inside blocks and lets one summary position "
    "per block carry information between them.";

class SparseChapter final : public Chapter {
 public:
  explicit SparseChapter(TextureService& t) : view_(t) {}
  int number() const override { return 7; }
  const char* title() const override { return "Sparse attention"; }
  const char* subtitle() const override { return "Sliding windows, global tokens, blocks"; }

  void Draw(ChapterContext& ctx) override {
    DrawChapterIntro(ctx, number(), title(), kIntro);
    static const char* const kPatterns[] = {"full", "sliding", "global-local", "block-sparse"};
    int cur = static_cast<int>(ctx.request.mask.pattern);
    if (SegmentedControl("pattern", kPatterns, 4, &cur)) ctx.request.mask.pattern = static_cast<MaskPattern>(cur);
    ctx.layout.AddLastItem("chapter.pattern");
    if (ctx.trace) {
      long allowed = 0;
      const long total = static_cast<long>(ctx.trace->mask.size());
      for (long i = 0; i < total; ++i) allowed += ctx.trace->mask.data()[i] ? 1 : 0;
      char s[64];
      std::snprintf(s, sizeof s, "%ld of %ld (%.0f%%)", allowed, total, total ? 100.0 * allowed / total : 0.0);
      FactBadge("pairs computed", s, true);
    }
    view_.Draw(ctx);
  }

 private:
  AttentionView view_;
};

}  // namespace

std::unique_ptr<Chapter> MakeSparseChapter(TextureService& t) { return std::make_unique<SparseChapter>(t); }

}  // namespace attnviz::ui
