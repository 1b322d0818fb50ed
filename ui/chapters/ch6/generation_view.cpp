// Chapter 6, generation: the sentence's tokens arrive one at a time; the cache
// of K and V rows grows (or rolls, under a causal window); the work of a step
// with the cache against recomputing the prefix.
#include <algorithm>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "core/engine.h"
#include "ui/chapters/attention_view.h"
#include "ui/chapters/ch6/cache_views.h"
#include "ui/segmented_control.h"
#include "ui/theme.h"

namespace attnviz::ui {

void GenerationView::Draw(ChapterContext& ctx) {
  if (!ctx.trace || !ctx.compute) {
    DrawNoTrace(ctx);
    return;
  }
  const int n = ctx.trace->n();
  const float fs = ImGui::GetFontSize();
  if (step_ < 0 || step_ >= n) step_ = n - 1;

  // -- the stepper
  if (ImGui::ArrowButton("##prev", ImGuiDir_Left)) step_ = std::max(0, step_ - 1);
  ctx.layout.AddLastItem("gen.prev");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(std::min(18 * fs, ImGui::GetContentRegionAvail().x * 0.4f));
  int shown = step_ + 1;
  if (ImGui::SliderInt("##step", &shown, 1, n, "token %d arrives")) step_ = shown - 1;
  RecordFrame(ctx, "gen.step", "##step");
  ImGui::SameLine();
  if (ImGui::ArrowButton("##next", ImGuiDir_Right)) step_ = std::min(n - 1, step_ + 1);
  ctx.layout.AddLastItem("gen.next");
  ImGui::SameLine(0, 1.2f * fs);
  DrawLayerPicker(ctx);

  lessons::KvCacheParams p;
  p.step = step_;
  p.layer = ctx.ui.layer;
  p.head = ctx.ui.focused_head;
  const Request req = ctx.request;
  Engine* engine = &ctx.compute->engine();
  const std::string key = std::string("kv:") + std::to_string(p.step) + std::string(":") + std::to_string(p.layer) + std::string(":") + std::to_string(p.head) + ":" +
                          RequestKey(req);
  const Computed<lessons::KvCacheLesson> c = ctx.compute->Ask<lessons::KvCacheLesson>(
      "ch6/generation", key, [engine, req, p](const CancelToken& tok) {
        return std::make_shared<const lessons::KvCacheLesson>(lessons::RunKvCacheLesson(*engine, req, p, &tok));
      });
  const lessons::KvCacheLesson* l = LessonValue(c);
  if (!l || l->n != n) return;
  const int s = l->step;

  // -- the tokens so far: written, arriving now, still to come
  if (n <= 96) {
    const Palette& pal = CurrentPalette();
    for (int i = 0; i < n; ++i) {
      if (i > 0) {
        ImGui::SameLine(0, 0.25f * fs);
        if (ImGui::GetContentRegionAvail().x < 3 * fs) ImGui::NewLine();
      }
      const ImU32 col = i == s ? pal.accent : i < s ? pal.text : pal.text_faint;
      const bool cached = i <= s && i > s - l->cache_rows[s];
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(col));
      ImGui::TextUnformatted(DisplayToken(ctx.trace->tokens[i].text).c_str());
      ImGui::PopStyleColor();
      if (i <= s && !cached) {  // rolled out of the buffer
        const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
        ImGui::GetWindowDrawList()->AddLine(ImVec2(a.x, (a.y + b.y) * 0.5f), ImVec2(b.x, (a.y + b.y) * 0.5f), pal.text_faint);
      }
    }
  }

  DrawHeadPicker(ctx, ctx.trace->layers[std::min<int>(l->layer, ctx.trace->layers.size() - 1)]);

  // -- the facts of this step and of the whole sentence
  const lessons::GenerationWork& wc = l->cached[s];
  const lessons::GenerationWork& wu = l->uncached[s];
  char buf[160];
  std::snprintf(buf, sizeof buf, "%s projections, %s dot products", FormatCount(wc.projections).c_str(), FormatCount(wc.dot_products).c_str());
  FactBadge("this step with the cache", buf);
  std::snprintf(buf, sizeof buf, "%s, %s", FormatCount(wu.projections).c_str(), FormatCount(wu.dot_products).c_str());
  FactBadge("without: the prefix again", buf, true);
  std::snprintf(buf, sizeof buf, "%s vs %s flops (%.1fx)", FormatCount(l->cached_total.flops).c_str(),
                FormatCount(l->uncached_total.flops).c_str(), l->uncached_total.flops / std::max(1.0, l->cached_total.flops));
  FactBadge("whole sentence", buf);
  std::snprintf(buf, sizeof buf, "%s per token, %s now", FormatBytes(l->cache_bytes_per_token).c_str(),
                FormatBytes(l->cache_bytes_per_token * l->cache_rows[s]).c_str());
  FactBadge("cache", buf, true);
  std::snprintf(buf, sizeof buf, "%s over %d steps", FormatEquality(l->max_abs_diff).c_str(), l->verified_steps);
  FactBadge("decoder with cache = engine", buf);
  if (l->window > 0) {
    std::snprintf(buf, sizeof buf, "keeps the last %d rows", l->window);
    FactBadge("rolling buffer (causal window)", buf, true);
  }

  // -- left: the cache itself; right: the work against the step
  const float gap = ImGui::GetStyle().ItemSpacing.x * 2;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float h = std::max(18 * fs, avail.y - 0.5f * fs);
  const float left_w = std::min(avail.x * 0.46f, 24 * fs);
  ImGui::BeginGroup();
  const int rows = static_cast<int>(l->K_cache.rows());
  const std::span<const Token> cached(ctx.trace->tokens.data() + l->cache_positions.front(), rows);
  const float panel_h = (h - 0.6f * fs) * 0.5f;
  const float cols_w = std::min(left_w * 0.5f - gap * 0.5f, l->d_k * 2.2f * fs + 6 * fs);
  MatrixPanelData dk;
  dk.title = std::string("K cache · layer ") + std::to_string(l->layer + 1) + std::string(", kv head ") + std::to_string(l->kv_head);
  dk.slug = "kv-cache-K";
  dk.values = l->K_cache.data();
  dk.rows = rows;
  dk.cols = l->d_k;
  dk.row_tokens = cached;
  dk.row_axis = "cached token";
  dk.col_axis = "dimension";
  dk.value_name = "K";
  dk.scale = DivergingScale(l->K_cache.data(), static_cast<long>(l->K_cache.size()));
  dk.pool = PoolMode::MaxAbs;
  dk.generation = c.generation;
  dk.colorbar = false;
  dk.cell_values = false;
  const HeatmapResult rk = k_.Draw(ctx, "K", dk, ImVec2(cols_w, panel_h));
  ctx.layout.Add("gen.K", rk.plot_min, rk.plot_max);
  ImGui::SameLine(0, gap);
  MatrixPanelData dv = dk;
  dv.title = "V cache";
  dv.slug = "kv-cache-V";
  dv.values = l->V_cache.data();
  dv.value_name = "V";
  dv.scale = DivergingScale(l->V_cache.data(), static_cast<long>(l->V_cache.size()));
  v_.Draw(ctx, "V", dv, ImVec2(cols_w, panel_h));
  // The new query against the cache: one weight per cached row.
  PlotFigure wf;
  const std::string& role = ctx.trace->layers[std::min<int>(l->layer, ctx.trace->layers.size() - 1)].heads[l->head].role;
  wf.title = std::string("H") + std::to_string(l->head) + (role.empty() ? "" : " " + role) + ": the new query's weights";
  wf.y.label = "weight";
  wf.y.min = 0;
  wf.y.max = 1;
  wf.legend = false;
  PlotSeries bars{"", {}, l->weights, HeadColor(l->head), PlotStyle::Bars};
  for (int k = 0; k < rows; ++k) {
    bars.x.push_back(k);
    wf.x.categories.push_back(rows <= 24 ? DisplayToken(cached[k].text) : (k % std::max(1, rows / 8) == 0 ? std::to_string(l->cache_positions[k]) : ""));
  }
  wf.series = {bars};
  DrawLessonPlot(ctx, "##weights", wf, ImVec2(left_w, panel_h), "kv-cache-weights");
  ImGui::EndGroup();
  ImGui::SameLine(0, gap);

  ImGui::BeginGroup();
  const float right_w = avail.x - left_w - gap;
  PlotFigure f;
  f.title = "Dot products per generated token";
  f.x.label = "step (tokens so far)";
  f.y.label = "query · key products";
  f.y.log = true;
  PlotSeries with{"with the cache: O(t)", {}, {}, HeadColor(0), PlotStyle::Line, false, 2.0f};
  PlotSeries without{"without: O(t²)", {}, {}, HeadColor(3), PlotStyle::Line, false, 2.0f};
  for (int t = 0; t < n; ++t) {
    with.x.push_back(t + 1);
    with.y.push_back(l->cached[t].dot_products);
    without.x.push_back(t + 1);
    without.y.push_back(l->uncached[t].dot_products);
  }
  PlotSeries now{"", {static_cast<double>(s + 1), static_cast<double>(s + 1)}, {wc.dot_products, wu.dot_products},
                 Rgb8{230, 160, 40}, PlotStyle::Markers};
  f.series = {with, without, now};
  f.x_marks.push_back({static_cast<double>(s + 1), "", Rgb8{230, 160, 40}});
  const PlotResult r = DrawLessonPlot(ctx, "##work", f, ImVec2(right_w, h * 0.6f), "kv-cache-work");
  ctx.layout.Add("gen.work", r.plot_min, r.plot_max);
  PlotFigure cf;
  cf.title = "Rows in the cache (per kv head and layer)";
  cf.x.label = "step";
  cf.legend = false;
  PlotSeries cr{"", {}, {}, HeadColor(2), PlotStyle::Line, false, 2.0f};
  for (int t = 0; t < n; ++t) {
    cr.x.push_back(t + 1);
    cr.y.push_back(l->cache_rows[t]);
  }
  cf.series = {cr, PlotSeries{"", {static_cast<double>(s + 1)}, {static_cast<double>(l->cache_rows[s])}, Rgb8{230, 160, 40}, PlotStyle::Markers}};
  DrawLessonPlot(ctx, "##rows", cf, ImVec2(right_w, h * 0.4f - 0.5f * fs), "kv-cache-rows");
  ImGui::EndGroup();
}

}  // namespace attnviz::ui
