// Chapter 8: FlashAttention, linear and hybrid attention.
#include <cstdio>
#include <string>

#include <imgui.h>

#include "core/lessons/flash.h"
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
      // Per head, float32: the materialised weights versus the tiled kernel's running state (O, m, l).
      const lessons::FlashLesson f =
          lessons::ComputeFlashLesson(ctx.trace->n(), ctx.trace->config.d_k, ctx.trace->config.heads, 4);
      FactBadge("N×N weights per head", FormatBytes(f.weights_bytes_per_head));
      FactBadge("tiled running state", FormatBytes(f.tiled_state_bytes_per_head), true);
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
