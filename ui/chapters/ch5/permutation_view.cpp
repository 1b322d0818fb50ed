// Chapter 5, permutation: shuffle the tokens with positions off and every
// head's weights move with them; the previous-token head cannot work. Turn
// positions on and the symmetry breaks.
#include <algorithm>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "core/engine.h"
#include "core/lessons/variant_source.h"
#include "ui/chapters/attention_view.h"
#include "ui/chapters/ch5/positional_views.h"
#include "ui/segmented_control.h"
#include "ui/theme.h"

namespace attnviz::ui {

namespace {

// The shuffled order in a key: the lesson depends on every entry.
std::string OrderKey(const std::vector<int>& order) {
  std::string s;
  s.reserve(order.size() * 4);
  for (int k : order) s += std::to_string(k) + ",";
  return s;
}

const char* KindName(Positional p) {
  switch (p) {
    case Positional::None: return "none";
    case Positional::Sinusoidal: return "sinusoidal";
    case Positional::Rope: return "RoPE";
    case Positional::Alibi: return "ALiBi";
    case Positional::Learned: return "learned";
  }
  return "";
}

}  // namespace

void PermutationView::DrawChips(ChapterContext& ctx, const std::vector<Token>& tokens) {
  const int n = static_cast<int>(order_.size());
  const Palette& pal = CurrentPalette();
  const float fs = ImGui::GetFontSize();
  const float right = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
  ImGui::PushID("chips");
  for (int k = 0; k < n; ++k) {
    const std::string label = DisplayToken(tokens[order_[k]].text);
    const ImVec2 ts = ImGui::CalcTextSize(label.c_str());
    const ImVec2 size(ts.x + 0.9f * fs, ts.y + 0.35f * fs);
    if (k > 0) {
      ImGui::SameLine(0, 0.3f * fs);
      if (ImGui::GetCursorScreenPos().x + size.x > right) ImGui::NewLine();
    }
    ImGui::PushID(k);
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("chip", size);
    const bool hovered = ImGui::IsItemHovered();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const bool moved = order_[k] != k;
    dl->AddRectFilled(p, ImVec2(p.x + size.x, p.y + size.y), hovered ? pal.chip_hover : pal.chip, 4.0f);
    if (moved) dl->AddRect(p, ImVec2(p.x + size.x, p.y + size.y), pal.accent, 4.0f);
    dl->AddText(ImVec2(p.x + 0.45f * fs, p.y + 0.17f * fs), pal.text, label.c_str());
    if (ImGui::BeginDragDropSource()) {
      ImGui::SetDragDropPayload("attnviz-perm-chip", &k, sizeof k);
      ImGui::TextUnformatted(label.c_str());
      ImGui::EndDragDropSource();
    }
    if (ImGui::BeginDragDropTarget()) {
      if (const ImGuiPayload* pl = ImGui::AcceptDragDropPayload("attnviz-perm-chip")) {
        const int from = *static_cast<const int*>(pl->Data);
        const int tok = order_[from];
        order_.erase(order_.begin() + from);
        order_.insert(order_.begin() + k, tok);
      }
      ImGui::EndDragDropTarget();
    }
    if (hovered) ImGui::SetTooltip("position %d holds token %d \"%s\"; drag to move it", k, order_[k], label.c_str());
    ctx.layout.AddLastItem(std::string("perm.chip.") + std::to_string(k));
    ImGui::PopID();
  }
  ImGui::PopID();
}

void PermutationView::DrawHeadTable(const lessons::PermutationLesson& l) {
  if (!ImGui::BeginTable("heads", 6, ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH))
    return;
  ImGui::TableSetupColumn("head");
  ImGui::TableSetupColumn("role");
  ImGui::TableSetupColumn("off: max |Δ|");
  ImGui::TableSetupColumn("on: max |Δ|");
  ImGui::TableSetupColumn("off: finds the token before");
  ImGui::TableSetupColumn("on: finds the token before");
  ImGui::TableHeadersRow();
  for (std::size_t i = 0; i < l.off.heads.size(); ++i) {
    const lessons::PermutationHead& a = l.off.heads[i];
    const lessons::PermutationHead& b = l.on.heads[i];
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    if (l.off.original->layers.size() > 1) ImGui::Text("L%d H%d", a.layer + 1, a.head);
    else ImGui::Text("H%d", a.head);
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(a.role.c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(FormatDifference(a.max_abs_diff).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(FormatDifference(b.max_abs_diff).c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%s / %s", FormatShare(a.prev_hits).c_str(), FormatShare(a.prev_hits_shuffled).c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%s / %s", FormatShare(b.prev_hits).c_str(), FormatShare(b.prev_hits_shuffled).c_str());
  }
  ImGui::EndTable();
}

void PermutationView::Draw(ChapterContext& ctx) {
  if (!ctx.trace || !ctx.compute) {
    DrawNoTrace(ctx);
    return;
  }
  const int n = ctx.trace->n();
  if (static_cast<int>(order_.size()) != n) order_ = lessons::ShuffledOrder(n, seed_);

  // -- controls: shuffle, positions off / on
  if (ImGui::Button("Shuffle")) order_ = lessons::ShuffledOrder(n, ++seed_);
  ctx.layout.AddLastItem("perm.shuffle");
  ImGui::SameLine();
  if (ImGui::Button("Reverse")) order_ = lessons::ShuffledOrder(n, 0);
  const Positional on_kind = ctx.trace->config.positional == Positional::None ? Positional::Sinusoidal : ctx.trace->config.positional;
  const std::string on_label = std::string("positions on (") + KindName(on_kind) + ")";
  const char* sides[] = {"positions off", on_label.c_str()};
  ImGui::SameLine(0, 1.5f * ImGui::GetFontSize());
  DrawSectionTabs(ctx, "perm.positions", sides, 2, &positions_on_);
  if (n <= 96) {
    ImGui::SameLine(0, 1.5f * ImGui::GetFontSize());
    DrawChips(ctx, ctx.trace->tokens);
  } else {
    ImGui::TextDisabled("%d tokens, shuffled (seed %llu): too many to drag one by one", n, static_cast<unsigned long long>(seed_));
  }

  const Request req = ctx.request;
  const lessons::PermutationParams params{order_, seed_};
  Engine* engine = &ctx.compute->engine();
  const std::string key = "perm:" + OrderKey(order_) + RequestKey(req);
  const Computed<lessons::PermutationLesson> c = ctx.compute->Ask<lessons::PermutationLesson>(
      "ch5/permutation", key, [engine, req, params](const CancelToken& tok) {
        return std::make_shared<const lessons::PermutationLesson>(lessons::RunPermutationLesson(*engine, req, params, &tok));
      });
  const lessons::PermutationLesson* l = LessonValue(c);
  if (!l || l->n != n) return;
  const lessons::PermutationSide& side = positions_on_ ? l->on : l->off;

  // -- the facts
  FactBadge("max |Δ| over every head, shuffle undone", FormatEquality(side.max_abs_diff));
  const auto prev = std::find_if(side.heads.begin(), side.heads.end(), [](const lessons::PermutationHead& h) {
    return h.role == "previous-token";
  });
  if (prev != side.heads.end()) {
    char s[96];
    std::snprintf(s, sizeof s, "%s of rows, shuffled %s", FormatShare(prev->prev_hits).c_str(),
                  FormatShare(prev->prev_hits_shuffled).c_str());
    FactBadge("previous-token head finds the token before", s, true);
  }
  for (const std::string& note : l->notes) DrawCaption(ImGui::GetContentRegionAvail().x, "%s", note.c_str());

  // -- the head on screen: original, shuffled, and the difference after undoing the shuffle
  DrawLayerPicker(ctx);
  const Trace& a = *side.original;
  const Trace& b = *side.shuffled;
  ctx.ui.layer = std::clamp(ctx.ui.layer, 0, static_cast<int>(a.layers.size()) - 1);
  DrawHeadPicker(ctx, a.layers[ctx.ui.layer]);
  const int layer = ctx.ui.layer, head = std::clamp(ctx.ui.focused_head, 0, static_cast<int>(a.layers[layer].heads.size()) - 1);
  shown_a_ = a.Matrix(layer, head, HeadMatrix::Weights);
  shown_b_ = b.Matrix(layer, head, HeadMatrix::Weights);
  // Keyed by the lesson value it derives from, not by the request (the value on screen may be older).
  const std::string diff_key = "perm-back:" + std::to_string(c.generation) + (positions_on_ ? ":on:" : ":off:") +
                               std::to_string(layer) + ":" + std::to_string(head);
  const std::shared_ptr<const lessons::PermutationLesson> keep = c.value;
  const bool on = positions_on_ == 1;
  const Computed<lessons::Unshuffled> back = ctx.compute->Ask<lessons::Unshuffled>(
      "ch5/permutation-back", diff_key, [keep, on, layer, head](const CancelToken&) {
        const lessons::PermutationSide& s = on ? keep->on : keep->off;
        return std::make_shared<const lessons::Unshuffled>(lessons::UnshuffleWeights(*s.original, *s.shuffled, layer, head, keep->order));
      });
  shuffled_tokens_ = b.tokens;

  const float gap = ImGui::GetStyle().ItemSpacing.x * 2;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float w = (avail.x - 2 * gap) / 3;
  const float h = std::max(w * 1.08f, 13 * ImGui::GetFontSize());
  const Colormap cmap = ChapterColormap(ctx);
  const std::string hname = std::string("H") + std::to_string(head) + (a.layers[layer].heads[head].role.empty() ? "" : " " + a.layers[layer].heads[head].role);

  MatrixPanelData da;
  da.title = "original order · " + hname;
  da.slug = std::string("perm-original-H") + std::to_string(head);
  da.values = shown_a_->data();
  da.rows = da.cols = n;
  da.row_tokens = da.col_tokens = a.tokens;
  da.scale = {cmap, 0.0f, 1.0f};
  da.generation = c.generation * 64 + head + layer * 4096;
  da.selected_row = ctx.ui.selected_token;
  da.colorbar = false;  // one scale, 0..1, shown once on the right
  const HeatmapResult ra = original_.Draw(ctx, "orig", da, ImVec2(w, h));
  if (ra.clicked_row >= 0) ctx.ui.selected_token = ra.clicked_row;
  ImGui::SameLine(0, gap);

  MatrixPanelData db = da;
  db.title = "shuffled · the engine again";
  db.slug = std::string("perm-shuffled-H") + std::to_string(head);
  db.values = shown_b_->data();
  db.row_tokens = db.col_tokens = shuffled_tokens_;
  // The selected token, wherever the shuffle put it.
  db.selected_row = -1;
  for (int k = 0; k < n; ++k)
    if (l->order[k] == ctx.ui.selected_token) db.selected_row = k;
  const HeatmapResult rb = shuffled_.Draw(ctx, "shuf", db, ImVec2(w, h));
  ctx.layout.Add("perm.shuffled", rb.plot_min, rb.plot_max);
  if (rb.clicked_row >= 0) ctx.ui.selected_token = l->order[rb.clicked_row];
  ImGui::SameLine(0, gap);

  if (back.value && back.value->weights.rows() == n) {
    MatrixPanelData du = da;
    du.title = "shuffled, put back in order";
    du.slug = std::string("perm-put-back-H") + std::to_string(head);
    du.values = back.value->weights.data();
    du.generation = back.generation;
    du.extras = {{"difference from the original", back.value->difference.data()}};
    du.colorbar = true;
    const HeatmapResult rd = difference_.Draw(ctx, "back", du, ImVec2(w, h));
    ctx.layout.Add("perm.put_back", rd.plot_min, rd.plot_max);
    if (rd.clicked_row >= 0) ctx.ui.selected_token = rd.clicked_row;
  } else {
    ImGui::Dummy(ImVec2(w, h));
  }
  ImGui::Dummy(ImVec2(0, 0.3f * ImGui::GetFontSize()));
  DrawHeadTable(*l);
}

}  // namespace attnviz::ui
