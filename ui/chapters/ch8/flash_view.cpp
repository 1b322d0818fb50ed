// Chapter 8, FlashAttention: the online softmax stepped tile by tile on one head
// of the sentence (running max and sum of a row, the rescaling, the weights as
// known so far), equal to the naive result; the engine's own tiled kernel on
// the same head; traffic to slow memory; and the kernel's live speed from
// `attnviz bench`, measured off the UI thread.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <thread>

#include <imgui.h>

#include "core/engine.h"
#include "core/parallel/thread_pool.h"
#include "ui/chapters/attention_view.h"
#include "ui/chapters/ch8/efficient_views.h"
#include "ui/segmented_control.h"
#include "ui/theme.h"

namespace attnviz::ui {

namespace {

constexpr int kBenchSizes[] = {1024, 2048, 4096};

// Both implementations, timed one after the other in one job (the bench's own
// warm-up and median), on the threads the engine uses.
struct BenchPair {
  AttentionBenchResult tiled, reference;
};

}  // namespace

void FlashView::DrawRowTable(const lessons::FlashStepLesson& l, float width) {
  const lessons::FlashStepper& s = l.stepper;
  DrawCaption(width, "row %d (\"%s\"): its state after each of its key tiles", s.row,
              DisplayToken(l.trace->tokens[s.row].text).c_str());
  // A long row has hundreds of key tiles: show the dozen around the current step.
  std::size_t first = 0;
  while (first + 1 < s.row_history.size() && s.row_history[first + 1].step < s.step - 6) ++first;
  const std::size_t last = std::min(s.row_history.size(), first + 12);
  if (first > 0) ImGui::TextDisabled("(%zu earlier tiles)", first);
  const int dims = std::min(width > 30 * ImGui::GetFontSize() ? 3 : 2, s.d_v);
  if (!ImGui::BeginTable("row", 5 + dims, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH))
    return;
  ImGui::TableSetupColumn("tile");
  ImGui::TableSetupColumn("keys");
  ImGui::TableSetupColumn("max m");
  ImGui::TableSetupColumn("sum l");
  ImGui::TableSetupColumn("rescale");
  for (int c = 0; c < dims; ++c) ImGui::TableSetupColumn(("o/l [" + std::to_string(c) + "]").c_str());
  ImGui::TableHeadersRow();
  const Palette& pal = CurrentPalette();
  for (std::size_t k = first; k < last; ++k) {
    const lessons::FlashRowStep& r = s.row_history[k];
    const bool done = r.step < s.step;
    const bool now = r.step == s.step - 1;
    ImGui::TableNextRow();
    if (now) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, pal.accent_soft);
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(done ? pal.text : pal.text_faint));
    const lessons::FlashTile& t = s.tiles[r.step];
    ImGui::TableNextColumn();
    ImGui::Text("%d", r.k_tile);
    ImGui::TableNextColumn();
    ImGui::Text("%d-%d", t.j0, t.j1 - 1);
    ImGui::TableNextColumn();
    if (std::isfinite(r.m)) ImGui::Text("%.3f", r.m);
    else ImGui::TextUnformatted("−∞");
    ImGui::TableNextColumn();
    ImGui::Text("%.4f", r.l);
    ImGui::TableNextColumn();
    if (&r == &s.row_history.front()) ImGui::TextUnformatted("—");  // nothing before the first tile
    else ImGui::Text("%.4f", r.rescale);
    for (int c = 0; c < dims; ++c) {
      ImGui::TableNextColumn();
      ImGui::Text("%.3f", r.output[c]);
    }
    ImGui::PopStyleColor();
  }
  ImGui::EndTable();
}

void FlashView::DrawBench(ChapterContext& ctx, float width) {
  const float fs = ImGui::GetFontSize();
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("attnviz bench, measured now on this machine");
  ImGui::SameLine(0, fs);
  static const char* const kSizes[] = {"N = 1024", "N = 2048", "N = 4096"};
  DrawSectionTabs(ctx, "flash.bench_n", kSizes, 3, &bench_n_index_);
  AttentionBenchConfig cfg;
  cfg.n = kBenchSizes[bench_n_index_];
  cfg.d = 64;
  cfg.heads = 1;
  cfg.mask = ctx.trace ? ctx.trace->config.mask : MaskSpec{};
  cfg.threads = std::max(1, ThreadPool::Shared().threads());
  const std::string key = "bench:" + std::to_string(cfg.n) + ":" + std::to_string(cfg.threads) + ":" + DescribeMask(cfg.mask) + ":" +
                          std::to_string(cfg.mask.window) + ":" + std::to_string(cfg.mask.block);
  const Computed<BenchPair> c = ctx.compute->Ask<BenchPair>("ch8/bench", key, [cfg](const CancelToken& tok) {
    auto p = std::make_shared<BenchPair>();
    p->tiled = RunAttentionBench(cfg);
    ThrowIfCancelled(&tok);
    AttentionBenchConfig ref = cfg;
    ref.impl = BenchImpl::Reference;
    p->reference = RunAttentionBench(ref, p->tiled.peak_gflops);
    return std::shared_ptr<const BenchPair>(std::move(p));
  });
  if (c.pending && !c.value) ImGui::TextDisabled("timing the kernel...");
  if (!c.error.empty()) ImGui::TextDisabled("%s", c.error.c_str());
  if (!c.value) return;
  const BenchPair& b = *c.value;
  if (ImGui::BeginTable("bench", 5, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
    ImGui::TableSetupColumn("one head, d = 64");
    ImGui::TableSetupColumn("median");
    ImGui::TableSetupColumn("GFLOP/s");
    ImGui::TableSetupColumn("of the FMA peak");
    ImGui::TableSetupColumn("tiles skipped");
    ImGui::TableHeadersRow();
    const AttentionBenchResult* rows[2] = {&b.tiled, &b.reference};
    const std::string names[2] = {std::string("tiled kernel (") + std::string(ToString(b.tiled.isa)) + ")", "straightforward Eigen"};
    for (int k = 0; k < 2; ++k) {
      const AttentionBenchResult& r = *rows[k];
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(names[k].c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%.2f ms", r.median_ms);
      ImGui::TableNextColumn();
      ImGui::Text("%.1f", r.gflops);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(FormatShare(r.peak_fraction).c_str());
      ImGui::TableNextColumn();
      if (k == 0) ImGui::Text("%ld of %ld", r.work.tiles_skipped, r.work.tiles_total);
      else ImGui::TextUnformatted("none: N × N scores");
    }
    ImGui::EndTable();
  }
  ctx.layout.AddLastItem("flash.bench");
  DrawCaption(width, "%s, %d thread%s, FMA peak %.0f GFLOP/s; %.1fx faster than the straightforward version. "
              "Same command: attnviz bench --n %d --d 64 --threads %d",
              DescribeMask(cfg.mask).c_str(), cfg.threads, cfg.threads > 1 ? "s" : "", b.tiled.peak_gflops,
              b.reference.median_ms / std::max(1e-9, b.tiled.median_ms), cfg.n, cfg.threads);
}

void FlashView::Draw(ChapterContext& ctx) {
  if (!ctx.trace || !ctx.compute) {
    DrawNoTrace(ctx);
    return;
  }
  const float fs = ImGui::GetFontSize();
  const int n = ctx.trace->n();
  block_q_ = std::clamp(block_q_, 1, std::max(1, n));
  block_k_ = std::clamp(block_k_, 1, std::max(1, n));
  ImGui::SetNextItemWidth(7 * fs);
  ImGui::SliderInt("query rows Br", &block_q_, 1, std::max(2, std::min(n, 256)));
  RecordFrame(ctx, "flash.bq", "query rows Br");
  ImGui::SameLine(0, fs);
  ImGui::SetNextItemWidth(7 * fs);
  ImGui::SliderInt("keys Bc", &block_k_, 1, std::max(2, std::min(n, 256)));
  RecordFrame(ctx, "flash.bk", "keys Bc");
  ImGui::SameLine(0, fs);
  DrawLayerPicker(ctx);

  lessons::FlashParams p;
  p.layer = ctx.ui.layer;
  p.head = ctx.ui.focused_head;
  p.block_q = block_q_;
  p.block_k = block_k_;
  p.step = step_;
  p.row = ctx.ui.selected_token;
  const Request req = ctx.request;
  Engine* engine = &ctx.compute->engine();
  const std::string key = "flash:" + std::to_string(p.layer) + ":" + std::to_string(p.head) + ":" + std::to_string(p.block_q) + ":" +
                          std::to_string(p.block_k) + ":" + std::to_string(p.step) + ":" + std::to_string(p.row) + ":" +
                          RequestKey(req);
  const Computed<lessons::FlashStepLesson> c = ctx.compute->Ask<lessons::FlashStepLesson>(
      "ch8/flash", key, [engine, req, p](const CancelToken& tok) {
        return std::make_shared<const lessons::FlashStepLesson>(lessons::RunFlashLesson(*engine, req, p, &tok));
      });
  const lessons::FlashStepLesson* l = LessonValue(c);
  if (!l || l->memory.n != n) return;
  const lessons::FlashStepper& s = l->stepper;
  const int total = static_cast<int>(s.tiles.size());

  // -- the stepper: tiles done, one at a time
  if (ImGui::ArrowButton("##prev", ImGuiDir_Left)) step_ = std::max(0, (step_ < 0 ? total : step_) - 1);
  ctx.layout.AddLastItem("flash.prev");
  ImGui::SameLine();
  int shown = step_ < 0 ? total : std::min(step_, total);
  ImGui::SetNextItemWidth(14 * fs);
  if (ImGui::SliderInt("##step", &shown, 0, total, "%d tiles done")) step_ = shown;
  RecordFrame(ctx, "flash.step", "##step");
  ImGui::SameLine();
  if (ImGui::ArrowButton("##next", ImGuiDir_Right)) step_ = step_ < 0 ? total : std::min(total, step_ + 1);
  ctx.layout.AddLastItem("flash.next");
  ImGui::SameLine(0, fs);
  ImGui::TextDisabled("%d × %d tiles, %ld empty ones skipped", s.tiles_q, s.tiles_k, s.tiles_skipped);
  DrawHeadPicker(ctx, l->trace->layers[l->layer]);

  char buf[160];
  FactBadge("tiled = naive", FormatEquality(l->max_abs_diff));
  std::snprintf(buf, sizeof buf, "max |diff| %s, skipped %ld of %ld tiles", FormatEquality(l->kernel_max_abs_diff).c_str(),
                l->kernel_work.tiles_skipped, l->kernel_work.tiles_total);
  FactBadge("engine's kernel", buf, true);
  std::snprintf(buf, sizeof buf, "%s weights vs %s state", FormatBytes(l->memory.weights_bytes_per_head).c_str(),
                FormatBytes(l->memory.tiled_state_bytes_per_head).c_str());
  FactBadge("per head", buf, true);

  // -- left: the weights as known after this step, with the tiles
  const float gap = ImGui::GetStyle().ItemSpacing.x * 2;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float left_w = std::min(avail.x * 0.5f, avail.y * 0.95f + 4 * fs);
  const float h = std::max(18 * fs, std::min(avail.y - 0.5f * fs, left_w * 1.05f));
  MatrixPanelData d;
  d.title = "weights as known after " + std::to_string(s.step) + " of " + std::to_string(total) + " tiles";
  d.slug = "flash-known-step" + std::to_string(s.step);
  d.values = s.known.data();
  d.rows = d.cols = n;
  d.allowed = s.seen.data();
  d.row_tokens = d.col_tokens = l->trace->tokens;
  d.value_name = "softmax so far";
  d.scale = {ChapterColormap(ctx), 0.0f, 1.0f};
  d.generation = c.generation;
  d.selected_row = s.row;
  d.colorbar = false;
  const HeatmapResult r = known_.Draw(ctx, "known", d, ImVec2(left_w, h));
  ctx.layout.Add("flash.known", r.plot_min, r.plot_max);
  if (r.clicked_row >= 0) ctx.ui.selected_token = r.clicked_row;
  if (known_.fitted()) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const Palette& pal = CurrentPalette();
    const float cw = (r.plot_max.x - r.plot_min.x) / n, ch = (r.plot_max.y - r.plot_min.y) / n;
    dl->PushClipRect(r.plot_min, r.plot_max, true);
    if (s.tiles_q <= 64 && s.tiles_k <= 64) {
      const ImU32 grid = (pal.text_dim & 0x00FFFFFF) | 0x70000000;
      for (int a = 1; a < s.tiles_q; ++a)
        dl->AddLine(ImVec2(r.plot_min.x, r.plot_min.y + a * s.block_q * ch), ImVec2(r.plot_max.x, r.plot_min.y + a * s.block_q * ch), grid);
      for (int b = 1; b < s.tiles_k; ++b)
        dl->AddLine(ImVec2(r.plot_min.x + b * s.block_k * cw, r.plot_min.y), ImVec2(r.plot_min.x + b * s.block_k * cw, r.plot_max.y), grid);
    }
    if (s.step > 0) {  // the tile just computed
      const lessons::FlashTile& t = s.tiles[s.step - 1];
      dl->AddRect(ImVec2(r.plot_min.x + t.j0 * cw, r.plot_min.y + t.i0 * ch), ImVec2(r.plot_min.x + t.j1 * cw, r.plot_min.y + t.i1 * ch),
                  pal.accent, 0, 0, 2.5f);
    }
    dl->PopClipRect();
  }
  ImGui::SameLine(0, gap);

  // -- right: the row's running state, and traffic against N
  ImGui::BeginGroup();
  const float right_w = avail.x - left_w - gap;
  DrawRowTable(*l, right_w);
  PlotFigure f;
  f.title = "Values moved to and from slow memory, one head";
  f.x.label = "tokens N";
  f.x.log = true;
  f.y.log = true;
  f.y.label = "values";
  PlotSeries standard{"standard: 4N² + 4Nd", l->curve_n, l->curve_standard, HeadColor(3), PlotStyle::Line, false, 2.0f};
  char label[96];
  std::snprintf(label, sizeof label, "tiled, on-chip %s (Br = %d)", FormatBytes(l->sram_values * 4).c_str(), l->block_rows_for_m);
  PlotSeries tiled{label, l->curve_n, l->curve_tiled, HeadColor(0), PlotStyle::Line, false, 2.0f};
  f.series = {standard, tiled};
  const float plot_h = std::max(10 * fs, ImGui::GetContentRegionAvail().y - 0.5f * fs);
  DrawLessonPlot(ctx, "##traffic", f, ImVec2(right_w, std::min(plot_h, h * 0.6f)), "flash-traffic");
  std::snprintf(buf, sizeof buf, "this sentence, Br = %d, Bc = %d: %s values tiled vs %s standard", s.block_q, s.block_k,
                FormatCount(l->traffic_tiled).c_str(), FormatCount(l->traffic_standard).c_str());
  DrawCaption(right_w, "%s", buf);
  ImGui::EndGroup();

  ImGui::Spacing();
  DrawBench(ctx, avail.x);
}

}  // namespace attnviz::ui
