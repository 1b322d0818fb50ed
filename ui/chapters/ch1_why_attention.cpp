// Chapter 1: why attention? The recurrent bottleneck against one direct step.
//
// Four sections: the sentence as a recurrent chain beside the attention graph
// (the `path` and `rnn` lessons), gradients through the chain (`rnn`), what
// each costs as N grows (`complexity`), and the two side by side (`complexity`).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "core/engine.h"
#include "core/figure/lesson_diagrams.h"
#include "core/lessons/complexity.h"
#include "core/lessons/path_length.h"
#include "core/lessons/rnn.h"
#include "ui/chapters/attention_view.h"
#include "ui/chapters/chapters.h"
#include "ui/chapters/lesson_view.h"
#include "ui/segmented_control.h"
#include "ui/widgets/diagram.h"
#include "ui/widgets/plot.h"

namespace attnviz::ui {

namespace {

constexpr const char* kIntro =
    "A recurrent network reads a sentence one token at a time and carries everything it has seen in one state "
    "of fixed size. Attention lets every token read every other token directly, in one parallel step. Pick two "
    "tokens and compare the paths between them.";

constexpr const char* kExample = "The cat that I saw yesterday at the park sat on the mat";
constexpr int kExampleFrom = 1, kExampleTo = 9;  // "cat" ... "sat"

enum Section { kPath, kGradients, kCost, kCompare };

std::string Fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

class WhyAttentionChapter final : public Chapter {
 public:
  explicit WhyAttentionChapter(TextureService&) {}
  int number() const override { return 1; }
  const char* title() const override { return "Why attention?"; }
  const char* subtitle() const override { return "The recurrent bottleneck and the one-step path"; }

  void Draw(ChapterContext& ctx) override {
    DrawChapterIntro(ctx, number(), title(), kIntro);
    static const char* const kSections[] = {"1  One hop or many", "2  Vanishing gradients", "3  Cost as N grows",
                                            "4  RNN against attention"};
    SectionTabs(ctx, "ch1.section", kSections, 4, &section_);
    // The seed's sentence, one click away, when it fits beside the tabs.
    const char* example = "Example: cat \xE2\x80\xA6 sat";
    const float bw = ImGui::CalcTextSize(example).x + ImGui::GetStyle().FramePadding.x * 2;
    ImGui::SameLine(0, ImGui::GetFontSize());
    if (ImGui::GetContentRegionAvail().x < bw) ImGui::NewLine();
    if (ImGui::SmallButton(example)) {
      ctx.request.text = kExample;
      ctx.ui.selected_token = kExampleFrom;
      other_ = kExampleTo;
    }
    ctx.layout.AddLastItem("ch1.example");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("\xE2\x80\x9C%s\xE2\x80\x9D: \xE2\x80\x9C" "cat\xE2\x80\x9D must survive every step to reach \xE2\x80\x9Csat\xE2\x80\x9D", kExample);
    ImGui::Dummy(ImVec2(0, 0.2f * ImGui::GetFontSize()));
    if (!ctx.trace || ctx.trace->n() == 0) {
      DrawNoTrace(ctx);
      return;
    }
    switch (section_) {
      case kPath: DrawPath(ctx); break;
      case kGradients: DrawGradients(ctx); break;
      case kCost: DrawCost(ctx); break;
      default: DrawCompare(ctx); break;
    }
  }

  std::string SavedState() const override { return std::to_string(section_); }
  void RestoreState(std::string_view s) override {
    if (s.size() == 1 && s[0] >= '0' && s[0] <= '3') section_ = s[0] - '0';
  }

 private:
  // The rnn lesson of the sentence (coloured states in section 1, the plot in 2).
  Computed<lessons::RnnLesson> AskRnn(ChapterContext& ctx) {
    const lessons::RnnParams p = rnn_;
    const Request req = ctx.request;
    Engine* engine = &ctx.compute->engine();
    const std::string key = "rnn:" + std::to_string(p.hidden) + ":" + std::to_string(p.radius) + ":" +
                            std::to_string(p.seed) + ":" + RequestKey(req);
    return ctx.compute->Ask<lessons::RnnLesson>("ch1/rnn", key, [engine, req, p](const CancelToken& c) {
      return std::make_shared<const lessons::RnnLesson>(lessons::RunRnnLesson(*engine, req, p, &c));
    });
  }

  // The two ends: the selected token (or the first), and the hovered token,
  // else the one clicked second in the figure, else the last.
  void Ends(const ChapterContext& ctx, int* a, int* b) const {
    const int n = ctx.trace->n();
    *a = ctx.ui.selected_token >= 0 && ctx.ui.selected_token < n ? ctx.ui.selected_token : 0;
    const int h = ctx.ui.hovered_token;
    if (h >= 0 && h < n && h != *a) *b = h;
    else if (other_ >= 0 && other_ < n && other_ != *a) *b = other_;
    else *b = *a == n - 1 ? 0 : n - 1;
  }

  void SliderRow(ChapterContext& ctx) {
    const float fs = ImGui::GetFontSize();
    ImGui::SetNextItemWidth(9 * fs);
    ImGui::SliderInt("hidden size D", &rnn_.hidden, lessons::kRnnMinHidden, lessons::kRnnMaxHidden, "%d",
                     ImGuiSliderFlags_Logarithmic);
    RecordFrame(ctx, "ch1.hidden", 9 * fs);
    ImGui::SameLine(0, fs);
    float radius = static_cast<float>(rnn_.radius);
    ImGui::SetNextItemWidth(9 * fs);
    if (ImGui::SliderFloat("spectral radius of W_hh", &radius, 0.1f, 2.5f, "%.2f")) rnn_.radius = radius;
    RecordFrame(ctx, "ch1.radius", 9 * fs);
  }

  // [SECTION] 1: the chain beside the graph
  void DrawPath(ChapterContext& ctx) {
    const Trace& t = *ctx.trace;
    int a = 0, b = 0;
    Ends(ctx, &a, &b);
    const lessons::PathLesson p = lessons::ComputePathLesson(t.n(), a, b);
    FactBadge("tokens N", std::to_string(p.n));
    FactBadge("recurrent steps |i\xE2\x88\x92j|", std::to_string(p.rnn_steps), true);
    FactBadge("attention hops", std::to_string(p.attention_steps), true);
    FactBadge("first to last", std::to_string(p.first_to_last_rnn) + " steps vs " +
                                   std::to_string(p.first_to_last_attention) + " hop", true);
    const Computed<lessons::RnnLesson> rnn = AskRnn(ctx);
    PathDiagramInput in;
    for (const Token& tok : t.tokens) in.tokens.push_back(DisplayToken(tok.text));
    in.from = p.from;
    in.to = p.to;
    in.hidden = rnn_.hidden;
    if (rnn.value && rnn.value->n == t.n()) {
      in.hidden = rnn.value->hidden;
      in.states.assign(rnn.value->states.data(), rnn.value->states.data() + rnn.value->states.size());
    }
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float h = std::max(14 * ImGui::GetFontSize(), avail.y - ImGui::GetTextLineHeightWithSpacing() * 2.5f);
    const ImVec2 u = DiagramUnits(ImVec2(avail.x, h));
    in.width = u.x;
    in.height = u.y;
    DiagramFigure fig = MakePathDiagram(in);
    const DiagramResult r = DrawDiagram("##path", fig, ImVec2(avail.x, h));
    ctx.layout.Add("ch1.figure", r.min, r.max);
    if (r.hovered_tag >= 0) ctx.ReportHover(r.hovered_tag);
    if (r.clicked_tag >= 0) {
      if (ctx.ui.selected_token < 0) ctx.ui.selected_token = r.clicked_tag;
      else if (r.clicked_tag == ctx.ui.selected_token) ctx.ui.selected_token = -1, other_ = -1;
      else other_ = r.clicked_tag;
    }
    if (r.export_requested) ctx.export_requested = true;
    in.height *= kSlideWidth / in.width;  // the slide: the same drawing laid out at slide width
    in.width = kSlideWidth;
    OfferFigure(ctx, fig.title, "path-rnn-vs-attention", Figure{MakePathDiagram(in)}, r.hovered || r.export_requested);
    LessonCaption("Each state box is the network's whole memory: " + std::to_string(in.hidden) +
                  " numbers, coloured by their values. Click a token, then a second one; hovering previews.");
  }

  // [SECTION] 2: gradients through the chain
  void DrawGradients(ChapterContext& ctx) {
    SliderRow(ctx);
    const Computed<lessons::RnnLesson> r = AskRnn(ctx);
    LessonStatus(r, "the recurrent network");
    if (!r.value) return FigurePlaceholder(ctx, "ch1.figure");
    const lessons::RnnLesson& l = *r.value;
    FactBadge("measured radius", Fmt("%.3f", l.measured_radius));
    const double far = l.log10_grad_norm.empty() ? 0 : l.log10_grad_norm.front();
    const std::string far_text = !std::isfinite(far) ? "0 (vanished)"
                                 : std::fabs(far) < 300 ? Fmt("%.2g", std::pow(10.0, far))
                                                        : "10^" + Fmt("%.0f", far);
    FactBadge("at distance N\xE2\x88\x92" "1", far_text, true);
    FactBadge("path lengths", std::to_string(l.n - 1) + " steps vs 1 hop", true);

    PlotFigure fig;
    fig.title = "How much of token t reaches the last state";
    fig.subtitle = "tanh RNN, D = " + std::to_string(l.hidden) + ", spectral radius " + Fmt("%.2f", l.radius);
    fig.x.label = "distance to the last token (steps)";
    fig.x.integer = true;
    fig.y.label = "\xE2\x80\x96\xE2\x88\x82h_last / \xE2\x88\x82h_t\xE2\x80\x96";
    fig.y.log = true;
    PlotSeries rnn;
    rnn.label = "RNN: product of " + std::to_string(std::max(0, l.n - 1)) + " Jacobians, radius " + Fmt("%.2f", l.radius);
    rnn.color = HeadColor(3);
    rnn.style = PlotStyle::LineMarkers;
    for (int t = 0; t < l.n; ++t) {
      rnn.x.push_back(l.n - 1 - t);
      rnn.y.push_back(l.grad_norm[t]);
    }
    const double sq = std::sqrt(static_cast<double>(l.hidden));
    PlotSeries att{"attention: one hop at every distance", {0.0, static_cast<double>(std::max(1, l.n - 1))}, {sq, sq},
                   HeadColor(0), PlotStyle::Line, true};
    // Room above the curves for the legend.
    double top = sq;
    for (double v : rnn.y)
      if (std::isfinite(v)) top = std::max(top, v);
    fig.y.max = top * 30;
    fig.series = {rnn, att};
    const int sel = ctx.ui.selected_token;
    if (sel >= 0 && sel < l.n && sel < static_cast<int>(l.tokens.size()))
      fig.x_marks.push_back({static_cast<double>(l.n - 1 - sel), l.tokens[sel], {214, 120, 24}});
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float h = std::max(12 * ImGui::GetFontSize(), avail.y - 4.2f * ImGui::GetTextLineHeightWithSpacing());
    const PlotResult pr = DrawPlot("##grad", fig, ImVec2(avail.x, h));
    ctx.layout.Add("ch1.figure", pr.plot_min, pr.plot_max);
    if (pr.clicked && pr.hovered) {
      const int d = static_cast<int>(std::lround(pr.mouse_x));
      if (d >= 0 && d < l.n) ctx.ui.selected_token = l.n - 1 - d;
    }
    if (pr.export_requested) ctx.export_requested = true;
    OfferFigure(ctx, fig.title, "rnn-gradient", Figure{std::move(fig)}, pr.hovered || pr.export_requested);
    LessonCaption(
        "The gradient that reaches token t is a product of one Jacobian per step, diag(1 \xE2\x88\x92 h\xC2\xB2) W_hh\xE1\xB5\x80. "
        "Below radius 1 it shrinks geometrically with the distance, so far tokens teach the network almost nothing; "
        "above 1 it can grow until tanh saturates. Attention joins every pair by one step, so distance costs nothing. "
        "Click the plot to select the token at that distance.");
  }

  // [SECTION] 3: cost as N grows
  lessons::ComplexityParams CostParams(const ChapterContext& ctx) const {
    lessons::ComplexityParams p;
    p.n = cost_n_ > 0 ? cost_n_ : ctx.trace->n();
    p.d = cost_d_ > 0 ? cost_d_ : std::max(1, ctx.trace->config.d_model);
    p.k = cost_k_;
    p.r = cost_r_;
    return p;
  }

  void DrawCost(ChapterContext& ctx) {
    const float fs = ImGui::GetFontSize();
    lessons::ComplexityParams p = CostParams(ctx);
    float log_n = static_cast<float>(std::log10(p.n));
    ImGui::SetNextItemWidth(9 * fs);
    const std::string nlabel = "N = " + FormatCount(p.n);
    if (ImGui::SliderFloat("tokens##n", &log_n, 0.0f, std::log10(16777216.0f), nlabel.c_str()))
      cost_n_ = std::max(1.0, std::round(std::pow(10.0, log_n)));
    RecordFrame(ctx, "ch1.n", 9 * fs);
    ImGui::SameLine(0, fs * 0.8f);
    int d = p.d;
    ImGui::SetNextItemWidth(6.5f * fs);
    if (ImGui::SliderInt("width d", &d, 16, 16384, "d = %d", ImGuiSliderFlags_Logarithmic)) cost_d_ = d;
    RecordFrame(ctx, "ch1.d", 6.5f * fs);
    ImGui::SameLine(0, fs * 0.8f);
    ImGui::SetNextItemWidth(3.5f * fs);
    ImGui::SliderInt("kernel k", &cost_k_, 2, 9);
    ImGui::SameLine(0, fs * 0.8f);
    ImGui::SetNextItemWidth(4.5f * fs);
    ImGui::SliderInt("window r", &cost_r_, 1, 4096, "%d", ImGuiSliderFlags_Logarithmic);
    ImGui::SameLine(0, fs * 0.8f);
    if (ImGui::GetContentRegionAvail().x < 6 * fs) ImGui::NewLine();
    if (ImGui::SmallButton("the sentence")) cost_n_ = 0, cost_d_ = 0;
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("N and d of the sentence and model on screen");
    p = CostParams(ctx);
    const lessons::ComplexityLesson c = lessons::ComputeComplexityLesson(p);

    FactBadge("pairs per head per layer N\xC2\xB2", FormatCount(c.pairs));
    FactBadge("at 128,000 tokens", FormatCount(c.pairs_long_context), true);
    FactBadge(c.attention_cheaper ? "attention does less work: N < d" : "recurrence does less work: N \xE2\x89\xA5 d",
              Fmt("%.3g\xC3\x97", c.attention_cheaper ? 1.0 / c.work_ratio : c.work_ratio), true);

    PlotFigure work;
    work.title = "Work per layer (multiply-adds), Vaswani et al. Table 1";
    work.subtitle = "d = " + std::to_string(p.d) + ", k = " + std::to_string(p.k) + ", r = " + std::to_string(p.r);
    work.x.label = "tokens N";
    work.x.log = true;
    work.y.label = "multiply-adds per layer";
    work.y.log = true;
    const Rgb8 colors[4] = {HeadColor(0), HeadColor(3), HeadColor(4), HeadColor(2)};
    for (std::size_t i = 0; i < c.curves.size(); ++i) {
      PlotSeries s;
      s.label = c.table[i].layer + "  " + c.table[i].work_formula;
      s.x = c.grid_n;
      s.y = c.curves[i].work;
      s.color = colors[i];
      s.width = i == 0 ? 2.4f : 1.6f;
      work.series.push_back(std::move(s));
    }
    work.x_marks = {{p.n, "your N", {214, 120, 24}}, {static_cast<double>(p.d), "N = d", {120, 120, 120}},
                    {lessons::kLongContextExample, "128k", {120, 120, 120}}};
    PlotFigure steps;
    steps.title = "Sequential steps per layer";
    steps.x.label = "tokens N";
    steps.x.log = true;
    steps.y.label = "sequential steps";
    steps.y.log = true;
    steps.series.push_back({"recurrent: N", c.grid_n, c.steps_rnn, colors[1], PlotStyle::Line});
    steps.series.push_back({"attention, convolution: 1", c.grid_n, c.steps_attention, colors[0], PlotStyle::Line});
    steps.series[1].width = 2.4f;
    steps.x_marks = {{p.n, "your N", {214, 120, 24}}};

    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float table_h = 6.4f * ImGui::GetTextLineHeightWithSpacing();
    const float h = std::max(11 * fs, avail.y - table_h);
    const float w1 = std::floor(avail.x * 0.6f), w2 = avail.x - w1 - fs * 0.6f;
    const PlotResult r1 = DrawPlot("##work", work, ImVec2(w1, h));
    ctx.layout.Add("ch1.figure", r1.plot_min, r1.plot_max);
    ImGui::SameLine(0, fs * 0.6f);
    const PlotResult r2 = DrawPlot("##steps", steps, ImVec2(w2, h));
    if (r1.export_requested || r2.export_requested) ctx.export_requested = true;
    OfferFigure(ctx, work.title, "cost-per-layer", Figure{work}, r1.hovered || r1.export_requested);
    OfferFigure(ctx, steps.title, "sequential-steps", Figure{steps}, r2.hovered || r2.export_requested);

    if (ImGui::BeginTable("##table1", 5, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp)) {
      ImGui::TableSetupColumn("layer type", 0, 2.2f);
      ImGui::TableSetupColumn("work per layer", 0, 1.1f);
      ImGui::TableSetupColumn("at your N, d", 0, 1.4f);
      ImGui::TableSetupColumn("sequential steps", 0, 1.2f);
      ImGui::TableSetupColumn("longest path", 0, 1.4f);
      ImGui::TableHeadersRow();
      double best = c.table[0].work;
      for (const auto& row : c.table) best = std::min(best, row.work);
      for (const auto& row : c.table) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(row.layer.c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(row.work_formula.c_str());
        ImGui::TableNextColumn();
        if (row.work == best) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(CurrentPalette().accent), "%s", FormatCount(row.work).c_str());
        else ImGui::TextUnformatted(FormatCount(row.work).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(FormatCount(row.sequential).c_str());
        ImGui::TableNextColumn();
        ImGui::Text("%s  (%s)", FormatCount(row.path).c_str(), row.path_formula.c_str());
      }
      ImGui::EndTable();
    }
  }

  // [SECTION] 4: the comparison table
  void DrawCompare(ChapterContext& ctx) {
    const lessons::ComplexityLesson c = lessons::ComputeComplexityLesson(CostParams(ctx));
    LessonCaption("At N = " + FormatCount(c.params.n) + " tokens and width d = " + FormatCount(c.params.d) +
                  " (set them in section 3). The better column of each row is tinted.");
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const ImVec2 u = DiagramUnits(avail);
    DiagramFigure fig = MakeComparisonDiagram(c, u.x);
    const float h = std::min(avail.y, fig.height * DiagramPixelsPerUnit());
    const DiagramResult r = DrawDiagram("##compare", fig, ImVec2(avail.x, h));
    ctx.layout.Add("ch1.figure", r.min, r.max);
    if (r.export_requested) ctx.export_requested = true;
    OfferFigure(ctx, fig.title, "rnn-vs-attention", Figure{MakeComparisonDiagram(c, kSlideWidth)}, r.hovered || r.export_requested);
    LessonCaption(
        "Attention buys its single step with memory: the weights of every pair while it reads, and the keys and "
        "values of every earlier token while it writes. A recurrent network forgets by construction and so runs "
        "in constant memory; that is why linear-attention and state-space hybrids (chapter 8) try to have both.");
  }

  int section_ = kPath;
  int other_ = -1;               // the second end of the path, clicked in the figure
  lessons::RnnParams rnn_;
  double cost_n_ = 0;            // 0 = the sentence's N
  int cost_d_ = 0;               // 0 = the model's d_model
  int cost_k_ = 3, cost_r_ = 128;
};

}  // namespace

std::unique_ptr<Chapter> MakeWhyAttentionChapter(TextureService& t) { return std::make_unique<WhyAttentionChapter>(t); }

}  // namespace attnviz::ui
