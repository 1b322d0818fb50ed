#include "ui/chapters/ch3/induction_view.h"

#if __has_include("core/lessons/induction.h")
#define ATTNVIZ_HAVE_INDUCTION 1
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <imgui.h>

#include "core/engine.h"
#include "core/figure/lesson_diagrams.h"
#include "core/lessons/induction.h"
#include "core/seeded_rng.h"
#include "ui/chapters/attention_view.h"
#include "ui/chapters/lesson_view.h"
#include "ui/segmented_control.h"
#include "ui/widgets/diagram.h"
#endif

namespace attnviz::ui {

InductionView::InductionView(TextureService&) {}

#ifndef ATTNVIZ_HAVE_INDUCTION

bool InductionView::Available() { return false; }
void InductionView::Draw(ChapterContext&) {}

#else

namespace {

constexpr const char* kRepeatedExample = "Mr and Mrs Dursley lived at the end of a quiet road. Mr and Mrs";

// Words for random repeated text: the circuit must work on words it has no
// meaning for, so these are plain and unrelated.
constexpr const char* kWords[] = {"river", "lamp", "violet", "seven", "garden", "pencil", "winter", "copper",
                                  "bottle", "anchor", "maple", "thunder", "velvet", "orbit", "cactus", "harbor",
                                  "meadow", "pepper", "silver", "tunnel", "candle", "falcon", "marble", "ladder"};

std::string RandomRepeated(std::uint64_t seed) {
  SeededRng rng{seed * 0x9E3779B97F4A7C15ull + 0x1dc};
  const int count = sizeof(kWords) / sizeof(kWords[0]);
  std::vector<int> pick;
  while (pick.size() < 7) {
    const int w = static_cast<int>(rng.Uniform() * count) % count;
    if (std::find(pick.begin(), pick.end(), w) == pick.end()) pick.push_back(w);
  }
  std::string s;
  for (int round = 0; round < 2; ++round)
    for (int w : pick) {
      if (!s.empty()) s += ' ';
      s += kWords[w];
    }
  return s;
}

void Cells(const char* id, const std::vector<double>& v) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float fs = ImGui::GetFontSize(), small = fs * 0.78f, cw = 3.3f * fs, ch = small + 6;
  double range = 1e-6;
  for (double x : v) range = std::max(range, std::fabs(x));
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const int per_row = std::max(1, static_cast<int>(ImGui::GetContentRegionAvail().x / cw));
  const int n = static_cast<int>(v.size()), rows = (n + per_row - 1) / per_row;
  ImGui::InvisibleButton(id, ImVec2(std::min(n, per_row) * cw, rows * ch + 2));
  for (int i = 0; i < n; ++i) {
    const float x = p.x + (i % per_row) * cw, y = p.y + (i / per_row) * ch;
    const Rgb8 c = ColormapColor(Colormap::Diverging, static_cast<float>(v[i]), static_cast<float>(-range), static_cast<float>(range));
    dl->AddRectFilled(ImVec2(x, y), ImVec2(x + cw - 1, y + ch - 1), ToImU32(c));
    char b[24];
    std::snprintf(b, sizeof b, "%.2f", v[i]);
    dl->AddText(ImGui::GetFont(), small, ImVec2(x + 3, y + 3), ToImU32(LabelColorOn(c)), b);
  }
}

}  // namespace

bool InductionView::Available() { return true; }

void InductionView::Draw(ChapterContext& ctx) {
  const Trace& t = *ctx.trace;
  const float fs = ImGui::GetFontSize();
  // Induction is a decoder's circuit: the presets turn the causal mask on (see the lesson's notes).
  if (ImGui::SmallButton("Mr and Mrs \xE2\x80\xA6 Mr and Mrs")) {
    ctx.request.text = kRepeatedExample;
    ctx.request.mask.causal = true;
    ctx.ui.selected_token = -1;
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("A sentence that repeats, read causally as a decoder reads it");
  ctx.layout.AddLastItem("ch3.repeat-example");
  ImGui::SameLine(0, fs * 0.6f);
  if (ImGui::SmallButton("random words, repeated")) {
    ctx.request.text = RandomRepeated(++random_texts_);
    ctx.request.mask.causal = true;
    ctx.ui.selected_token = -1;
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Seven unrelated words, twice: nothing but the repetition links them");
  ctx.layout.AddLastItem("ch3.repeat-random");
  ImGui::SameLine(0, fs * 0.6f);
  ImGui::TextDisabled("or type any text that repeats");

  const Request req = ctx.request;
  Engine* engine = &ctx.compute->engine();
  const Computed<lessons::InductionLesson> r = ctx.compute->Ask<lessons::InductionLesson>(
      "ch3/induction", "induction:" + RequestKey(req), [engine, req](const CancelToken& c) {
        lessons::InductionParams p;
        p.top = 6;
        return std::make_shared<const lessons::InductionLesson>(lessons::RunInductionLesson(*engine, req, p, &c));
      });
  LessonStatus(r, "the induction circuit");
  if (!r.value || r.value->n != t.n()) return FigurePlaceholder(ctx, "ch3.figure");
  const lessons::InductionLesson& l = *r.value;
  const std::string prev = "L" + std::to_string(l.prev_layer + 1) + " H" + std::to_string(l.prev_head);
  const std::string ind = "L" + std::to_string(l.induction_layer + 1) + " H" + std::to_string(l.induction_head);
  FactBadge("repeated tokens", std::to_string(l.repeated));
  char hits[64];
  std::snprintf(hits, sizeof hits, "%d of %d", l.hits, l.repeated);
  FactBadge("land after the earlier copy", hits, true);
  FactBadge("previous-token head", prev, true);
  FactBadge("induction head", ind, true);
  ctx.layout.Fact("ch3.induction", std::to_string(l.hits) + "/" + std::to_string(l.repeated));

  // The query: the selected token, else the last one whose word came earlier.
  int q = ctx.ui.selected_token;
  if (q < 0 || q >= l.n) {
    q = l.n - 1;
    for (int i = l.n - 1; i >= 0; --i)
      if (!l.tokens[i].earlier.empty()) {
        q = i;
        break;
      }
  }
  const lessons::InductionToken& tok = l.tokens[q];
  InductionDiagramInput in;
  for (const lessons::InductionToken& x : l.tokens) {
    in.tokens.push_back(x.text);
    in.previous_word.push_back(x.copied);
  }
  in.query = q;
  in.targets = tok.targets;
  in.attends_to = tok.attends_to;
  in.weight = tok.attends_weight;
  in.predicted = tok.predicted;
  in.prev_head = prev;
  in.induction_head = ind;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float h = std::clamp(avail.y * 0.42f, 12 * fs, 16 * fs);
  const ImVec2 u = DiagramUnits(ImVec2(avail.x, h));
  in.width = u.x;
  in.height = u.y;
  DiagramFigure fig = MakeInductionDiagram(in);
  const DiagramResult dr = DrawDiagram("##induction", fig, ImVec2(avail.x, h));
  ctx.layout.Add("ch3.figure", dr.min, dr.max);
  if (dr.hovered_tag >= 0) ctx.ReportHover(dr.hovered_tag);
  if (dr.clicked_tag >= 0) ctx.ui.selected_token = dr.clicked_tag;
  if (dr.export_requested) ctx.export_requested = true;
  in.height *= kSlideWidth / in.width;
  in.width = kSlideWidth;
  OfferFigure(ctx, fig.title, "induction-circuit", Figure{MakeInductionDiagram(in)}, dr.hovered || dr.export_requested);

  // The actual vectors behind the arcs.
  const std::string who = "\xE2\x80\x9C" + tok.text + "\xE2\x80\x9D";
  if (tok.earlier.empty())
    LessonCaption(who + " has not appeared before: the induction head has nothing to find (click a repeated token).");
  if (ImGui::BeginTable("##vectors", 2, ImGuiTableFlags_SizingStretchProp)) {
    ImGui::TableSetupColumn("a", 0, 1.0f);
    ImGui::TableSetupColumn("b", 0, 1.0f);
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    const int tg = tok.attends_to;
    if (tg >= 0) {
      const lessons::InductionToken& k = l.tokens[tg];
      ImGui::TextWrapped("Step 1: %s wrote into \xE2\x80\x9C%s\xE2\x80\x9D's previous-word dims (from \xE2\x80\x9C%s\xE2\x80\x9D, weight %.0f%%):",
                         prev.c_str(), k.text.c_str(), k.prev_source >= 0 ? l.tokens[k.prev_source].text.c_str() : "?",
                         100 * k.prev_weight);
      Cells("##written", k.written);
      ImGui::TextDisabled("closest identity: \xE2\x80\x9C%s\xE2\x80\x9D (cosine %.2f)", k.copied >= 0 ? l.tokens[k.copied].text.c_str() : "-",
                          k.copied_cosine);
    }
    ImGui::TableNextColumn();
    ImGui::TextWrapped("Step 2: %s's query at %s:", ind.c_str(), who.c_str());
    Cells("##query", tok.query);
    if (tok.predicted >= 0)
      ImGui::TextDisabled("its output resembles \xE2\x80\x9C%s\xE2\x80\x9D (cosine %.2f)", l.tokens[tok.predicted].text.c_str(),
                          tok.predicted_cosine);
    ImGui::EndTable();
  }
  if (ImGui::BeginTable("##top", 7, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_SizingStretchProp)) {
    for (const char* c : {"key", "word before it", "match", "copy", "rest", "logit", "weight"}) ImGui::TableSetupColumn(c);
    ImGui::TableHeadersRow();
    for (const lessons::InductionKey& k : tok.top) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      const bool target = std::find(tok.targets.begin(), tok.targets.end(), k.key) != tok.targets.end();
      if (target) ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(CurrentPalette().warning), "%d %s", k.key, l.tokens[k.key].text.c_str());
      else ImGui::Text("%d %s", k.key, l.tokens[k.key].text.c_str());
      if (ImGui::IsItemHovered()) ctx.ReportHover(k.key);
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(k.previous_word >= 0 ? l.tokens[k.previous_word].text.c_str() : "-");
      ImGui::TableNextColumn();
      ImGui::Text("%.2f", k.match);
      ImGui::TableNextColumn();
      ImGui::Text("%.2f", k.copy);
      ImGui::TableNextColumn();
      ImGui::Text("%.2f", k.rest);
      ImGui::TableNextColumn();
      ImGui::Text("%.2f", k.logit);
      ImGui::TableNextColumn();
      ImGui::Text("%.1f%%", 100 * k.weight);
    }
    ImGui::EndTable();
  }
  for (const std::string& note : l.notes) LessonCaption(note);
}

#endif

}  // namespace attnviz::ui
