// Chapter 8, hybrid stacks: memory and compute against N for full, sliding,
// linear and hybrid stacks of a real model's shape, and the 128k arithmetic.
#include <algorithm>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "core/engine.h"
#include "core/model/model.h"
#include "ui/chapters/attention_view.h"
#include "ui/chapters/ch8/efficient_views.h"
#include "ui/segmented_control.h"

namespace attnviz::ui {

void HybridView::Draw(ChapterContext& ctx) {
  if (!ctx.compute) return;
  const float fs = ImGui::GetFontSize();
  static const char* const kBases[] = {"GPT-2 small", "Llama-2-7B", "Llama-3-8B", "Mistral-7B", "loaded now"};
  DrawSectionTabs(ctx, "hybrid.base", kBases, 5, &base_);
  ImGui::SetNextItemWidth(6 * fs);
  ImGui::SliderInt("cheap layers per full one", &ratio_, 1, 8);
  RecordFrame(ctx, "hybrid.ratio", "cheap layers per full one");
  ImGui::SameLine(0, fs);
  ImGui::SetNextItemWidth(8 * fs);
  ImGui::SliderInt("window", &window_, 256, 32768, "%d", ImGuiSliderFlags_Logarithmic);
  ImGui::SameLine(0, fs);
  ImGui::SetNextItemWidth(9 * fs);
  ImGui::SliderInt("context N", &context_, 1024, 1 << 20, "%d", ImGuiSliderFlags_Logarithmic);
  RecordFrame(ctx, "hybrid.context", "context N");

  const Request req = ctx.request;
  Engine* engine = &ctx.compute->engine();
  const int base = base_, ratio = ratio_, window = window_, context = context_;
  const std::string key = "hybrid:" + std::to_string(base) + ":" + std::to_string(ratio) + ":" + std::to_string(window) + ":" +
                          std::to_string(context) + (base == 4 ? ":" + RequestKey(req) : "");
  const Computed<lessons::HybridLesson> c = ctx.compute->Ask<lessons::HybridLesson>(
      "ch8/hybrid", key, [engine, req, base, ratio, window, context](const CancelToken&) {
        lessons::HybridParams p;
        if (base < 4) p.base = lessons::PublishedModelConfigs()[base];
        else p.base = lessons::ConfigOfModel(engine->ModelFor(req)->Shape(), req.kv_heads);
        p.ratio = ratio;
        p.window = window;
        p.context = context;
        return std::make_shared<const lessons::HybridLesson>(lessons::ComputeHybridLesson(p));
      });
  const lessons::HybridLesson* l = LessonValue(c);
  if (!l) return;
  const lessons::ModelMemoryConfig& m = l->params.base;

  // -- the arithmetic at N, spelled out
  const double N = l->params.context;
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s: %d layers, %d query heads, %d key/value heads of %d, fp16. At N = %s tokens:", m.name.c_str(),
                m.layers, m.heads, m.kv_heads, m.head_dim, FormatCount(N).c_str());
  ImGui::TextUnformatted(buf);
  if (ImGui::BeginTable("arith", 4, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
    ImGui::TableSetupColumn("one layer");
    ImGui::TableSetupColumn("cache or state");
    ImGui::TableSetupColumn("");
    ImGui::TableSetupColumn("attention flops, prefill");
    ImGui::TableHeadersRow();
    struct Row {
      const char* name;
      std::string formula;
      const lessons::LayerCost* cost;
    };
    const std::string g = std::to_string(m.kv_heads), d = std::to_string(m.head_dim), hs = std::to_string(m.heads);
    const Row rows[] = {
        {"full", "2 × " + g + " × " + d + " × 2 B × " + FormatCount(N), &l->full_layer},
        {"sliding", "2 × " + g + " × " + d + " × 2 B × " + FormatCount(std::min<double>(N, l->params.window)), &l->sliding_layer},
        {"linear", hs + " × (" + d + "² + " + d + ") × 2 B", &l->linear_layer},
    };
    for (const Row& r : rows) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r.name);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(r.formula.c_str());
      ImGui::TableNextColumn();
      ImGui::Text("= %s", FormatBytes(r.cost->memory_bytes).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(FormatCount(r.cost->prefill_flops).c_str());
    }
    ImGui::EndTable();
  }
  if (ImGui::BeginTable("stacks", 4, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
    ImGui::TableSetupColumn("stack");
    ImGui::TableSetupColumn("layers: full + sliding + linear");
    ImGui::TableSetupColumn("memory");
    ImGui::TableSetupColumn("prefill flops");
    ImGui::TableHeadersRow();
    for (const lessons::HybridStack& s : l->stacks) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(s.name.c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%d + %d + %d", s.full, s.sliding, s.linear);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(FormatBytes(s.total.memory_bytes).c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(FormatCount(s.total.prefill_flops).c_str());
    }
    ImGui::EndTable();
  }
  ctx.layout.AddLastItem("hybrid.table");

  // -- against N
  const float gap = ImGui::GetStyle().ItemSpacing.x * 2;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float w = (avail.x - gap) * 0.5f;
  const float h = std::max(18 * fs, avail.y - 0.5f * fs);
  PlotFigure mem;
  mem.title = "Cache and state against N";
  mem.x.label = "context N";
  mem.x.log = mem.y.log = true;
  mem.x.min = 1024;
  mem.x.max = 1 << 20;
  mem.y.label = "bytes";
  PlotFigure comp = mem;
  comp.title = "Attention flops to read N tokens";
  comp.y.label = "flops";
  for (std::size_t k = 0; k < l->stacks.size(); ++k) {
    const lessons::HybridStack& s = l->stacks[k];
    mem.series.push_back({s.name, l->lengths, s.memory_curve, HeadColor(static_cast<int>(k)), PlotStyle::Line, k >= 3, 2.0f});
    comp.series.push_back({s.name, l->lengths, s.prefill_curve, HeadColor(static_cast<int>(k)), PlotStyle::Line, k >= 3, 2.0f});
  }
  mem.x_marks.push_back({N, FormatCount(N), Rgb8{230, 160, 40}});
  comp.x_marks = mem.x_marks;
  const PlotResult rm = DrawLessonPlot(ctx, "##mem", mem, ImVec2(w, h), "hybrid-memory");
  ctx.layout.Add("hybrid.memory", rm.plot_min, rm.plot_max);
  ImGui::SameLine(0, gap);
  DrawLessonPlot(ctx, "##comp", comp, ImVec2(w, h), "hybrid-compute");
}

}  // namespace attnviz::ui
