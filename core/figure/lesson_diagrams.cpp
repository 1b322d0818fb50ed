// The diagrams of chapters 1-4 (see lesson_diagrams.h). Every coordinate is in
// figure units; text widths come from the figure font's metrics, which the
// window's DejaVu Sans shares.
#include "core/figure/lesson_diagrams.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>

#include "core/figure/colormap.h"
#include "core/figure/font.h"

namespace attnviz {

namespace {

using figure::FitText;
using figure::TextWidth;

constexpr float kText = 11.5f;   // body text
constexpr float kSmall = 10.0f;  // shapes, captions
constexpr float kHead = 12.0f;   // a band's heading

// A value's colour on the diverging map, symmetric around 0.
Rgb8 Signed(float v, float range) { return ColormapColor(Colormap::Diverging, v, -range, range); }

float AbsMax(const std::vector<float>& v) {
  float a = 1e-6f;
  for (float x : v) a = std::max(a, std::fabs(x));
  return a;
}

DiagramItem& Fill(DiagramFigure& d, float x0, float y0, float x1, float y1, Rgb8 c, float alpha = 1.0f) {
  DiagramItem& it = d.AddRect(x0, y0, x1, y1, DiagramColor::Custom, true);
  it.rgb = c;
  it.alpha = alpha;
  return it;
}

// literal + text, built by appending: GCC 12 warns falsely (-Wrestrict, bug
// 105329) on operator+ of a literal and a temporary string.
std::string Cat(const char* a, const std::string& b) {
  std::string s = a;
  s += b;
  return s;
}

// "“cat”": a token quoted for a caption.
std::string Quoted(const std::string& t) { return "\xE2\x80\x9C" + t + "\xE2\x80\x9D"; }

// Which tokens a long sentence shows: the first and last, and the
// neighbourhoods of the ends, growing until `slots` (tokens plus one slot per
// skipped stretch) are used. Sorted.
std::vector<int> ShownTokens(int n, std::vector<int> anchors, int slots) {
  std::vector<int> all;
  if (n <= slots) {
    for (int i = 0; i < n; ++i) all.push_back(i);
    return all;
  }
  auto cost = [](const std::set<int>& s) {
    int c = static_cast<int>(s.size()), prev = -2;
    for (int i : s) {
      if (prev >= 0 && i > prev + 1) ++c;
      prev = i;
    }
    return c;
  };
  std::set<int> s;
  for (int a : anchors)
    if (a >= 0 && a < n) s.insert(a);
  for (int r = 1; r < n; ++r) {
    std::set<int> c = s;
    for (int a : anchors)
      for (int x : {a - r, a + r})
        if (x >= 0 && x < n) c.insert(x);
    if (cost(c) > slots || c.size() == s.size()) break;
    s = std::move(c);
  }
  return {s.begin(), s.end()};
}

struct Slot {
  int token = -1;  // -1: a skipped stretch
  int skipped = 0; // tokens in that stretch
  float x = 0;     // centre
};

std::vector<Slot> LayOutSlots(const std::vector<int>& shown, float x0, float x1) {
  std::vector<Slot> slots;
  int prev = -1;
  for (int t : shown) {
    if (prev >= 0 && t > prev + 1) slots.push_back({-1, t - prev - 1, 0});
    slots.push_back({t, 0, 0});
    prev = t;
  }
  const float w = (x1 - x0) / std::max<std::size_t>(1, slots.size());
  for (std::size_t k = 0; k < slots.size(); ++k) slots[k].x = x0 + (k + 0.5f) * w;
  return slots;
}

}  // namespace

// [SECTION] Numbers as the chapters write them

std::string FormatCount(double v) {
  if (!std::isfinite(v)) return v > 0 ? "\xE2\x88\x9E" : "\xE2\x88\x92\xE2\x88\x9E";
  char buf[64];
  const double a = std::fabs(v);
  const char* minus = v < 0 ? "\xE2\x88\x92" : "";
  static const struct {
    double scale;
    const char* name;
  } kNames[] = {{1e15, "quadrillion"}, {1e12, "trillion"}, {1e9, "billion"}, {1e6, "million"}};
  for (const auto& u : kNames)
    if (a >= u.scale) {
      std::snprintf(buf, sizeof buf, "%s%.3g %s", minus, a / u.scale, u.name);
      return buf;
    }
  if (a != std::floor(a)) {
    std::snprintf(buf, sizeof buf, "%s%.3g", minus, a);
    return buf;
  }
  // Whole numbers below a million with thousands separators.
  std::snprintf(buf, sizeof buf, "%.0f", a);
  std::string digits = buf, out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return minus + out;
}

// [SECTION] Chapter 1: the recurrent chain beside the attention graph

DiagramFigure MakePathDiagram(const PathDiagramInput& in) {
  DiagramFigure d;
  d.width = in.width;
  d.height = in.height;
  d.title = "One hop for attention, |i \xE2\x88\x92 j| steps for a recurrent network";
  const int n = static_cast<int>(in.tokens.size());
  if (n == 0) {
    d.AddText("No tokens.", 8, 20, kText, DiagramColor::Secondary);
    return d;
  }
  const int a = std::clamp(in.from, 0, n - 1), b = std::clamp(in.to, 0, n - 1);
  const int lo = std::min(a, b), hi = std::max(a, b);
  const float W = in.width, H = in.height;
  const int max_slots = std::max(5, static_cast<int>((W - 16) / 44.0f));
  const std::vector<Slot> slots = LayOutSlots(ShownTokens(n, {0, a, b, n - 1}, max_slots), 8, W - 8);
  const float slot_w = (W - 16) / std::max<std::size_t>(1, slots.size());
  const int D = std::max(1, in.hidden);
  const bool have_states = static_cast<int>(in.states.size()) == n * D;
  const float srange = have_states ? std::max(0.05f, AbsMax(in.states)) : 1.0f;
  auto on_path = [&](int t) { return t >= lo && t <= hi && lo != hi; };
  auto label = [&](int t) { return FitText(in.tokens[t], kText, slot_w - 3); };

  // -- the recurrent chain
  const float band = H * 0.5f;
  d.AddText("Recurrent network: h\xE2\x82\x9C = tanh(h\xE2\x82\x9C\xE2\x82\x8B\xE2\x82\x81 W_hh + x\xE2\x82\x9C W_xh + b), one state after another",
            8, 13, kHead, DiagramColor::Ink).bold = true;
  const int shown_cells = std::min(D, 16);
  const float top = 24, label_room = 34;
  const float cell_h = std::clamp((band - top - label_room - 18) / shown_cells, 1.5f, 6.0f);
  const float box_h = cell_h * shown_cells, box_w = std::min(slot_w * 0.5f, 22.0f);
  const float mid_y = top + box_h * 0.5f;
  for (std::size_t k = 0; k < slots.size(); ++k) {
    const Slot& s = slots[k];
    if (s.token < 0) {
      d.AddText("\xE2\x8B\xAF " + FormatCount(s.skipped), s.x, mid_y - 5, kSmall, DiagramColor::Secondary,
                DiagramAnchor::Middle);
      continue;
    }
    const int t = s.token;
    const float x0 = s.x - box_w * 0.5f;
    for (int c = 0; c < shown_cells; ++c) {
      const Rgb8 col = have_states ? Signed(in.states[static_cast<std::size_t>(t) * D + c], srange) : Rgb8{200, 200, 200};
      Fill(d, x0, top + c * cell_h, x0 + box_w, top + (c + 1) * cell_h, col).tag = t;
    }
    DiagramItem& frame = d.AddRect(x0, top, x0 + box_w, top + box_h, on_path(t) ? DiagramColor::Accent : DiagramColor::Frame,
                                   false, on_path(t) ? 1.8f : 0.8f);
    frame.tag = t;
    if (D > shown_cells) d.AddText(Cat("+", std::to_string(D - shown_cells)), s.x, top + box_h + 9, 7.5f, DiagramColor::Faint, DiagramAnchor::Middle);
    // The token feeding its state from below.
    const float ty = top + box_h + 26;
    d.AddLine(s.x, ty - 11, s.x, top + box_h + (D > shown_cells ? 11 : 2), DiagramColor::Faint, 0.8f).arrow = true;
    DiagramItem& tl = d.AddText(label(t), s.x, ty, kText,
                                t == a || t == b ? DiagramColor::Accent : DiagramColor::Ink, DiagramAnchor::Middle);
    tl.tag = t;
    tl.bold = t == a || t == b;
  }
  // Arrows h_t -> h_t+1 (dashed across a skipped stretch).
  for (std::size_t k = 0; k + 1 < slots.size(); ++k) {
    if (slots[k].token < 0) continue;
    std::size_t next = k + 1;
    if (slots[next].token < 0) next = k + 2;
    if (next >= slots.size()) break;
    const int t0 = slots[k].token, t1 = slots[next].token;
    const bool lit = t0 >= lo && t1 <= hi && lo != hi;
    DiagramItem& ar = d.AddLine(slots[k].x + box_w * 0.5f + 2, mid_y, slots[next].x - box_w * 0.5f - 3, mid_y,
                                lit ? DiagramColor::Accent : DiagramColor::Faint, lit ? 1.8f : 0.9f);
    ar.arrow = true;
    ar.dashed = next == k + 2;
  }
  const float cap_y = top + box_h + label_room + 8;
  std::string chain;
  if (lo == hi) chain = "Select two tokens: the path between them lights up in both drawings.";
  else
    chain = Quoted(in.tokens[lo]) + " \xE2\x86\x92 " + Quoted(in.tokens[hi]) + ": " + FormatCount(hi - lo) +
            (hi - lo == 1 ? " step" : " steps") + ", each squeezing everything read so far into " + std::to_string(D) +
            " numbers";
  d.AddText(FitText(chain, kText, W - 16), 8, cap_y, kText, lo == hi ? DiagramColor::Secondary : DiagramColor::Accent);

  // -- the attention graph
  const float top2 = band + 8;
  d.AddText("Self-attention: every token reads every other token directly", 8, top2 + 13, kHead, DiagramColor::Ink).bold = true;
  char pairs[96];
  std::snprintf(pairs, sizeof pairs, "%s pairs, all scored at once", FormatCount(0.5 * n * (n - 1.0)).c_str());
  d.AddText(pairs, W - 8, top2 + 13, kSmall, DiagramColor::Secondary, DiagramAnchor::End);
  const float base = H - 20, arc_room = std::max(10.0f, base - 11 - (top2 + 34));
  std::vector<const Slot*> toks;
  for (const Slot& s : slots)
    if (s.token >= 0) toks.push_back(&s);
  auto arc = [&](const Slot& p, const Slot& q, DiagramColor c, float w, float alpha) {
    const float dx = std::fabs(q.x - p.x);
    const float h = std::min(arc_room, 8 + dx * 0.3f);
    DiagramItem& it = d.AddCurve(p.x, base - 11, (p.x + q.x) * 0.5f, base - 11 - 2 * h, q.x, base - 11, c, w,
                                 std::clamp(static_cast<int>(dx / 6), 6, 24));
    it.alpha = alpha;
    return h;
  };
  const bool every_pair = toks.size() <= 20;
  for (std::size_t i = 0; i < toks.size(); ++i)
    for (std::size_t j = i + 1; j < toks.size(); ++j) {
      const int ti = toks[i]->token, tj = toks[j]->token;
      if ((ti == lo && tj == hi) || (!every_pair && ti != a && ti != b && tj != a && tj != b)) continue;
      arc(*toks[i], *toks[j], DiagramColor::Faint, 0.7f, 0.55f);
    }
  for (const Slot& s : slots) {
    if (s.token < 0) {
      d.AddText("\xE2\x8B\xAF " + FormatCount(s.skipped), s.x, base, kSmall, DiagramColor::Secondary, DiagramAnchor::Middle);
      continue;
    }
    DiagramItem& tl = d.AddText(label(s.token), s.x, base + 4, kText,
                                s.token == a || s.token == b ? DiagramColor::Accent : DiagramColor::Ink, DiagramAnchor::Middle);
    tl.tag = s.token;
    tl.bold = s.token == a || s.token == b;
  }
  if (lo != hi) {
    const Slot *p = nullptr, *q = nullptr;
    for (const Slot* s : toks) {
      if (s->token == lo) p = s;
      if (s->token == hi) q = s;
    }
    if (p && q) {
      const float h = arc(*p, *q, DiagramColor::Accent, 2.2f, 1.0f);
      d.AddText("1 hop", (p->x + q->x) * 0.5f, base - 11 - h - 3, kText, DiagramColor::Accent, DiagramAnchor::Middle).bold = true;
    }
  }
  return d;
}

// [SECTION] Chapter 1: recurrence against attention, the table

DiagramFigure MakeComparisonDiagram(const lessons::ComplexityLesson& c, float width) {
  DiagramFigure d;
  d.width = width;
  d.title = "Recurrence against self-attention at N = " + FormatCount(c.params.n) + ", d = " + FormatCount(c.params.d);
  struct Row {
    std::string label, rnn, rnn_sub, att, att_sub;
    int better;  // 0 recurrent, 1 attention, -1 neither
  };
  const std::string N = FormatCount(c.params.n);
  // Which column does better on each row, by the numbers (ties to neither).
  auto better = [](double rnn, double att) { return rnn < att ? 0 : att < rnn ? 1 : -1; };
  const std::vector<Row> rows = {
      {"Parallel steps over the sequence", N + " steps", "one token after another", "1 step", "every position at once", 1},
      {"Longest path between two tokens", FormatCount(c.rnn_longest_path) + " steps",
       "gradients pass N \xE2\x88\x92 1 Jacobians: they vanish or explode", FormatCount(c.attention_longest_path) + " hop",
       "a direct connection at any distance", 1},
      {"Memory while reading (per layer)", FormatCount(c.rnn_state_values) + " numbers", "one fixed-size state: a bottleneck",
       FormatCount(c.attention_score_values) + " weights per head", "N\xC2\xB2 unless computed in tiles (FlashAttention)",
       better(c.rnn_state_values, c.attention_score_values)},
      {"Work per layer", FormatCount(c.table[1].work), "N\xC2\xB7" "d\xC2\xB2 multiply-adds", FormatCount(c.table[0].work),
       "N\xC2\xB2\xC2\xB7" "d multiply-adds", better(c.table[1].work, c.table[0].work)},
      {"Generating one more token", FormatCount(c.rnn_token_work), "d\xC2\xB2: the same at any length",
       FormatCount(c.attention_token_work_cached), "N\xC2\xB7" "d with the KV cache (" + FormatCount(c.attention_token_work_uncached) + " without)",
       better(c.rnn_token_work, c.attention_token_work_cached)},
      {"What must be kept to continue", FormatCount(c.rnn_state_values) + " numbers", "the state is all that remains",
       FormatCount(c.attention_kv_values) + " numbers", "the KV cache, 2\xC2\xB7N\xC2\xB7" "d per layer, grows with N",
       better(c.rnn_state_values, c.attention_kv_values)},
  };
  const float lx = 0, rx = width * 0.27f, ax = width * 0.635f, row_h = 36, head_h = 22;
  d.AddText("Recurrent (RNN, LSTM)", rx + 6, 15, kHead, DiagramColor::Ink).bold = true;
  d.AddText("Self-attention", ax + 6, 15, kHead, DiagramColor::Ink).bold = true;
  d.AddLine(0, head_h, width, head_h, DiagramColor::Frame, 0.8f);
  float y = head_h;
  for (const Row& r : rows) {
    if (r.better >= 0) {
      const float x0 = r.better == 0 ? rx : ax, x1 = r.better == 0 ? ax - 2 : width;
      DiagramItem& f = d.AddRect(x0 + 1, y + 2, x1, y + row_h - 2, DiagramColor::Accent, true);
      f.alpha = 0.14f;
    }
    d.AddText(FitText(r.label, kText, rx - 8), lx + 2, y + 20, kText, DiagramColor::Secondary);
    d.AddText(FitText(r.rnn, kText, ax - rx - 12), rx + 6, y + 14, kText, DiagramColor::Ink).bold = true;
    d.AddText(FitText(r.rnn_sub, kSmall, ax - rx - 12), rx + 6, y + 27, kSmall, DiagramColor::Secondary);
    d.AddText(FitText(r.att, kText, width - ax - 12), ax + 6, y + 14, kText, DiagramColor::Ink).bold = true;
    d.AddText(FitText(r.att_sub, kSmall, width - ax - 12), ax + 6, y + 27, kSmall, DiagramColor::Secondary);
    y += row_h;
    d.AddLine(0, y, width, y, DiagramColor::Faint, 0.5f).alpha = 0.6f;
  }
  d.height = y + 4;
  return d;
}

// [SECTION] Chapter 3: split, attend, concatenate, mix

DiagramFigure MakePipelineDiagram(const PipelineDiagramInput& in) {
  DiagramFigure d;
  d.width = in.width;
  d.height = in.height;
  d.title = "Multi-head attention: split, attend, concatenate, mix";
  const float W = in.width, Hh = in.height;
  const int H = std::max(1, in.heads), D = in.d_model, dk = in.d_k, n = in.n;
  // Lanes: every head up to 8, else the first three, a gap, the last three.
  std::vector<int> lanes;
  if (H <= 8) {
    for (int h = 0; h < H; ++h) lanes.push_back(h);
  } else {
    lanes = {0, 1, 2, -1, H - 3, H - 2, H - 1};
  }
  const bool strips = !in.token.empty() && static_cast<int>(in.concat.size()) == H * dk && static_cast<int>(in.result.size()) == D;
  const float top = 22, lanes_bottom = strips ? Hh * 0.60f : Hh - 26;
  const float lane_h = (lanes_bottom - top) / lanes.size();
  const float box_h = std::min(lane_h * 0.72f, 30.0f);
  auto sh = [](int r, int c) { return std::to_string(r) + "\xC3\x97" + std::to_string(c); };
  // Columns.
  const float xX0 = 0, xX1 = W * 0.09f;
  const float xW0 = W * 0.13f, xW1 = W * 0.27f;
  const float xQ0 = W * 0.30f, xQ1 = W * 0.42f;
  const float xA0 = W * 0.45f, xA1 = W * 0.66f;
  const float xC0 = W * 0.70f, xC1 = W * 0.79f;
  const float xO0 = W * 0.83f, xO1 = W * 0.90f;
  const float xR0 = W * 0.93f, xR1 = W;
  auto tall = [&](float x0, float x1, const std::string& name, const std::string& shape) {
    d.AddRect(x0, top, x1, lanes_bottom, DiagramColor::Panel, true);
    d.AddRect(x0, top, x1, lanes_bottom, DiagramColor::Frame, false, 0.8f);
    const float cy = (top + lanes_bottom) * 0.5f;
    d.AddText(FitText(name, kText, x1 - x0 - 2), (x0 + x1) * 0.5f, cy - 2, kText, DiagramColor::Ink, DiagramAnchor::Middle).bold = true;
    d.AddText(FitText(shape, kSmall, x1 - x0 - 2), (x0 + x1) * 0.5f, cy + 11, kSmall, DiagramColor::Secondary, DiagramAnchor::Middle);
  };
  tall(xX0, xX1, "X", sh(n, D));
  // Column heads with the shapes (the lanes are too thin to repeat them).
  d.AddText(FitText(Cat("W_q W_k W_v  ", sh(D, dk)), kSmall, xW1 - xW0 + 20), (xW0 + xW1) * 0.5f, top - 6, kSmall,
            DiagramColor::Secondary, DiagramAnchor::Middle);
  d.AddText(FitText(Cat("Q K V  ", sh(n, dk)), kSmall, xQ1 - xQ0 + 20), (xQ0 + xQ1) * 0.5f, top - 6, kSmall,
            DiagramColor::Secondary, DiagramAnchor::Middle);
  d.AddText(FitText(Cat("softmax(QK\xE1\xB5\x80/\xE2\x88\x9A" "d\xE2\x82\x96)V  ", sh(n, dk)), kSmall, xA1 - xA0 + 10),
            (xA0 + xA1) * 0.5f, top - 6, kSmall, DiagramColor::Secondary, DiagramAnchor::Middle);
  for (std::size_t k = 0; k < lanes.size(); ++k) {
    const float cy = top + (k + 0.5f) * lane_h, y0 = cy - box_h * 0.5f, y1 = cy + box_h * 0.5f;
    const int h = lanes[k];
    if (h < 0) {
      d.AddText(Cat("\xE2\x8B\xAF ", std::to_string(H - 6)) + " more heads", (xW0 + xA1) * 0.5f, cy + 4, kSmall, DiagramColor::Secondary,
                DiagramAnchor::Middle);
      continue;
    }
    const Rgb8 col = HeadColor(h);
    const bool focus = h == in.focused_head;
    auto box = [&](float x0, float x1, const std::string& a, const std::string& b) {
      Fill(d, x0, y0, x1, y1, col, 0.16f).tag = h;
      DiagramItem& f = d.AddRect(x0, y0, x1, y1, DiagramColor::Custom, false, focus ? 2.0f : 0.9f);
      f.rgb = col;
      f.tag = h;
      const bool two = box_h >= 20;
      d.AddText(FitText(a, kSmall, x1 - x0 - 4), x0 + 3, two ? cy - 2 : cy + 3.5f, kSmall, DiagramColor::Ink).bold = focus;
      if (two) d.AddText(FitText(b, 8.5f, x1 - x0 - 4), x0 + 3, cy + 9, 8.5f, DiagramColor::Secondary);
    };
    const std::string role = h < static_cast<int>(in.roles.size()) && !in.roles[h].empty() ? " " + in.roles[h] : "";
    box(xW0, xW1, "W_q W_k W_v", sh(D, dk) + " each");
    box(xQ0, xQ1, "Q K V", sh(n, dk));
    box(xA0, xA1, Cat("H", std::to_string(h)) + role, Cat("softmax(QK\xE1\xB5\x80/\xE2\x88\x9A" "d\xE2\x82\x96)V  ", sh(n, dk)));
    for (auto [x0, x1] : {std::pair{xX1, xW0}, std::pair{xW1, xQ0}, std::pair{xQ1, xA0}, std::pair{xA1, xC0}}) {
      DiagramItem& l = d.AddLine(x0 + 1, cy, x1 - 2, cy, DiagramColor::Custom, focus ? 1.6f : 0.8f);
      l.rgb = col;
      l.arrow = true;
    }
  }
  // The concatenation: one stripe per head, in the heads' colours.
  d.AddRect(xC0, top, xC1, lanes_bottom, DiagramColor::Frame, false, 0.8f);
  for (std::size_t k = 0; k < lanes.size(); ++k) {
    if (lanes[k] < 0) continue;
    const float cy = top + (k + 0.5f) * lane_h;
    Fill(d, xC0 + 1, cy - box_h * 0.5f, xC1 - 1, cy + box_h * 0.5f, HeadColor(lanes[k]), 0.55f).tag = lanes[k];
  }
  d.AddText("concat", (xC0 + xC1) * 0.5f, top - 6, kSmall, DiagramColor::Ink, DiagramAnchor::Middle).bold = true;
  d.AddText(sh(n, H * dk), (xC0 + xC1) * 0.5f, (top + lanes_bottom) * 0.5f + 4, kSmall, DiagramColor::Ink, DiagramAnchor::Middle);
  tall(xO0, xO1, "W_o", sh(H * dk, D));
  tall(xR0, xR1, "out", sh(n, D));
  const float cy = (top + lanes_bottom) * 0.5f;
  d.AddLine(xC1 + 1, cy, xO0 - 2, cy, DiagramColor::Ink, 1.0f).arrow = true;
  d.AddLine(xO1 + 1, cy, xR0 - 2, cy, DiagramColor::Ink, 1.0f).arrow = true;

  // The parameter count: H heads of width dₖ cost what one head of width H·dₖ would.
  {
    const double params = 3.0 * H * D * dk + static_cast<double>(H) * dk * D;
    std::string line = Cat("parameters: 3\xC2\xB7H\xC2\xB7" "D\xC2\xB7" "d\xE2\x82\x96 + H\xC2\xB7" "d\xE2\x82\x96\xC2\xB7" "D = ",
                           FormatCount(params));
    if (H * dk == D) line += " = 4\xC2\xB7" "D\xC2\xB2, the same as one head of width D";
    d.AddText(FitText(line, kSmall, W), W, lanes_bottom + 11, kSmall, DiagramColor::Secondary, DiagramAnchor::End);
  }
  if (strips) {
    const float y0 = lanes_bottom + 24;
    d.AddText(FitText(Quoted(in.token) + ": its row of the concatenation, " + std::to_string(H * dk) +
                          " numbers, " + std::to_string(dk) + " from each head",
                      kText, W),
              0, y0, kText, DiagramColor::Ink);
    const float range = std::max(AbsMax(in.concat), AbsMax(in.result));
    const float cw = W / (H * dk), ch = 14;
    for (int c = 0; c < H * dk; ++c) {
      Fill(d, c * cw, y0 + 6, (c + 1) * cw, y0 + 6 + ch, Signed(in.concat[c], range)).tag = c / dk;
      if (c % dk == 0) {
        DiagramItem& u = Fill(d, c * cw, y0 + 8 + ch, (c + dk) * cw - 1, y0 + 11 + ch, HeadColor(c / dk));
        u.tag = c / dk;
      }
    }
    const int f = std::clamp(in.focused_head, 0, H - 1);
    d.AddRect(f * dk * cw, y0 + 5, (f + 1) * dk * cw, y0 + 7 + ch, DiagramColor::Accent, false, 1.6f);
    const float y1 = y0 + ch + 34;
    d.AddText(FitText(Cat("\xC3\x97 W_o + b_o \xE2\x86\x92 its output row, ", std::to_string(D)) +
                          " numbers: W_o mixes what every head found",
                      kText, W),
              0, y1, kText, DiagramColor::Ink);
    const float rw = W / D;
    for (int c = 0; c < D; ++c) Fill(d, c * rw, y1 + 6, (c + 1) * rw, y1 + 6 + ch, Signed(in.result[c], range));
    d.height = std::max(Hh, y1 + 6 + ch + 4);
  }
  return d;
}

DiagramFigure MakeInductionDiagram(const InductionDiagramInput& in) {
  DiagramFigure d;
  d.width = in.width;
  d.height = in.height;
  d.title = "An induction head: two heads composing";
  const int n = static_cast<int>(in.tokens.size());
  if (n == 0) {
    d.AddText("No tokens.", 4, 16, kText, DiagramColor::Secondary);
    return d;
  }
  const int q = std::clamp(in.query, 0, n - 1);
  std::vector<int> anchors = {0, q, n - 1};
  for (int t : in.targets) anchors.push_back(t), anchors.push_back(t - 1);
  if (in.attends_to >= 0) anchors.push_back(in.attends_to);
  const int max_slots = std::max(5, static_cast<int>((in.width - 16) / 44.0f));
  const std::vector<Slot> slots = LayOutSlots(ShownTokens(n, anchors, max_slots), 8, in.width - 8);
  const float slot_w = (in.width - 16) / std::max<std::size_t>(1, slots.size());
  // Rows, top to bottom: layer 2's arc, the tokens, layer 1's arcs and what they wrote, the legend.
  const float legend_y = in.height - 22, base = std::max(40.0f, legend_y - 58);
  const Rgb8 c1 = HeadColor(0), c2 = HeadColor(3);
  auto xof = [&](int t) {
    for (const Slot& s : slots)
      if (s.token == t) return s.x;
    return -1.0f;
  };
  for (const Slot& s : slots) {
    if (s.token < 0) {
      d.AddText(Cat("\xE2\x8B\xAF ", FormatCount(s.skipped)), s.x, base, kSmall, DiagramColor::Secondary, DiagramAnchor::Middle);
      continue;
    }
    const bool target = std::find(in.targets.begin(), in.targets.end(), s.token) != in.targets.end();
    DiagramItem& t = d.AddText(FitText(in.tokens[s.token], kText, slot_w - 2), s.x, base, kText,
                               s.token == q ? DiagramColor::Accent : target ? DiagramColor::Highlight : DiagramColor::Ink,
                               DiagramAnchor::Middle);
    t.bold = s.token == q || target;
    t.tag = s.token;
  }
  // Step 1, below the line: each target reads the token before it (layer 1).
  for (int tg : in.targets) {
    const float x1 = xof(tg), x0 = xof(tg - 1);
    if (x0 < 0 || x1 < 0) continue;
    DiagramItem& c = d.AddCurve(x1, base + 6, (x0 + x1) * 0.5f, base + 30, x0, base + 6, DiagramColor::Custom, 1.8f);
    c.rgb = c1;
    const int w = tg < static_cast<int>(in.previous_word.size()) ? in.previous_word[tg] : -1;
    const std::string what = w >= 0 ? in.tokens[w] : in.tokens[tg - 1];
    DiagramItem& t = d.AddText(FitText(Cat("wrote \xE2\x80\x9C", what) + "\xE2\x80\x9D", kSmall, 3 * slot_w),
                               (x0 + x1) * 0.5f, base + 34, kSmall, DiagramColor::Custom, DiagramAnchor::Middle);
    t.rgb = c1;
  }
  // Step 2, above the line: the query attends to where its word was followed.
  const float xq = xof(q);
  if (in.attends_to >= 0 && xq >= 0) {
    const float xa = xof(in.attends_to);
    if (xa >= 0) {
      const float hgt = std::min(base - 40, 14 + std::fabs(xq - xa) * 0.3f);
      DiagramItem& c = d.AddCurve(xq, base - 14, (xq + xa) * 0.5f, base - 14 - 2 * hgt, xa, base - 14, DiagramColor::Custom, 2.4f);
      c.rgb = c2;
      char w[96];
      std::snprintf(w, sizeof w, "%.0f%%", 100 * in.weight);
      DiagramItem& t = d.AddText(w, (xq + xa) * 0.5f, base - 14 - hgt - 4, kText, DiagramColor::Custom, DiagramAnchor::Middle);
      t.rgb = c2;
      t.bold = true;
    }
  }
  // The legend in words.
  const float y = legend_y;
  DiagramItem& l1 = d.AddText(FitText(in.prev_head + " (previous-token): every token stores the word before it", kSmall, in.width - 8),
                              4, y, kSmall, DiagramColor::Custom);
  l1.rgb = c1;
  const std::string who = Quoted(in.tokens[q]);
  std::string l2t = in.induction_head + " (induction): " + who + " looks for a token whose stored word is " + who;
  if (in.predicted >= 0) l2t += Cat(", and copies it: predicts ", Quoted(in.tokens[in.predicted]));
  DiagramItem& l2 = d.AddText(FitText(l2t, kSmall, in.width - 8), 4, y + 14, kSmall, DiagramColor::Custom);
  l2.rgb = c2;
  d.AddText("layer 2 reads", 4, 14, kSmall, DiagramColor::Secondary);
  d.AddText("layer 1 wrote", 4, base + 34, kSmall, DiagramColor::Secondary);
  return d;
}

// [SECTION] Chapter 4: one query row under three masks

DiagramFigure MakeMaskRowDiagram(const lessons::MasksLesson& m, float width, float height) {
  DiagramFigure d;
  d.width = width;
  d.height = height;
  const int n = m.n, q = m.query;
  d.title = "Query " + Quoted(q >= 0 && q < n ? m.tokens[q] : std::string()) + " under three masks";
  if (n == 0 || m.variants.size() != 3 || static_cast<int>(m.row_logits.size()) != n) {
    d.AddText("No row to show.", 4, 16, kText, DiagramColor::Secondary);
    return d;
  }
  const float label_w = std::min(150.0f, width * 0.24f), kept_w = std::min(96.0f, width * 0.15f);
  const float x0 = label_w, x1 = width - kept_w;
  const int fit = std::max(3, static_cast<int>((x1 - x0) / 34.0f));
  // A window of keys around the query in long sentences.
  int k0 = 0, k1 = n;
  if (n > fit) {
    k0 = std::clamp(q - fit / 2, 0, n - fit);
    k1 = k0 + fit;
  }
  const int cols = k1 - k0;
  const float cw = (x1 - x0) / cols;
  const float head_h = 20, logit_h = 22;
  const float row_h = (height - head_h - logit_h - 6) / 3.0f;
  // Header: the keys.
  for (int j = k0; j < k1; ++j) {
    const float cx = x0 + (j - k0 + 0.5f) * cw;
    DiagramItem& t = d.AddText(FitText(m.tokens[j], kSmall, cw - 2), cx, 14, kSmall,
                               j == q ? DiagramColor::Accent : DiagramColor::Ink, DiagramAnchor::Middle);
    t.tag = j;
    t.bold = j == q;
  }
  if (k0 > 0) d.AddText("\xE2\x8B\xAF " + FormatCount(k0), x0 - 3, 14, kSmall, DiagramColor::Faint, DiagramAnchor::End);
  if (k1 < n) d.AddText(FormatCount(n - k1) + " \xE2\x8B\xAF", x1 + 3, 14, kSmall, DiagramColor::Faint);
  d.AddText("key", 2, 14, kSmall, DiagramColor::Secondary);
  // Logits (mask-independent).
  const float ly = head_h + logit_h - 7;
  d.AddText("logit (s\xC2\xB7score + bias)/T", 2, ly, kSmall, DiagramColor::Secondary);
  for (int j = k0; j < k1; ++j) {
    char v[32];
    std::snprintf(v, sizeof v, "%.2f", m.row_logits[j]);
    std::string s = v;
    if (s[0] == '-') s = "\xE2\x88\x92" + s.substr(1);
    d.AddText(FitText(s, kSmall, cw - 2), x0 + (j - k0 + 0.5f) * cw, ly, kSmall, DiagramColor::Ink, DiagramAnchor::Middle);
  }
  d.AddText("kept of the", x1 + 6, ly - 9, 8.5f, DiagramColor::Secondary);
  d.AddText("bidirectional row", x1 + 6, ly, 8.5f, DiagramColor::Secondary);
  // One row per mask.
  for (int k = 0; k < 3; ++k) {
    const lessons::MaskVariant& v = m.variants[k];
    const float y0 = head_h + logit_h + 4 + k * row_h, y1 = y0 + row_h - 4;
    d.AddLine(0, y0 - 2, width, y0 - 2, DiagramColor::Faint, 0.5f).alpha = 0.6f;
    d.AddText(v.name, 2, y0 + 14, kText, DiagramColor::Ink).bold = true;
    d.AddText(FitText(v.models, 8.5f, label_w - 6), 2, y0 + 26, 8.5f, DiagramColor::Secondary);
    for (int j = k0; j < k1; ++j) {
      const float cx0 = x0 + (j - k0) * cw + 1, cx1 = cx0 + cw - 2;
      if (!v.row_allowed[j]) {
        DiagramItem& f = d.AddRect(cx0, y0, cx1, y1, DiagramColor::Faint, true);
        f.alpha = 0.18f;
        f.tag = j;
        d.AddText("\xE2\x88\x92\xE2\x88\x9E", (cx0 + cx1) * 0.5f, (y0 + y1) * 0.5f + 4, kText, DiagramColor::Secondary, DiagramAnchor::Middle);
        continue;
      }
      const float w = v.row_weights[j];
      const float bar_top = y1 - std::max(1.0f, w * (y1 - y0 - 13));
      DiagramItem& bar = d.AddRect(cx0 + cw * 0.18f, bar_top, cx1 - cw * 0.18f, y1, DiagramColor::Accent, true);
      bar.tag = j;
      char pct[16];
      std::snprintf(pct, sizeof pct, w >= 0.095f ? "%.0f%%" : "%.1f%%", 100.0 * w);
      d.AddText(FitText(pct, 8.5f, cw), (cx0 + cx1) * 0.5f, bar_top - 2, 8.5f, DiagramColor::Ink, DiagramAnchor::Middle);
    }
    if (k == 2 && m.prefix > k0 && m.prefix < k1) {
      const float px = x0 + (m.prefix - k0) * cw;
      d.AddLine(px, y0, px, y1, DiagramColor::Highlight, 1.2f).dashed = true;
      d.AddText("prefix", px - 2, y0 + 8, 8.5f, DiagramColor::Highlight, DiagramAnchor::End);
    }
    char kept[64];
    if (v.empty_rows.end() != std::find(v.empty_rows.begin(), v.empty_rows.end(), q)) {
      std::snprintf(kept, sizeof kept, "nothing: empty row");
    } else {
      std::snprintf(kept, sizeof kept, "%.1f%%", 100.0 * v.kept_mass);
    }
    d.AddText(kept, x1 + 6, y0 + 16, kText, DiagramColor::Ink).bold = true;
    if (k > 0 && v.kept_mass > 0) {
      char div[48];
      std::snprintf(div, sizeof div, "each \xC3\xB7 %.3f", v.kept_mass);
      d.AddText(div, x1 + 6, y0 + 28, 8.5f, DiagramColor::Secondary);
    }
  }
  // The query's column.
  if (q >= k0 && q < k1)
    d.AddRect(x0 + (q - k0) * cw, 2, x0 + (q - k0 + 1) * cw, height - 2, DiagramColor::Accent, false, 1.0f);
  return d;
}

// [SECTION] Chapter 4: a padded batch

DiagramFigure MakeBatchDiagram(const lessons::PaddingLesson& p, float width) {
  DiagramFigure d;
  d.width = width;
  d.title = Cat("A batch padded to ", std::to_string(p.padded_length)) + " tokens (" + (p.left ? "left" : "right") + " padding)";
  const int L = p.padded_length;
  const float label_w = std::min(120.0f, width * 0.2f);
  const float avail = width - label_w;
  const float sw = std::max(24.0f, avail / std::max(1, L));
  const int fit = std::max(2, static_cast<int>(avail / sw));
  const int shown = L > fit ? fit - 1 : L;
  const float chip_h = 18, row_gap = 40;
  float y = 4;
  for (std::size_t b = 0; b < p.batch.size(); ++b) {
    const lessons::PaddedSequence& s = p.batch[b];
    char lab[64];
    std::snprintf(lab, sizeof lab, "sentence %d", static_cast<int>(b) + 1);
    d.AddText(lab, 2, y + 13, kText, DiagramColor::Ink).bold = true;
    std::snprintf(lab, sizeof lab, "%d tokens + %d pads", s.length, L - s.length);
    d.AddText(lab, 2, y + 25, 8.5f, DiagramColor::Secondary);
    for (int i = 0; i < shown; ++i) {
      const float x0 = label_w + i * sw + 1, x1 = x0 + sw - 2;
      const bool pad = s.is_pad[i] != 0;
      DiagramItem& f = d.AddRect(x0, y, x1, y + chip_h, pad ? DiagramColor::Faint : DiagramColor::Panel, true);
      f.alpha = pad ? 0.25f : 1.0f;
      f.tag = b == 1 ? i : -1;
      if (pad)
        for (float hx = x0 - chip_h; hx < x1; hx += 6) {
          const float ax = std::max(hx, x0), ay = y + chip_h - (ax - hx);
          const float bx = std::min(hx + chip_h, x1), by = y + chip_h - (bx - hx);
          d.AddLine(ax, ay, bx, by, DiagramColor::Faint, 0.6f).alpha = 0.7f;
        }
      d.AddRect(x0, y, x1, y + chip_h, DiagramColor::Frame, false, 0.6f);
      d.AddText(FitText(s.tokens[i], kSmall, sw - 4), (x0 + x1) * 0.5f, y + 13, kSmall,
                pad ? DiagramColor::Secondary : DiagramColor::Ink, DiagramAnchor::Middle);
      // The padding mask: may a query read this key?
      d.AddText(pad ? "0" : "1", (x0 + x1) * 0.5f, y + chip_h + 11, kSmall, pad ? DiagramColor::Warning : DiagramColor::Secondary,
                DiagramAnchor::Middle);
    }
    if (shown < L)
      d.AddText("\xE2\x8B\xAF +" + FormatCount(L - shown), label_w + shown * sw + 4, y + 13, kSmall, DiagramColor::Secondary);
    y += row_gap;
  }
  d.AddText("padding mask under each token: 1 = a real key, 0 = a pad no query may read", label_w, y + 2, 8.5f,
            DiagramColor::Secondary);
  d.height = y + 8;
  return d;
}

}  // namespace attnviz
