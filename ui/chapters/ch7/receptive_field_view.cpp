// Chapter 7, receptive field: the tokens the selected token depends on after
// 1, 2, ... stacked layers of the mask (a cone), and how many layers the last
// token needs to hear from the first, against a recurrent network's N - 1 steps.
#include <algorithm>
#include <cstdio>
#include <limits>
#include <string>

#include <imgui.h>

#include "core/engine.h"
#include "core/model/model.h"
#include "ui/chapters/attention_view.h"
#include "ui/chapters/ch7/sparse_views.h"
#include "ui/segmented_control.h"

namespace attnviz::ui {

namespace {

// The cone as a matrix: row l, column j holds the layer at which j joined, for
// tokens reached after at most l layers; the rest masked.
struct Cone {
  Mat values;      // (layers + 1, N)
  MaskMat reached; // (layers + 1, N)
};

}  // namespace

void ReceptiveFieldView::Draw(ChapterContext& ctx) {
  if (!ctx.trace || !ctx.compute) {
    DrawNoTrace(ctx);
    return;
  }
  const float fs = ImGui::GetFontSize();
  const int n = ctx.trace->n();
  static const char* const kPatterns[] = {"full", "sliding", "global-local", "block-sparse"};
  int cur = static_cast<int>(ctx.request.mask.pattern);
  ImGui::AlignTextToFramePadding();
  ImGui::TextDisabled("stacked in every layer");
  ImGui::SameLine();
  if (DrawSectionTabs(ctx, "rf.pattern", kPatterns, 4, &cur)) ctx.request.mask.pattern = static_cast<MaskPattern>(cur);
  ImGui::SameLine(0, fs);
  ImGui::SetNextItemWidth(8 * fs);
  ImGui::SliderInt("window w", &ctx.request.mask.window, 1, std::max(2, n));
  RecordFrame(ctx, "rf.window", "window w");
  ImGui::SameLine(0, fs);
  ImGui::Checkbox("causal", &ctx.request.mask.causal);

  lessons::ReceptiveFieldParams p;
  p.mask = ctx.trace->config.mask;  // what the model really runs (a checkpoint may force causal)
  p.token = ctx.ui.selected_token >= 0 ? ctx.ui.selected_token : n - 1;
  const std::string key = std::string("rf:") + std::to_string(n) + std::string(":") + std::to_string(p.token) + ":" + DescribeMask(p.mask) + ":" +
                          std::to_string(p.mask.block) + std::string(":") + std::to_string(p.mask.window);
  const Computed<lessons::ReceptiveFieldLesson> c = ctx.compute->Ask<lessons::ReceptiveFieldLesson>(
      "ch7/receptive-field", key, [n, p](const CancelToken&) {
        return std::make_shared<const lessons::ReceptiveFieldLesson>(lessons::ComputeReceptiveFieldLesson(n, p));
      });
  const lessons::ReceptiveFieldLesson* l = LessonValue(c);
  if (!l || l->n != n) return;
  // Derived results are keyed by the value they derive from (its slot generation),
  // never by the request: the value on screen may be an older one while a newer computes.
  const std::shared_ptr<const lessons::ReceptiveFieldLesson> keep = c.value;
  const Computed<Cone> cone = ctx.compute->Ask<Cone>("ch7/cone", "cone:" + std::to_string(c.generation), [keep](const CancelToken&) {
    auto k = std::make_shared<Cone>();
    const int rows = keep->layers + 1;
    k->values = Mat::Zero(rows, keep->n);
    k->reached = MaskMat::Zero(rows, keep->n);
    for (int r = 0; r < rows; ++r)
      for (int j = 0; j < keep->n; ++j)
        if (keep->first_layer[j] >= 0 && keep->first_layer[j] <= r) {
          k->values(r, j) = static_cast<float>(keep->first_layer[j]);
          k->reached(r, j) = 1;
        }
    return std::shared_ptr<const Cone>(std::move(k));
  });

  char buf[160];
  std::snprintf(buf, sizeof buf, "%s", DisplayToken(ctx.trace->tokens[l->token].text).c_str());
  FactBadge("whose cone (click a token)", buf);
  if (l->last_to_first >= 0) {
    std::snprintf(buf, sizeof buf, "%d layers", l->last_to_first);
    if (l->formula_last_to_first >= 0 && p.mask.pattern == MaskPattern::Sliding && p.mask.causal && p.mask.window > 1)
      std::snprintf(buf, sizeof buf, "%d layers = ⌈(N−1)/(w−1)⌉ = ⌈%d/%d⌉", l->last_to_first, n - 1, p.mask.window - 1);
  } else {
    std::snprintf(buf, sizeof buf, "never");
  }
  FactBadge("last token hears the first after", buf, true);
  std::snprintf(buf, sizeof buf, "%d steps", l->rnn_steps);
  FactBadge("an RNN (chapter 1)", buf, true);
  FactBadge("full attention", "1 layer", true);

  const float gap = ImGui::GetStyle().ItemSpacing.x * 2;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float h = std::max(18 * fs, avail.y - 0.5f * fs);
  const float left_w = avail.x * 0.5f - gap * 0.5f;
  if (cone.value && cone.value->values.cols() == n) {
    MatrixPanelData d;
    d.title = "the cone: tokens reached after l layers (colour: the layer it joined)";
    d.slug = "receptive-field-cone";
    d.values = cone.value->values.data();
    d.rows = static_cast<int>(cone.value->values.rows());
    d.cols = n;
    d.allowed = cone.value->reached.data();
    d.col_tokens = ctx.trace->tokens;
    d.row_axis = "layers";
    d.col_axis = "token";
    d.value_name = "joined at layer";
    d.value_format = "%.0f";
    d.scale = {ChapterColormap(ctx), 0.0f, static_cast<float>(std::max(1, l->layers))};
    d.generation = cone.generation;
    d.cell_values = true;
    const HeatmapResult r = cone_.Draw(ctx, "cone", d, ImVec2(left_w, h));
    ctx.layout.Add("rf.cone", r.plot_min, r.plot_max);
    if (r.hovered_col >= 0) ctx.ReportHover(r.hovered_col);
  }
  ImGui::SameLine(0, gap);
  ImGui::BeginGroup();
  const float right_w = avail.x - left_w - gap;
  PlotFigure f;
  f.title = "Layers until token i hears token 0";
  f.x.label = "token i";
  f.y.label = "layers (steps for the RNN)";
  PlotSeries mask{"this mask", {}, {}, HeadColor(0), n <= 64 ? PlotStyle::LineMarkers : PlotStyle::Line, false, 2.0f};
  PlotSeries rnn{"RNN: i steps", {}, {}, HeadColor(3), PlotStyle::Line, true, 1.5f};
  PlotSeries full{"full attention: 1", {}, {}, HeadColor(2), PlotStyle::Line, true, 1.5f};
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (int i = 0; i < n; ++i) {
    mask.x.push_back(i);
    mask.y.push_back(l->layers_to_first[i] >= 0 ? l->layers_to_first[i] : nan);
    rnn.x.push_back(i);
    rnn.y.push_back(i);
    full.x.push_back(i);
    full.y.push_back(i > 0 ? 1 : 0);
  }
  f.series = {rnn, full, mask};
  const PlotResult r = DrawLessonPlot(ctx, "##layers", f, ImVec2(right_w, h * 0.55f), "receptive-field-layers");
  ctx.layout.Add("rf.layers", r.plot_min, r.plot_max);
  PlotFigure g;
  g.title = "Tokens the selected one depends on";
  g.x.label = "layers";
  g.y.label = "tokens";
  PlotSeries reach{"", {}, {}, HeadColor(0), l->reach_count.size() <= 64 ? PlotStyle::LineMarkers : PlotStyle::Line, false, 2.0f};
  for (std::size_t k = 0; k < l->reach_count.size(); ++k) {
    reach.x.push_back(static_cast<double>(k));
    reach.y.push_back(l->reach_count[k]);
  }
  g.series = {reach};
  g.legend = false;
  DrawLessonPlot(ctx, "##reach", g, ImVec2(right_w, h * 0.45f - 0.5f * fs), "receptive-field-reach");
  ImGui::EndGroup();
}

}  // namespace attnviz::ui
