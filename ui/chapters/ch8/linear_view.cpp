// Chapter 8, linear attention: phi(Q)(phi(K)^T V) with phi = elu + 1 on the
// head's own Q, K, V, run in parallel and as an RNN with a matrix state; the
// attention matrix it implies next to softmax's; the cost per token.
#include <algorithm>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "core/engine.h"
#include "ui/chapters/attention_view.h"
#include "ui/chapters/ch8/efficient_views.h"
#include "ui/segmented_control.h"

namespace attnviz::ui {

void LinearView::Draw(ChapterContext& ctx) {
  if (!ctx.trace || !ctx.compute) {
    DrawNoTrace(ctx);
    return;
  }
  const float fs = ImGui::GetFontSize();
  const int n = ctx.trace->n();
  DrawLayerPicker(ctx);
  lessons::LinearParams p;
  p.layer = ctx.ui.layer;
  p.head = ctx.ui.focused_head;
  p.token = ctx.ui.selected_token;
  const Request req = ctx.request;
  Engine* engine = &ctx.compute->engine();
  const std::string key = "linear:" + std::to_string(p.layer) + ":" + std::to_string(p.head) + ":" + std::to_string(p.token) + ":" +
                          RequestKey(req);
  const Computed<lessons::LinearLesson> c = ctx.compute->Ask<lessons::LinearLesson>(
      "ch8/linear", key, [engine, req, p](const CancelToken& tok) {
        return std::make_shared<const lessons::LinearLesson>(lessons::RunLinearLesson(*engine, req, p, &tok));
      });
  const lessons::LinearLesson* l = LessonValue(c);
  if (!l || l->n != n) return;
  DrawHeadPicker(ctx, l->trace->layers[l->layer]);
  FactBadge("recurrent = parallel", FormatEquality(l->max_abs_diff));
  FactBadge("attention that differs from softmax's", FormatShare(l->mean_tv) + " of each row, on average", true);
  char buf[128];
  std::snprintf(buf, sizeof buf, "%d × %d numbers (+ %d), at every length", l->d_k, l->d_v, l->d_k);
  FactBadge("the RNN's state", buf, true);

  const float gap = ImGui::GetStyle().ItemSpacing.x * 2;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float w = (avail.x - 2 * gap) * 0.36f;
  const float right_w = avail.x - 2 * gap - 2 * w;
  const float h = std::max(w * 1.1f, 14 * fs);
  const std::string hname = "H" + std::to_string(l->head) + (l->role.empty() ? "" : " " + l->role);
  MatrixPanelData d;
  d.title = hname + ": softmax (causal)";
  d.slug = "linear-softmax-H" + std::to_string(l->head);
  d.values = l->softmax.data();
  d.rows = d.cols = n;
  d.allowed = l->trace->mask.data();
  d.row_tokens = d.col_tokens = l->trace->tokens;
  d.scale = {ChapterColormap(ctx), 0.0f, 1.0f};
  d.generation = c.generation * 2;
  d.selected_row = l->token;
  d.colorbar = false;
  const HeatmapResult rs = softmax_.Draw(ctx, "softmax", d, ImVec2(w, h));
  if (rs.clicked_row >= 0) ctx.ui.selected_token = rs.clicked_row;
  ImGui::SameLine(0, gap);
  MatrixPanelData di = d;
  di.title = "linear: φ(q)·φ(k) / Σ, φ = elu + 1";
  di.slug = "linear-implied-H" + std::to_string(l->head);
  di.values = l->implied.data();
  di.generation = c.generation * 2 + 1;
  di.colorbar = true;
  const HeatmapResult ri = implied_.Draw(ctx, "implied", di, ImVec2(w, h));
  ctx.layout.Add("linear.implied", ri.plot_min, ri.plot_max);
  if (ri.clicked_row >= 0) ctx.ui.selected_token = ri.clicked_row;
  ImGui::SameLine(0, gap);

  // -- the state after the selected token, and the cost per token
  ImGui::BeginGroup();
  MatrixPanelData ds;
  ds.title = "state S after \"" + DisplayToken(l->trace->tokens[l->token].text) + "\"";
  ds.slug = "linear-state";
  ds.values = l->state.data();
  ds.rows = static_cast<int>(l->state.rows());
  ds.cols = static_cast<int>(l->state.cols());
  ds.row_axis = "φ(k) dim";
  ds.col_axis = "v dim";
  ds.value_name = "S";
  ds.scale = DivergingScale(l->state.data(), static_cast<long>(l->state.size()));
  ds.pool = PoolMode::MaxAbs;
  ds.generation = c.generation;
  ds.colorbar = false;
  ds.cell_values = false;
  const HeatmapResult rst = state_.Draw(ctx, "state", ds, ImVec2(right_w, std::max(9 * fs, h * 0.42f)));
  ctx.layout.Add("linear.state", rst.plot_min, rst.plot_max);
  PlotFigure f;
  f.title = "Multiply-adds for the next token";
  f.x.label = "tokens so far";
  f.y.label = "multiply-adds";
  PlotSeries sm{"softmax: t (d_k + d_v)", {}, l->softmax_macs, HeadColor(3), PlotStyle::Line, false, 2.0f};
  PlotSeries li{"linear: 2 d_k d_v + 2 d_k", {}, l->linear_macs, HeadColor(0), PlotStyle::Line, false, 2.0f};
  for (std::size_t t = 0; t < l->softmax_macs.size(); ++t) {
    sm.x.push_back(static_cast<double>(t + 1));
    li.x.push_back(static_cast<double>(t + 1));
  }
  f.series = {sm, li};
  f.x_marks.push_back({l->crossover, "linear cheaper past here", Rgb8{140, 140, 140}});
  if (n > 1) f.x_marks.push_back({static_cast<double>(n), "this text", Rgb8{230, 160, 40}});
  DrawLessonPlot(ctx, "##cost", f, ImVec2(right_w, std::max(13 * fs, h * 0.58f)), "linear-cost");
  ImGui::EndGroup();
}

}  // namespace attnviz::ui
