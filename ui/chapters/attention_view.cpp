#include "ui/chapters/attention_view.h"

#include "core/trace_worker.h"

#include <algorithm>
#include <cstdio>

#include <imgui.h>

#include "core/figure/colormap.h"

namespace attnviz::ui {

const char* ShownMatrixName(ShownMatrix m) {
  switch (m) {
    case ShownMatrix::Weights: return "weights";
    case ShownMatrix::Logits: return "logits";
    case ShownMatrix::Scores: return "scores";
    case ShownMatrix::Bias: return "bias";
    case ShownMatrix::Mask: return "mask";
  }
  return "weights";
}

namespace {

Colormap UiColormap(const UiState& ui) { return ParseColormap(ui.colormap).value_or(Colormap::Viridis); }

// Clamps the head / layer / selection the UiState remembers to this trace.
void ClampToTrace(ChapterContext& ctx) {
  const Trace& t = *ctx.trace;
  ctx.ui.layer = std::clamp(ctx.ui.layer, 0, std::max(0, static_cast<int>(t.layers.size()) - 1));
  const int heads = t.layers.empty() ? 1 : static_cast<int>(t.layers[ctx.ui.layer].heads.size());
  ctx.ui.focused_head = std::clamp(ctx.ui.focused_head, 0, std::max(0, heads - 1));
  if (ctx.ui.selected_token >= t.n()) ctx.ui.selected_token = t.n() - 1;
}

}  // namespace

void DrawChapterIntro(ChapterContext& ctx, int number, const char* title, const char* intro) {
  const Palette& pal = CurrentPalette();
  ImGui::PushFont(ctx.fonts.title);
  ImGui::PushTextWrapPos(std::max(ImGui::GetCursorPosX() + 8 * ImGui::GetFontSize(),
                                  ImGui::GetWindowContentRegionMax().x - ctx.title_reserve));
  if (number > 0) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.accent));
    ImGui::Text("%d", number);
    ImGui::PopStyleColor();
    ImGui::SameLine();
  }
  ImGui::TextUnformatted(title);
  ImGui::PopTextWrapPos();
  ImGui::PopFont();
  // Presenting: the title carries the slide, the speaker says the paragraph.
  if (intro && intro[0] && !ctx.ui.presenter) {
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.text_dim));
    // Wrap at a comfortable measure rather than the full width: long lines are hard to read.
    const float measure = std::min(ImGui::GetContentRegionAvail().x, 56.0f * ImGui::GetFontSize());
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + measure);
    ImGui::TextUnformatted(intro);
    ImGui::PopTextWrapPos();
    ImGui::PopStyleColor();
  }
  ImGui::Dummy(ImVec2(0, ImGui::GetStyle().ItemSpacing.y * 0.5f));
}

void DrawNoTrace(ChapterContext& ctx) {
  const Palette& pal = CurrentPalette();
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(pal.text_faint));
  ImGui::TextUnformatted(ctx.computing ? "Computing the first trace..."
                                       : "Nothing to show yet: change the input above and the views appear.");
  ImGui::PopStyleColor();
}

bool DrawHeadPicker(ChapterContext& ctx, const LayerTrace& layer) {
  const Palette& pal = CurrentPalette();
  const int heads = static_cast<int>(layer.heads.size());
  bool changed = false;
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float fs = ImGui::GetFontSize();
  const float pad_x = 0.55f * fs, pad_y = 0.22f * fs, dot = 0.32f * fs;
  const float right_edge = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
  ImGui::PushID("heads");
  for (int h = 0; h < heads; ++h) {
    const HeadTrace& head = layer.heads[h];
    char label[96];
    std::snprintf(label, sizeof label, "H%d", h);
    const std::string role = head.role.empty() ? std::string() : head.role;
    const ImVec2 tsz = ImGui::CalcTextSize(label);
    const ImVec2 rsz = role.empty() ? ImVec2(0, 0) : ImGui::CalcTextSize(role.c_str());
    const float w = pad_x * 2 + dot * 2 + 0.4f * fs + tsz.x + (role.empty() ? 0 : 0.4f * fs + rsz.x);
    const float hgt = tsz.y + pad_y * 2;
    if (h > 0) {
      ImGui::SameLine(0, 0.35f * fs);
      if (ImGui::GetCursorScreenPos().x + w > right_edge) ImGui::NewLine();
    }
    ImGui::PushID(h);
    const ImVec2 p = ImGui::GetCursorScreenPos();
    if (ImGui::InvisibleButton("chip", ImVec2(w, hgt))) {
      if (ctx.ui.focused_head != h) changed = true;
      ctx.ui.focused_head = h;
    }
    const bool hovered = ImGui::IsItemHovered();
    const bool focused = ctx.ui.focused_head == h;
    const ImVec2 q(p.x + w, p.y + hgt);
    dl->AddRectFilled(p, q, focused ? pal.accent_soft : hovered ? pal.chip_hover : pal.chip, hgt * 0.5f);
    if (focused) dl->AddRect(p, q, pal.accent, hgt * 0.5f, 0, 1.5f);
    const Rgb8 c = HeadColor(h);
    dl->AddCircleFilled(ImVec2(p.x + pad_x + dot, p.y + hgt * 0.5f), dot, IM_COL32(c.r, c.g, c.b, 255));
    float x = p.x + pad_x + dot * 2 + 0.4f * fs;
    dl->AddText(ImVec2(x, p.y + pad_y), focused ? pal.text : pal.text_dim, label);
    if (!role.empty()) {
      x += tsz.x + 0.4f * fs;
      dl->AddText(ImVec2(x, p.y + pad_y), pal.text_faint, role.c_str());
    }
    if (hovered) {
      ImGui::BeginTooltip();
      ImGui::Text("Head %d of %d, reads key/value head %d", h, heads, head.kv_head);
      if (!role.empty()) ImGui::Text("Designed role: %s", role.c_str());
      if (head.alibi_slope != 0) ImGui::Text("ALiBi slope m = %.6g", head.alibi_slope);
      ImGui::TextDisabled("Tab / Shift+Tab cycles heads");
      ImGui::EndTooltip();
    }
    ctx.layout.AddLastItem("head." + std::to_string(h));
    ImGui::PopID();
  }
  ImGui::PopID();
  return changed;
}

void DrawLayerPicker(ChapterContext& ctx) {
  if (!ctx.trace || ctx.trace->layers.size() <= 1) return;
  const int last = static_cast<int>(ctx.trace->layers.size()) - 1;
  int shown = ctx.ui.layer + 1;
  ImGui::SetNextItemWidth(12 * ImGui::GetFontSize());
  if (ImGui::SliderInt("layer", &shown, 1, last + 1, "layer %d")) ctx.ui.layer = std::clamp(shown - 1, 0, last);
}

void AttentionView::Draw(ChapterContext& ctx, const AttentionViewOptions& opt) {
  if (!ctx.trace || ctx.trace->layers.empty()) {
    DrawNoTrace(ctx);
    return;
  }
  ClampToTrace(ctx);
  const Trace& t = *ctx.trace;
  const LayerTrace& layer = t.layers[ctx.ui.layer];
  const int h = ctx.ui.focused_head;
  const HeadTrace& head = layer.heads[h];
  const int n = t.n();
  ImGui::PushID(opt.id);

  if (opt.head_picker) {
    DrawLayerPicker(ctx);
    DrawHeadPicker(ctx, layer);
    ImGui::Dummy(ImVec2(0, 0.1f * ImGui::GetFontSize()));
  }

  // [heatmap | arcs] side by side when there is room, stacked otherwise.
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float height = opt.height > 0 ? std::min(opt.height, avail.y) : avail.y;
  const float gap = ImGui::GetStyle().ItemSpacing.x * 2;
  const bool side_by_side = opt.arcs && avail.x > 40 * ImGui::GetFontSize();
  ImVec2 heat_size = avail;
  heat_size.y = std::max(height, 8.0f * ImGui::GetFontSize());
  if (opt.arcs && side_by_side) heat_size.x = std::max(avail.x * 0.55f, std::min(avail.x - gap - 20 * ImGui::GetFontSize(), heat_size.y * 1.05f));
  else if (opt.arcs) heat_size.y = std::max(8.0f * ImGui::GetFontSize(), height * 0.58f);

  // -- heatmap
  HeatmapData d;
  d.rows = d.cols = n;
  d.allowed = t.mask.data();
  d.row_tokens = t.tokens;
  d.col_tokens = t.tokens;
  d.generation = ctx.generation;
  d.selected_row = ctx.ui.selected_token;
  d.highlight_row = d.highlight_col = ctx.ui.hovered_token;
  const Colormap cmap = UiColormap(ctx.ui);
  // Tooltip extras (score and logit under a weight, or the weight under a
  // logit) are whole matrices too; past this size they would crowd the cache.
  constexpr int kExtrasMaxN = MatrixPrewarm::kMaxExtrasN;  // the trace worker prewarms these up to the same N
  const int li = ctx.ui.layer;
  extra_a_.reset();
  extra_b_.reset();
  switch (opt.matrix) {
    case ShownMatrix::Weights:
      shown_ = t.Matrix(li, h, HeadMatrix::Weights);
      d.values = shown_->data();
      d.value_name = "weight";
      d.scale = {cmap, 0.0f, 1.0f};
      if (n <= kExtrasMaxN) {
        extra_a_ = t.Matrix(li, h, HeadMatrix::Scores);
        extra_b_ = t.Matrix(li, h, HeadMatrix::Logits);
        d.extras = {{"score", extra_a_->data()}, {"logit", extra_b_->data()}};
      }
      break;
    case ShownMatrix::Logits:
    case ShownMatrix::Scores:
    case ShownMatrix::Bias: {
      shown_ = t.Matrix(li, h, opt.matrix == ShownMatrix::Logits ? HeadMatrix::Logits
                               : opt.matrix == ShownMatrix::Scores ? HeadMatrix::Scores : HeadMatrix::Bias);
      const Mat& m = *shown_;
      d.values = m.data();
      d.value_name = ShownMatrixName(opt.matrix);
      // Scores and bias exist for masked pairs too; logits only where allowed.
      if (opt.matrix != ShownMatrix::Logits) d.allowed = nullptr;
      const ValueRange r = AutoValueRange(m.data(), static_cast<long>(m.size()), d.allowed, true);
      d.scale = {IsDivergingColormap(cmap) ? cmap : Colormap::Diverging, r.vmin, r.vmax};
      d.pool = PoolMode::MaxAbs;
      if (n <= kExtrasMaxN) {
        extra_a_ = t.Matrix(li, h, HeadMatrix::Weights);
        d.extras = {{"weight", extra_a_->data()}};
      }
      break;
    }
    case ShownMatrix::Mask:
      shown_.reset();
      if (mask_generation_ != ctx.generation || mask_values_.size() != static_cast<std::size_t>(n) * n) {
        mask_values_.assign(static_cast<std::size_t>(n) * n, 0.0f);
        for (long i = 0; i < static_cast<long>(mask_values_.size()); ++i) mask_values_[i] = t.mask.data()[i] ? 1.0f : 0.0f;
        mask_generation_ = ctx.generation;
      }
      d.values = mask_values_.data();
      d.allowed = nullptr;
      d.value_name = "allowed";
      d.value_format = "%.0f";
      d.cell_format = "%.0f";
      d.scale = {cmap, 0.0f, 1.0f};
      break;
  }
  heatmap_view_.show_values = ctx.ui.show_values;
  HeatmapResult hr = heatmap_.Draw("##heatmap", d, heatmap_view_, heat_size);
  ctx.layout.AddLastItem("heatmap");
  if (hr.hovered_row >= 0) {
    ctx.ui.hovered_row = hr.hovered_row;
    ctx.ui.hovered_col = hr.hovered_col;
  }
  if (hr.hovered_row >= 0) ctx.ReportHover(hr.hovered_row);
  if (hr.clicked_row >= 0) ctx.ui.selected_token = hr.clicked_row == ctx.ui.selected_token ? -1 : hr.clicked_row;
  {
    ExportableHeatmap e;
    char title[160];
    std::snprintf(title, sizeof title, "Layer %d, head %d%s%s: attention %s", ctx.ui.layer + 1, h,
                  head.role.empty() ? "" : " ", head.role.empty() ? "" : ("(" + head.role + ")").c_str(),
                  ShownMatrixName(opt.matrix));
    e.title = title;
    e.slug = "L" + std::to_string(ctx.ui.layer + 1) + "-H" + std::to_string(h) + "-" + ShownMatrixName(opt.matrix);
    e.values = d.values;
    e.rows = d.rows;
    e.cols = d.cols;
    e.allowed = d.allowed;
    e.row_tokens = t.tokens;
    e.col_tokens = t.tokens;
    e.scale = d.scale;
    e.value_name = d.value_name;
    ctx.OfferExport(std::move(e), hr.focused);
    if (hr.export_requested) ctx.export_requested = true;
  }

  // -- arcs
  if (opt.arcs) {
    if (side_by_side) ImGui::SameLine(0, gap);
    head_names_.clear();
    for (const HeadTrace& ht : layer.heads) head_names_.push_back(ht.role.c_str());
    ArcsData a;
    a.tokens = t.tokens;
    a.heads = static_cast<int>(layer.heads.size());
    // One row (or one key's column) per head, computed from the trace when drawn.
    a.weights = [&t, li](int head, int token, bool column, float* out) {
      if (column) t.WeightsColumn(li, head, token, out);
      else t.MatrixRows(li, head, HeadMatrix::Weights, token, 1, out);
    };
    a.head_names = head_names_;
    a.selected_query = ctx.ui.selected_token;
    a.highlight_token = ctx.ui.hovered_token;
    a.show_head_chips = opt.arcs_head_chips;
    if (!opt.arcs_head_chips) {
      // Chapters follow the focused head; the Playground lets the arcs widget choose.
      arcs_view_.all_heads = false;
      arcs_view_.solo_head = h;
    }
    const ImVec2 rest = ImGui::GetContentRegionAvail();
    ImVec2 arcs_size = side_by_side ? ImVec2(rest.x, heat_size.y) : ImVec2(rest.x, std::max(8 * ImGui::GetFontSize(), rest.y));
    ArcsResult ar = DrawAttentionArcs("##arcs", a, arcs_view_, arcs_size);
    ctx.layout.AddLastItem("arcs");
    ctx.layout.Fact("arcs_drawn", std::to_string(ar.arcs_drawn));
    if (ar.hovered_token >= 0) ctx.ReportHover(ar.hovered_token);
    if (ar.clicked_token >= 0)
      ctx.ui.selected_token = ar.clicked_token == ctx.ui.selected_token ? -1 : ar.clicked_token;
  }
  ImGui::PopID();
}

}  // namespace attnviz::ui
