// Chapter 5, RoPE: the selected token's query pairs as 2-D vectors turning with
// position, the score of one fixed query and key placed at every pair of
// positions (flat along diagonals), and the score against the offset for base
// 10,000 and Llama 3's 500,000.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>

#include <imgui.h>

#include "core/engine.h"
#include "ui/chapters/attention_view.h"
#include "ui/chapters/ch5/positional_views.h"
#include "ui/segmented_control.h"

namespace attnviz::ui {

namespace {

// One pair's vectors at every position of the sentence: spokes from the origin
// (NaN-separated, one series), tips, the selected position's spoke on top.
PlotFigure PairFigure(const lessons::RopeLesson& l, int pair, int selected) {
  PlotFigure f;
  char title[96];
  std::snprintf(title, sizeof title, "pair %d · %s°/position", pair,
                FormatDifference(l.theta[pair] * 180.0 / M_PI).c_str());
  f.title = title;
  f.legend = false;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  double r = 0;
  PlotSeries spokes{"", {}, {}, Rgb8{150, 150, 150}, PlotStyle::Line, false, 0.8f};
  PlotSeries tips{"", {}, {}, HeadColor(0), PlotStyle::Markers};
  for (int p = 0; p < l.n; ++p) {
    const double x = l.q_rotated(p, 2 * pair), y = l.q_rotated(p, 2 * pair + 1);
    r = std::max(r, std::hypot(x, y));
    if (l.n <= 128) {
      spokes.x.insert(spokes.x.end(), {0.0, x, nan});
      spokes.y.insert(spokes.y.end(), {0.0, y, nan});
    }
    tips.x.push_back(x);
    tips.y.push_back(y);
  }
  r = std::max(r, 1e-6) * 1.15;
  PlotSeries circle{"", {}, {}, Rgb8{110, 110, 110}, PlotStyle::Line, true, 0.8f};
  for (int k = 0; k <= 72; ++k) {
    circle.x.push_back(r / 1.15 * std::cos(k * M_PI / 36));
    circle.y.push_back(r / 1.15 * std::sin(k * M_PI / 36));
  }
  f.series = {circle, spokes, tips};
  if (selected >= 0 && selected < l.n) {
    PlotSeries sel{"", {0.0, l.q_rotated(selected, 2 * pair)}, {0.0, l.q_rotated(selected, 2 * pair + 1)}, Rgb8{230, 160, 40},
                   PlotStyle::LineMarkers, false, 2.6f};
    f.series.push_back(sel);
  }
  f.x.min = f.y.min = -r;
  f.x.max = f.y.max = r;
  return f;
}

}  // namespace

void RopeView::Draw(ChapterContext& ctx) {
  if (!ctx.trace || !ctx.compute) {
    DrawNoTrace(ctx);
    return;
  }
  const int n = ctx.trace->n();
  const float fs = ImGui::GetFontSize();
  DrawLayerPicker(ctx);
  DrawHeadPicker(ctx, ctx.trace->layers[std::min<int>(ctx.ui.layer, ctx.trace->layers.size() - 1)]);
  lessons::RopeParams p;
  p.layer = ctx.ui.layer;
  p.head = ctx.ui.focused_head;
  p.token = ctx.ui.selected_token >= 0 ? ctx.ui.selected_token : n - 1;
  ImGui::SetNextItemWidth(10 * fs);
  ImGui::SliderInt("key: tokens before the query", &key_offset_, 0, std::max(0, n - 1));
  RecordFrame(ctx, "rope.key", "key: tokens before the query");
  p.key = std::max(0, p.token - key_offset_);
  const Request req = ctx.request;
  Engine* engine = &ctx.compute->engine();
  const std::string key = std::string("rope:") + std::to_string(p.layer) + std::string(":") + std::to_string(p.head) + std::string(":") + std::to_string(p.token) + ":" +
                          std::to_string(p.key) + ":" + RequestKey(req);
  const Computed<lessons::RopeLesson> c = ctx.compute->Ask<lessons::RopeLesson>(
      "ch5/rope", key, [engine, req, p](const CancelToken& tok) {
        return std::make_shared<const lessons::RopeLesson>(lessons::RunRopeLesson(*engine, req, p, &tok));
      });
  const lessons::RopeLesson* l = LessonValue(c);
  if (!l || l->n != n) return;

  double qnorm = 0;
  for (double v : l->q) qnorm += v * v;
  char s[128];
  std::snprintf(s, sizeof s, "\"%s\" (query) and \"%s\" (key), %d apart", l->tokens[l->token].c_str(), l->tokens[l->key].c_str(),
                l->token - l->key);
  FactBadge("pair", s);
  FactBadge("diagonals constant to", FormatDifference(l->max_diagonal_deviation), true);
  if (l->rope_in_trace) {
    std::snprintf(s, sizeof s, "%.4g = %.4g", l->engine_score, l->lesson_score);
    FactBadge("engine's Q·K = this rotation", s, true);
  } else {
    ImGui::TextDisabled("This model was trained with learned positions: its vectors are rotated here as RoPE would.");
  }
  if (qnorm < 1e-12)
    ImGui::TextDisabled("This head's query is zero before rotation: there is nothing to turn. Pick another head.");

  const float gap = ImGui::GetStyle().ItemSpacing.x * 2;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float h = std::max(22 * fs, avail.y - 0.5f * fs);
  const float left_w = std::min(avail.x * 0.46f, h * 0.95f);

  // -- up to four pairs, fastest to slowest, in a 2 x 2 grid
  const int pairs = static_cast<int>(l->theta.size());
  std::vector<int> shown = {0, std::min(1, pairs - 1), pairs / 2, pairs - 1};
  std::sort(shown.begin(), shown.end());
  shown.erase(std::unique(shown.begin(), shown.end()), shown.end());
  ImGui::BeginGroup();
  const float cell = (left_w - gap) / 2;
  for (std::size_t k = 0; k < shown.size(); ++k) {
    if (k % 2 == 1) ImGui::SameLine(0, gap);
    const PlotFigure f = PairFigure(*l, shown[k], l->token);
    // Room for the title and tick labels, so the frame comes out about square.
    const PlotResult r = DrawPlot((std::string("##pair") + std::to_string(k)).c_str(), f, ImVec2(cell, std::min(cell + 1.6f * fs, h * 0.5f - 0.3f * fs)), false);
    if (k == 0) ctx.layout.Add("rope.pair0", r.plot_min, r.plot_max);
    OfferPlot(ctx, f, std::string("rope-pair-") + std::to_string(shown[k]), r);
  }
  ImGui::EndGroup();
  ImGui::SameLine(0, gap);

  // -- the score matrix and the score against the offset
  ImGui::BeginGroup();
  const float right_w = avail.x - left_w - gap;
  MatrixPanelData d;
  d.title = "R(m)q · R(n)k for every position m, n";
  d.slug = "rope-diagonals";
  d.values = l->diagonal.data();
  d.rows = static_cast<int>(l->diagonal.rows());
  d.cols = static_cast<int>(l->diagonal.cols());
  d.row_axis = "query position m";
  d.col_axis = "key position n";
  d.value_name = "score";
  d.scale = DivergingScale(l->diagonal.data(), static_cast<long>(l->diagonal.size()));
  d.pool = PoolMode::MaxAbs;
  d.generation = c.generation;
  d.cell_values = false;
  const HeatmapResult hr = diagonal_.Draw(ctx, "diag", d, ImVec2(right_w, h * 0.5f));
  ctx.layout.Add("rope.diagonal", hr.plot_min, hr.plot_max);

  PlotFigure off;
  off.title = "q·R(−Δ)k: the query Δ positions after the key";
  off.x.label = "offset Δ = m − n (positions)";
  off.y.label = "score";
  std::vector<double> offsets(l->offsets.begin(), l->offsets.end());
  PlotSeries a{"base 10,000", offsets, l->score, HeadColor(0), PlotStyle::Line, false, 1.8f};
  PlotSeries b{"base 500,000 (Llama 3)", offsets, l->score_llama3, HeadColor(1), PlotStyle::Line, false, 1.8f};
  off.series = {a, b};
  off.x_marks.push_back({static_cast<double>(l->token - l->key), "this pair", Rgb8{230, 160, 40}});
  const PlotResult ro = DrawLessonPlot(ctx, "##offset", off, ImVec2(right_w, h * 0.5f - 1.6f * fs), "rope-offset");
  ctx.layout.Add("rope.offset", ro.plot_min, ro.plot_max);
  DrawCaption(right_w, "slowest pair turns once every %s positions with base 10,000, every %s with 500,000",
              FormatCount(l->wavelength.back()).c_str(), FormatCount(l->wavelength_llama3.back()).c_str());
  ImGui::EndGroup();
}

}  // namespace attnviz::ui
