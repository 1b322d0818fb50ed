// Chapter 7, cost: pairs computed per head and layer against N, to a million
// tokens, for full attention, the published sparse defaults and the mask in use.
#include <algorithm>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "core/engine.h"
#include "core/model/model.h"
#include "ui/chapters/attention_view.h"
#include "ui/chapters/ch7/sparse_views.h"
#include "ui/segmented_control.h"

namespace attnviz::ui {

void CostView::Draw(ChapterContext& ctx) {
  if (!ctx.trace || !ctx.compute) {
    DrawNoTrace(ctx);
    return;
  }
  const float fs = ImGui::GetFontSize();
  lessons::SparseCostParams p;
  p.mask = ctx.trace->config.mask;
  p.n = ctx.trace->n();
  p.d_k = ctx.trace->config.d_k;
  const std::string key = "cost:" + DescribeMask(p.mask) + std::string(":") + std::to_string(p.mask.window) + std::string(":") + std::to_string(p.mask.block) +
                          std::string(":") + std::to_string(p.n) + std::string(":") + std::to_string(p.d_k);
  const Computed<lessons::SparseCostLesson> c = ctx.compute->Ask<lessons::SparseCostLesson>(
      "ch7/cost", key, [p](const CancelToken&) {
        return std::make_shared<const lessons::SparseCostLesson>(lessons::ComputeSparseCostLesson(p));
      });
  const lessons::SparseCostLesson* l = LessonValue(c);
  if (!l) return;

  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float table_h = (l->curves.size() + 2) * ImGui::GetTextLineHeightWithSpacing() + fs;
  PlotFigure f;
  f.title = "Query-key pairs per head and layer";
  f.x.label = "tokens N";
  f.x.log = true;
  f.x.min = 128;
  f.x.max = 1 << 20;
  f.y.label = "pairs computed";
  f.y.log = true;
  for (std::size_t k = 0; k < l->curves.size(); ++k) {
    const lessons::SparseCostCurve& cv = l->curves[k];
    PlotSeries s{cv.label + "  " + cv.complexity, l->lengths, cv.pairs, HeadColor(static_cast<int>(k)), PlotStyle::Line,
                 k + 1 == l->curves.size(), 2.0f};
    f.series.push_back(std::move(s));
  }
  f.x_marks.push_back({512, "512", HeadColor(1)});
  f.x_marks.push_back({4096, "4096", HeadColor(3)});
  f.x_marks.push_back({131072, "128k", Rgb8{140, 140, 140}});
  if (p.n >= 128) f.x_marks.push_back({static_cast<double>(p.n), "this text", Rgb8{230, 160, 40}});
  const PlotResult r = DrawLessonPlot(ctx, "##cost", f, ImVec2(avail.x, std::max(16 * fs, avail.y - table_h)), "sparse-cost");
  ctx.layout.Add("cost.plot", r.plot_min, r.plot_max);

  // The 128k-token arithmetic: pairs, and the factor against full attention.
  if (ImGui::BeginTable("at128k", 4, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH)) {
    ImGui::TableSetupColumn("at N = 131,072 tokens");
    ImGui::TableSetupColumn("pairs per head and layer");
    ImGui::TableSetupColumn("fewer than full");
    ImGui::TableSetupColumn((std::string("flops (4·d_k = ") + std::to_string(4 * l->d_k) + " a pair)").c_str());
    ImGui::TableHeadersRow();
    for (std::size_t k = 0; k < l->curves.size(); ++k) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(l->curves[k].label.c_str());
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(FormatCount(l->pairs_128k[k]).c_str());
      ImGui::TableNextColumn();
      ImGui::Text("%.0fx", l->pairs_128k[0] / std::max(1.0, l->pairs_128k[k]));
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(FormatCount(l->pairs_128k[k] * 4.0 * l->d_k).c_str());
    }
    ImGui::EndTable();
  }
}

}  // namespace attnviz::ui
