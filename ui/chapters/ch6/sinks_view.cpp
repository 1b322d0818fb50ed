// Chapter 6, attention sinks: StreamingLLM keeps the first tokens and a recent
// window; the window alone drops the sink, and the weight a head parked there
// has to go somewhere else.
#include <algorithm>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "core/engine.h"
#include "ui/chapters/attention_view.h"
#include "ui/chapters/ch6/cache_views.h"
#include "ui/segmented_control.h"

namespace attnviz::ui {

void SinksView::Draw(ChapterContext& ctx) {
  if (!ctx.trace || !ctx.compute) {
    DrawNoTrace(ctx);
    return;
  }
  const float fs = ImGui::GetFontSize();
  const int n = ctx.trace->n();
  window_size_ = std::clamp(window_size_, 1, std::max(1, n));
  ImGui::SetNextItemWidth(8 * fs);
  ImGui::SliderInt("sink tokens", &sinks_, 0, 8);
  RecordFrame(ctx, "sinks.sinks", "sink tokens");
  ImGui::SameLine(0, 1.2f * fs);
  ImGui::SetNextItemWidth(10 * fs);
  ImGui::SliderInt("recent window", &window_size_, 1, std::max(1, n));
  RecordFrame(ctx, "sinks.window", "recent window");
  ImGui::SameLine(0, 1.2f * fs);
  DrawLayerPicker(ctx);

  lessons::SinksParams p;
  p.sinks = sinks_;
  p.window = window_size_;
  p.layer = ctx.ui.layer;
  p.head = ctx.ui.focused_head;
  const Request req = ctx.request;
  Engine* engine = &ctx.compute->engine();
  const std::string key = std::string("sinks:") + std::to_string(p.sinks) + std::string(":") + std::to_string(p.window) + std::string(":") + std::to_string(p.layer) +
                          std::string(":") + std::to_string(p.head) + ":" + RequestKey(req);
  const Computed<lessons::SinksLesson> c = ctx.compute->Ask<lessons::SinksLesson>(
      "ch6/sinks", key, [engine, req, p](const CancelToken& tok) {
        return std::make_shared<const lessons::SinksLesson>(lessons::RunSinksLesson(*engine, req, p, &tok));
      });
  const lessons::SinksLesson* l = LessonValue(c);
  if (!l || l->n != n) return;
  // The first time, show the head that leans on the sinks most: the one whose story this is.
  if (!focused_sink_head_) {
    focused_sink_head_ = true;
    int best = 0;
    for (const lessons::SinksHead& h : l->heads)
      if (h.sink_mass > l->heads[best].sink_mass) best = h.head;
    if (best != ctx.ui.focused_head) {
      ctx.ui.focused_head = best;
      return;  // asked again next frame for that head
    }
  }
  const lessons::SinksHead& sh = l->heads[l->head];

  DrawHeadPicker(ctx, l->full->layers[l->layer]);
  FactBadge("full attention's weight on the sinks", FormatShare(sh.sink_mass));
  char buf[96];
  std::snprintf(buf, sizeof buf, "%s with the sinks, %s without", FormatShare(sh.tv_streaming).c_str(), FormatShare(sh.tv_window).c_str());
  FactBadge("attention moved", buf, true);

  const float gap = ImGui::GetStyle().ItemSpacing.x * 2;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float w = (avail.x - 2 * gap) / 3;
  const float h = std::max(w * 1.05f, 12 * fs);
  const Trace* traces[3] = {l->full.get(), l->streaming.get(), l->window_only.get()};
  const char* titles[3] = {"full causal", "sinks + recent window", "recent window alone"};
  MatrixPanel* panels[3] = {&full_, &streaming_, &window_};
  for (int k = 0; k < 3; ++k) {
    if (k) ImGui::SameLine(0, gap);
    held_[k] = traces[k]->Matrix(l->layer, l->head, HeadMatrix::Weights);
    MatrixPanelData d;
    d.title = titles[k];
    d.slug = std::string("sinks-") + (k == 0 ? "full" : k == 1 ? "streaming" : "window") + std::string("-H") + std::to_string(l->head);
    d.values = held_[k]->data();
    d.rows = d.cols = n;
    d.allowed = traces[k]->mask.data();
    d.row_tokens = d.col_tokens = traces[k]->tokens;
    d.scale = {ChapterColormap(ctx), 0.0f, 1.0f};
    d.generation = c.generation * 4 + k;
    d.selected_row = ctx.ui.selected_token;
    d.colorbar = k == 2;
    const HeatmapResult r = panels[k]->Draw(ctx, titles[k], d, ImVec2(w, h));
    ctx.layout.Add(std::string("sinks.panel") + std::to_string(k), r.plot_min, r.plot_max);
    if (r.clicked_row >= 0) ctx.ui.selected_token = r.clicked_row;
  }

  // -- row by row: what the window alone moves, what the sinks save
  PlotFigure f;
  f.title = "Each row against full attention";
  f.x.label = "query token";
  f.y.label = "share";
  f.y.min = 0;
  f.y.max = 1.02;
  PlotSeries mass{"weight on the sinks (full)", {}, l->row_sink_mass, HeadColor(2), PlotStyle::Bars};
  // Markers while they can be told apart; a plain line for long texts.
  const PlotStyle style = n <= 64 ? PlotStyle::LineMarkers : PlotStyle::Line;
  PlotSeries ws{"moved: window alone", {}, l->row_tv_window, HeadColor(3), style, false, 1.8f};
  PlotSeries ss{"moved: sinks + window", {}, l->row_tv_streaming, HeadColor(0), style, false, 1.8f};
  for (int i = 0; i < n; ++i) {
    mass.x.push_back(i);
    ws.x.push_back(i);
    ss.x.push_back(i);
  }
  f.series = {mass, ws, ss};
  f.x_marks.push_back({l->first_affected_row - 0.5, "window full", Rgb8{140, 140, 140}});
  const PlotResult r = DrawLessonPlot(ctx, "##rows", f, ImVec2(avail.x, std::max(11 * fs, ImGui::GetContentRegionAvail().y - 0.5f * fs)), "sinks-rows");
  ctx.layout.Add("sinks.plot", r.plot_min, r.plot_max);
}

}  // namespace attnviz::ui
