// Chapter 7, patterns: sliding window, global + local and block-sparse side by
// side on the sentence: density, the tiles the kernel never touched, and how
// much attention moved against full attention after renormalisation.
#include <algorithm>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "core/engine.h"
#include "core/lessons/weights_difference.h"
#include "core/limits.h"
#include "ui/chapters/attention_view.h"
#include "ui/chapters/ch7/sparse_views.h"
#include "ui/segmented_control.h"
#include "ui/theme.h"

namespace attnviz::ui {

// What each pattern does to the model's next-token prediction (loaded models),
// or why there is nothing to show (the built-in model has no vocabulary).
void PatternsView::DrawNextToken(ChapterContext& ctx, const lessons::SparseLesson& l, float w, float gap) {
  if (!l.next_available) {
    DrawCaption(ImGui::GetContentRegionAvail().x,
                "The KL of the next-token distribution needs a loaded model (--model DIR, e.g. GPT-2): the built-in "
                "model predicts no next token.");
    ctx.layout.AddLastItem("sparse.next");
    return;
  }
  ImGui::BeginGroup();
  std::string full = "Full causal attention predicts";
  for (std::size_t i = 0; i < l.full_top.size(); ++i) {
    char b[96];
    std::snprintf(b, sizeof b, "%s \xE2\x80\x9C%s\xE2\x80\x9D %.3g%%", i ? "," : "", l.full_top[i].text.c_str(),
                  100 * l.full_top[i].p_full);
    full += b;
  }
  ImGui::TextUnformatted(full.c_str());
  for (int k = 0; k < 3; ++k) {
    if (k) ImGui::SameLine(0, gap);
    const lessons::SparsePattern& sp = l.patterns[k];
    ImGui::BeginGroup();
    ImGui::TextDisabled("under %s: its top tokens (full attention's p)", sp.name.c_str());
    if (ImGui::BeginTable(("##next" + std::to_string(k)).c_str(), 3, ImGuiTableFlags_SizingStretchProp, ImVec2(w, 0))) {
      for (const lessons::SparseNextToken& t : sp.top) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Text("\xE2\x80\x9C%s\xE2\x80\x9D", t.text.c_str());
        ImGui::TableNextColumn();
        ImGui::Text("%.3g%%", 100 * t.p_sparse);
        ImGui::TableNextColumn();
        ImGui::TextDisabled("(%.3g%%)", 100 * t.p_full);
      }
      ImGui::EndTable();
    }
    ImGui::EndGroup();
  }
  ImGui::EndGroup();
  ctx.layout.AddLastItem("sparse.next");
}

void PatternsView::Draw(ChapterContext& ctx) {
  if (!ctx.trace || !ctx.compute) {
    DrawNoTrace(ctx);
    return;
  }
  const float fs = ImGui::GetFontSize();
  const int n = ctx.trace->n();
  // -- the patterns' parameters are the model's own (shared with the controls panel)
  ImGui::SetNextItemWidth(8 * fs);
  ImGui::SliderInt("window w", &ctx.request.mask.window, 1, std::max(2, std::min(n, kMaxTokens)));
  RecordFrame(ctx, "sparse.window", "window w");
  ImGui::SameLine(0, fs);
  ImGui::SetNextItemWidth(8 * fs);
  ImGui::SliderInt("block b", &ctx.request.mask.block, 1, std::max(2, std::min(n, kMaxTokens)));
  RecordFrame(ctx, "sparse.block", "block b");
  ImGui::SameLine(0, fs);
  // A model trained causal keeps its mask: every pattern is laid over it.
  const bool model_causal = ctx.trace->config.mask.causal && !ctx.request.mask.causal;
  if (model_causal) {
    bool on = true;
    ImGui::BeginDisabled();
    ImGui::Checkbox("causal (the model's own)", &on);
    ImGui::EndDisabled();
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled))
      ImGui::SetTooltip("%s was trained causal: each pattern is ANDed with its causal mask", ctx.trace->config.model.c_str());
  } else {
    ImGui::Checkbox("causal", &ctx.request.mask.causal);
  }
  ctx.layout.AddLastItem("sparse.causal");
  ImGui::SameLine(0, fs);
  ImGui::SetNextItemWidth(7 * fs);
  ImGui::SliderInt("tile", &tile_, 1, 64);
  RecordFrame(ctx, "sparse.tile", "tile");
  static const char* const kShow[] = {"weights", "change from full"};
  DrawSectionTabs(ctx, "sparse.show", kShow, 2, &show_change_);
  ImGui::SameLine(0, fs);
  DrawLayerPicker(ctx);

  lessons::SparseParams p;
  p.layer = ctx.ui.layer;
  p.head = ctx.ui.focused_head;
  p.tile = tile_;
  const Request req = ctx.request;
  Engine* engine = &ctx.compute->engine();
  const std::string key = std::string("sparse:") + std::to_string(p.layer) + std::string(":") + std::to_string(p.head) + std::string(":") + std::to_string(p.tile) +
                          ":" + RequestKey(req);
  const Computed<lessons::SparseLesson> c = ctx.compute->Ask<lessons::SparseLesson>(
      "ch7/sparse", key, [engine, req, p](const CancelToken& tok) {
        return std::make_shared<const lessons::SparseLesson>(lessons::RunSparseLesson(*engine, req, p, &tok));
      });
  const lessons::SparseLesson* l = LessonValue(c);
  if (!l || l->n != n || l->patterns.size() != 3) return;
  DrawHeadPicker(ctx, l->full->layers[l->layer]);
  const int head = std::clamp(ctx.ui.focused_head, 0, static_cast<int>(l->full->layers[l->layer].heads.size()) - 1);

  // The change from full attention of the head on screen, for the three patterns (one job).
  const std::shared_ptr<const lessons::SparseLesson> keep = c.value;
  const int layer = l->layer;
  const Computed<std::vector<Mat>> change = ctx.compute->Ask<std::vector<Mat>>(
      "ch7/sparse-change", "sparse-change:" + std::to_string(c.generation) + ":" + std::to_string(head), [keep, layer, head](const CancelToken&) {
        auto out = std::make_shared<std::vector<Mat>>();
        for (const lessons::SparsePattern& sp : keep->patterns) out->push_back(lessons::WeightsChange(*keep->full, *sp.trace, layer, head));
        return std::shared_ptr<const std::vector<Mat>>(std::move(out));
      });

  const float gap = ImGui::GetStyle().ItemSpacing.x * 2;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float w = (avail.x - 2 * gap) / 3;
  const float h = std::max(w * 1.08f + 3.2f * ImGui::GetTextLineHeightWithSpacing(), 16 * fs);
  const Palette& pal = CurrentPalette();
  for (int k = 0; k < 3; ++k) {
    if (k) ImGui::SameLine(0, gap);
    const lessons::SparsePattern& sp = l->patterns[k];
    ImGui::BeginGroup();
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + w);
    ImGui::TextWrapped("%s", DescribeMask(sp.mask).c_str());
    ImGui::PopTextWrapPos();
    char line[160];
    std::snprintf(line, sizeof line, "keeps %s of pairs · moved %s", FormatShare(sp.density).c_str(),
                  FormatShare(sp.heads[head].mean_tv).c_str());
    DrawCaption(w, "%s", line);
    std::snprintf(line, sizeof line, "kernel skipped %ld of %ld tiles · tile %d: %ld of %ld", sp.kernel.tiles_skipped,
                  sp.kernel.tiles_total, sp.tile, sp.tiles_skipped, sp.tiles_total);
    DrawCaption(w, "%s", line);
    if (l->next_available) {
      std::snprintf(line, sizeof line, "next token: KL(p_full ‖ p_sparse) = %.4f nats · %s of p moved", sp.kl,
                    FormatShare(sp.top_changed).c_str());
      DrawCaption(w, "%s", line);
    }
    held_[k] = sp.trace->Matrix(l->layer, head, HeadMatrix::Weights);
    MatrixPanelData d;
    d.slug = "sparse-" + sp.name + std::string("-H") + std::to_string(head);
    d.rows = d.cols = n;
    d.allowed = sp.trace->mask.data();
    d.row_tokens = d.col_tokens = sp.trace->tokens;
    d.selected_row = ctx.ui.selected_token;
    d.colorbar = k == 2;
    const bool diff = show_change_ == 1 && change.value && change.value->size() == 3 && (*change.value)[k].rows() == n;
    if (diff) {
      const Mat& m = (*change.value)[k];
      d.title = std::string("H") + std::to_string(head) + ": sparse − full";
      d.values = m.data();
      d.value_name = "change";
      d.allowed = nullptr;  // the weight a dropped key lost is part of the change
      d.scale = DivergingScale(m.data(), static_cast<long>(m.size()), 1e-3f);
      d.pool = PoolMode::MaxAbs;
      d.generation = change.generation * 4 + k;
    } else {
      d.title = std::string("H") + std::to_string(head) + " weights";
      d.values = held_[k]->data();
      d.scale = {ChapterColormap(ctx), 0.0f, 1.0f};
      d.generation = c.generation * 4 + k;
    }
    const HeatmapResult r = panels_[k].Draw(ctx, sp.name.c_str(), d, ImVec2(w, h - 3.2f * ImGui::GetTextLineHeightWithSpacing()));
    ctx.layout.Add(std::string("sparse.panel") + std::to_string(k), r.plot_min, r.plot_max);
    if (r.clicked_row >= 0) ctx.ui.selected_token = r.clicked_row;
    // The reference kernel's tiles over the matrix; the empty ones it skipped crossed out.
    if (panels_[k].fitted() && sp.tile > 1 && n / sp.tile <= 48) {
      ImDrawList* dl = ImGui::GetWindowDrawList();
      const float cw = (r.plot_max.x - r.plot_min.x) / n, ch = (r.plot_max.y - r.plot_min.y) / n;
      const ImU32 line_col = (pal.accent & 0x00FFFFFF) | 0x90000000;
      dl->PushClipRect(r.plot_min, r.plot_max, true);
      for (int t = sp.tile; t < n; t += sp.tile) {
        dl->AddLine(ImVec2(r.plot_min.x + t * cw, r.plot_min.y), ImVec2(r.plot_min.x + t * cw, r.plot_max.y), line_col, 1.0f);
        dl->AddLine(ImVec2(r.plot_min.x, r.plot_min.y + t * ch), ImVec2(r.plot_max.x, r.plot_min.y + t * ch), line_col, 1.0f);
      }
      dl->PopClipRect();
    }
    ImGui::EndGroup();
  }
  ImGui::Spacing();
  DrawNextToken(ctx, *l, w, gap);
  DrawCaption(avail.x,
              "The grid is the tiled reference's %d × %d tiles: a tile whose cells are all masked is never computed. "
              "The engine's kernel uses its own, cache-sized tiles (%ld of them for full attention over this layer's heads).",
              tile_, tile_, l->full_kernel.tiles_total);
}

}  // namespace attnviz::ui
