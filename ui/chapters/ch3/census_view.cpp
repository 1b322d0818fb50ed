#include "ui/chapters/ch3/census_view.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "core/engine.h"
#include "core/lessons/census.h"
#include "ui/chapters/attention_view.h"
#include "ui/chapters/lesson_view.h"
#include "ui/segmented_control.h"
#include "ui/widgets/plot.h"

namespace attnviz::ui {

namespace {

using lessons::CensusHead;
using lessons::CensusLesson;
using lessons::CensusScore;
using lessons::CensusSequence;
using lessons::kCensusScores;

constexpr int kTopHeads = 10;  // heads in the exported bar chart

std::string HeadName(const CensusHead& h) {
  char b[32];
  std::snprintf(b, sizeof b, "L%d H%d", h.layer + 1, h.head);
  return b;
}

Computed<CensusLesson> AskCensus(ChapterContext& ctx, bool probe) {
  lessons::CensusParams p;
  p.on_text = !probe;
  p.on_probe = probe;
  p.seed = ctx.request.seed;
  Request req = ctx.request;
  // The probe does not read the text: editing the sentence keeps its result.
  Request keyed = req;
  if (probe) keyed.text.clear();
  const std::string key = std::string(probe ? "census-probe:" : "census-text:") + std::to_string(p.probe_length) + ":" +
                          std::to_string(p.local_window) + ":" + std::to_string(p.seed) + ":" + RequestKey(keyed);
  Engine* engine = &ctx.compute->engine();
  return ctx.compute->Ask<CensusLesson>(probe ? "ch3/census-probe" : "ch3/census-text", key,
                                        [engine, req, p](const CancelToken& c) {
                                          return std::make_shared<const CensusLesson>(
                                              lessons::RunCensusLesson(*engine, req, p, &c));
                                        });
}

// A bar in a table cell: the score's share of the cell's width, its value beside.
void ScoreBar(double v, bool defined, bool strong) {
  const float fs = ImGui::GetFontSize();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float w = std::max(2 * fs, ImGui::GetContentRegionAvail().x - 3.8f * fs), h = fs * 0.8f;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const Palette& pal = CurrentPalette();
  const float y = p.y + (ImGui::GetTextLineHeight() - h) * 0.5f;
  dl->AddRectFilled(ImVec2(p.x, y), ImVec2(p.x + w, y + h), pal.chip);
  if (defined) {
    const float f = static_cast<float>(std::clamp(v, 0.0, 1.0));
    dl->AddRectFilled(ImVec2(p.x, y), ImVec2(p.x + w * f, y + h), strong ? pal.accent : pal.accent_soft);
  }
  ImGui::Dummy(ImVec2(w, ImGui::GetTextLineHeight()));
  ImGui::SameLine(0, fs * 0.3f);
  if (defined) ImGui::Text("%.2f", v);
  else ImGui::TextDisabled("n/a");
}

}  // namespace

void CensusView::Draw(ChapterContext& ctx) {
  const float fs = ImGui::GetFontSize();
  static const char* const kSources[] = {"on the text", "on a repeated random probe"};
  static const char* kScores[kCensusScores];
  for (int s = 0; s < kCensusScores; ++s) kScores[s] = lessons::CensusScoreName(static_cast<CensusScore>(s));
  if (SectionTabs(ctx, "ch3.census.source", kSources, 2, &source_)) selected_ = -1;
  ImGui::SameLine(0, fs);
  if (SectionTabs(ctx, "ch3.census.score", kScores, kCensusScores, &score_)) selected_ = -1;

  const bool probe = source_ == 1;
  const Computed<CensusLesson> r = AskCensus(ctx, probe);
  LessonStatus(r, "the census of the heads");
  const CensusSequence* seq = nullptr;
  if (r.value) seq = probe ? &r.value->probe : &r.value->text;
  if (!seq || !seq->computed || seq->heads.empty()) return FigurePlaceholder(ctx, "ch3.figure");
  const CensusLesson& l = *r.value;
  const CensusSequence& s = *seq;
  const int score = score_;
  const bool defined = s.defined[score];
  const std::vector<int>& ranking = s.ranking[score];
  if (selected_ < 0 || selected_ >= static_cast<int>(s.heads.size())) selected_ = ranking.front();
  const CensusHead& top = s.heads[ranking.front()];
  FactBadge("heads", std::to_string(s.heads.size()) + " (" + std::to_string(l.layers) + " layers)");
  FactBadge("tokens", std::to_string(s.n), true);
  FactBadge(("top " + std::string(kScores[score])).c_str(),
            defined ? HeadName(top) + (top.role.empty() ? "" : " " + top.role) : std::string("n/a"), true);
  ctx.layout.Fact("ch3.census.top", defined ? HeadName(top) + " " + top.role : std::string("n/a"));
  ctx.layout.Fact("ch3.census.source", probe ? "probe" : "text");

  const ImVec2 avail = ImGui::GetContentRegionAvail();
  // The captions below: the probe's sentence and the notes, wrapped (about two lines each).
  const float caption = (2.6f + 2.2f * static_cast<float>(l.notes.size())) * ImGui::GetTextLineHeightWithSpacing();
  const float body_h = std::max(14 * fs, avail.y - caption);
  const float table_w = std::clamp(avail.x * 0.57f, 24 * fs, 48 * fs);

  // [SECTION] The table: every head, sorted by the chosen score
  if (ImGui::BeginTable("##census", 3 + kCensusScores,
                        ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV |
                            ImGuiTableFlags_SizingStretchProp,
                        ImVec2(table_w, body_h))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed, 1.4f * fs);
    ImGui::TableSetupColumn("head", 0, 2.6f);
    ImGui::TableSetupColumn(kScores[score], 0, 2.2f);
    static const char* const kShort[] = {"prev", "ind", "sink", "dup", "loc"};
    for (int k = 0; k < kCensusScores; ++k) ImGui::TableSetupColumn(kShort[k], ImGuiTableColumnFlags_WidthFixed, 1.9f * fs);
    // Header labels are clickable: a click on a score chooses it.
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
    for (int c = 0; c < 3 + kCensusScores; ++c) {
      ImGui::TableSetColumnIndex(c);
      ImGui::PushID(c);
      ImGui::TableHeader(ImGui::TableGetColumnName(c));
      if (c >= 3) {
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s: click to sort by it", kScores[c - 3]);
        if (ImGui::IsItemClicked() && score_ != c - 3) score_ = c - 3, selected_ = -1;
        ctx.layout.AddLastItem(std::string("ch3.census.header.") + std::to_string(c - 3));
      }
      ImGui::PopID();
    }
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(ranking.size()));
    while (clipper.Step())
      for (int rank = clipper.DisplayStart; rank < clipper.DisplayEnd; ++rank) {
        const int idx = ranking[rank];
        const CensusHead& h = s.heads[idx];
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::PushID(idx);
        const std::string num = std::to_string(rank + 1);
        if (ImGui::Selectable(num.c_str(), idx == selected_, ImGuiSelectableFlags_SpanAllColumns)) {
          selected_ = idx;
          // The other sections follow the head chosen here.
          ctx.ui.layer = h.layer;
          ctx.ui.focused_head = h.head;
        }
        if (rank < 3) ctx.layout.AddLastItem("ch3.census.row." + std::to_string(rank));
        ImGui::PopID();
        ImGui::TableNextColumn();
        ImGui::Text("%s %s", HeadName(h).c_str(), h.role.c_str());
        if (!h.role.empty() && ImGui::IsItemHovered()) ImGui::SetTooltip("%s: %s", HeadName(h).c_str(), h.role.c_str());
        ImGui::TableNextColumn();
        ScoreBar(h.score[score], defined, idx == selected_);
        for (int k = 0; k < kCensusScores; ++k) {
          ImGui::TableNextColumn();
          if (!s.defined[k]) ImGui::TextDisabled("-");
          else if (k == score) ImGui::Text("%.2f", h.score[k]);
          else ImGui::TextDisabled("%.2f", h.score[k]);
        }
      }
    ImGui::EndTable();
  }
  ctx.layout.AddLastItem("ch3.census.table");
  ImGui::SameLine(0, fs);

  // [SECTION] The evidence: the chosen head's pattern, the cells the score reads outlined
  // (a header click this frame chose another score and cleared the choice: the top of this frame's ranking)
  const CensusHead& h = s.heads[selected_ >= 0 ? selected_ : ranking.front()];
  ImGui::BeginGroup();
  const float right_w = std::max(10 * fs, ImGui::GetContentRegionAvail().x);
  ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + right_w);
  char value[16] = "n/a";
  if (defined) std::snprintf(value, sizeof value, "%.2f", h.score[score]);
  ImGui::TextWrapped("%s%s%s%s  \xC2\xB7  %s score %s", HeadName(h).c_str(), h.role.empty() ? "" : " (", h.role.c_str(),
                     h.role.empty() ? "" : ")", kScores[score], value);
  const lessons::CensusRows& rows = s.plan.scores[score];
  ImGui::TextDisabled("%s", lessons::CensusScoreDefinition(static_cast<CensusScore>(score), l.local_window).c_str());
  ImGui::TextDisabled("%zu of %d rows counted%s", rows.rows.size(), s.n,
                      defined ? "; outlined: the cells summed" : " (no row has a target: nothing repeats)");
  ImGui::PopTextWrapPos();

  // Marks: which pooled cells hold a target of the score (cached per result and score).
  const int tr = h.thumb_rows, tc = h.thumb_cols;
  if (marks_generation_ != r.generation || marks_source_ != source_ || marks_score_ != score) {
    marks_.assign(static_cast<std::size_t>(tr) * tc, 0);
    for (std::size_t a = 0; a < rows.rows.size(); ++a) {
      const int ti = static_cast<int>(static_cast<long long>(rows.rows[a]) * tr / s.n);
      for (int j : rows.keys[a]) marks_[static_cast<std::size_t>(ti) * tc + static_cast<int>(static_cast<long long>(j) * tc / s.n)] = 1;
    }
    marks_generation_ = r.generation;
    marks_source_ = source_;
    marks_score_ = score;
  }
  const float plot_h = std::clamp(body_h * 0.36f, 9 * fs, 16 * fs);
  const float side = std::max(6 * fs, std::min(right_w, body_h - plot_h - 4 * ImGui::GetTextLineHeightWithSpacing()));
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton("##evidence", ImVec2(side, side));
  ctx.layout.AddLastItem("ch3.census.evidence");
  ctx.layout.AddLastItem("ch3.figure");
  const bool hovered = ImGui::IsItemHovered();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const Colormap cmap = ParseColormap(ctx.ui.colormap).value_or(Colormap::Viridis);
  float vmax = 0.05f;
  for (float v : h.thumb) vmax = std::max(vmax, v);
  const float cw = side / tc, ch = side / tr;
  for (int a = 0; a < tr; ++a)
    for (int b = 0; b < tc; ++b) {
      const ImVec2 c0(p0.x + b * cw, p0.y + a * ch);
      dl->AddRectFilled(c0, ImVec2(c0.x + cw, c0.y + ch), ToImU32(ColormapColor(cmap, h.thumb[a * tc + b], 0.0f, vmax)));
    }
  const ImU32 mark = CurrentPalette().warning;
  for (int a = 0; a < tr; ++a)
    for (int b = 0; b < tc; ++b)
      if (marks_[static_cast<std::size_t>(a) * tc + b]) {
        const ImVec2 c0(p0.x + b * cw, p0.y + a * ch);
        dl->AddRect(c0, ImVec2(c0.x + cw, c0.y + ch), mark, 0, 0, std::max(1.0f, cw * 0.12f));
      }
  if (probe) {  // the halves of the probe
    const float half = side * 0.5f;
    dl->AddLine(ImVec2(p0.x, p0.y + half), ImVec2(p0.x + side, p0.y + half), CurrentPalette().text_faint);
    dl->AddLine(ImVec2(p0.x + half, p0.y), ImVec2(p0.x + half, p0.y + side), CurrentPalette().text_faint);
  }
  if (hovered) {
    const ImVec2 m = ImGui::GetMousePos();
    const int a = std::clamp(static_cast<int>((m.y - p0.y) / ch), 0, tr - 1);
    const int b = std::clamp(static_cast<int>((m.x - p0.x) / cw), 0, tc - 1);
    // A cell covers tokens [a n / tr, (a + 1) n / tr): one token when not pooled.
    const int i0 = (a * s.n + tr - 1) / tr, j0 = (b * s.n + tc - 1) / tc;
    if (tr == s.n && tc == s.n)
      ImGui::SetTooltip("query %d \xE2\x80\x9C%s\xE2\x80\x9D \xE2\x86\x92 key %d \xE2\x80\x9C%s\xE2\x80\x9D\nweight %.3f%s", i0,
                        s.tokens[i0].c_str(), j0, s.tokens[j0].c_str(), h.thumb[a * tc + b],
                        marks_[static_cast<std::size_t>(a) * tc + b] ? "\ncounted by the score" : "");
    else
      ImGui::SetTooltip("queries from %d, keys from %d (pooled)\nlargest weight %.3f", i0, j0, h.thumb[a * tc + b]);
  }
  ImGui::TextDisabled("rows: queries, columns: keys%s; colour up to %.2f", tr < s.n ? " (max-pooled)" : "", vmax);

  // [SECTION] The top heads as bars (the slide)
  PlotFigure fig;
  fig.title = std::string("Top heads: ") + kScores[score] + (probe ? " (repeated probe)" : " (text)");
  fig.y.label = std::string(kScores[score]) + " score";
  fig.y.min = 0;
  fig.y.max = 1;
  fig.legend = false;
  PlotSeries bars{"", {}, {}, {41, 98, 214}, PlotStyle::Bars};
  // As many bars as have room for their labels on screen; the slide shows kTopHeads.
  const int shown = std::clamp(static_cast<int>(right_w / (3.4f * fs)), 3, kTopHeads);
  const auto fill = [&](PlotFigure& f, PlotSeries& b, int count) {
    f.x.categories.clear();
    b.x.clear();
    b.y.clear();
    if (!defined) return;
    for (int k = 0; k < std::min<int>(count, static_cast<int>(ranking.size())); ++k) {
      const CensusHead& t = s.heads[ranking[k]];
      f.x.categories.push_back(HeadName(t));
      b.x.push_back(k);
      b.y.push_back(t.score[score]);
    }
    f.series = {b};
  };
  fill(fig, bars, shown);
  PlotFigure slide = fig;
  fill(slide, bars, kTopHeads);
  const ImVec2 rest = ImGui::GetContentRegionAvail();
  const PlotResult pr = DrawPlot("##census-top", fig, ImVec2(right_w, std::max(6 * fs, std::min(plot_h, rest.y - caption))));
  if (pr.export_requested) ctx.export_requested = true;
  OfferFigure(ctx, fig.title, std::string("census-") + kScores[score], Figure{slide}, pr.hovered || pr.export_requested);
  ImGui::EndGroup();

  LessonCaption(probe ? "The probe is " + std::to_string(l.probe_length) +
                            " random tokens followed by the same tokens again: only the repetition links the halves, "
                            "so a head that looks one step past an earlier copy there is doing induction, not reading meaning."
                      : std::string("Scores on your sentence: induction and duplicate-token need a word that appears twice."));
  for (const std::string& note : l.notes) LessonCaption(note);
}

}  // namespace attnviz::ui
