// Chapter 5, ALiBi: Press et al.'s slopes for any number of heads, each head's
// bias matrix, and how much attention stays within the sentence's length when
// the text grows longer than anything it saw.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "core/engine.h"
#include "ui/chapters/attention_view.h"
#include "ui/chapters/ch5/positional_views.h"
#include "ui/segmented_control.h"
#include "ui/theme.h"

namespace attnviz::ui {

namespace {

// 1/2, 1/256, or 2^-2.5 when the slope is not a power of two's reciprocal.
std::string SlopeText(double m) {
  const double e = -std::log2(m);
  char s[32];
  if (std::abs(e - std::round(e)) < 1e-9) std::snprintf(s, sizeof s, "1/%.0f", std::pow(2.0, std::round(e)));
  else std::snprintf(s, sizeof s, "2^-%.1f", e);
  return s;
}

}  // namespace

void AlibiView::Draw(ChapterContext& ctx) {
  if (!ctx.trace || !ctx.compute) {
    DrawNoTrace(ctx);
    return;
  }
  const float fs = ImGui::GetFontSize();
  const int model_heads = ctx.trace->config.heads;
  if (slope_heads_ <= 0) slope_heads_ = model_heads;
  ImGui::SetNextItemWidth(9 * fs);
  ImGui::SliderInt("heads H for the slope table", &slope_heads_, 1, 64);
  RecordFrame(ctx, "alibi.heads", "heads H for the slope table");
  ImGui::SameLine(0, 1.5f * fs);
  ImGui::SetNextItemWidth(8 * fs);
  ImGui::SliderInt("long text = sentence × R", &repeat_, 2, 16);
  RecordFrame(ctx, "alibi.repeat", "long text = sentence × R");
  // The extrapolation plot reads one layer's heads: which one, for multi-layer models.
  if (ctx.trace->layers.size() > 1) {
    ImGui::SameLine(0, 1.5f * fs);
    DrawLayerPicker(ctx);
  }

  lessons::AlibiParams p;
  p.slope_heads = slope_heads_;
  p.repeat = repeat_;
  p.layer = ctx.ui.layer;
  const Request req = ctx.request;
  Engine* engine = &ctx.compute->engine();
  const std::string key = std::string("alibi:") + std::to_string(p.slope_heads) + std::string(":") + std::to_string(p.repeat) + ":" +
                          std::to_string(p.layer) + ":" + RequestKey(req);
  const Computed<lessons::AlibiLesson> c = ctx.compute->Ask<lessons::AlibiLesson>(
      "ch5/alibi", key, [engine, req, p](const CancelToken& tok) {
        return std::make_shared<const lessons::AlibiLesson>(lessons::RunAlibiLesson(*engine, req, p, &tok));
      });
  const lessons::AlibiLesson* l = LessonValue(c);
  if (!l) return;

  // -- the slope table: plain for the power of two, accent for the interleaved ones
  const Palette& pal = CurrentPalette();
  ImGui::TextDisabled("slopes for H = %d%s", l->slope_heads,
                      (l->slope_heads & (l->slope_heads - 1)) ? " (not a power of two: the accented ones come from 2H′)" : "");
  for (int h = 0; h < static_cast<int>(l->slopes_table.size()); ++h) {
    if (h > 0) {
      ImGui::SameLine(0, 0.5f * fs);
      if (ImGui::GetContentRegionAvail().x < 4 * fs) ImGui::NewLine();
    }
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(l->table_interleaved[h] ? pal.accent : pal.text));
    ImGui::Text("%s", SlopeText(l->slopes_table[h]).c_str());
    ImGui::PopStyleColor();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("m%d = %.6g", h, l->slopes_table[h]);
  }

  const float gap = ImGui::GetStyle().ItemSpacing.x * 2;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const int heads = static_cast<int>(l->bias.size());
  const int cols = heads <= 4 ? heads : heads <= 9 ? (heads + 1) / 2 : heads <= 16 ? 4 : 6;
  const float side = std::clamp((std::min(avail.x * 0.42f, 24 * fs) - gap * (cols - 1)) / cols, 3 * fs, 9 * fs);
  const float grid_w = side * cols + gap * (cols - 1);
  while (static_cast<int>(bias_.size()) < heads) bias_.push_back(std::make_unique<MatrixThumbnail>(*textures_));

  // -- each head's bias, -m |i - j|, on the first tokens of the sentence
  ImGui::BeginGroup();
  DrawCaption(grid_w, "bias −m·|i − j| of each head (first %d tokens)", l->bias_n);
  float vmin = 0;
  for (const Mat& b : l->bias) vmin = std::min(vmin, b.minCoeff());
  HeadGridFigure grid;
  grid.title = "ALiBi bias of each head";
  grid.subtitle = std::string("−m·|i − j|, Press et al.'s slopes for H = ") + std::to_string(heads);
  bool grid_hovered = false;
  for (int h = 0; h < heads; ++h) {
    if (h % cols != 0) ImGui::SameLine(0, gap);
    ThumbnailData d;
    d.values = l->bias[h].data();
    d.rows = d.cols = l->bias_n;
    d.value_name = "bias";
    d.scale = {Colormap::Viridis, vmin, 0.0f};
    d.generation = c.generation;
    d.row_tokens = d.col_tokens = std::span<const Token>(ctx.trace->tokens.data(), std::min<std::size_t>(l->bias_n, ctx.trace->tokens.size()));
    d.caption = std::string("H") + std::to_string(h) + " " + SlopeText(l->slopes[h]);
    d.marker = HeadColor(h);
    d.focused = ctx.ui.focused_head == h;
    const ThumbnailResult r = bias_[h]->Draw((std::string("bias") + std::to_string(h)).c_str(), d, side);
    if (r.clicked) ctx.ui.focused_head = h;
    if (h == 0) ctx.layout.Add("alibi.bias0", r.min, r.max);
    HeatmapFigure panel;
    panel.values = l->bias[h].data();
    panel.rows = panel.cols = l->bias_n;
    panel.title = std::string("H") + std::to_string(h) + "  m = " + SlopeText(l->slopes[h]);
    panel.colorbar_caption = "bias";
    panel.vmin = vmin;
    panel.vmax = 0.0f;
    panel.keep_alive = c.value;
    grid.panels.push_back(std::move(panel));
    grid_hovered = grid_hovered || r.hovered;
  }
  OfferFigure(ctx, grid.title, "alibi-bias", Figure{grid}, grid_hovered);
  ImGui::EndGroup();
  ImGui::SameLine(0, gap);

  // -- extrapolation: the share of attention within the sentence's length
  ImGui::BeginGroup();
  const float right_w = avail.x - grid_w - gap;
  PlotFigure f;
  char title[128];
  std::snprintf(title, sizeof title, "Attention within the last %d tokens, text of T tokens", l->n);
  f.title = title;
  f.x.label = "text length T (× the sentence)";
  f.x.log = true;
  f.y.label = "share of the last token's attention";
  f.y.min = 0;
  f.y.max = 1.05;
  for (int h = 0; h < heads; ++h) {
    PlotSeries s{std::string("H") + std::to_string(h) + " m=" + SlopeText(l->slopes[h]), {}, l->per_head[h].uniform_share, HeadColor(h),
                 PlotStyle::Line, false, 1.5f};
    for (double T : l->lengths) s.x.push_back(T / l->n);
    f.series.push_back(std::move(s));
    PlotSeries m{"", {static_cast<double>(l->long_n) / l->n}, {l->per_head[h].measured_share}, HeadColor(h), PlotStyle::Markers};
    f.series.push_back(std::move(m));
  }
  f.legend = heads <= 8;
  f.x_marks.push_back({static_cast<double>(l->long_n) / l->n, "measured on the model", Rgb8{230, 160, 40}});
  const float ph = std::max(16 * fs, avail.y - 2.5f * fs);
  const PlotResult r = DrawLessonPlot(ctx, "##extrapolation", f, ImVec2(right_w, ph), "alibi-extrapolation");
  ctx.layout.Add("alibi.plot", r.plot_min, r.plot_max);
  DrawCaption(right_w, "lines: every key's content equal; dots: the model itself on the sentence × %d", l->repeat);
  ImGui::EndGroup();
}

}  // namespace attnviz::ui
