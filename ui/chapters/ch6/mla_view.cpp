// Chapter 6, MLA computed: the model's K and V rebuilt from a rank-r latent
// (SVD of each layer's stacked projections); attention moved and cache saved
// against r, and the head on screen before and after.
#include <algorithm>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "core/engine.h"
#include "core/model/model.h"
#include "ui/chapters/attention_view.h"
#include "ui/chapters/ch6/cache_views.h"
#include "ui/segmented_control.h"

namespace attnviz::ui {

namespace {

// The basis depends on the model's weights only, not on the sentence or mask.
std::string ModelKey(const Request& r) {
  return "mla-basis:" + r.model + std::string(":") + std::to_string(r.seed) + std::string(":") + std::to_string(r.d_model) + ":" +
         std::to_string(r.heads) + std::string(":") + std::to_string(r.layers);
}

}  // namespace

void MlaView::Draw(ChapterContext& ctx) {
  if (!ctx.trace || !ctx.compute) {
    DrawNoTrace(ctx);
    return;
  }
  const float fs = ImGui::GetFontSize();
  const Request req = ctx.request;
  Engine* engine = &ctx.compute->engine();
  const Computed<lessons::MlaBasis> basis = ctx.compute->Ask<lessons::MlaBasis>(
      "ch6/mla-basis", ModelKey(req), [engine, req](const CancelToken& tok) {
        return std::make_shared<const lessons::MlaBasis>(lessons::ComputeMlaBasis(*engine->ModelFor(req), &tok));
      });
  if (!basis.value && basis.error.empty()) {
    ImGui::TextDisabled("factoring each layer's K and V projections (one SVD per layer)...");
    return;
  }
  if (!LessonValue(basis)) return;
  if (!basis.current) {  // another model's basis must never meet this model's weights
    ImGui::TextDisabled("factoring the model's projections...");
    return;
  }
  const std::shared_ptr<const lessons::MlaBasis> b = basis.value;
  const int layer = std::clamp(ctx.ui.layer, 0, static_cast<int>(b->layers.size()) - 1);
  const int kv_values = 2 * b->kv_heads * b->d_k;
  const int max_rank = std::min(b->d_model, kv_values);
  if (rank_ <= 0) rank_ = std::max(1, b->layers[layer].rank / 2);
  rank_ = std::clamp(rank_, 1, max_rank);
  ImGui::SetNextItemWidth(16 * fs);
  ImGui::SliderInt("latent size r", &rank_, 1, max_rank);
  RecordFrame(ctx, "mla.rank", "latent size r");
  ImGui::SameLine(0, 1.2f * fs);
  DrawLayerPicker(ctx);

  // The curve (a trace per rank) and the asked rank are separate jobs: moving
  // the slider recomputes one trace, not the curve.
  lessons::MlaParams pc;
  pc.layer = layer;
  pc.at_rank = false;
  const Computed<lessons::MlaLesson> curve = ctx.compute->Ask<lessons::MlaLesson>(
      "ch6/mla-curve", std::string("mla-curve:") + std::to_string(layer) + ":" + RequestKey(req), [engine, req, pc, b](const CancelToken& tok) {
        return std::make_shared<const lessons::MlaLesson>(lessons::RunMlaLesson(*engine, req, pc, b, &tok));
      });
  lessons::MlaParams pa;
  pa.layer = layer;
  pa.rank = rank_;
  pa.head = ctx.ui.focused_head;
  pa.curve = false;
  const Computed<lessons::MlaLesson> at = ctx.compute->Ask<lessons::MlaLesson>(
      "ch6/mla-at", std::string("mla-at:") + std::to_string(rank_) + std::string(":") + std::to_string(layer) + ":" + RequestKey(req),
      [engine, req, pa, b](const CancelToken& tok) {
        return std::make_shared<const lessons::MlaLesson>(lessons::RunMlaLesson(*engine, req, pa, b, &tok));
      });
  const lessons::MlaLesson* a = LessonValue(at);
  if (!a || !a->compressed) return;

  char buf[160];
  std::snprintf(buf, sizeof buf, "r = %d numbers vs 2·G·d_k = %d (saves %s)", a->at.rank, a->kv_values,
                FormatShare(a->at.cache_saved).c_str());
  ImGui::NewLine();
  FactBadge("cached per token and layer", buf);
  FactBadge("attention moved", FormatShare(a->at.mean_tv), true);
  FactBadge("output changed", FormatShare(a->at.output_rel_error), true);
  std::snprintf(buf, sizeof buf, "%d of %d (d_model %d)", a->full_rank[layer], a->max_rank, a->d_model);
  FactBadge("rank of the stacked K, V projections", buf, true);

  const Trace& t0 = *a->original;
  const Trace& t1 = *a->compressed;
  DrawHeadPicker(ctx, t0.layers[layer]);
  const float gap = ImGui::GetStyle().ItemSpacing.x * 2;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float left_w = avail.x * 0.42f;
  const float pw = (avail.x - left_w - 2 * gap) * 0.5f;
  const float h = std::max({16 * fs, avail.y - 0.5f * fs, pw * 1.1f});

  // -- against r: the energy the latent keeps, the attention it moves
  PlotFigure f;
  f.title = "Rebuilding K and V from r numbers";
  f.x.label = "latent size r";
  f.x.log = true;
  f.y.label = "share";
  f.y.min = 0;
  f.y.max = 1.02;
  PlotSeries energy{"energy kept (Σσ² of the first r)", {}, a->energy, HeadColor(2), PlotStyle::Line, false, 1.8f};
  for (int r = 1; r <= static_cast<int>(a->energy.size()); ++r) energy.x.push_back(r);
  f.series.push_back(std::move(energy));
  if (const lessons::MlaLesson* cv = curve.value.get(); cv && cv->layer == layer) {
    PlotSeries moved{"attention moved", {}, {}, HeadColor(3), PlotStyle::LineMarkers, false, 1.8f};
    PlotSeries out{"output changed", {}, {}, HeadColor(1), PlotStyle::LineMarkers, true, 1.5f};
    PlotSeries saved{"cache saved", {}, {}, HeadColor(0), PlotStyle::Line, true, 1.2f};
    for (const lessons::MlaPoint& p : cv->curve) {
      moved.x.push_back(p.rank);
      moved.y.push_back(p.mean_tv);
      out.x.push_back(p.rank);
      out.y.push_back(std::min(1.0, p.output_rel_error));
      saved.x.push_back(p.rank);
      saved.y.push_back(std::max(0.0, p.cache_saved));
    }
    f.series.push_back(std::move(moved));
    f.series.push_back(std::move(out));
    f.series.push_back(std::move(saved));
  } else {
    ImGui::TextDisabled("computing the curve...");
  }
  f.x_marks.push_back({static_cast<double>(a->at.rank), "r", Rgb8{230, 160, 40}});
  f.x_marks.push_back({static_cast<double>(a->full_rank[layer]), "rank", Rgb8{140, 140, 140}});
  const PlotResult pr = DrawLessonPlot(ctx, "##mla", f, ImVec2(left_w, h), "mla-rank");
  ctx.layout.Add("mla.plot", pr.plot_min, pr.plot_max);
  ImGui::SameLine(0, gap);

  // -- the head on screen, before and after
  const int head = std::clamp(ctx.ui.focused_head, 0, static_cast<int>(t0.layers[layer].heads.size()) - 1);
  held_a_ = t0.Matrix(layer, head, HeadMatrix::Weights);
  held_b_ = t1.Matrix(layer, head, HeadMatrix::Weights);
  const float ph = std::min(h, pw * 1.15f);
  MatrixPanelData d;
  d.title = std::string("H") + std::to_string(head) + " with its own K and V";
  d.slug = std::string("mla-original-H") + std::to_string(head);
  d.values = held_a_->data();
  d.rows = d.cols = t0.n();
  d.allowed = t0.mask.data();
  d.row_tokens = d.col_tokens = t0.tokens;
  d.scale = {ChapterColormap(ctx), 0.0f, 1.0f};
  d.generation = at.generation * 64 + head;
  d.selected_row = ctx.ui.selected_token;
  d.colorbar = false;
  const HeatmapResult r0 = original_.Draw(ctx, "orig", d, ImVec2(pw, ph));
  if (r0.clicked_row >= 0) ctx.ui.selected_token = r0.clicked_row;
  ImGui::SameLine(0, gap);
  MatrixPanelData d1 = d;
  d1.title = std::string("rebuilt from r = ") + std::to_string(a->at.rank);
  d1.slug = std::string("mla-rank") + std::to_string(a->at.rank) + std::string("-H") + std::to_string(head);
  d1.values = held_b_->data();
  d1.colorbar = true;
  const HeatmapResult r1 = compressed_.Draw(ctx, "comp", d1, ImVec2(pw, ph));
  ctx.layout.Add("mla.compressed", r1.plot_min, r1.plot_max);
  if (r1.clicked_row >= 0) ctx.ui.selected_token = r1.clicked_row;
}

}  // namespace attnviz::ui
