// Chapter 4: masks and the three architectures.
//
// Sections: one head under the bidirectional, causal and prefix-LM masks with
// the selected row's logits and renormalised weights (`masks`), encoder-
// decoder cross-attention from a second sentence (`cross-attention`), and a
// padded batch with and without the padding mask (`padding`), where a fully
// masked row shows what the engine does instead of NaN.
#include <algorithm>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "core/engine.h"
#include "core/figure/lesson_diagrams.h"
#include "core/lessons/cross_attention.h"
#include "core/lessons/masks.h"
#include "core/lessons/padding.h"
#include "ui/chapters/attention_view.h"
#include "ui/chapters/chapters.h"
#include "ui/chapters/lesson_view.h"
#include "ui/segmented_control.h"
#include "ui/widgets/diagram.h"
#include "ui/widgets/heatmap.h"
#include "ui/widgets/plot.h"

namespace attnviz::ui {

namespace {

constexpr const char* kIntro =
    "A mask decides which keys a query may read. A forbidden logit becomes \xE2\x88\x92\xE2\x88\x9E, so its weight is exactly 0 "
    "and the softmax shares the whole weight among what remains. Encoders (BERT) read both ways, decoders (GPT) "
    "only backwards, which is what lets them write one token at a time.";

std::string Fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

std::vector<Token> AsTokens(const std::vector<std::string>& texts) {
  std::vector<Token> t(texts.size());
  for (std::size_t i = 0; i < texts.size(); ++i) t[i].text = texts[i];
  return t;
}

class MasksChapter final : public Chapter {
 public:
  explicit MasksChapter(TextureService& t) {
    for (auto& h : heat_) h = std::make_unique<Heatmap>(t);
  }
  int number() const override { return 4; }
  const char* title() const override { return "Masks and the three architectures"; }
  const char* subtitle() const override { return "Bidirectional, causal, prefix-LM, cross-attention, padding"; }

  void Draw(ChapterContext& ctx) override {
    DrawChapterIntro(ctx, number(), title(), kIntro);
    static const char* const kSections[] = {"1  Three architectures", "2  Cross-attention", "3  Padding"};
    SectionTabs(ctx, "ch4.section", kSections, 3, &section_);
    if (!ctx.trace || ctx.trace->layers.empty() || ctx.trace->n() == 0) {
      DrawNoTrace(ctx);
      return;
    }
    const Trace& t = *ctx.trace;
    ctx.ui.layer = std::clamp(ctx.ui.layer, 0, static_cast<int>(t.layers.size()) - 1);
    ctx.ui.focused_head = std::clamp(ctx.ui.focused_head, 0, static_cast<int>(t.layers[ctx.ui.layer].heads.size()) - 1);
    switch (section_) {
      case 0: DrawArchitectures(ctx); break;
      case 1: DrawCross(ctx); break;
      default: DrawPadding(ctx); break;
    }
  }

  std::string SavedState() const override { return std::to_string(section_); }
  void RestoreState(std::string_view s) override {
    if (s.size() == 1 && s[0] >= '0' && s[0] <= '2') section_ = s[0] - '0';
  }

 private:
  // One heatmap of a lesson's matrix, titled, rows selectable.
  HeatmapResult Matrix(ChapterContext& ctx, int slot, const std::string& title, const float* values, int rows, int cols,
                       const std::uint8_t* allowed, std::span<const Token> row_tokens, std::span<const Token> col_tokens,
                       ImVec2 size, unsigned long generation, int selected_row, bool colorbar,
                       const char* col_axis = "key") {
    ImGui::BeginGroup();
    ImGui::TextUnformatted(title.c_str());
    HeatmapData d;
    d.values = values;
    d.rows = rows;
    d.cols = cols;
    d.allowed = allowed;
    d.row_tokens = row_tokens;
    d.col_tokens = col_tokens;
    d.col_axis = col_axis;
    d.generation = generation * 8 + slot;
    d.selected_row = selected_row;
    d.scale = {ParseColormap(ctx.ui.colormap).value_or(Colormap::Viridis), 0.0f, 1.0f};
    views_[slot].show_values = ctx.ui.show_values;
    views_[slot].show_colorbar = colorbar;
    const HeatmapResult r = heat_[slot]->Draw("##m", d, views_[slot], ImVec2(size.x, size.y - ImGui::GetTextLineHeightWithSpacing()));
    ExportableHeatmap e;
    e.title = title;
    e.slug = "ch4-" + std::to_string(section_) + "-" + std::to_string(slot);
    e.values = values;
    e.rows = rows;
    e.cols = cols;
    e.allowed = allowed;
    e.row_tokens = row_tokens;
    e.col_tokens = col_tokens;
    e.scale = d.scale;
    ctx.OfferExport(std::move(e), r.focused);
    if (r.export_requested) ctx.export_requested = true;
    ImGui::EndGroup();
    return r;
  }

  // [SECTION] 1: bidirectional, causal, prefix-LM
  void DrawArchitectures(ChapterContext& ctx) {
    const Trace& t = *ctx.trace;
    const float fs = ImGui::GetFontSize();
    const int n = t.n();
    int prefix = prefix_ < 0 || prefix_ > n ? (n + 1) / 2 : prefix_;
    ImGui::SetNextItemWidth(8 * fs);
    if (ImGui::SliderInt("prefix P (prefix-LM)", &prefix, 0, n)) prefix_ = prefix;
    RecordFrame(ctx, "ch4.prefix", 8 * fs);
    ImGui::SameLine(0, fs);
    DrawLayerAndHeadPicker(ctx);
    lessons::MasksParams p;
    p.layer = ctx.ui.layer;
    p.head = ctx.ui.focused_head;
    p.prefix = prefix;
    p.query = ctx.ui.selected_token >= 0 && ctx.ui.selected_token < n ? ctx.ui.selected_token : n - 1;
    const Request req = ctx.request;
    Engine* engine = &ctx.compute->engine();
    const std::string key = "masks:" + std::to_string(p.layer) + ":" + std::to_string(p.head) + ":" + std::to_string(p.prefix) +
                            ":" + std::to_string(p.query) + ":" + RequestKey(req);
    const Computed<lessons::MasksLesson> r = ctx.compute->Ask<lessons::MasksLesson>(
        "ch4/masks", key, [engine, req, p](const CancelToken& c) {
          return std::make_shared<const lessons::MasksLesson>(lessons::RunMasksLesson(*engine, req, p, &c));
        });
    LessonStatus(r, "the three masks");
    if (!r.value || r.value->n != n) return FigurePlaceholder(ctx, "ch4.figure");
    const lessons::MasksLesson& m = *r.value;
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float gap = 0.6f * fs, w = std::floor((avail.x - 2 * gap) / 3);
    // Square-ish panels; when the window is short (presenting) the chapter scrolls rather than squash them.
    const float h = std::max(15 * fs, std::min(w * 1.05f + 2 * fs, avail.y * 0.55f));
    for (int k = 0; k < 3; ++k) {
      const lessons::MaskVariant& v = m.variants[k];
      if (k > 0) ImGui::SameLine(0, gap);
      std::string title = v.name + (k == 2 ? " (P = " + std::to_string(m.prefix) + ")" : "") + ": " +
                          FormatCount(static_cast<double>(v.allowed_pairs)) + " pairs";
      const bool exact = v.pool == 1;
      const HeatmapResult hr = Matrix(ctx, k, title, v.weights.data(), v.side, v.side, v.mask.data(),
                                      exact ? std::span<const Token>(t.tokens) : std::span<const Token>(),
                                      exact ? std::span<const Token>(t.tokens) : std::span<const Token>(), ImVec2(w, h),
                                      r.generation, exact ? m.query : -1, k == 2);
      if (k == 2) ctx.layout.Add("ch4.prefix-lm", hr.plot_min, hr.plot_max);
      if (exact && hr.hovered_row >= 0) ctx.ReportHover(hr.hovered_row);
      if (exact && hr.clicked_row >= 0) ctx.ui.selected_token = hr.clicked_row;
    }
    // The selected row under the three masks.
    const ImVec2 rest = ImGui::GetContentRegionAvail();
    const float rh = std::max(11 * fs, rest.y - 2.4f * ImGui::GetTextLineHeightWithSpacing());
    const ImVec2 u = DiagramUnits(ImVec2(rest.x, rh));
    DiagramFigure fig = MakeMaskRowDiagram(m, u.x, u.y);
    const DiagramResult dr = DrawDiagram("##row", fig, ImVec2(rest.x, rh));
    ctx.layout.Add("ch4.figure", dr.min, dr.max);
    if (dr.hovered_tag >= 0) ctx.ReportHover(dr.hovered_tag);
    if (dr.clicked_tag >= 0) ctx.ui.selected_token = dr.clicked_tag;
    if (dr.export_requested) ctx.export_requested = true;
    OfferFigure(ctx, fig.title, "three-masks-row", Figure{MakeMaskRowDiagram(m, kSlideWidth, u.y * kSlideWidth / u.x)},
                dr.hovered || dr.export_requested);
    std::string cap =
        "The logits are the same in all three rows; only the mask differs. What a mask leaves is divided by the "
        "share of the bidirectional weight it kept, so the causal row is the bidirectional one cut at the query "
        "and scaled up (largest deviation " + Fmt("%.1e", m.variants[1].renorm_error) + ").";
    if (!m.note.empty()) cap += " " + m.note;
    LessonCaption(cap);
  }

  // [SECTION] 2: cross-attention
  void SecondSentence(ChapterContext& ctx, const char* label) {
    const float fs = ImGui::GetFontSize();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(label);
    ImGui::SameLine(0, 0.5f * fs);
    ImGui::SetNextItemWidth(std::max(10 * fs, ImGui::GetContentRegionAvail().x));
    ImGui::InputTextWithHint("##second", "a second sentence", &second_);
    ctx.layout.AddLastItem("ch4.second");
  }

  void DrawCross(ChapterContext& ctx) {
    const float fs = ImGui::GetFontSize();
    SecondSentence(ctx, "source (what the encoder read)");
    DrawLayerAndHeadPicker(ctx);
    lessons::CrossAttentionParams p;
    p.layer = ctx.ui.layer;
    p.head = ctx.ui.focused_head;
    p.source = second_;
    const Request req = ctx.request;
    Engine* engine = &ctx.compute->engine();
    const Computed<lessons::CrossAttentionLesson> r = ctx.compute->Ask<lessons::CrossAttentionLesson>(
        "ch4/cross", "cross:" + std::to_string(p.layer) + ":" + std::to_string(p.head) + ":" + p.source + "\x1f" + RequestKey(req),
        [engine, req, p](const CancelToken& c) {
          return std::make_shared<const lessons::CrossAttentionLesson>(lessons::RunCrossAttentionLesson(*engine, req, p, &c));
        });
    LessonStatus(r, "cross-attention");
    if (!r.value) return FigurePlaceholder(ctx, "ch4.figure");
    const lessons::CrossAttentionLesson& c = *r.value;
    if (cross_gen_ != r.generation) {
      cross_rows_ = AsTokens(c.target_tokens);
      cross_cols_ = AsTokens(c.source_tokens);
      cross_gen_ = r.generation;
    }
    FactBadge("queries from the sentence", std::to_string(c.n_target));
    FactBadge("keys and values from the source", std::to_string(c.n_source), true);
    FactBadge("weights", std::to_string(c.n_target) + " \xC3\x97 " + std::to_string(c.n_source), true);
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float h = std::max(12 * fs, avail.y - 4.2f * ImGui::GetTextLineHeightWithSpacing());
    const float w = std::floor(avail.x * 0.56f);
    const int q = ctx.ui.selected_token >= 0 && ctx.ui.selected_token < c.n_target ? ctx.ui.selected_token : c.n_target - 1;
    const HeatmapResult hr = Matrix(ctx, 0, "cross-attention weights: target \xC3\x97 source", c.weights.data(), c.n_target,
                                    c.n_source, nullptr, cross_rows_, cross_cols_, ImVec2(w, h), r.generation, q, true, "source");
    ctx.layout.Add("ch4.figure", hr.plot_min, hr.plot_max);
    if (hr.hovered_row >= 0) ctx.ReportHover(hr.hovered_row);
    if (hr.clicked_row >= 0) ctx.ui.selected_token = hr.clicked_row;
    ImGui::SameLine(0, fs);
    PlotFigure fig;
    fig.title = "\xE2\x80\x9C" + c.target_tokens[q] + "\xE2\x80\x9D reads the source";
    fig.y.label = "weight";
    fig.y.min = 0;
    fig.y.max = 1.05;
    PlotSeries s{"", {}, {}, {41, 98, 214}, c.n_source <= 40 ? PlotStyle::Bars : PlotStyle::LineMarkers};
    for (int j = 0; j < c.n_source; ++j) s.x.push_back(j), s.y.push_back(c.weights(q, j));
    if (c.n_source <= 14) fig.x.categories = c.source_tokens;
    else fig.x.label = "source token", fig.x.integer = true;
    fig.series = {s};
    fig.legend = false;
    const PlotResult pr = DrawPlot("##cross-row", fig, ImVec2(ImGui::GetContentRegionAvail().x, h));
    if (pr.export_requested) ctx.export_requested = true;
    OfferFigure(ctx, fig.title, "cross-attention-row", Figure{fig}, pr.hovered || pr.export_requested);
    LessonCaption(
        "In an encoder-decoder (T5, BART, the original Transformer) the decoder's queries come from the text being "
        "written and its keys and values from the encoder's reading of the source, so the matrix is target \xC3\x97 source "
        "and needs no causal mask: the source is complete. The models here have no cross-attention weights, so this "
        "borrows the head's own projections.");
  }

  // [SECTION] 3: padding
  void DrawPadding(ChapterContext& ctx) {
    const float fs = ImGui::GetFontSize();
    SecondSentence(ctx, "batch mate");
    static const char* const kSides[] = {"right padding", "left padding"};
    SegmentedControl("side", kSides, 2, &side_);
    ctx.layout.AddLastItem("ch4.side");
    ImGui::SameLine(0, fs);
    bool causal = ctx.request.mask.causal;
    if (ImGui::Checkbox("causal", &causal)) ctx.request.mask.causal = causal;
    ctx.layout.AddLastItem("ch4.causal");
    ImGui::SameLine(0, fs);
    DrawLayerAndHeadPicker(ctx);
    lessons::PaddingParams p;
    p.layer = ctx.ui.layer;
    p.head = ctx.ui.focused_head;
    p.second = second_;
    p.left = side_ == 1;
    const Request req = ctx.request;
    Engine* engine = &ctx.compute->engine();
    const Computed<lessons::PaddingLesson> r = ctx.compute->Ask<lessons::PaddingLesson>(
        "ch4/padding",
        "padding:" + std::to_string(p.layer) + ":" + std::to_string(p.head) + ":" + std::to_string(side_) + ":" + p.second +
            "\x1f" + RequestKey(req),
        [engine, req, p](const CancelToken& c) {
          return std::make_shared<const lessons::PaddingLesson>(lessons::RunPaddingLesson(*engine, req, p, &c));
        });
    LessonStatus(r, "the padded batch");
    if (!r.value || r.value->batch.size() != 2) return FigurePlaceholder(ctx, "ch4.figure");
    const lessons::PaddingLesson& pl = *r.value;
    // The sentence that got pads (the shorter one).
    const int b = pl.batch[1].length < pl.batch[0].length ? 1 : 0;
    const lessons::PaddedSequence& s = pl.batch[b];
    if (pad_gen_ != r.generation) {
      pad_tokens_ = AsTokens(s.tokens);
      pad_gen_ = r.generation;
    }
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    DiagramFigure batch = MakeBatchDiagram(pl, DiagramUnits(avail).x);
    const float bh = batch.height * DiagramPixelsPerUnit();
    const DiagramResult dr = DrawDiagram("##batch", batch, ImVec2(avail.x, bh), false);
    if (dr.clicked_tag >= 0 && b == 1) pad_query_ = dr.clicked_tag;
    OfferFigure(ctx, batch.title, "padded-batch", Figure{std::move(batch)}, dr.hovered);
    FactBadge("padded sentence", std::to_string(b + 1));
    FactBadge("weight leaked onto pads, without the mask", Fmt("up to %.1f%%", 100 * s.max_leak), true);
    FactBadge("output change vs. alone", Fmt("%.1e", s.alone_error_with) + " with, " + Fmt("%.2g", s.alone_error_without) + " without", true);
    const ImVec2 rest = ImGui::GetContentRegionAvail();
    const float gap = 0.8f * fs, w = std::floor((rest.x - gap) * 0.5f);
    const float h = std::max(10 * fs, rest.y - (s.empty_rows_with.empty() ? 3.6f : 6.0f) * ImGui::GetTextLineHeightWithSpacing());
    const int L = pl.padded_length;
    const int q = pad_query_ >= 0 && pad_query_ < L ? pad_query_ : L - 1;
    const HeatmapResult a = Matrix(ctx, 0, "with the padding mask", s.weights_with.data(), L, L, s.mask_with.data(), pad_tokens_,
                                   pad_tokens_, ImVec2(w, h), r.generation, q, false);
    ctx.layout.Add("ch4.figure", a.plot_min, a.plot_max);
    ImGui::SameLine(0, gap);
    const HeatmapResult c = Matrix(ctx, 1, "without it: weight leaks onto [pad]", s.weights_without.data(), L, L,
                                   s.mask_without.data(), pad_tokens_, pad_tokens_, ImVec2(w, h), r.generation, q, true);
    for (const HeatmapResult* hr : {&a, &c})
      if (hr->clicked_row >= 0) pad_query_ = hr->clicked_row;
    if (!s.empty_rows_with.empty()) {
      const std::string rows = s.empty_rows_with.size() == 1
                                   ? "row " + std::to_string(s.empty_rows_with[0])
                                   : "rows " + std::to_string(s.empty_rows_with.front()) + "\xE2\x80\x93" +
                                         std::to_string(s.empty_rows_with.back());
      const Palette& pal = CurrentPalette();
      ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.warning));
      ImGui::TextWrapped(
          "Fully masked: %s (the pads' own queries) may read no key at all, every logit is \xE2\x88\x92\xE2\x88\x9E. A naive softmax "
          "computes exp(\xE2\x88\x92\xE2\x88\x9E \xE2\x88\x92 (\xE2\x88\x92\xE2\x88\x9E)) = NaN, and NaN spreads to every later layer. "
          "Here such a row gets zero weights and a zero output and is listed as empty.",
          rows.c_str());
      ImGui::PopStyleColor();
    }
    LessonCaption("A batch is a rectangle, so short sentences are filled with [pad]. With the padding mask every real "
                  "token attends exactly as it does alone; without it the pads take weight (a diffuse head more than a "
                  "sharp positional one) and a sentence's result depends on its batch mates.");
  }

  std::unique_ptr<Heatmap> heat_[3];
  HeatmapView views_[3];
  int section_ = 0;
  int prefix_ = -1;           // -1 = half the sentence
  std::string second_ = "A tired cat slept on the mat.";
  unsigned long cross_gen_ = ~0ul, pad_gen_ = ~0ul;
  std::vector<Token> cross_rows_, cross_cols_, pad_tokens_;
  int side_ = 0;              // 0 right padding, 1 left
  int pad_query_ = -1;
};

}  // namespace

std::unique_ptr<Chapter> MakeMasksChapter(TextureService& t) { return std::make_unique<MasksChapter>(t); }

}  // namespace attnviz::ui
