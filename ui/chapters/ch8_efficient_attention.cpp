// Chapter 8: FlashAttention, linear and hybrid attention.
#include <cstdio>
#include <string>

#include <imgui.h>

#include "ui/chapters/attention_view.h"
#include "ui/chapters/chapters.h"
#include "ui/segmented_control.h"

namespace attnviz::ui {

namespace {

constexpr const char* kIntro =
    "FlashAttention computes exactly what the textbook formula computes, but never writes the N×N weight "
    "matrix to slow memory: it walks over blocks of keys, keeps a running maximum and sum for the softmax, "
    "and rescales the partial output as it goes. Speed and memory change; the numbers do not. Linear "
    "attention does change the numbers: it replaces the softmax with a feature map so the products can be "
    "regrouped and the cost grows linearly with N. Hybrid architectures interleave a few full-attention "
    "layers with cheaper linear or recurrent ones, keeping most of the quality for a fraction of the cost.";

class EfficientAttentionChapter final : public Chapter {
 public:
  explicit EfficientAttentionChapter(TextureService& t) : view_(t) {}
  int number() const override { return 8; }
  const char* title() const override { return "FlashAttention, linear and hybrid attention"; }
  const char* subtitle() const override { return "Same numbers faster, or different numbers cheaper"; }

  void Draw(ChapterContext& ctx) override {
    DrawChapterIntro(ctx, number(), title(), kIntro);
    if (ctx.trace) {
      const double n = ctx.trace->n(), dk = ctx.trace->config.d_k;
      // Per head, float32: the materialised weights versus the tiled kernel's running state (O, m, l).
      FactBadge("N×N weights per head", FormatBytes(n * n * 4));
      FactBadge("tiled running state", FormatBytes(n * (dk + 2) * 4), true);
    }
    view_.Draw(ctx);
  }

 private:
  AttentionView view_;
};

}  // namespace

std::unique_ptr<Chapter> MakeEfficientAttentionChapter(TextureService& t) {
  return std::make_unique<EfficientAttentionChapter>(t);
}

}  // namespace attnviz::ui
