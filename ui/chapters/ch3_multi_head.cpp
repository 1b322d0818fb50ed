// Chapter 3: multi-head attention, and heads that compose.
//
// Sections: every head at once (the model view: the `heads` lesson's pooled
// thumbnails, layers x heads, beside the focused head or the arcs of all heads
// of its layer overlaid), the split → attend → concat → W_o pipeline with the
// selected token's rows (`attention-steps`), one head against several
// (`heads` at one token), and the induction circuit (ch3/induction_view, shown
// only when the model has a head whose role is `induction`).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

#include <imgui.h>

#include "core/engine.h"
#include "core/figure/lesson_diagrams.h"
#include "core/lessons/attention_steps.h"
#include "core/lessons/heads.h"
#include "ui/chapters/attention_view.h"
#include "ui/chapters/ch3/census_view.h"
#include "ui/chapters/ch3/induction_view.h"
#include "ui/chapters/chapters.h"
#include "ui/chapters/lesson/lesson_view.h"
#include "ui/chapters/lesson_view.h"
#include "ui/segmented_control.h"
#include "ui/widgets/arcs.h"
#include "ui/widgets/diagram.h"
#include "ui/widgets/head_grid.h"
#include "ui/widgets/plot.h"

namespace attnviz::ui {

namespace {

constexpr const char* kIntro =
    "One softmax row spreads its weight in one way, yet a token needs several things at once: its neighbour, its "
    "subject, an earlier copy of itself. Multi-head attention runs H smaller attentions side by side, each in "
    "d_model / H dimensions, concatenates their outputs and mixes them with W_o.";

std::string Fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

bool HasRole(const Trace& t, std::string_view role) {
  for (const LayerTrace& l : t.layers)
    for (const HeadTrace& h : l.heads)
      if (h.role == role) return true;
  return false;
}

class MultiHeadChapter final : public Chapter {
 public:
  explicit MultiHeadChapter(TextureService& t) : grid_(t), focus_panel_(t), induction_(t) {}
  int number() const override { return 3; }
  const char* title() const override { return "Multi-head attention"; }
  const char* subtitle() const override { return "Many heads, many relations, heads that compose"; }

  void Draw(ChapterContext& ctx) override {
    DrawChapterIntro(ctx, number(), title(), kIntro);
    const bool induction = ctx.trace && InductionView::Available() && HasRole(*ctx.trace, "induction");
    // The census comes last, after the induction section when the model has one (ch3/census_view).
    static const char* const kSections[] = {"1  All heads", "2  Split and concat", "3  One head or several", "4  Induction", "5  Census"};
    static const char* const kSectionsNoInduction[] = {"1  All heads", "2  Split and concat", "3  One head or several", "4  Census"};
    const int count = induction ? 5 : 4;
    if (ctx.trace && section_ >= count) section_ = 0;  // (before the first trace, a restored section waits)
    SectionTabs(ctx, "ch3.section", induction ? kSections : kSectionsNoInduction, count, &section_);
    if (!ctx.trace || ctx.trace->layers.empty() || ctx.trace->n() == 0) {
      DrawNoTrace(ctx);
      return;
    }
    const Trace& t = *ctx.trace;
    ctx.ui.layer = std::clamp(ctx.ui.layer, 0, static_cast<int>(t.layers.size()) - 1);
    ctx.ui.focused_head = std::clamp(ctx.ui.focused_head, 0, static_cast<int>(t.layers[ctx.ui.layer].heads.size()) - 1);
    switch (section_) {
      case 0: DrawAllHeads(ctx); break;
      case 1: DrawPipeline(ctx); break;
      case 2: DrawOneOrSeveral(ctx); break;
      case 3: induction ? induction_.Draw(ctx) : census_.Draw(ctx); break;
      default: census_.Draw(ctx); break;
    }
  }

  std::string SavedState() const override { return std::to_string(section_); }
  void RestoreState(std::string_view s) override {
    if (s.size() == 1 && s[0] >= '0' && s[0] <= '4') section_ = s[0] - '0';
  }

 private:
  // `thumb`: texels a side of each thumbnail (the summaries only); the job's
  // key names the pooling factor it gives, so resizing the window within one
  // factor reuses the result.
  Computed<lessons::HeadsLesson> AskHeads(ChapterContext& ctx, bool summaries, int query, int thumb = 4) {
    lessons::HeadsParams p;
    p.layer = ctx.ui.layer;
    p.query = query;
    p.summaries = summaries;
    p.thumb = std::clamp(thumb, 4, 256);
    const Request req = ctx.request;
    Engine* engine = &ctx.compute->engine();
    const int n = ctx.trace ? ctx.trace->n() : 0;
    const std::string key = std::string(summaries ? "heads-all:" : "heads-query:") + std::to_string(p.layer) + ":" +
                            std::to_string(summaries ? -1 : query) + ":f" +
                            std::to_string(summaries ? lessons::ThumbFactor(n, p.thumb) : 0) + ":" + RequestKey(req);
    return ctx.compute->Ask<lessons::HeadsLesson>(summaries ? "ch3/heads" : "ch3/heads-query", key,
                                                  [engine, req, p](const CancelToken& c) {
                                                    return std::make_shared<const lessons::HeadsLesson>(
                                                        lessons::RunHeadsLesson(*engine, req, p, &c));
                                                  });
  }

  // [SECTION] 1: every head at once (the model view)
  void DrawAllHeads(ChapterContext& ctx) {
    const Trace& t = *ctx.trace;
    const float fs = ImGui::GetFontSize();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float cap = 2.4f * ImGui::GetTextLineHeightWithSpacing();
    // Many layers, or a wide window: the grid on the left, the focused head on
    // the right. Otherwise the grid across the top, the focused head below.
    const int layers = static_cast<int>(t.layers.size());
    const int heads = static_cast<int>(t.layers[0].heads.size());
    const bool side = (layers > 2 || avail.x > 1.6f * avail.y) && avail.x > 44 * fs;
    const float grid_w = side ? std::floor(avail.x * 0.5f) : avail.x;
    const float body_h = std::max(10 * fs, avail.y - cap);
    const float grid_h = side ? body_h : std::min(body_h * 0.5f, layers * 7.5f * fs);
    bool roles = false;
    for (const LayerTrace& l : t.layers)
      for (const HeadTrace& h : l.heads) roles = roles || !h.role.empty();
    // Thumbnails at the cells' size in pixels: one texel per pixel at most.
    const float fb = std::max(1.0f, ImGui::GetIO().DisplayFramebufferScale.x);
    const float cell = HeadGrid::CellSize(layers, heads, roles, ImVec2(grid_w, grid_h));
    const Computed<lessons::HeadsLesson> r = AskHeads(ctx, true, -1, static_cast<int>(cell * fb));
    ImGui::BeginGroup();
    LessonStatus(r, "every head's weights");
    if (r.value && r.value->layers == layers && r.value->heads == heads && r.value->n == t.n()) {
      const lessons::HeadsLesson& l = *r.value;
      HeadGridData d;
      d.layers = l.layers;
      d.heads = l.heads;
      d.thumb = l.summary.empty() ? 0 : l.summary[0].thumb_rows;
      d.values = [&l](int layer, int head) { return l.summary[layer * l.heads + head].thumb.data(); };
      d.valid = [&l](int layer, int head) { return l.summary[layer * l.heads + head].thumb_valid.data(); };
      if (roles) d.label = [&l](int layer, int head) { return l.summary[layer * l.heads + head].role; };
      d.tooltip = [&l](int layer, int head) {
        const lessons::HeadSummary& s = l.summary[layer * l.heads + head];
        char b[360];
        std::snprintf(b, sizeof b,
                      "Layer %d, head %d%s%s\nmean entropy %.2f nats, mean distance %.2f tokens\n"
                      "on itself %.0f%%, on the previous token %.0f%%, on the first %.0f%%\n%s\nclick to focus",
                      layer + 1, head, s.role.empty() ? "" : ": ", s.role.c_str(), s.entropy, s.distance, 100 * s.self,
                      100 * s.previous, 100 * s.first,
                      s.thumb_factor > 1 ? ("each texel: the largest of " + std::to_string(s.thumb_factor) + " x " +
                                            std::to_string(s.thumb_factor) + " weights")
                                               .c_str()
                                         : "every weight, one texel each");
        return std::string(b);
      };
      // One scale for every thumbnail, up to the strongest weight anywhere, so faint heads still show their shape.
      float top = 0.05f;
      for (const lessons::HeadSummary& hs : l.summary)
        for (float v : hs.thumb) top = std::max(top, v);
      const Colormap map = ParseColormap(ctx.ui.colormap).value_or(Colormap::Viridis);
      d.scale = {map, 0.0f, top};
      d.generation = r.generation;
      d.focused_layer = ctx.ui.layer;
      d.focused_head = ctx.ui.focused_head;
      const HeadGridResult g = grid_.Draw("##grid", d, ImVec2(grid_w, grid_h));
      ctx.layout.Add("ch3.figure", g.min, g.max);
      if (g.clicked_head >= 0) ctx.ui.layer = g.clicked_layer, ctx.ui.focused_head = g.clicked_head;
      // The slide: the same pooled thumbnails, a row of panels per layer.
      ExportableHeatmap e;
      e.title = "Every head of every layer";
      e.slug = "model-view";
      e.make_figure = [keep = r.value, map, top, sub = DescribeTraceConfig(t)]() {
        return Figure{lessons::MakeModelViewFigure(keep, map, top, sub)};
      };
      ctx.OfferExport(std::move(e), ImGui::IsMouseHoveringRect(g.min, g.max));
    } else {
      ImGui::Dummy(ImVec2(grid_w, grid_h));
      ctx.layout.AddLastItem("ch3.figure");
    }
    ImGui::EndGroup();
    if (side) ImGui::SameLine(0, fs);
    else ImGui::Spacing();
    DrawFocused(ctx, r.value.get(), side ? body_h : std::max(12 * fs, ImGui::GetContentRegionAvail().y - cap));
    LessonCaption("Rows are layers, columns heads; each thumbnail is one head's weights (queries down, keys across), "
                  "max-pooled to the pixels it has, so a strong weight always shows. Hover for a head's statistics, "
                  "click to focus it.");
  }

  // The focused head large (its weights), or the arcs of every head of its layer.
  void DrawFocused(ChapterContext& ctx, const lessons::HeadsLesson* l, float height) {
    const Trace& t = *ctx.trace;
    const int li = ctx.ui.layer, hi = ctx.ui.focused_head;
    const LayerTrace& layer = t.layers[li];
    ImGui::BeginGroup();
    const float w = ImGui::GetContentRegionAvail().x;
    ImGui::AlignTextToFramePadding();
    ImGui::Text("L%d H%d%s%s", li + 1, hi, layer.heads[hi].role.empty() ? "" : "  ", layer.heads[hi].role.c_str());
    ctx.layout.AddLastItem("ch3.focused");
    if (l && li < l->layers && hi < l->heads && static_cast<int>(l->summary.size()) == l->layers * l->heads) {
      const lessons::HeadSummary& f = l->summary[li * l->heads + hi];
      FactBadge("entropy", Fmt("%.2f", f.entropy), true);
      FactBadge("distance", Fmt("%.1f", f.distance), true);
      FactBadge("previous", Fmt("%.0f%%", 100 * f.previous), true);
    }
    static const char* const kFocus[] = {"focused head", "arcs of its layer"};
    SectionTabs(ctx, "ch3.focus", kFocus, 2, &focus_view_);
    const float h = std::max(8 * ImGui::GetFontSize(), height - 2.2f * ImGui::GetFrameHeightWithSpacing());
    if (focus_view_ == 0) {
      // The head on screen: its whole matrix (cached by the trace).
      held_ = t.Matrix(li, hi, HeadMatrix::Weights);
      MatrixPanelData d;
      d.title = "Layer " + std::to_string(li + 1) + " \xC2\xB7 head " + std::to_string(hi) +
                (layer.heads[hi].role.empty() ? "" : " (" + layer.heads[hi].role + ")") + " \xC2\xB7 weights";
      d.slug = "L" + std::to_string(li + 1) + "-H" + std::to_string(hi) + "-weights";
      d.values = held_->data();
      d.rows = d.cols = t.n();
      d.allowed = t.mask.data();
      d.row_tokens = d.col_tokens = t.tokens;
      d.selected_row = ctx.ui.selected_token;
      d.scale = {ParseColormap(ctx.ui.colormap).value_or(Colormap::Viridis), 0.0f, 1.0f};
      d.generation = ctx.generation * 4096 + static_cast<std::uint64_t>(li) * 64 + hi;
      // About square: a wide strip would flatten the rows into lines.
      const HeatmapResult hr = focus_panel_.Draw(ctx, "##focused", d, ImVec2(std::min(w, h * 1.3f + 6 * ImGui::GetFontSize()), h));
      ctx.layout.Add("ch3.focus-view", hr.plot_min, hr.plot_max);
      if (hr.clicked_row >= 0) ctx.ui.selected_token = hr.clicked_row == ctx.ui.selected_token ? -1 : hr.clicked_row;
    } else {
      names_.clear();
      for (std::size_t h2 = 0; h2 < layer.heads.size(); ++h2) {
        std::string name = "H";  // (not "H" + to_string: GCC 12 warns -Wrestrict on it, a known false positive)
        name += std::to_string(h2);
        if (!layer.heads[h2].role.empty()) {
          name += ' ';
          name += layer.heads[h2].role;
        }
        names_.push_back(std::move(name));
      }
      name_ptrs_.clear();
      for (const std::string& s : names_) name_ptrs_.push_back(s.c_str());
      ArcsData a;
      a.tokens = t.tokens;
      a.heads = static_cast<int>(layer.heads.size());
      a.weights = [&t, li](int head, int token, bool column, float* out) {
        if (column) t.WeightsColumn(li, head, token, out);
        else t.MatrixRows(li, head, HeadMatrix::Weights, token, 1, out);
      };
      a.head_names = name_ptrs_;
      a.selected_query = ctx.ui.selected_token;
      a.highlight_token = ctx.ui.hovered_token;
      a.show_head_chips = true;
      const ArcsResult ar = DrawAttentionArcs("##arcs", a, arcs_view_, ImVec2(w, h));
      ctx.layout.AddLastItem("ch3.arcs");
      ctx.layout.AddLastItem("arcs");  // the name the shared views use (click tests)
      if (ar.hovered_token >= 0) ctx.ReportHover(ar.hovered_token);
      if (ar.clicked_token >= 0) ctx.ui.selected_token = ar.clicked_token == ctx.ui.selected_token ? -1 : ar.clicked_token;
    }
    ImGui::EndGroup();
  }

  // [SECTION] 2: split, attend, concatenate, mix
  void DrawPipeline(ChapterContext& ctx) {
    const Trace& t = *ctx.trace;
    DrawLayerAndHeadPicker(ctx);
    const LayerTrace& L = t.layers[ctx.ui.layer];
    const int n = t.n();
    const int q = ctx.ui.selected_token >= 0 && ctx.ui.selected_token < n ? ctx.ui.selected_token : n - 1;
    lessons::AttentionStepsParams p;
    p.layer = ctx.ui.layer;
    p.head = ctx.ui.focused_head;
    p.query = q;
    const lessons::AttentionStepsLesson s = lessons::ComputeAttentionSteps(t, p);
    PipelineDiagramInput in;
    in.n = n;
    in.d_model = s.d_model;
    in.heads = s.heads;
    in.kv_heads = s.kv_heads;
    in.d_k = s.d_k;
    for (const HeadTrace& h : L.heads) in.roles.push_back(h.role);
    in.focused_head = p.head;
    in.token = s.tokens[q];
    in.concat = s.concat;
    in.result = s.result;
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float h = std::max(12 * ImGui::GetFontSize(), avail.y - 2.6f * ImGui::GetTextLineHeightWithSpacing());
    const ImVec2 u = DiagramUnits(ImVec2(avail.x, h));
    in.width = u.x;
    in.height = u.y;
    DiagramFigure fig = MakePipelineDiagram(in);
    const DiagramResult r = DrawDiagram("##pipeline", fig, ImVec2(avail.x, h));
    ctx.layout.Add("ch3.figure", r.min, r.max);
    if (r.clicked_tag >= 0) ctx.ui.focused_head = r.clicked_tag;
    if (r.export_requested) ctx.export_requested = true;
    in.height *= kSlideWidth / in.width;
    in.width = kSlideWidth;
    OfferFigure(ctx, fig.title, "multi-head-pipeline", Figure{MakePipelineDiagram(in)}, r.hovered || r.export_requested);
    LessonCaption("Each head projects X into its own d\xE2\x82\x96 = " + std::to_string(s.d_k) +
                  " dimensions, attends there, and hands back " + std::to_string(s.d_k) +
                  " numbers per token. Concatenated, the heads fill the model's width again; W_o mixes them. "
                  "Click a lane to focus a head; click a token to see its rows.");
  }

  // [SECTION] 3: one head against several
  void DrawOneOrSeveral(ChapterContext& ctx) {
    const Trace& t = *ctx.trace;
    DrawLayerPicker(ctx);
    const int n = t.n();
    const int q = ctx.ui.selected_token >= 0 && ctx.ui.selected_token < n ? ctx.ui.selected_token : n - 1;
    const Computed<lessons::HeadsLesson> r = AskHeads(ctx, false, q);
    LessonStatus(r, "the heads at this token");
    if (!r.value || r.value->n != n) return FigurePlaceholder(ctx, "ch3.figure");
    const lessons::HeadsLesson& l = *r.value;
    const std::string who = "\xE2\x80\x9C" + l.tokens[l.query] + "\xE2\x80\x9D";
    const int k = static_cast<int>(l.targets.size());
    FactBadge("token", who + " (" + std::to_string(l.query) + ")");
    FactBadge("different strongest keys", std::to_string(k) + " of " + std::to_string(l.heads) + " heads", true);
    const std::string split = "one row split " + std::to_string(std::max(1, k)) + " ways";
    FactBadge(split.c_str(), Fmt("%.0f%% each", 100.0 / std::max(1, k)), true);
    FactBadge("sentence average", Fmt("%.1f keys per token", l.sentence_targets), true);

    PlotFigure fig;
    fig.title = who + ": the best head against one averaged head";
    fig.y.label = "weight";
    fig.y.min = 0;
    fig.y.max = 1.25;
    PlotSeries best{"the best head for it", {}, {}, {41, 98, 214}, PlotStyle::Bars};
    PlotSeries mean{"the heads' rows averaged: one softmax", {}, {}, {150, 150, 150}, PlotStyle::Bars};
    for (int i = 0; i < k; ++i) {
      const lessons::HeadTarget& tg = l.targets[i];
      fig.x.categories.push_back(l.tokens[tg.key]);
      best.x.push_back(i), best.y.push_back(tg.best_weight);
      mean.x.push_back(i), mean.y.push_back(tg.mean_weight);
    }
    fig.series = {best, mean};
    fig.y_marks.push_back({1.0 / std::max(1, k), "1/" + std::to_string(std::max(1, k)), {120, 120, 120}});
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float fs = ImGui::GetFontSize();
    const float table_w = std::min(18 * fs, avail.x * 0.38f);
    const float h = std::max(11 * fs, avail.y - 3.6f * ImGui::GetTextLineHeightWithSpacing());
    const PlotResult pr = DrawPlot("##targets", fig, ImVec2(avail.x - table_w - fs, h));
    ctx.layout.Add("ch3.figure", pr.plot_min, pr.plot_max);
    if (pr.export_requested) ctx.export_requested = true;
    OfferFigure(ctx, fig.title, "one-head-or-several", Figure{fig}, pr.hovered || pr.export_requested);
    ImGui::SameLine(0, fs);
    if (ImGui::BeginTable("##heads", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_SizingStretchProp,
                          ImVec2(table_w, h))) {
      ImGui::TableSetupScrollFreeze(0, 1);
      ImGui::TableSetupColumn("head", 0, 1.6f);
      ImGui::TableSetupColumn("reads", 0, 1.0f);
      ImGui::TableSetupColumn("weight", 0, 0.8f);
      ImGui::TableHeadersRow();
      const LayerTrace& layer = t.layers[l.layer];
      for (int h2 = 0; h2 < l.heads; ++h2) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        const Rgb8 c = HeadColor(h2);
        ImGui::TextColored(ImVec4(c.r / 255.f, c.g / 255.f, c.b / 255.f, 1), "H%d %s", h2, layer.heads[h2].role.c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(l.top_key[h2] >= 0 ? l.tokens[l.top_key[h2]].c_str() : "(nothing)");
        if (ImGui::IsItemHovered() && l.top_key[h2] >= 0) ctx.ReportHover(l.top_key[h2]);
        ImGui::TableNextColumn();
        ImGui::Text("%.0f%%", 100 * l.top_weight[h2]);
      }
      ImGui::EndTable();
    }
    LessonCaption(
        "A softmax row is one distribution, and the head's output is one weighted average of values. To read " +
        std::to_string(k) + " tokens at once it must share its weight among them and blend their values into one "
        "vector. H heads read each at nearly full weight and hand back separate slices of the concatenation, "
        "which W_o can still tell apart. Grey: the average row has entropy " + Fmt("%.2f", l.mean_row_entropy) +
        " nats against " + Fmt("%.2f", l.head_entropy) + " for the heads.");
  }

  HeadGrid grid_;
  MatrixPanel focus_panel_;
  MatPtr held_;
  int focus_view_ = 0;  // 0: the focused head's weights, 1: the arcs of its layer
  ArcsView arcs_view_;
  std::vector<std::string> names_;
  std::vector<const char*> name_ptrs_;
  InductionView induction_;
  CensusView census_;
  int section_ = 0;
};

}  // namespace

std::unique_ptr<Chapter> MakeMultiHeadChapter(TextureService& t) { return std::make_unique<MultiHeadChapter>(t); }

}  // namespace attnviz::ui
