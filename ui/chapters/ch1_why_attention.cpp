// Chapter 1: why attention? The recurrent bottleneck versus one direct step.
#include <cstdlib>
#include <string>

#include <imgui.h>

#include "core/engine.h"
#include "core/lessons/path_length.h"
#include "core/lessons/rnn.h"
#include "ui/widgets/plot.h"
#include "ui/chapters/attention_view.h"
#include "ui/chapters/chapters.h"
#include "ui/segmented_control.h"

namespace attnviz::ui {

namespace {

constexpr const char* kIntro =
    "A recurrent network reads a sentence one token at a time and squeezes everything it has seen into a "
    "single state of fixed size. A word near the start must survive every later step before it can shape the "
    "end, and the gradient that would teach the network about it fades along the same chain. Attention "
    "replaces the chain with direct connections: every token compares itself with every other token and takes "
    "a weighted mix of what they carry, all in one parallel step, so any two positions are a single hop apart. "
    "The price is that the comparisons grow with the square of the length. Click a token to see where it looks.";

class WhyAttentionChapter final : public Chapter {
 public:
  explicit WhyAttentionChapter(TextureService& t) : view_(t) {}
  int number() const override { return 1; }
  const char* title() const override { return "Why attention?"; }
  const char* subtitle() const override { return "The recurrent bottleneck and the one-step path"; }

  void Draw(ChapterContext& ctx) override {
    DrawChapterIntro(ctx, number(), title(), kIntro);
    if (ctx.trace) {
      const int q = ctx.ui.selected_token, k = ctx.ui.hovered_token;
      const bool pair = q >= 0 && k >= 0;
      const lessons::PathLesson p = lessons::ComputePathLesson(ctx.trace->n(), pair ? q : -1, pair ? k : -1);
      FactBadge("tokens", std::to_string(p.n));
      FactBadge(pair ? "RNN steps between them" : "RNN steps first to last", std::to_string(p.rnn_steps), true);
      FactBadge("attention steps", std::to_string(p.attention_steps), true);
      FactBadge("pairs compared", std::to_string(static_cast<long long>(p.pairs)), true);
    }
    DrawGradientPlot(ctx);
    AttentionViewOptions o;
    o.id = "ch1";
    view_.Draw(ctx, o);
  }

 private:
  // ||dh_last/dh_t|| of the rnn lesson against distance, on a log axis, with
  // attention's one hop as the flat line beside it.
  void DrawGradientPlot(ChapterContext& ctx) {
    if (!ctx.compute) return;
    ImGui::SetNextItemWidth(10 * ImGui::GetFontSize());
    ImGui::SliderInt("hidden size", &params_.hidden, lessons::kRnnMinHidden, lessons::kRnnMaxHidden);
    ImGui::SameLine();
    float radius = static_cast<float>(params_.radius);
    ImGui::SetNextItemWidth(10 * ImGui::GetFontSize());
    if (ImGui::SliderFloat("spectral radius", &radius, 0.1f, 2.0f, "%.2f")) params_.radius = radius;
    const lessons::RnnParams p = params_;
    const Request req = ctx.request;
    Engine* engine = &ctx.compute->engine();
    const std::string key = "rnn:" + std::to_string(p.hidden) + ":" + std::to_string(p.radius) + ":" + RequestKey(req);
    const Computed<lessons::RnnLesson> r = ctx.compute->Ask<lessons::RnnLesson>(
        "ch1/rnn", key, [engine, req, p](const CancelToken& c) {
          return std::make_shared<const lessons::RnnLesson>(lessons::RunRnnLesson(*engine, req, p, &c));
        });
    if (!r.value) return;
    PlotFigure fig;
    fig.title = "How much of token t reaches the last state";
    fig.x.label = "distance to the last token (steps)";
    fig.y.label = "||dh_last / dh_t||";
    fig.y.log = true;
    PlotSeries rnn;
    char label[64];
    std::snprintf(label, sizeof label, "RNN, radius %.2f", r.value->radius);
    rnn.label = label;
    rnn.color = HeadColor(3);
    rnn.style = PlotStyle::LineMarkers;
    PlotSeries att{"attention: one hop at any distance", {}, {}, HeadColor(0), PlotStyle::Line, true};
    for (int t = 0; t < r.value->n; ++t) {
      rnn.x.push_back(r.value->n - 1 - t);
      rnn.y.push_back(r.value->grad_norm[t]);
    }
    att.x = {0.0, static_cast<double>(std::max(1, r.value->n - 1))};
    att.y = {std::sqrt(static_cast<double>(r.value->hidden)), std::sqrt(static_cast<double>(r.value->hidden))};
    fig.series = {rnn, att};
    const PlotResult pr = DrawPlot("##grad", fig, ImVec2(0, 14 * ImGui::GetFontSize()));
    if (pr.export_requested) ctx.export_requested = true;
    OfferFigure(ctx, fig.title, "rnn-gradient", Figure{fig}, pr.hovered || pr.export_requested);
  }

  AttentionView view_;
  lessons::RnnParams params_;
};

}  // namespace

std::unique_ptr<Chapter> MakeWhyAttentionChapter(TextureService& t) { return std::make_unique<WhyAttentionChapter>(t); }

}  // namespace attnviz::ui
