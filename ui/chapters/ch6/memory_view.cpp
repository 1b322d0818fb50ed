// Chapter 6, memory: the KV cache of published models and the one loaded now,
// per token and for a chosen context, as a table and a chart (the `memory` lesson).
#include <algorithm>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "core/engine.h"
#include "core/model/model.h"
#include "ui/chapters/attention_view.h"
#include "ui/chapters/ch6/cache_views.h"
#include "ui/segmented_control.h"
#include "ui/theme.h"

namespace attnviz::ui {

void MemoryView::Draw(ChapterContext& ctx) {
  if (!ctx.compute) return;
  const float fs = ImGui::GetFontSize();
  ImGui::SetNextItemWidth(16 * fs);
  ImGui::SliderInt("context (tokens)", &context_, 256, 1 << 20, "%d", ImGuiSliderFlags_Logarithmic);
  RecordFrame(ctx, "memory.context", "context (tokens)");
  const int context = context_;
  const Request req = ctx.request;
  Engine* engine = &ctx.compute->engine();
  const std::string key = std::string("memory:") + std::to_string(context) + ":" + RequestKey(req);
  const Computed<lessons::MemoryLesson> c = ctx.compute->Ask<lessons::MemoryLesson>(
      "ch6/memory", key, [engine, req, context](const CancelToken&) {
        std::vector<lessons::ModelMemoryConfig> models = lessons::PublishedModelConfigs();
        models.push_back(lessons::ConfigOfModel(engine->ModelFor(req)->Shape(), req.kv_heads));
        return std::make_shared<const lessons::MemoryLesson>(lessons::ComputeMemoryLesson(context, 2, models));
      });
  const lessons::MemoryLesson* l = LessonValue(c);
  if (!l) return;

  // -- the table
  const Palette& pal = CurrentPalette();
  if (ImGui::BeginTable("models", 7, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
    ImGui::TableSetupColumn("model");
    ImGui::TableSetupColumn("attention");
    ImGui::TableSetupColumn("layers");
    ImGui::TableSetupColumn("cached per token, layer");
    ImGui::TableSetupColumn("per token");
    ImGui::TableSetupColumn(("at " + FormatCount(context) + " tokens").c_str());
    ImGui::TableSetupColumn("vs own MHA");
    ImGui::TableHeadersRow();
    for (const lessons::ModelMemoryRow& r : l->models) {
      const lessons::ModelMemoryConfig& m = r.config;
      ImGui::TableNextRow();
      if (m.current) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, pal.accent_soft);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted((m.current ? m.name + " (loaded now)" : m.name).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted((m.attention + (m.sliding_window > 0 ? std::string(", window ") + std::to_string(m.sliding_window) : "")).c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%d", m.layers);
      ImGui::TableNextColumn();
      if (m.attention == "MLA") ImGui::Text("latent %d + RoPE key %d", m.kv_lora_rank, m.qk_rope_head_dim);
      else ImGui::Text("2 × %d kv × %d", m.kv_heads, m.head_dim);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(FormatBytes(r.cache_bytes_per_token).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(FormatBytes(r.cache_bytes).c_str());
      if (r.cached_tokens < context && ImGui::IsItemHovered())
        ImGui::SetTooltip("a rolling buffer: only the last %.0f tokens are kept", r.cached_tokens);
      ImGui::TableNextColumn();
      ImGui::Text("%.1fx smaller", r.mha_bytes_per_token / std::max(1.0, r.cache_bytes_per_token));
    }
    ImGui::EndTable();
  }
  ctx.layout.AddLastItem("memory.table");
  ImGui::TextDisabled("fp16 (2 bytes a value), K and V for every layer; figures from each model's config.json");

  // -- the chart: bytes against context, log-log; a rolling buffer goes flat at its window
  PlotFigure f;
  f.title = "KV cache against the context length";
  f.x.label = "context (tokens)";
  f.x.log = true;
  f.y.label = "cache (bytes)";
  f.y.log = true;
  for (std::size_t i = 0; i < l->models.size(); ++i) {
    const lessons::ModelMemoryRow& r = l->models[i];
    PlotSeries s{r.config.name, l->curve_contexts, r.curve_bytes, HeadColor(static_cast<int>(i)), PlotStyle::Line,
                 r.config.current, 2.0f};
    f.series.push_back(std::move(s));
  }
  f.x_marks.push_back({static_cast<double>(context), FormatCount(context), Rgb8{230, 160, 40}});
  f.y_marks.push_back({16.0 * (1ull << 30), "16 GiB", Rgb8{140, 140, 140}});
  f.y_marks.push_back({80.0 * (1ull << 30), "80 GiB (one H100)", Rgb8{140, 140, 140}});
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const PlotResult r = DrawLessonPlot(ctx, "##memory", f, ImVec2(avail.x, std::max(16 * fs, avail.y - 0.5f * fs)), "kv-cache-memory");
  ctx.layout.Add("memory.chart", r.plot_min, r.plot_max);
}

}  // namespace attnviz::ui
