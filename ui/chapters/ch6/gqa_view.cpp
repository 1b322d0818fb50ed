// Chapter 6, GQA/MQA: every query head's weights when H heads share G
// key/value heads (mean-pooled), how much of each head's attention moved
// against multi-head attention, and what the cache saves.
#include <algorithm>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "core/engine.h"
#include "core/lessons/weights_difference.h"
#include "ui/chapters/attention_view.h"
#include "ui/chapters/ch6/cache_views.h"
#include "ui/segmented_control.h"

namespace attnviz::ui {

void GqaView::Draw(ChapterContext& ctx) {
  if (!ctx.trace || !ctx.compute) {
    DrawNoTrace(ctx);
    return;
  }
  const float fs = ImGui::GetFontSize();
  lessons::GqaParams p;
  p.layer = ctx.ui.layer;
  const Request req = ctx.request;
  Engine* engine = &ctx.compute->engine();
  const std::string key = std::string("gqa:") + std::to_string(p.layer) + ":" + RequestKey(req);
  const Computed<lessons::GqaLesson> c = ctx.compute->Ask<lessons::GqaLesson>(
      "ch6/gqa", key, [engine, req, p](const CancelToken& tok) {
        return std::make_shared<const lessons::GqaLesson>(lessons::RunGqaLesson(*engine, req, p, &tok));
      });
  const lessons::GqaLesson* l = LessonValue(c);
  if (!l || l->groupings.empty()) return;
  const int count = static_cast<int>(l->groupings.size());
  if (groups_index_ < 0 || groups_index_ >= count) groups_index_ = count > 1 ? count - 2 : 0;

  // -- G from H (MHA) down to 1 (MQA)
  std::vector<std::string> labels;
  std::vector<const char*> items;
  for (const lessons::GqaGrouping& g : l->groupings)
    labels.push_back(std::string("G=") + std::to_string(g.kv_heads) + (g.attention == "GQA" ? "" : " " + g.attention));
  for (const std::string& s : labels) items.push_back(s.c_str());
  ImGui::AlignTextToFramePadding();
  ImGui::TextDisabled("key/value heads");
  ImGui::SameLine();
  DrawSectionTabs(ctx, "gqa.groups", items.data(), count, &groups_index_);
  ImGui::SameLine(0, 1.2f * fs);
  DrawLayerPicker(ctx);
  const lessons::GqaGrouping& G = l->groupings[groups_index_];
  const lessons::GqaGrouping& mha = l->groupings.front();
  FactBadge("cache per token", FormatBytes(G.bytes_per_token) + " vs " + FormatBytes(mha.bytes_per_token) + " for MHA");
  FactBadge("attention moved, mean over heads", FormatShare(G.mean_tv), true);
  FactBadge("layer output changed", FormatShare(G.output_rel_error), true);

  // -- every query head at G: a thumbnail each, grouped by the kv head they share
  const Trace& t = *G.trace;
  const int layer = std::clamp(ctx.ui.layer, 0, static_cast<int>(t.layers.size()) - 1);
  const int H = static_cast<int>(t.layers[layer].heads.size());
  const int n = t.n();
  const float gap = ImGui::GetStyle().ItemSpacing.x * 2;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const int cols = H <= 8 ? 4 : H <= 12 ? 6 : 8;
  const float grid_w = std::min(avail.x * 0.55f, 30 * fs);
  const float side = std::clamp((grid_w - gap * (cols - 1)) / cols, 3 * fs, 9 * fs);
  while (static_cast<int>(thumbs_.size()) < H) thumbs_.push_back(std::make_unique<MatrixThumbnail>(*textures_));
  held_.resize(H);
  const Colormap cmap = ChapterColormap(ctx);
  ImGui::BeginGroup();
  DrawCaption(grid_w, "each query head at G = %d (same dot colour: same key/value head)", G.kv_heads);
  for (int h = 0; h < H; ++h) {
    if (h % cols != 0) ImGui::SameLine(0, gap);
    held_[h] = t.Matrix(layer, h, HeadMatrix::Weights);
    ThumbnailData d;
    d.values = held_[h]->data();
    d.rows = d.cols = n;
    d.allowed = t.mask.data();
    d.scale = {cmap, 0.0f, 1.0f};
    d.generation = c.generation * 1024 + groups_index_ * 64 + layer;
    d.row_tokens = d.col_tokens = t.tokens;
    char cap[32];
    std::snprintf(cap, sizeof cap, "H%d %.0f%%", h, 100 * G.heads[h].mean_tv);
    d.caption = cap;
    d.marker = HeadColor(G.heads[h].kv_head);
    d.focused = ctx.ui.focused_head == h;
    const ThumbnailResult r = thumbs_[h]->Draw((std::string("g") + std::to_string(h)).c_str(), d, side);
    if (r.clicked) ctx.ui.focused_head = h;
    if (r.hovered) ImGui::SetTooltip("H%d %s, kv head %d: %s of its attention moved against MHA", h, G.heads[h].role.c_str(),
                                     G.heads[h].kv_head, FormatShare(G.heads[h].mean_tv).c_str());
    ctx.layout.Add(std::string("gqa.head.") + std::to_string(h), r.min, r.max);
  }
  DrawCaption(grid_w, "under each: the share of its attention that moved against MHA");
  ImGui::EndGroup();
  ImGui::SameLine(0, gap);

  // -- the focused head: G against MHA; and every G at a glance
  ImGui::BeginGroup();
  const float right_w = avail.x - grid_w - gap;
  const int fh = std::clamp(ctx.ui.focused_head, 0, H - 1);
  // Keyed by the lesson value it derives from, not by the request (the value on screen may be older).
  const std::string dkey = "gqa-diff:" + std::to_string(c.generation) + ":" + std::to_string(groups_index_) + ":" +
                           std::to_string(layer) + ":" + std::to_string(fh);
  const std::shared_ptr<const lessons::GqaLesson> keep = c.value;
  const int gi = groups_index_;
  const Computed<Mat> diff = ctx.compute->Ask<Mat>("ch6/gqa-diff", dkey, [keep, gi, layer, fh](const CancelToken&) {
    return std::make_shared<const Mat>(lessons::WeightsChange(*keep->groupings.front().trace, *keep->groupings[gi].trace, layer, fh));
  });
  const float plot_h = std::max(10 * fs, avail.y * 0.4f);
  if (diff.value && diff.value->rows() == n) {
    MatrixPanelData dd;
    dd.title = std::string("H") + std::to_string(fh) + std::string(" at G=") + std::to_string(G.kv_heads) + " − MHA";
    dd.slug = std::string("gqa-diff-G") + std::to_string(G.kv_heads) + std::string("-H") + std::to_string(fh);
    dd.values = diff.value->data();
    dd.rows = dd.cols = n;
    dd.allowed = t.mask.data();
    dd.row_tokens = dd.col_tokens = t.tokens;
    dd.value_name = "change";
    dd.scale = DivergingScale(diff.value->data(), static_cast<long>(diff.value->size()), 1e-3f);
    dd.pool = PoolMode::MaxAbs;
    dd.generation = diff.generation;
    dd.selected_row = ctx.ui.selected_token;
    const HeatmapResult r = diff_.Draw(ctx, "diff", dd, ImVec2(right_w, std::max(12 * fs, avail.y - plot_h - gap)));
    ctx.layout.Add("gqa.diff", r.plot_min, r.plot_max);
    if (r.clicked_row >= 0) ctx.ui.selected_token = r.clicked_row;
  }
  PlotFigure f;
  f.title = "Against MHA, for every G";
  f.y.label = "share";
  f.x.label = "key/value heads G";
  f.y.min = 0;
  f.y.max = 1;
  PlotSeries cache{"cache (G / H)", {}, {}, HeadColor(0), PlotStyle::Bars};
  PlotSeries moved{"attention moved", {}, {}, HeadColor(3), PlotStyle::Bars};
  for (int k = 0; k < count; ++k) {
    f.x.categories.push_back(std::to_string(l->groupings[k].kv_heads));
    cache.x.push_back(k);
    cache.y.push_back(l->groupings[k].bytes_per_token / mha.bytes_per_token);
    moved.x.push_back(k);
    moved.y.push_back(l->groupings[k].mean_tv);
  }
  f.series = {cache, moved};
  DrawLessonPlot(ctx, "##every-g", f, ImVec2(right_w, plot_h), "gqa-every-g");
  ImGui::EndGroup();
}

}  // namespace attnviz::ui
