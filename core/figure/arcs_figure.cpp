// The arcs figure (head view): the tokens twice, queries on the left and keys
// on the right; from the selected query one line per (head, key) with weight
// >= min_weight, opacity and width growing with the weight, in the head's
// colour. Each head's lines leave from a slightly different height so
// overlapping heads stay distinguishable; a legend names the heads.
#include <algorithm>
#include <cmath>

#include "core/figure/layout.h"

namespace attnviz::figure {
namespace {

constexpr float kArcsWidth = 1000.0f;
constexpr float kColumnHeight = 640.0f;   // the token columns never get taller than this
constexpr float kMaxPitch = 22.0f;
constexpr float kLeftLabelsEnd = 280.0f;  // right edge of the query labels
constexpr float kRightLabelsStart = 610.0f;
constexpr float kLegendX = 790.0f;
constexpr float kLegendSize = 10.5f;

struct ArcsLayout {
  float pitch = 0, size = 0, top = 0, W = kArcsWidth, H = 0;
  int step = 1;
};

ArcsLayout LayOut(const ArcsFigure& a) {
  ArcsLayout L;
  const int n = static_cast<int>(a.tokens.size());
  L.pitch = std::min(kMaxPitch, kColumnHeight / n);
  L.size = std::clamp(L.pitch * 0.72f, kMinTickLabelSize, 12.0f);
  const FontMetrics fm = GetFontMetrics(L.size);
  const float line = (fm.ascent + fm.descent) * 1.1f;
  L.step = 1;
  while (L.step * L.pitch < line) L.step = L.step == 1 ? 2 : L.step == 2 ? 5 : L.step * 2;
  L.top = kMargin + TitleBlockHeight(a.title, a.subtitle) + kCaptionSize * 1.6f + 6.0f;
  float legend_h = a.legend ? (a.heads.size() + 1) * kLegendSize * 1.6f : 0.0f;
  L.H = L.top + std::max(n * L.pitch, legend_h) + kMargin;
  return L;
}

std::string TokenLabel(const ArcsFigure& a, int i, int step) {
  const std::string& t = a.tokens[static_cast<std::size_t>(i)];
  return step > 1 ? std::to_string(i) + " " + t : t;
}

}  // namespace

FigureUnits ArcsFigureUnits(const ArcsFigure& a) {
  ArcsLayout L = LayOut(a);
  return {L.W, L.H};
}

void DrawArcsFigure(Surface& s, const ArcsFigure& a, RenderReport*) {
  const ArcsLayout L = LayOut(a);
  const int n = static_cast<int>(a.tokens.size());
  const int heads = static_cast<int>(a.heads.size());
  DrawTitleBlock(s, a.title, a.subtitle, kMargin, L.W - 2 * kMargin, kMargin);
  auto row_y = [&](int i) { return L.top + (i + 0.5f) * L.pitch; };

  s.Text("query", kLeftLabelsEnd, L.top - 10.0f, kCaptionSize, kInkSecondary, Anchor::End);
  s.Text("key", kRightLabelsStart, L.top - 10.0f, kCaptionSize, kInkSecondary, Anchor::Start);

  // Lines first, labels on top. Heaviest last so strong weights are not
  // buried under faint ones.
  const float x0 = kLeftLabelsEnd + 10.0f, x1 = kRightLabelsStart - 10.0f;
  const float spread = std::min(L.pitch * 0.5f, 6.0f);
  struct Stroke {
    float w;
    int head, key;
  };
  std::vector<Stroke> strokes;
  for (int h = 0; h < heads; ++h) {
    const float* row = a.heads[static_cast<std::size_t>(h)].row;
    for (int k = 0; k < n; ++k)
      if (std::isfinite(row[k]) && row[k] >= a.min_weight) strokes.push_back({row[k], h, k});
  }
  std::sort(strokes.begin(), strokes.end(), [](const Stroke& p, const Stroke& q) { return p.w < q.w; });
  for (const Stroke& st : strokes) {
    float w = std::min(st.w, 1.0f);
    float off = heads > 1 ? (st.head - (heads - 1) * 0.5f) / std::max(1, heads - 1) * spread : 0.0f;
    Rgba c{a.heads[static_cast<std::size_t>(st.head)].color, std::clamp(0.12f + 0.88f * std::sqrt(w), 0.0f, 1.0f)};
    s.Line(x0, row_y(a.selected) + off, x1, row_y(st.key) + off, c, 0.6f + 3.4f * w);
  }

  // Token columns; the selected query is bold on a light band and always labelled.
  const float band_h = std::max(L.pitch, L.size * 1.3f);
  const std::string selected_label =
      FitText(TokenLabel(a, a.selected, L.step), L.size, kLeftLabelsEnd - kMargin - 4.0f, FontWeight::Bold);
  const float band_w = TextWidth(selected_label, L.size, FontWeight::Bold) + 14.0f;
  s.FillRect(kLeftLabelsEnd + 7.0f - band_w, row_y(a.selected) - band_h * 0.5f, band_w, band_h, Hex(0xe6e6e6));
  if (a.labels) {
    for (int i = 0; i < n; ++i) {
      bool selected = i == a.selected;
      bool near_selected = std::abs(i - a.selected) * L.pitch < L.size * 1.2f;
      if (!selected && (i % L.step != 0 || near_selected)) continue;
      float y = CenteredBaseline(row_y(i), L.size);
      std::string t = selected ? selected_label : FitText(TokenLabel(a, i, L.step), L.size, kLeftLabelsEnd - kMargin - 4.0f);
      s.Text(t, kLeftLabelsEnd, y, L.size, kInk, Anchor::End, selected ? FontWeight::Bold : FontWeight::Regular);
      std::string u = FitText(TokenLabel(a, i, L.step), L.size, kLegendX - kRightLabelsStart - 20.0f);
      if (i % L.step == 0) s.Text(u, kRightLabelsStart, y, L.size, kInk, Anchor::Start);
    }
  }

  if (a.legend) {
    float y = L.top;
    s.Text("heads", kLegendX, y + kLegendSize, kLegendSize, kInkSecondary, Anchor::Start, FontWeight::Bold);
    y += kLegendSize * 1.6f;
    for (const ArcsHead& h : a.heads) {
      s.FillRect(kLegendX, y + 1.0f, 14.0f, kLegendSize, Opaque(h.color));
      s.Text(FitText(h.name, kLegendSize, L.W - kMargin - kLegendX - 20.0f), kLegendX + 20.0f,
             CenteredBaseline(y + 1.0f + kLegendSize * 0.5f, kLegendSize), kLegendSize, kInk, Anchor::Start);
      y += kLegendSize * 1.6f;
    }
  }
}

}  // namespace attnviz::figure
