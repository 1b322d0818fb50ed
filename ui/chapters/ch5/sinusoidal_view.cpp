// Chapter 5, sinusoidal: the encoding added to the sentence, a few of its
// dimensions as waves, and the dot product of two positions against their offset.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "core/engine.h"
#include "ui/chapters/attention_view.h"
#include "ui/chapters/ch5/positional_views.h"
#include "ui/segmented_control.h"

namespace attnviz::ui {

void SinusoidalView::Draw(ChapterContext& ctx) {
  if (!ctx.trace || !ctx.compute) {
    DrawNoTrace(ctx);
    return;
  }
  const int n = ctx.trace->n();
  lessons::SinusoidalParams p;
  p.from = ctx.ui.selected_token >= 0 ? ctx.ui.selected_token : 0;
  const Request req = ctx.request;
  Engine* engine = &ctx.compute->engine();
  const std::string key = std::string("sin:") + std::to_string(p.from) + ":" + RequestKey(req);
  const Computed<lessons::SinusoidalLesson> c = ctx.compute->Ask<lessons::SinusoidalLesson>(
      "ch5/sinusoidal", key, [engine, req, p](const CancelToken& tok) {
        return std::make_shared<const lessons::SinusoidalLesson>(lessons::RunSinusoidalLesson(*engine, req, p, &tok));
      });
  const lessons::SinusoidalLesson* l = LessonValue(c);
  if (!l || l->n != n) return;

  FactBadge("d_model", std::to_string(l->d_model));
  FactBadge("fastest pair turns every", FormatDifference(l->wavelength.front()) + " positions", true);
  FactBadge("slowest every", FormatCount(l->wavelength.back()) + " positions", true);
  if (ctx.trace->config.positional != Positional::Sinusoidal)
    ImGui::TextDisabled("The model runs with %s positions now; this is the encoding sinusoidal would add.",
                        std::string(ToString(ctx.trace->config.positional)).c_str());

  const float gap = ImGui::GetStyle().ItemSpacing.x * 2;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float fs = ImGui::GetFontSize();
  const float left_w = std::min(avail.x * 0.42f, 22 * fs);
  const float h = std::max(20 * fs, avail.y - 0.5f * fs);

  // -- the matrix: positions (the sentence's tokens) x dimensions
  MatrixPanelData d;
  d.title = "PE: positions × dimensions";
  d.slug = "pe";
  d.values = l->pe.data();
  d.rows = static_cast<int>(l->pe.rows());
  d.cols = static_cast<int>(l->pe.cols());
  d.row_tokens = ctx.trace->tokens;
  d.row_axis = "position";
  d.col_axis = "dimension";
  d.value_name = "PE";
  d.scale = {Colormap::Diverging, -1.0f, 1.0f};
  d.pool = PoolMode::MaxAbs;
  d.generation = c.generation;
  d.selected_row = ctx.ui.selected_token;
  d.cell_values = false;
  const HeatmapResult hr = pe_.Draw(ctx, "pe", d, ImVec2(left_w, h));
  ctx.layout.Add("sin.pe", hr.plot_min, hr.plot_max);
  if (hr.clicked_row >= 0) ctx.ui.selected_token = hr.clicked_row;
  ImGui::SameLine(0, gap);

  // -- waves and the offset curve, stacked
  ImGui::BeginGroup();
  const float right_w = avail.x - left_w - gap;
  PlotFigure waves;
  waves.title = "A few dimensions as waves";
  waves.x.label = "position";
  waves.y.label = "PE[p, dim]";
  waves.y.min = -1.15;
  waves.y.max = 1.15;
  for (std::size_t k = 0; k < l->waves.size(); ++k) {
    const lessons::SinusoidalWave& w = l->waves[k];
    char label[64];
    std::snprintf(label, sizeof label, "dim %d (every %s)", w.dim, FormatCount(w.wavelength).c_str());
    PlotSeries s{label, w.x, w.y, HeadColor(static_cast<int>(k)), PlotStyle::Line, false, 1.6f};
    waves.series.push_back(std::move(s));
  }
  // The sentence's own positions on the fastest wave.
  if (!l->waves.empty()) {
    PlotSeries tokens{"", {}, {}, HeadColor(0), PlotStyle::Markers};
    for (int pos = 0; pos < n && pos < l->positions; ++pos) {
      tokens.x.push_back(pos);
      tokens.y.push_back(l->pe(pos, l->waves[0].dim));
    }
    waves.series.push_back(std::move(tokens));
  }
  if (ctx.ui.selected_token >= 0) waves.x_marks.push_back({static_cast<double>(ctx.ui.selected_token), "", Rgb8{230, 160, 40}});
  DrawLessonPlot(ctx, "##waves", waves, ImVec2(right_w, h * 0.5f - 0.3f * fs), "pe-waves");

  PlotFigure dot;
  char title[96];
  std::snprintf(title, sizeof title, "PE(p₀)·PE(q) against the offset q − p₀, p₀ = %d", l->from);
  dot.title = title;
  dot.x.label = "offset q − p₀ (click a token to move p₀)";
  dot.y.label = "dot product";
  PlotSeries from{std::string("from p₀ = ") + std::to_string(l->from), {}, l->dot, HeadColor(0), PlotStyle::Line, false, 2.2f};
  for (int o : l->offsets) from.x.push_back(o);
  PlotSeries zero{"from p₀ = 0", {}, l->dot_from_zero, HeadColor(1), PlotStyle::Line, true, 1.6f};
  for (int q = 0; q < l->positions; ++q) zero.x.push_back(q);
  PlotSeries closed{"Σᵢ cos(wᵢ (q − p₀))", from.x, l->closed_form, Rgb8{120, 120, 120}, PlotStyle::Line, true, 1.0f};
  dot.series = {from, zero, closed};
  if (l->learned) {
    PlotSeries learned{"the model's learned table", {}, l->learned_dot, HeadColor(3), PlotStyle::Line, false, 1.4f};
    for (std::size_t q = 0; q < l->learned_dot.size(); ++q) learned.x.push_back(static_cast<double>(q) - l->from);
    dot.series.push_back(std::move(learned));
  }
  dot.x_marks.push_back({0.0, "", Rgb8{230, 160, 40}});
  const PlotResult rd = DrawLessonPlot(ctx, "##dot", dot, ImVec2(right_w, h * 0.5f - 0.3f * fs), "pe-dot-offset");
  ctx.layout.Add("sin.dot", rd.plot_min, rd.plot_max);
  DrawCaption(right_w, "depends on the offset only: |PE(p)·PE(q) − Σ cos| ≤ %s for p, q < %d",
              FormatDifference(l->max_offset_deviation).c_str(), std::min(l->positions, 256));
  ImGui::EndGroup();
}

}  // namespace attnviz::ui
