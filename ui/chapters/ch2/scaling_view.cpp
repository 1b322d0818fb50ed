#include "ui/chapters/ch2/scaling_view.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "core/engine.h"
#include "core/lessons/scaling.h"
#include "core/limits.h"
#include "ui/chapters/attention_view.h"
#include "ui/chapters/lesson_view.h"
#include "ui/segmented_control.h"
#include "ui/widgets/plot.h"

namespace attnviz::ui {

namespace {

std::string Fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

double Mean(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / v.size();
}

const Rgb8 kRaw{214, 39, 40}, kScaled{31, 119, 180}, kTheory{120, 120, 120};

}  // namespace

void ScalingView::Draw(ChapterContext& ctx) {
  const Trace& t = *ctx.trace;
  const float fs = ImGui::GetFontSize();
  DrawLayerAndHeadPicker(ctx);
  const int layer = std::clamp(ctx.ui.layer, 0, static_cast<int>(t.layers.size()) - 1);
  const int head = std::clamp(ctx.ui.focused_head, 0, static_cast<int>(t.layers[layer].heads.size()) - 1);
  // The temperature is the shared control's: moving it here moves it there.
  float temp = ctx.request.temperature;
  ImGui::SetNextItemWidth(12 * fs);
  if (ImGui::SliderFloat("temperature T", &temp, 0.1f, 10.0f, "T = %.2f", ImGuiSliderFlags_Logarithmic))
    ctx.request.temperature = std::clamp(temp, kMinTemperature, kMaxTemperature);
  RecordFrame(ctx, "ch2.temperature", 12 * fs);

  // The random part once per seed; the sentence part per request and head.
  lessons::ScalingParams p;
  p.seed = ctx.request.seed;
  p.layer = layer;
  p.head = head;
  const Computed<lessons::ScalingLesson> rnd = ctx.compute->Ask<lessons::ScalingLesson>(
      "ch2/scaling-random", "scaling-random:" + std::to_string(p.seed), [p](const CancelToken& c) {
        return std::make_shared<const lessons::ScalingLesson>(lessons::ComputeScalingRandom(p, &c));
      });
  const Request req = ctx.request;
  Engine* engine = &ctx.compute->engine();
  const Computed<lessons::ScalingLesson> sen = ctx.compute->Ask<lessons::ScalingLesson>(
      "ch2/scaling-sentence", "scaling:" + std::to_string(layer) + ":" + std::to_string(head) + ":" + RequestKey(req),
      [engine, req, p](const CancelToken& c) {
        const TracePtr tr = engine->Run(req, &c);
        auto r = std::make_shared<lessons::ScalingLesson>();
        lessons::ComputeScalingSentence(*tr, p, r.get(), &c);
        return std::shared_ptr<const lessons::ScalingLesson>(std::move(r));
      });
  LessonStatus(rnd, "random dot products");
  LessonStatus(sen, "the sentence's rows");

  if (sen.value && sen.value->n > 0) {
    const lessons::ScalingLesson& s = *sen.value;
    FactBadge("d\xE2\x82\x96", std::to_string(s.head_dim));
    FactBadge("s = 1/\xE2\x88\x9A" "d\xE2\x82\x96", Fmt("%.4f", s.scale), true);
    FactBadge("mean largest weight, scaled", Fmt("%.2f", Mean(s.row_max_scaled)), true);
    FactBadge("unscaled", Fmt("%.2f", Mean(s.row_max_raw)), true);
    FactBadge("mean entropy (nats)", Fmt("%.2f", Mean(s.row_entropy_scaled)) + " vs " + Fmt("%.2f", Mean(s.row_entropy_raw)) +
                                         " of at most " + Fmt("%.2f", Mean(s.row_entropy_uniform)), true);
  }

  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float cap = 2.4f * ImGui::GetTextLineHeightWithSpacing();
  const float h = std::max(9 * fs, (avail.y - cap) * 0.5f - 0.3f * fs);
  const float w = std::floor((avail.x - 0.6f * fs) * 0.5f);
  bool exported = false;
  auto plot = [&](const char* id, PlotFigure& f, const char* slug, const char* layout_name) {
    const PlotResult r = DrawPlot(id, f, ImVec2(w, h));
    if (layout_name) ctx.layout.Add(layout_name, r.plot_min, r.plot_max);
    if (r.export_requested) exported = true;
    OfferFigure(ctx, f.title, slug, Figure{f}, r.hovered || r.export_requested);
    return r;
  };

  // -- Random vectors: variance and saturation.
  if (rnd.value) {
    const lessons::ScalingLesson& r = *rnd.value;
    std::vector<double> dk(r.d_k.begin(), r.d_k.end());
    PlotFigure var;
    var.title = "Variance of q\xC2\xB7k, random unit-variance vectors";
    var.subtitle = std::to_string(r.params.samples) + " pairs per width, seed " + std::to_string(r.params.seed);
    var.x.label = "d\xE2\x82\x96";
    var.x.log = true;
    var.x.min = 0.8;
    var.x.max = 1300;
    var.y.label = "variance";
    var.y.log = true;
    var.series.push_back({"q\xC2\xB7k (measured)", dk, r.var_raw, kRaw, PlotStyle::LineMarkers});
    var.series.push_back({"q\xC2\xB7k / \xE2\x88\x9A" "d\xE2\x82\x96 (measured)", dk, r.var_scaled, kScaled, PlotStyle::LineMarkers});
    var.series.push_back({"d\xE2\x82\x96 (theory)", dk, dk, kTheory, PlotStyle::Line, true});
    plot("##var", var, "dot-product-variance", nullptr);
    ImGui::SameLine(0, 0.6f * fs);
    PlotFigure sat;
    sat.title = "Largest softmax weight over " + std::to_string(r.params.keys) + " random keys";
    sat.x.label = "d\xE2\x82\x96";
    sat.x.log = true;
    sat.x.min = 0.8;
    sat.x.max = 1300;
    sat.y.label = "mean largest weight";
    sat.y.min = 0;
    sat.y.max = 1.3;  // room for the legend above the curves
    sat.series.push_back({"unscaled: rows turn one-hot", dk, r.max_weight_raw, kRaw, PlotStyle::LineMarkers});
    sat.series.push_back({"scaled by 1/\xE2\x88\x9A" "d\xE2\x82\x96", dk, r.max_weight_scaled, kScaled, PlotStyle::LineMarkers});
    sat.y_marks.push_back({1.0 / r.params.keys, "even spread 1/" + std::to_string(r.params.keys), kTheory});
    plot("##sat", sat, "softmax-saturation", "ch2.figure");
  } else {
    ImGui::Dummy(ImVec2(avail.x, h));
    ctx.layout.AddLastItem("ch2.figure");
  }

  // -- The sentence: per row, and across temperature.
  if (sen.value && sen.value->n > 0) {
    const lessons::ScalingLesson& s = *sen.value;
    PlotFigure rows;
    rows.title = "Each row's largest weight, head H" + std::to_string(s.head);
    rows.subtitle = "T = " + Fmt("%.2f", s.temperature);
    rows.y.label = "largest weight";
    rows.y.min = 0;
    rows.y.max = 1.45;
    std::vector<double> xs(s.n);
    for (int i = 0; i < s.n; ++i) xs[i] = i;
    const bool cats = s.n <= 8;
    if (cats)
      for (const Token& tok : t.tokens) rows.x.categories.push_back(DisplayToken(tok.text));
    rows.x.label = cats ? "query token" : "query row";
    rows.x.integer = true;
    const PlotStyle style = s.n <= 64 ? PlotStyle::Bars : PlotStyle::Markers;
    rows.series.push_back({"without 1/\xE2\x88\x9A" "d\xE2\x82\x96", xs, s.row_max_raw, kRaw, style});
    rows.series.push_back({"with 1/\xE2\x88\x9A" "d\xE2\x82\x96", xs, s.row_max_scaled, kScaled, style});
    const int sel = ctx.ui.selected_token;
    if (sel >= 0 && sel < s.n) rows.x_marks.push_back({static_cast<double>(sel), "selected", {214, 120, 24}});
    const PlotResult pr = plot("##rows", rows, "rows-max-weight", "ch2.rows");
    if (pr.clicked && pr.hovered) {
      const int i = static_cast<int>(std::lround(pr.mouse_x));
      if (i >= 0 && i < s.n) ctx.ui.selected_token = i;
    }
    ImGui::SameLine(0, 0.6f * fs);
    PlotFigure sweep;
    sweep.title = "Mean largest weight across temperature";
    sweep.subtitle = std::to_string(s.sweep_rows) + " rows";
    sweep.x.label = "temperature T (logits \xC3\xB7 T)";
    sweep.x.log = true;
    sweep.y.label = "mean largest weight";
    sweep.y.min = 0;
    sweep.y.max = 1.3;
    sweep.series.push_back({"without 1/\xE2\x88\x9A" "d\xE2\x82\x96", s.temperatures, s.sweep_max_raw, kRaw, PlotStyle::LineMarkers});
    sweep.series.push_back({"with 1/\xE2\x88\x9A" "d\xE2\x82\x96", s.temperatures, s.sweep_max_scaled, kScaled, PlotStyle::LineMarkers});
    sweep.x_marks.push_back({s.temperature, "T now", {214, 120, 24}});
    plot("##sweep", sweep, "temperature-sweep", nullptr);
  }
  if (exported) ctx.export_requested = true;
  LessonCaption(
      "A sum of dₖ products has variance dₖ. Unscaled, wide heads hand the softmax logits tens apart and get one-hot "
      "rows, whose gradient w(1 − w) is nearly zero. Dividing by √dₖ keeps the variance at 1; T < 1 sharpens by hand.");
}

}  // namespace attnviz::ui
