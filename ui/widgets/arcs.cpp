// Attention arcs widget (see arcs.h).
//
// Index:
//   [SECTION] Arc selection (which curves, bounded)
//   [SECTION] Toolbar: layout, all/one head, head chips, threshold
//   [SECTION] DrawAttentionArcs
#define IMGUI_DEFINE_MATH_OPERATORS
#include "ui/widgets/arcs.h"
#include "ui/widgets/fit_text.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include <imgui_internal.h>  // SetItemUsingMouseWheel: the arcs scroll their tokens, not the window

#include "core/figure/colormap.h"
#include "ui/widgets/colorbar.h"

namespace attnviz::ui {
namespace {

// Across all heads, at most this many curves per frame (the strongest win).
constexpr int kMaxArcsTotal = 768;

struct Arc {
  int head;
  int query;
  int key;
  float weight;
};

ImU32 HeadU32(int h, float alpha) {
  const Rgb8 c = HeadColor(h);
  return IM_COL32(c.r, c.g, c.b, static_cast<int>(std::clamp(alpha, 0.0f, 1.0f) * 255.0f));
}

bool HeadVisible(const ArcsView& v, int h) {
  if (!v.all_heads) return h == v.solo_head;
  return h >= 64 || !((v.hidden_heads >> h) & 1u);
}

std::string Label(std::span<const Token> tokens, int i) { return DisplayToken(tokens[i].text); }

// [SECTION] Arc selection (which curves, bounded)
//
// One query row (outgoing: query -> its keys) or one key column (incoming:
// every query -> this key), per visible head; below min_weight culled; per head
// the strongest kMaxArcsPerHead; overall the strongest kMaxArcsTotal. Since a
// softmax row sums to 1, a row has at most 1/min_weight arcs above the threshold.
std::vector<Arc> SelectArcs(const ArcsData& d, const ArcsView& v, int n, int token, bool incoming) {
  std::vector<Arc> arcs;
  const float thr = std::max(v.min_weight, 1e-4f);
  const int heads = d.heads;
  std::vector<Arc> head_arcs;
  std::vector<float> w(static_cast<std::size_t>(n));
  for (int h = 0; h < heads; ++h) {
    if (!HeadVisible(v, h) || !d.weights) continue;
    d.weights(h, token, incoming, w.data());
    head_arcs.clear();
    for (int j = 0; j < n; ++j) {
      const int q = incoming ? j : token;
      const int k = incoming ? token : j;
      const float x = w[static_cast<std::size_t>(j)];
      if (std::isfinite(x) && x >= thr) head_arcs.push_back({h, q, k, x});
    }
    if (static_cast<int>(head_arcs.size()) > kMaxArcsPerHead) {
      std::nth_element(head_arcs.begin(), head_arcs.begin() + kMaxArcsPerHead, head_arcs.end(),
                       [](const Arc& a, const Arc& b) { return a.weight > b.weight; });
      head_arcs.resize(kMaxArcsPerHead);
    }
    arcs.insert(arcs.end(), head_arcs.begin(), head_arcs.end());
  }
  if (static_cast<int>(arcs.size()) > kMaxArcsTotal) {
    std::nth_element(arcs.begin(), arcs.begin() + kMaxArcsTotal, arcs.end(),
                     [](const Arc& a, const Arc& b) { return a.weight > b.weight; });
    arcs.resize(kMaxArcsTotal);
  }
  // Weak first, so strong arcs are drawn on top.
  std::sort(arcs.begin(), arcs.end(), [](const Arc& a, const Arc& b) { return a.weight < b.weight; });
  return arcs;
}

// [SECTION] Toolbar: layout, all/one head, head chips, threshold

bool DrawToolbar(const ArcsData& d, ArcsView& v, float width) {
  bool changed = false;
  const ImGuiStyle& style = ImGui::GetStyle();
  const float font = ImGui::GetFontSize();
  const float left = ImGui::GetCursorScreenPos().x;
  bool first_item = true;
  // Continue the line when the next item fits, else start a new one (narrow panels wrap).
  auto place = [&](float item_w, float gap) {
    if (first_item) {
      first_item = false;
      return;
    }
    if (ImGui::GetItemRectMax().x + gap + item_w <= left + width) ImGui::SameLine(0, gap);
  };
  auto button_w = [&](const char* a, const char* b) {
    return ImGui::CalcTextSize(a).x + ImGui::CalcTextSize(b).x + style.FramePadding.x * 4;
  };
  auto toggle = [&](const char* label, bool on) {
    if (on) ImGui::PushStyleColor(ImGuiCol_Button, ImGui::GetStyleColorVec4(ImGuiCol_ButtonActive));
    const bool pressed = ImGui::SmallButton(label);
    if (on) ImGui::PopStyleColor();
    return pressed;
  };
  place(button_w("Columns", "Line"), style.ItemSpacing.x);
  if (toggle("Columns", v.layout == ArcsLayout::TwoColumns)) { v.layout = ArcsLayout::TwoColumns; changed = true; }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Queries on the left, keys on the right");
  ImGui::SameLine(0, 0);
  if (toggle("Line", v.layout == ArcsLayout::OneLine)) { v.layout = ArcsLayout::OneLine; changed = true; }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("All tokens on one line, arcs above it");
  place(button_w("All heads", "One head"), style.ItemSpacing.x);
  if (toggle("All heads", v.all_heads)) { v.all_heads = true; changed = true; }
  ImGui::SameLine(0, 0);
  if (toggle("One head", !v.all_heads)) { v.all_heads = false; changed = true; }
  place(font * 7.0f, style.ItemSpacing.x);
  ImGui::SetNextItemWidth(font * 7.0f);
  float mw = v.min_weight;
  if (ImGui::SliderFloat("##minw", &mw, 0.001f, 0.5f, "min w %.3f", ImGuiSliderFlags_Logarithmic)) {
    v.min_weight = std::clamp(mw, 0.001f, 0.5f);
    changed = true;
  }
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Arcs with a weight below this are not drawn");

  // Head chips: filled in the head's colour when shown, outlined when hidden; wrap to the width.
  const int heads = d.heads;
  if (heads == 0) return changed;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const float chip_h = ImGui::GetTextLineHeight() + style.FramePadding.y;
  float x = left;
  ImVec2 line = ImGui::GetCursorScreenPos();
  for (int h = 0; h < heads; ++h) {
    char label[16];
    std::snprintf(label, sizeof label, "%d", h);
    const float chip_w = std::max(ImGui::CalcTextSize(label).x + style.FramePadding.x * 2, chip_h * 1.4f);
    if (x + chip_w > left + width && x > left) {
      x = left;
      line.y += chip_h + style.ItemSpacing.y * 0.5f;
    }
    const ImVec2 a(x, line.y), b(x + chip_w, line.y + chip_h);
    ImGui::SetCursorScreenPos(a);
    ImGui::PushID(h);
    const bool clicked = ImGui::InvisibleButton("##head", b - a);
    const bool hovered = ImGui::IsItemHovered();
    ImGui::PopID();
    const bool shown = HeadVisible(v, h);
    const Rgb8 c = HeadColor(h);
    if (shown) {
      draw->AddRectFilled(a, b, HeadU32(h, hovered ? 1.0f : 0.9f), chip_h * 0.3f);
    } else {
      draw->AddRectFilled(a, b, ImGui::GetColorU32(ImGuiCol_FrameBg), chip_h * 0.3f);
      draw->AddRect(a, b, HeadU32(h, hovered ? 1.0f : 0.7f), chip_h * 0.3f, 0, 1.5f * std::max(1.0f, font / 16.0f));
    }
    const ImU32 tc = shown ? ToImU32(LabelColorOn(c)) : ImGui::GetColorU32(ImGuiCol_TextDisabled);
    const ImVec2 ts = ImGui::CalcTextSize(label);
    draw->AddText(ImVec2((a.x + b.x - ts.x) * 0.5f, (a.y + b.y - ts.y) * 0.5f), tc, label);
    if (hovered) {
      const char* name = h < static_cast<int>(d.head_names.size()) ? d.head_names[h] : nullptr;
      ImGui::SetTooltip("head %d%s%s\n%s", h, name ? ": " : "", name ? name : "",
                        v.all_heads ? "click to show / hide" : "click to show this head");
    }
    if (clicked) {
      if (v.all_heads) {
        if (h < 64) v.hidden_heads ^= (std::uint64_t{1} << h);
      } else {
        v.solo_head = h;
      }
      changed = true;
    }
    x += chip_w + style.ItemSpacing.x * 0.5f;
  }
  ImGui::SetCursorScreenPos(ImVec2(left, line.y + chip_h + style.ItemSpacing.y));
  return changed;
}

}  // namespace

std::function<void(int, int, bool, float*)> ArcsWeightsFromMatrices(std::span<const float* const> matrices, int n) {
  return [matrices, n](int h, int token, bool column, float* out) {
    const float* m = matrices[static_cast<std::size_t>(h)];
    for (int j = 0; j < n; ++j)
      out[j] = column ? m[static_cast<std::size_t>(j) * n + token] : m[static_cast<std::size_t>(token) * n + j];
  };
}


// [SECTION] DrawAttentionArcs

ArcsResult DrawAttentionArcs(const char* id, const ArcsData& d, ArcsView& v, ImVec2 size) {
  ArcsResult res;
  ImGuiIO& io = ImGui::GetIO();
  const ImGuiStyle& style = ImGui::GetStyle();
  const float font = ImGui::GetFontSize();
  const float lh = ImGui::GetTextLineHeight();
  const int n = static_cast<int>(d.tokens.size());
  const int heads = d.heads;
  ImDrawList* draw = ImGui::GetWindowDrawList();
  const int vtx_start = draw->VtxBuffer.Size;

  ImGui::PushID(id);
  ImGui::BeginGroup();
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  if (size.x <= 0) size.x = std::max(avail.x, font * 12.0f);
  if (size.y <= 0) size.y = std::max(avail.y, font * 12.0f);
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  if (v.solo_head >= heads) v.solo_head = 0;
  if (!std::isfinite(v.min_weight)) v.min_weight = 0.01f;
  v.min_weight = std::clamp(v.min_weight, 0.001f, 0.5f);
  if (d.show_head_chips) res.view_changed = DrawToolbar(d, v, size.x);
  const ImVec2 amin = ImGui::GetCursorScreenPos();
  const ImVec2 asz(size.x, std::max(lh * 3.0f, origin.y + size.y - amin.y));
  const ImVec2 amax = amin + asz;

  const bool clicked = ImGui::InvisibleButton("##arcs", asz);
  const bool hovered = ImGui::IsItemHovered();
  if (hovered) ImGui::SetItemUsingMouseWheel();
  draw->AddRectFilled(amin, amax, ImGui::GetColorU32(ImGuiCol_FrameBg, 0.35f), style.FrameRounding);
  if (n == 0 || heads == 0) {
    const char* msg = n == 0 ? "no tokens" : "no heads";
    const ImVec2 ts = ImGui::CalcTextSize(msg);
    draw->AddText((amin + amax - ts) * 0.5f, ImGui::GetColorU32(ImGuiCol_TextDisabled), msg);
    ImGui::EndGroup();
    ImGui::PopID();
    res.vertices = draw->VtxBuffer.Size - vtx_start;
    return res;
  }

  // Follow a selection made elsewhere (token strip, heatmap): scroll it into view once.
  ImGuiStorage* storage = ImGui::GetStateStorage();
  const ImGuiID last_sel_key = ImGui::GetID("##last_selected");
  const int last_sel = storage->GetInt(last_sel_key, -2);
  const bool selection_moved = last_sel != d.selected_query;
  storage->SetInt(last_sel_key, d.selected_query);

  const bool columns = v.layout == ArcsLayout::TwoColumns;
  const float pad = style.ItemInnerSpacing.x;
  draw->PushClipRect(amin, amax, true);

  // Geometry of token slots: a row pitch (columns) or a column pitch (line).
  float label_w = ImGui::CalcTextSize("0000").x;
  {
    const int step = std::max(1, n / 256);  // a sample bounds the cost at N = 4096
    for (int i = 0; i < n; i += step) label_w = std::max(label_w, ImGui::CalcTextSize(Label(d.tokens, i).c_str()).x);
    label_w = std::min(label_w, font * 8.0f);
    label_w = std::max(label_w, ImGui::CalcTextSize("queries").x);
  }
  const float pitch = columns ? lh * 1.25f : std::max(asz.x / n, std::min(label_w + pad * 2, font * 4.0f));
  const float span = columns ? asz.y - lh * 1.5f : asz.x;  // room along the token axis
  const int visible = std::max(1, static_cast<int>(span / pitch));
  const float max_scroll = static_cast<float>(std::max(0, n - visible));
  if (!std::isfinite(v.scroll)) v.scroll = 0.0f;
  if (hovered && io.MouseWheel != 0.0f) v.scroll -= io.MouseWheel * 3.0f;
  if (hovered && io.MouseWheelH != 0.0f) v.scroll -= io.MouseWheelH * 3.0f;
  if (selection_moved && d.selected_query >= 0 &&
      (d.selected_query < v.scroll || d.selected_query >= v.scroll + visible))
    v.scroll = d.selected_query - visible * 0.5f;
  v.scroll = std::clamp(std::floor(v.scroll), 0.0f, max_scroll);
  const int first = static_cast<int>(v.scroll);
  const int last = std::min(n, first + visible + 1);

  // Token positions: centre of the token's slot along the axis.
  const float col_w = label_w + pad * 2;
  const float qx = amin.x + col_w;                 // right edge of the query column
  const float kx = amax.x - col_w;                 // left edge of the key column
  const float top = amin.y + lh * 1.25f;           // below the column headings
  const float base_y = amax.y - lh * 1.4f;         // line layout: the token baseline band
  auto slot_y = [&](int i) { return top + (i - first + 0.5f) * pitch; };
  auto slot_x = [&](int i) { return amin.x + (i - first + 0.5f) * pitch; };

  // Hover: which token (and which side) is under the mouse.
  const ImVec2 mouse = io.MousePos;
  bool hover_key_side = false;
  if (hovered) {
    if (columns) {
      const int i = first + static_cast<int>(std::floor((mouse.y - top) / pitch));
      if (mouse.y >= top && i >= first && i < last && i < n) {
        if (mouse.x <= qx + pad) res.hovered_token = i;
        else if (mouse.x >= kx - pad) { res.hovered_token = i; hover_key_side = true; }
      }
    } else {
      const int i = first + static_cast<int>(std::floor((mouse.x - amin.x) / pitch));
      if (mouse.y >= base_y - lh * 0.5f && i >= first && i < last && i < n) res.hovered_token = i;
    }
  }
  if (clicked && res.hovered_token >= 0) res.clicked_token = res.hovered_token;

  // Whose arcs: a hovered token previews (a key shows its incoming arcs), else the selection.
  // A token hovered in another view (strip, heatmap row) previews too.
  int token = d.selected_query;
  bool incoming = false;
  if (res.hovered_token >= 0) {
    token = res.hovered_token;
    incoming = hover_key_side;
  } else if (d.highlight_token >= 0 && d.highlight_token < n) {
    token = d.highlight_token;
  }
  const std::vector<Arc> arcs = (token >= 0 && token < n) ? SelectArcs(d, v, n, token, incoming) : std::vector<Arc>{};

  // Per-token strongest weight to shade the opposite side's labels (bertviz's key shading).
  const ImU32 text_col = ImGui::GetColorU32(ImGuiCol_Text);
  const ImU32 dim_col = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  auto shade_for = [&](int i, bool key_side) -> std::pair<float, int> {
    float best = 0.0f;
    int head = -1;
    for (const Arc& a : arcs) {
      const int t = key_side ? a.key : a.query;
      if (t == i && a.weight > best) { best = a.weight; head = a.head; }
    }
    return {best, head};
  };

  // -- Arcs first, labels over them.
  const float wscale = font / 16.0f;
  // Smooth curves when there are few; coarser ones keep hundreds of arcs within one draw list.
  const int max_segs = arcs.size() > 200 ? 10 : 24;
  int above = 0, below = 0;
  for (const Arc& a : arcs) {
    const float alpha = 0.12f + 0.88f * std::sqrt(a.weight);
    // Opacity and width as in core/figure's arcs figure, so a slide matches the screen.
    const float thick = (0.6f + 3.4f * std::min(a.weight, 1.0f)) * wscale;
    const ImU32 col_full = HeadU32(a.head, alpha);
    if (columns) {
      const bool q_vis = a.query >= first && a.query < last;
      const bool k_vis = a.key >= first && a.key < last;
      if (!q_vis && !k_vis) {
        (std::min(a.query, a.key) < first ? above : below)++;
        continue;
      }
      if (!k_vis) (a.key < first ? above : below)++;
      if (!q_vis) (a.query < first ? above : below)++;
      // Arcs leaving the visible rows are drawn faint: they point the way without hiding the rest.
      const ImU32 col = (q_vis && k_vis) ? col_full : HeadU32(a.head, alpha * 0.35f);
      // Each head leaves from a slightly different height (as in the exported figure), so
      // overlapping heads stay distinguishable.
      const float off = heads > 1 ? (a.head - (heads - 1) * 0.5f) / (heads - 1) * std::min(pitch * 0.5f, 6.0f * wscale) : 0.0f;
      const ImVec2 p0(qx + pad, slot_y(a.query) + off), p3(kx - pad, slot_y(a.key) + off);
      const float dx = (p3.x - p0.x) * 0.45f;
      const int segs = std::clamp(static_cast<int>(std::fabs(p3.y - p0.y) / (font * 0.75f)) + 8, 8, max_segs);
      draw->AddBezierCubic(p0, ImVec2(p0.x + dx, p0.y), ImVec2(p3.x - dx, p3.y), p3, col, thick, segs);
    } else {
      const bool q_vis = a.query >= first && a.query < last;
      const bool k_vis = a.key >= first && a.key < last;
      if (!q_vis && !k_vis) {
        (std::min(a.query, a.key) < first ? above : below)++;
        continue;
      }
      const float y = base_y - lh * 0.2f;
      const ImVec2 p0(slot_x(a.query), y), p3(slot_x(a.key), y);
      if (a.query == a.key) {
        draw->AddCircle(ImVec2(p0.x, y - lh * 0.45f), lh * 0.4f, col_full, 12, thick);
        continue;
      }
      const float h = std::min(y - amin.y - lh * 0.3f, std::fabs(p3.x - p0.x) * 0.55f + lh);
      const int segs = std::clamp(static_cast<int>(std::fabs(p3.x - p0.x) / (font * 0.75f)) + 8, 8, max_segs);
      draw->AddBezierCubic(p0, ImVec2(p0.x, y - h), ImVec2(p3.x, y - h), p3, col_full, thick, segs);
    }
    ++res.arcs_drawn;
  }

  // -- Token labels (only the visible slots).
  auto token_label = [&](int i, ImVec2 anchor, float align, bool key_side) {
    const std::string s = FitTextToWidth(Label(d.tokens, i), label_w);
    const ImVec2 ts = ImGui::CalcTextSize(s.c_str());
    const ImVec2 p(anchor.x - ts.x * align, anchor.y - ts.y * 0.5f);
    const ImVec2 box_a = p - ImVec2(pad * 0.5f, 1), box_b = p + ts + ImVec2(pad * 0.5f, 1);
    const auto [w, head] = shade_for(i, key_side);
    if (head >= 0) draw->AddRectFilled(box_a, box_b, HeadU32(head, 0.15f + 0.6f * std::sqrt(w)), 3.0f);
    const bool is_token = i == token && key_side == incoming;
    if (i == d.selected_query && !key_side)
      draw->AddRect(box_a, box_b, ImGui::GetColorU32(ImGuiCol_Text), 3.0f, 0, 1.5f * wscale);
    if (i == d.highlight_token || i == res.hovered_token)
      draw->AddRectFilled(box_a, box_b, ImGui::GetColorU32(ImGuiCol_Text, 0.12f), 3.0f);
    draw->AddText(p, (is_token || head >= 0 || token < 0) ? text_col : dim_col, s.c_str());
  };
  if (columns) {
    draw->AddText(ImVec2(qx - ImGui::CalcTextSize("queries").x, amin.y + lh * 0.1f), dim_col, "queries");
    draw->AddText(ImVec2(kx, amin.y + lh * 0.1f), dim_col, "keys");
    for (int i = first; i < last; ++i) {
      if (slot_y(i) > amax.y) break;
      token_label(i, ImVec2(qx, slot_y(i)), 1.0f, false);
      token_label(i, ImVec2(kx, slot_y(i)), 0.0f, true);
    }
  } else {
    // Labels thinned when a slot is narrower than a short label; the active ones always shown.
    const int stride = std::max(1, static_cast<int>(std::ceil(font * 2.0f / pitch)));
    for (int i = first; i < last; ++i) {
      const bool active = i == token || i == d.selected_query || i == d.highlight_token;
      if (i % stride != 0 && !active) continue;
      token_label(i, ImVec2(slot_x(i), base_y + lh * 0.55f), 0.5f, !(i == token && !incoming));
    }
  }

  // -- Hints and off-screen counts.
  if (token < 0) {
    const char* msg = "select a query token (click one) or hover a token to preview its attention";
    const ImVec2 ts = ImGui::CalcTextSize(msg);
    draw->AddText(ImVec2((amin.x + amax.x - ts.x) * 0.5f, (amin.y + amax.y - ts.y) * 0.5f), dim_col, msg);
  } else if (arcs.empty()) {
    char msg[96];
    std::snprintf(msg, sizeof msg, "no arc above min w %.3f for the shown heads", v.min_weight);
    const ImVec2 ts = ImGui::CalcTextSize(msg);
    draw->AddText(ImVec2((amin.x + amax.x - ts.x) * 0.5f, (amin.y + amax.y - ts.y) * 0.5f), dim_col, msg);
  }
  if (above > 0 || below > 0) {
    char msg[64];
    std::snprintf(msg, sizeof msg, columns ? "%d above, %d below" : "%d left, %d right", above, below);
    const ImVec2 ts = ImGui::CalcTextSize(msg);
    // Arcs leaving the view: in the heading row between "queries" and "keys" when it fits,
    // else on a small plate at the bottom; top right above a line of tokens.
    ImVec2 at(amax.x - ts.x - pad, amin.y + lh * 0.1f);
    if (columns) {
      at = ImVec2((qx + kx - ts.x) * 0.5f, amin.y + lh * 0.1f);
      if (ts.x > kx - qx - pad * 2) {
        at = ImVec2((amin.x + amax.x - ts.x) * 0.5f, amax.y - ts.y - pad);
        draw->AddRectFilled(at - ImVec2(pad, 1), at + ts + ImVec2(pad, 1), ImGui::GetColorU32(ImGuiCol_PopupBg, 0.9f), 3.0f);
      }
    }
    draw->AddText(at, dim_col, msg);
    if (hovered && ImRect(at, at + ts).Contains(mouse))
      ImGui::SetTooltip("arcs to tokens scrolled out of view (scroll the arcs to see them)");
  }
  if (n > visible) {
    // A thin scroll indicator along the token axis.
    const float frac0 = first / static_cast<float>(n), frac1 = std::min(1.0f, (first + visible) / static_cast<float>(n));
    const ImU32 sc = ImGui::GetColorU32(ImGuiCol_ScrollbarGrab);
    if (columns)
      draw->AddRectFilled(ImVec2(amax.x - 3, top + frac0 * (amax.y - top)), ImVec2(amax.x - 1, top + frac1 * (amax.y - top)), sc);
    else
      draw->AddRectFilled(ImVec2(amin.x + frac0 * asz.x, amax.y - 3), ImVec2(amin.x + frac1 * asz.x, amax.y - 1), sc);
  }
  draw->PopClipRect();

  if (hovered && res.hovered_token >= 0) {
    ImGui::BeginTooltip();
    ImGui::Text("%s %d  \"%s\"", hover_key_side ? "key" : "query", res.hovered_token, Label(d.tokens, res.hovered_token).c_str());
    ImGui::TextDisabled(hover_key_side ? "arcs: every query's weight on this key" : "arcs: this query's weights; click to select");
    ImGui::EndTooltip();
  }

  ImGui::EndGroup();
  ImGui::PopID();
  res.vertices = draw->VtxBuffer.Size - vtx_start;
  return res;
}

}  // namespace attnviz::ui
