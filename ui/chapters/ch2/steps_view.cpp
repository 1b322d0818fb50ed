#include "ui/chapters/ch2/steps_view.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <string>
#include <vector>

#include <imgui.h>

#include "core/figure/colormap.h"
#include "ui/chapters/attention_view.h"
#include "ui/chapters/lesson_view.h"
#include "ui/theme.h"

namespace attnviz::ui {

namespace {

struct StepInfo {
  const char* chip;     // on the step bar
  const char* formula;  // the line under it
};

// U+1D40 ᵀ, U+221A √, U+2096 ₖ, U+2212 −, U+221E ∞, U+00B7 ·
const StepInfo kSteps[] = {
    {"X", "X: the layer's input, one row per token"},
    {"W_q W_k W_v", "Three learned projections per head: what to look for, what to be found by, what to hand over"},
    {"Q K V", "Q = X\xC2\xB7W_q + b_q,   K = X\xC2\xB7W_k + b_k,   V = X\xC2\xB7W_v + b_v"},
    {"Q\xC2\xB7K\xE1\xB5\x80", "scores = Q\xC2\xB7K\xE1\xB5\x80: every query against every key, one dot product each"},
    {"\xC3\xB7\xE2\x88\x9A" "d\xE2\x82\x96", "\xC3\x97 s = 1/\xE2\x88\x9A" "d\xE2\x82\x96: the scores' spread no longer grows with the head size"},
    {"+ bias", "+ bias, then \xC3\xB7 T: a position bias (ALiBi) when there is one, and the temperature"},
    {"mask", "Forbidden pairs become \xE2\x88\x92\xE2\x88\x9E, so the softmax gives them exactly 0"},
    {"softmax", "weights = softmax of each row: positive, summing to 1"},
    {"\xC2\xB7 V", "output = weights\xC2\xB7V: each token's weighted mix of the values"},
    {"concat", "concat = [output of head 0 \xE2\x80\xA6 head H\xE2\x88\x92" "1]: the heads side by side"},
    {"W_o", "result = concat\xC2\xB7W_o + b_o: mixed back to the model's width"},
};
static_assert(sizeof(kSteps) / sizeof(kSteps[0]) == static_cast<int>(AttentionStep::Count));

std::string Num(float v, const char* f = "%.4f") {
  char b[32];
  std::snprintf(b, sizeof b, f, v);
  std::string s = b;
  if (s[0] == '-') s = "\xE2\x88\x92" + s.substr(1);
  return s;
}

std::string Shape(int r, int c) { return std::to_string(r) + " \xC3\x97 " + std::to_string(c); }

ColorScale Signed(const float* v, long count, const std::uint8_t* allowed) {
  const ValueRange r = AutoValueRange(v, count, allowed, true);
  return {Colormap::Diverging, r.vmin, r.vmax};
}

float AbsMax(const float* v, int n) {
  float a = 1e-6f;
  for (int i = 0; i < n; ++i) a = std::max(a, std::fabs(v[i]));
  return a;
}

// A vector as a row of cells tinted by value, with the values written in them,
// wrapping to the width.
// compact: one line of small swatches without numbers (values in the tooltip).
void VectorCells(const char* id, const float* v, int n, float range, bool compact = false) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  ImFont* mono = ImGui::GetFont();
  const float fs = ImGui::GetFontSize(), small = fs * 0.78f;
  const float avail = ImGui::GetContentRegionAvail().x;
  const float cw = compact ? std::max(2.0f, std::min(fs, avail / std::max(1, n)))
                           : mono->CalcTextSizeA(small, FLT_MAX, 0, "\xE2\x88\x92" "0.000").x + 6;
  const float ch = compact ? ImGui::GetTextLineHeight() : small + 6;
  const int per_row = compact ? n : std::max(1, static_cast<int>(avail / cw));
  const int rows = (n + per_row - 1) / per_row;
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::InvisibleButton(id, ImVec2(std::min(n, per_row) * cw, rows * ch + 2));
  for (int i = 0; i < n; ++i) {
    const float x = p.x + (i % per_row) * cw, y = p.y + (i / per_row) * ch;
    const Rgb8 c = ColormapColor(Colormap::Diverging, v[i], -range, range);
    dl->AddRectFilled(ImVec2(x, y), ImVec2(x + cw - 1, y + ch - 1), ToImU32(c));
    if (compact) continue;
    const Rgb8 t = LabelColorOn(c);
    const std::string s = Num(v[i], "%.3f");
    const float tw = mono->CalcTextSizeA(small, FLT_MAX, 0, s.c_str()).x;
    dl->AddText(mono, small, ImVec2(x + (cw - 1 - tw) * 0.5f, y + 3), ToImU32(t), s.c_str());
  }
  if (ImGui::IsItemHovered()) {
    const ImVec2 m = ImGui::GetIO().MousePos;
    const int i = static_cast<int>((m.y - p.y) / ch) * per_row + static_cast<int>((m.x - p.x) / cw);
    if (i >= 0 && i < n && (m.x - p.x) < per_row * cw) ImGui::SetTooltip("component %d: %s", i, Num(v[i], "%.6f").c_str());
  }
}

// A horizontal bar in [0, 1] (or signed in [-1, 1]) drawn at the cursor, `w` wide.
void Bar(float frac, float w, ImU32 col, bool is_signed) {
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float h = ImGui::GetTextLineHeight();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(ImVec2(p.x, p.y + h * 0.2f), ImVec2(p.x + w, p.y + h * 0.8f), CurrentPalette().chip);
  if (is_signed) {
    const float mid = p.x + w * 0.5f, e = mid + std::clamp(frac, -1.0f, 1.0f) * w * 0.5f;
    dl->AddRectFilled(ImVec2(std::min(mid, e), p.y + h * 0.2f), ImVec2(std::max(mid, e), p.y + h * 0.8f), col);
  } else {
    dl->AddRectFilled(ImVec2(p.x, p.y + h * 0.2f), ImVec2(p.x + w * std::clamp(frac, 0.0f, 1.0f), p.y + h * 0.8f), col);
  }
  ImGui::Dummy(ImVec2(w, h));
}

}  // namespace

AttentionStepsView::AttentionStepsView(TextureService& t) {
  for (auto& h : heat_) h = std::make_unique<Heatmap>(t);
}

const lessons::AttentionStepsLesson* AttentionStepsView::Lesson(const ChapterContext& ctx, int layer, int head,
                                                                int query) {
  const std::string key = std::to_string(ctx.generation) + ":" + std::to_string(layer) + ":" + std::to_string(head) + ":" +
                          std::to_string(query);
  if (key != lesson_key_ || !lesson_) {
    lessons::AttentionStepsParams p;
    p.layer = layer;
    p.head = head;
    p.query = query;
    lesson_ = std::make_unique<lessons::AttentionStepsLesson>(lessons::ComputeAttentionSteps(*ctx.trace, p));
    lesson_key_ = key;
  }
  return lesson_.get();
}

void AttentionStepsView::DrawStepBar(ChapterContext& ctx) {
  const Palette& pal = CurrentPalette();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float fs = ImGui::GetFontSize(), pad = 0.45f * fs, gap = 1.0f * fs;
  const float right = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
  const int count = static_cast<int>(AttentionStep::Count);
  ImGui::PushID("steps");
  for (int i = 0; i < count; ++i) {
    const ImVec2 ts = ImGui::CalcTextSize(kSteps[i].chip);
    const float w = ts.x + pad * 2, h = ImGui::GetFrameHeight();
    if (i > 0) {
      ImGui::SameLine(0, gap);
      if (ImGui::GetCursorScreenPos().x + w > right) ImGui::NewLine();
      else {
        // The arrow from the previous chip.
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float y = p.y + h * 0.5f;
        dl->AddLine(ImVec2(p.x - gap + 3, y), ImVec2(p.x - 4, y), pal.text_faint, 1.2f);
        dl->AddTriangleFilled(ImVec2(p.x - 3, y), ImVec2(p.x - 8, y - 3.5f), ImVec2(p.x - 8, y + 3.5f), pal.text_faint);
      }
    }
    ImGui::PushID(i);
    const ImVec2 p = ImGui::GetCursorScreenPos();
    if (ImGui::InvisibleButton("step", ImVec2(w, h))) step = i;
    const bool on = step == i, hov = ImGui::IsItemHovered();
    ctx.layout.AddLastItem("ch2.step." + std::to_string(i));
    dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), on ? pal.accent : hov ? pal.chip_hover : pal.chip, h * 0.25f);
    dl->AddText(ImVec2(p.x + pad, p.y + (h - ts.y) * 0.5f), on ? pal.accent_text : i < step ? pal.text : pal.text_dim,
                kSteps[i].chip);
    if (hov) ImGui::SetTooltip("%s", kSteps[i].formula);
    ImGui::PopID();
  }
  ImGui::PopID();
  // Left / right arrows step through while the bar is hovered; buttons otherwise.
  ImGui::SameLine(0, fs);
  if (ImGui::SmallButton("\xE2\x80\xB9")) step = std::max(0, step - 1);
  ImGui::SameLine(0, 2);
  if (ImGui::SmallButton("\xE2\x80\xBA")) step = std::min(count - 1, step + 1);
  ctx.layout.AddLastItem("ch2.next");
}

void AttentionStepsView::Draw(ChapterContext& ctx) {
  const Trace& t = *ctx.trace;
  const float fs = ImGui::GetFontSize();
  DrawStepBar(ctx);
  DrawLayerAndHeadPicker(ctx);
  const int layer = std::clamp(ctx.ui.layer, 0, static_cast<int>(t.layers.size()) - 1);
  const LayerTrace& L = t.layers[layer];
  const int head = std::clamp(ctx.ui.focused_head, 0, static_cast<int>(L.heads.size()) - 1);
  const int n = t.n();
  const int query = ctx.ui.selected_token >= 0 && ctx.ui.selected_token < n ? ctx.ui.selected_token : n - 1;
  const lessons::AttentionStepsLesson& s = *Lesson(ctx, layer, head, query);

  // The formula of the step with its shapes.
  const AttentionStep st = static_cast<AttentionStep>(step);
  std::string shapes;
  switch (st) {
    case AttentionStep::X: shapes = "X is " + Shape(n, s.d_model); break;
    case AttentionStep::Projections: shapes = "each " + Shape(s.d_model, s.d_k) + " (D \xC3\x97 d\xE2\x82\x96)"; break;
    case AttentionStep::QKV: shapes = "(" + Shape(n, s.d_model) + ")\xC2\xB7(" + Shape(s.d_model, s.d_k) + ") = " + Shape(n, s.d_k); break;
    case AttentionStep::Scores: shapes = "(" + Shape(n, s.d_k) + ")\xC2\xB7(" + Shape(s.d_k, n) + ") = " + Shape(n, n); break;
    case AttentionStep::Scale: shapes = "s = " + (s.scale == 1.0f ? std::string("1 (scaling off)") : "1/\xE2\x88\x9A" + std::to_string(s.d_k) + " = " + Num(s.scale)); break;
    case AttentionStep::Bias: shapes = s.alibi_slope != 0 ? "ALiBi: bias = \xE2\x88\x92" + Num(s.alibi_slope, "%.4g") + "\xC2\xB7|i \xE2\x88\x92 j|"
                                                          : "no bias with " + s.positional + " positions (all 0)";
      shapes += ",  T = " + Num(s.temperature, "%.3g"); break;
    case AttentionStep::Mask: shapes = "mask: " + s.mask; break;
    case AttentionStep::Softmax: shapes = Shape(n, n) + ", rows sum to 1"; break;
    case AttentionStep::WeightedSum: shapes = "(" + Shape(n, n) + ")\xC2\xB7(" + Shape(n, s.d_k) + ") = " + Shape(n, s.d_k); break;
    case AttentionStep::Concat: shapes = std::to_string(s.heads) + " heads of " + Shape(n, s.d_k) + " \xE2\x86\x92 " + Shape(n, s.heads * s.d_k); break;
    default: shapes = "(" + Shape(n, s.heads * s.d_k) + ")\xC2\xB7(" + Shape(s.heads * s.d_k, s.d_model) + ") = " + Shape(n, s.d_model); break;
  }
  ImGui::TextUnformatted(kSteps[step].formula);
  ImGui::SameLine(0, fs);
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(CurrentPalette().text_dim), "%s", shapes.c_str());

  // Facts for the wiring test: the very strings the number panel writes.
  ctx.layout.Fact("ch2.layer", std::to_string(layer));
  ctx.layout.Fact("ch2.head", std::to_string(head));
  ctx.layout.Fact("ch2.query", std::to_string(query));
  ctx.layout.Fact("ch2.step", std::to_string(step));
  if (n <= 64) {
    std::string w, sc, lg, out;
    // Appended piece by piece (GCC 12 warns falsely on literal + temporary string, bug 105329).
    auto add = [](std::string& to, const std::string& v) {
      if (!to.empty()) to += ' ';
      to += v;
    };
    for (int j = 0; j < n; ++j) {
      add(w, Num(s.weights[j]));
      add(sc, Num(s.scores[j]));
      add(lg, s.allowed[j] ? Num(s.logits[j]) : std::string("\xE2\x88\x92\xE2\x88\x9E"));
    }
    for (std::size_t c = 0; c < s.output.size(); ++c) add(out, Num(s.output[c], "%.3f"));
    ctx.layout.Fact("ch2.weights", w);
    ctx.layout.Fact("ch2.scores", sc);
    ctx.layout.Fact("ch2.logits", lg);
    ctx.layout.Fact("ch2.output", out);
  }

  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float left_w = std::floor(avail.x * 0.52f), gap = fs;
  ImGui::BeginGroup();
  DrawMatrices(ctx, s, left_w, avail.y);
  ImGui::EndGroup();
  ImGui::SameLine(0, gap);
  ImGui::BeginGroup();
  DrawNumbers(ctx, s, avail.y);
  ImGui::EndGroup();
}

void AttentionStepsView::DrawMatrices(ChapterContext& ctx, const lessons::AttentionStepsLesson& s, float width,
                                      float height) {
  const Trace& t = *ctx.trace;
  const int layer = s.layer, head = s.head, n = s.n;
  const LayerTrace& L = t.layers[layer];
  const Colormap cmap = ParseColormap(ctx.ui.colormap).value_or(Colormap::Viridis);
  struct Shown {
    const float* values = nullptr;
    int rows = 0, cols = 0;
    std::string title;
    bool token_rows = true, token_cols = false;
    const std::uint8_t* allowed = nullptr;
    bool weights = false;
  };
  std::vector<Shown> m;
  for (auto& p : shown_) p.reset();
  const AttentionStep st = static_cast<AttentionStep>(step);
  const int g = L.heads[head].kv_head;
  auto nn = [&](HeadMatrix which, int slot, const std::string& title, const std::uint8_t* allowed, bool weights) {
    shown_[slot] = t.Matrix(layer, head, which);
    m.push_back({shown_[slot]->data(), n, n, title, true, true, allowed, weights});
  };
  switch (st) {
    case AttentionStep::X: m.push_back({L.input.data(), n, static_cast<int>(L.input.cols()), "X  " + Shape(n, s.d_model)}); break;
    case AttentionStep::Projections:
      m.push_back({L.W_q(head).data(), s.d_model, s.d_k, "W_q", false});
      m.push_back({L.W_k(g).data(), s.d_model, s.d_k, "W_k", false});
      m.push_back({L.W_v(g).data(), s.d_model, s.d_k, "W_v", false});
      break;
    case AttentionStep::QKV:
      m.push_back({L.heads[head].Q.data(), n, s.d_k, "Q  " + Shape(n, s.d_k)});
      m.push_back({L.kv_heads[g].K.data(), n, s.d_k, "K"});
      m.push_back({L.kv_heads[g].V.data(), n, s.d_k, "V"});
      break;
    case AttentionStep::Scores: nn(HeadMatrix::Scores, 0, "scores = Q\xC2\xB7K\xE1\xB5\x80  " + Shape(n, n), nullptr, false); break;
    case AttentionStep::Scale: {
      const std::string key = std::to_string(ctx.generation) + ":" + std::to_string(layer) + ":" + std::to_string(head);
      if (key != scaled_key_) {
        scaled_ = lessons::ScaledScores(t, layer, head);
        scaled_key_ = key;
      }
      m.push_back({scaled_.data(), n, n, "s\xC2\xB7scores  " + Shape(n, n), true, true});
      break;
    }
    case AttentionStep::Bias: nn(HeadMatrix::Bias, 0, "bias  " + Shape(n, n), nullptr, false); break;
    case AttentionStep::Mask: nn(HeadMatrix::Logits, 0, "logits, \xE2\x88\x92\xE2\x88\x9E where masked (hatched)", t.mask.data(), false); break;
    case AttentionStep::Softmax: nn(HeadMatrix::Weights, 0, "weights  " + Shape(n, n), t.mask.data(), true); break;
    case AttentionStep::WeightedSum:
      nn(HeadMatrix::Weights, 0, "weights", t.mask.data(), true);
      m.push_back({L.kv_heads[g].V.data(), n, s.d_k, "V"});
      m.push_back({L.heads[head].output.data(), n, s.d_k, "output"});
      break;
    case AttentionStep::Concat: m.push_back({L.concat.data(), n, static_cast<int>(L.concat.cols()), "concat  " + Shape(n, s.heads * s.d_k)}); break;
    default:
      m.push_back({L.W_o().data(), static_cast<int>(L.W_o().rows()), static_cast<int>(L.W_o().cols()), "W_o  " + Shape(s.heads * s.d_k, s.d_model), false});
      m.push_back({L.output.data(), n, s.d_model, "result  " + Shape(n, s.d_model)});
      break;
  }
  // Side by side; the first (main) one gets the most room when there are several.
  // Steps with several matrices (W_q W_k W_v, Q K V, weights · V = output, W_o → result) name
  // them all with their shapes and show one at a time, large enough to read; the result by default.
  const int count = static_cast<int>(m.size());
  if (pick_step_ != step) pick_step_ = step, matrix_pick_ = count - 1;
  matrix_pick_ = std::clamp(matrix_pick_, 0, count - 1);
  float used = 0;
  if (count > 1) {
    std::vector<std::string> names;
    for (const Shown& x : m) names.push_back(x.title.find(' ') == std::string::npos ? x.title + "  " + Shape(x.rows, x.cols) : x.title);
    std::vector<const char*> items;
    for (const std::string& x : names) items.push_back(x.c_str());
    SectionTabs(ctx, "ch2.matrix", items.data(), count, &matrix_pick_);
    used = ImGui::GetFrameHeightWithSpacing();
  }
  const int i = matrix_pick_;
  HeatmapData d;
  d.values = m[i].values;
  d.rows = m[i].rows;
  d.cols = m[i].cols;
  d.allowed = m[i].allowed;
  if (m[i].token_rows) d.row_tokens = t.tokens;
  if (m[i].token_cols) d.col_tokens = t.tokens;
  if (!m[i].token_rows) d.row_axis = "input dim";
  if (!m[i].token_cols) d.col_axis = "dim";
  d.generation = ctx.generation * 64 + static_cast<unsigned long>(step) * 4 + i;
  d.selected_row = m[i].token_rows ? s.query : -1;
  d.highlight_row = m[i].token_rows ? ctx.ui.hovered_token : -1;
  d.highlight_col = m[i].token_cols ? ctx.ui.hovered_token : -1;
  if (m[i].weights) {
    d.scale = {cmap, 0.0f, 1.0f};
    d.value_name = "weight";
  } else {
    d.scale = Signed(d.values, static_cast<long>(d.rows) * d.cols, d.allowed);
    d.pool = PoolMode::MaxAbs;
    d.value_name = "value";
    d.cell_format = "%.1f";
  }
  view_[0].show_values = ctx.ui.show_values;
  const HeatmapResult r = heat_[0]->Draw("##m", d, view_[0], ImVec2(width, height - used));
  ctx.layout.AddLastItem("ch2.figure");
  ctx.layout.AddLastItem("heatmap");  // the name the shared views use (export tests)
  if (r.hovered_row >= 0 && m[i].token_rows) ctx.ReportHover(r.hovered_row);
  if (r.clicked_row >= 0 && m[i].token_rows) ctx.ui.selected_token = r.clicked_row == ctx.ui.selected_token ? -1 : r.clicked_row;
  ExportableHeatmap e;
  e.title = "Layer " + std::to_string(layer + 1) + ", head " + std::to_string(head) + ": " + m[i].title;
  e.slug = "step-" + std::to_string(step) + "-" + std::to_string(i);
  e.values = d.values;
  e.rows = d.rows;
  e.cols = d.cols;
  e.allowed = d.allowed;
  if (m[i].token_rows) e.row_tokens = t.tokens;
  if (m[i].token_cols) e.col_tokens = t.tokens;
  e.scale = d.scale;
  e.value_name = d.value_name;
  ctx.OfferExport(std::move(e), r.focused);
  if (r.export_requested) ctx.export_requested = true;
}

void AttentionStepsView::DrawNumbers(ChapterContext& ctx, const lessons::AttentionStepsLesson& s, float height) {
  const Palette& pal = CurrentPalette();
  const float fs = ImGui::GetFontSize();
  const int n = s.n, dk = s.d_k;
  const std::string who = "\xE2\x80\x9C" + s.tokens[s.query] + "\xE2\x80\x9D";
  ImGui::Text("%s, query %d", who.c_str(), s.query);
  ImGui::SameLine();
  ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(pal.text_faint), "H%d%s%s", s.head, s.role.empty() ? "" : " ", s.role.c_str());
  if (ctx.ui.selected_token < 0)
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(pal.text_faint), "(the last token: click a token or a row to choose)");
  const AttentionStep st = static_cast<AttentionStep>(step);
  const float qrange = std::max({AbsMax(s.q.data(), dk), static_cast<float>(s.K.cwiseAbs().maxCoeff())});

  auto label = [&](const char* text) { ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(pal.text_dim), "%s", text); };
  if (st == AttentionStep::X) {
    label("x = its row of X");
    VectorCells("##x", s.x.data(), s.d_model, AbsMax(s.x.data(), s.d_model));
    return;
  }
  if (st == AttentionStep::Projections) {
    const Mat& K = s.K;
    const Mat& V = s.V;
    label("q = x\xC2\xB7W_q + b_q");
    VectorCells("##q", s.q.data(), dk, qrange);
    label("k = x\xC2\xB7W_k + b_k");
    VectorCells("##k", &K(s.query, 0), dk, qrange);
    label("v = x\xC2\xB7W_v + b_v");
    VectorCells("##v", &V(s.query, 0), dk, static_cast<float>(V.cwiseAbs().maxCoeff()));
    return;
  }
  if (st == AttentionStep::Concat || st == AttentionStep::Output) {
    if (st == AttentionStep::Concat) {
      label("its row of the concatenation, head by head");
      for (int h = 0; h < s.heads; ++h) {
        const Rgb8 c = HeadColor(h);
        ImGui::TextColored(ImVec4(c.r / 255.f, c.g / 255.f, c.b / 255.f, 1), "H%d%s", h, h == s.head ? "  (this head)" : "");
        VectorCells(("##c" + std::to_string(h)).c_str(), s.concat.data() + h * dk, dk, AbsMax(s.concat.data(), static_cast<int>(s.concat.size())));
      }
    } else {
      label("result = concat\xC2\xB7W_o + b_o, its row of the layer's output");
      VectorCells("##r", s.result.data(), s.d_model, AbsMax(s.result.data(), s.d_model));
    }
    return;
  }
  if (st == AttentionStep::QKV) {
    label("its query");
    VectorCells("##q", s.q.data(), dk, qrange);
  }

  // A table with one row per key.
  std::vector<int> order(n);
  std::iota(order.begin(), order.end(), 0);
  if (n > 12) {
    ImGui::Checkbox("strongest first", &strongest_first_);
    ctx.layout.AddLastItem("ch2.sort");
  }
  if (strongest_first_ && n > 12)
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return s.weights[a] > s.weights[b]; });
  int cols = 3;
  const char* heads[5] = {"key", "", "", "", ""};
  switch (st) {
    case AttentionStep::QKV: cols = 2, heads[1] = "its key k_j"; break;
    case AttentionStep::Scores: cols = 3, heads[1] = "q\xC2\xB7k_j", heads[2] = ""; break;
    case AttentionStep::Scale: cols = 3, heads[1] = "score", heads[2] = "\xC3\x97 s"; break;
    case AttentionStep::Bias: cols = 4, heads[1] = "\xC3\x97 s", heads[2] = "+ bias", heads[3] = "\xC3\xB7 T = logit"; break;
    case AttentionStep::Mask: cols = 3, heads[1] = "allowed", heads[2] = "logit"; break;
    case AttentionStep::Softmax: cols = 4, heads[1] = "logit", heads[2] = "exp(logit \xE2\x88\x92 max)", heads[3] = "weight"; break;
    case AttentionStep::WeightedSum: cols = 3, heads[1] = "weight", heads[2] = "weight \xC2\xB7 v_j"; break;
    default: break;
  }
  const float foot = (st == AttentionStep::Softmax || st == AttentionStep::WeightedSum) ? 3.4f * ImGui::GetTextLineHeightWithSpacing() : 0.0f;
  const float table_h = std::max(6 * fs, ImGui::GetContentRegionAvail().y - foot);
  (void)height;
  float smax = 1e-6f;
  for (int j = 0; j < n; ++j) smax = std::max(smax, std::fabs(s.scores[j]));
  if (ImGui::BeginTable("##keys", cols, ImGuiTableFlags_ScrollY | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerH |
                                            ImGuiTableFlags_SizingStretchProp, ImVec2(0, table_h))) {
    ImGui::TableSetupScrollFreeze(0, 1);
    for (int c = 0; c < cols; ++c) {
      // Numbers get what "−12.3456" needs; the key name and the last column share the rest.
      const bool last = c == cols - 1;
      if (c == 0 || last) ImGui::TableSetupColumn(heads[c], ImGuiTableColumnFlags_WidthStretch, c == 0 ? 1.0f : 1.4f);
      else ImGui::TableSetupColumn(heads[c], ImGuiTableColumnFlags_WidthFixed, ImGui::CalcTextSize("\xE2\x88\x92" "00.0000").x);
    }
    ImGui::TableHeadersRow();
    ImGuiListClipper clip;
    clip.Begin(n);
    while (clip.Step()) {
      for (int r = clip.DisplayStart; r < clip.DisplayEnd; ++r) {
        const int j = order[r];
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        const bool masked = !s.allowed[j];
        ImGui::PushStyleColor(ImGuiCol_Text, ImGui::ColorConvertU32ToFloat4(j == s.query ? pal.accent : masked ? pal.text_faint : pal.text));
        ImGui::Text("%d %s", j, s.tokens[j].c_str());
        ImGui::PopStyleColor();
        if (ImGui::IsItemHovered()) ctx.ReportHover(j);
        const float bw = 3.0f * fs;
        switch (st) {
          case AttentionStep::QKV:
            ImGui::TableNextColumn();
            ImGui::PushID(j);
            VectorCells("##kj", &s.K(j, 0), dk, qrange, true);
            ImGui::PopID();
            break;
          case AttentionStep::Scores:
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(Num(s.scores[j]).c_str());
            ImGui::TableNextColumn();
            Bar(s.scores[j] / smax, bw, s.scores[j] >= 0 ? pal.accent : pal.warning, true);
            break;
          case AttentionStep::Scale:
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(Num(s.scores[j]).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(Num(s.scale * s.scores[j]).c_str());
            break;
          case AttentionStep::Bias:
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(Num(s.scale * s.scores[j]).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(Num(s.bias[j]).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(masked ? "(masked)" : Num(s.logits[j]).c_str());
            break;
          case AttentionStep::Mask:
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(masked ? "no" : "yes");
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(masked ? "\xE2\x88\x92\xE2\x88\x9E" : Num(s.logits[j]).c_str());
            break;
          case AttentionStep::Softmax: {
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(masked ? "\xE2\x88\x92\xE2\x88\x9E" : Num(s.logits[j]).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(Num(s.exp_shifted[j]).c_str());
            ImGui::TableNextColumn();
            Bar(s.weights[j], bw, pal.accent, false);
            ImGui::SameLine(0, 4);
            ImGui::Text("%.1f%%", 100.0 * s.weights[j]);
            break;
          }
          case AttentionStep::WeightedSum:
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(Num(s.weights[j]).c_str());
            ImGui::TableNextColumn();
            ImGui::PushID(j);
            VectorCells("##wv", &s.contributions(j, 0), dk, AbsMax(s.output.data(), dk), true);
            ImGui::PopID();
            break;
          default: break;
        }
      }
    }
    ImGui::EndTable();
  }
  ctx.layout.AddLastItem("ch2.numbers");
  if (st == AttentionStep::Softmax) {
    if (s.empty_row) {
      LessonCaption("No key is allowed: every logit is \xE2\x88\x92\xE2\x88\x9E. The row gets zero weights and a zero output (never NaN).");
    } else {
      ImGui::Text("max logit %s   \xCE\xA3 exp = %s", Num(s.max_logit).c_str(), Num(static_cast<float>(s.sum_exp)).c_str());
      LessonCaption("weight = exp(logit \xE2\x88\x92 max) / \xCE\xA3 exp; subtracting the max only keeps exp from overflowing.");
    }
  } else if (st == AttentionStep::WeightedSum) {
    label("output = \xCE\xA3 weight_j \xC2\xB7 v_j:");
    VectorCells("##out", s.output.data(), dk, AbsMax(s.output.data(), dk));
  }
}

}  // namespace attnviz::ui
