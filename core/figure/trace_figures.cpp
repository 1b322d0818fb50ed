// Builders that turn a Trace into figures with the titles, labels, captions,
// colormaps and ranges the window and `attnviz export` share (see figure.h).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "core/figure/figure.h"

namespace attnviz {
namespace {

struct MatrixInfo {
  TraceMatrix which;
  const char* name;   // for --view and file names
  const char* title;  // what the figure says it is
};
constexpr MatrixInfo kMatrices[] = {
    {TraceMatrix::Weights, "weights", "Attention weights"},
    {TraceMatrix::Scores, "scores", "Scores Q\xC2\xB7K (before scaling and masking)"},
    {TraceMatrix::Logits, "logits", "Logits (scaled, biased, masked)"},
    {TraceMatrix::Bias, "bias", "Position bias"},
    {TraceMatrix::Mask, "mask", "Attention mask"},
    {TraceMatrix::Q, "q", "Queries Q"},
    {TraceMatrix::K, "k", "Keys K"},
    {TraceMatrix::V, "v", "Values V"},
    {TraceMatrix::HeadOutput, "output", "Head output (weights \xC2\xB7 V)"},
    {TraceMatrix::LayerInput, "input", "Layer input"},
    {TraceMatrix::LayerOutput, "layer-output", "Layer output"},
    {TraceMatrix::PositionalEncoding, "pe", "Positional encoding"},
};

const MatrixInfo& InfoOf(TraceMatrix m) {
  for (const MatrixInfo& i : kMatrices)
    if (i.which == m) return i;
  return kMatrices[0];
}

std::string FormatFloat(float v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", static_cast<double>(v));
  return buf;
}

void CheckLayer(const Trace& t, int layer) {
  if (t.layers.empty()) throw FigureError("the trace has no layers");
  if (layer < 0 || layer >= static_cast<int>(t.layers.size()))
    throw FigureError("layer " + std::to_string(layer) + " does not exist; the trace has layers 0.." +
                      std::to_string(t.layers.size() - 1));
}

void CheckHead(const Trace& t, int layer, int head) {
  const int heads = static_cast<int>(t.layers[static_cast<std::size_t>(layer)].heads.size());
  if (head < 0 || head >= heads)
    throw FigureError("head " + std::to_string(head) + " does not exist; the trace has heads 0.." +
                      std::to_string(heads - 1));
}

std::string HeadName(const Trace& t, int layer, int head) {
  std::string s = "head " + std::to_string(head);
  const std::string& role = t.layers[static_cast<std::size_t>(layer)].heads[static_cast<std::size_t>(head)].role;
  if (!role.empty()) s += " (" + role + ")";
  if (t.layers.size() > 1) s = "layer " + std::to_string(layer) + " \xC2\xB7 " + s;
  return s;
}

bool IsPerHead(TraceMatrix m) {
  return m != TraceMatrix::LayerInput && m != TraceMatrix::LayerOutput && m != TraceMatrix::PositionalEncoding &&
         m != TraceMatrix::Mask;
}

}  // namespace

std::string_view ToString(TraceMatrix m) { return InfoOf(m).name; }

std::optional<TraceMatrix> ParseTraceMatrix(std::string_view s) {
  for (const MatrixInfo& i : kMatrices)
    if (s == i.name) return i.which;
  return std::nullopt;
}

std::string ExportFileStem(TraceMatrix which, int layer, int head) {
  std::string s(ToString(which));
  if (which == TraceMatrix::PositionalEncoding) return s;
  s += "-L" + std::to_string(layer);
  if (IsPerHead(which)) s += "-H" + std::to_string(head);
  return s;
}

std::vector<std::string> TraceTokenLabels(const Trace& t) {
  std::vector<std::string> out;
  out.reserve(t.tokens.size());
  for (const Token& tok : t.tokens) out.push_back(DisplayToken(tok.text));
  return out;
}

std::string DescribeTraceConfig(const Trace& t) {
  const TraceConfig& c = t.config;
  std::string s = c.model + " \xC2\xB7 " + DescribeMask(c.mask) + " \xC2\xB7 " + std::string(ToString(c.positional));
  if (c.temperature != 1.0f) s += " \xC2\xB7 T=" + FormatFloat(c.temperature);
  if (!c.scale) s += " \xC2\xB7 unscaled";
  if (c.kv_heads != c.heads) s += " \xC2\xB7 " + std::to_string(c.kv_heads) + " kv heads";
  return s;
}

HeatmapFigure MakeTraceHeatmap(const Trace& t, int layer, int head, TraceMatrix which) {
  CheckLayer(t, layer);
  if (IsPerHead(which)) CheckHead(t, layer, head);
  if (t.n() == 0) throw FigureError("the trace has no tokens");
  const LayerTrace& L = t.layers[static_cast<std::size_t>(layer)];
  const MatrixInfo& info = InfoOf(which);
  HeatmapFigure f;
  const std::vector<std::string> tokens = TraceTokenLabels(t);
  f.row_labels = tokens;
  f.subtitle = DescribeTraceConfig(t);
  f.title = std::string(info.title) + (IsPerHead(which) ? " \xC2\xB7 " + HeadName(t, layer, head) : "");
  const Mat* m = nullptr;
  auto square = [&](const Mat& mat, bool masked, Colormap cmap, const char* caption) {
    m = &mat;
    f.col_labels = tokens;
    f.row_caption = "query";
    f.col_caption = "key";
    if (masked) f.mask = t.mask.data();
    f.colormap = cmap;
    f.colorbar_caption = caption;
  };
  auto wide = [&](const Mat& mat, const char* caption) {
    m = &mat;
    f.row_caption = "token";
    f.col_caption = "dimension";
    f.colormap = Colormap::Diverging;
    f.colorbar_caption = caption;
  };
  const HeadTrace* H = IsPerHead(which) ? &L.heads[static_cast<std::size_t>(head)] : nullptr;
  // The per-head N x N matrices are computed on demand; the figure owns its copy's handle.
  auto nxn = [&](HeadMatrix kind) -> const Mat& {
    MatPtr p = t.Matrix(layer, head, kind);
    f.keep_alive = p;
    return *p;
  };
  switch (which) {
    case TraceMatrix::Weights:
      square(nxn(HeadMatrix::Weights), true, Colormap::Viridis, "attention weight");
      // Zero is "no attention": anchor the scale there so pale means little.
      f.vmin = 0.0f;
      break;
    case TraceMatrix::Scores: square(nxn(HeadMatrix::Scores), false, Colormap::Diverging, "Q\xC2\xB7K"); break;
    case TraceMatrix::Logits: square(nxn(HeadMatrix::Logits), true, Colormap::Diverging, "logit"); break;
    case TraceMatrix::Bias: square(nxn(HeadMatrix::Bias), false, Colormap::Diverging, "bias"); break;
    case TraceMatrix::Mask: {
      // Allowed cells in the colormap's top colour, disallowed ones hatched,
      // exactly as masked cells look in every other heatmap.
      auto ones = std::make_shared<std::vector<float>>(static_cast<std::size_t>(t.n()) * t.n(), 1.0f);
      f.values = ones->data();
      f.keep_alive = ones;
      f.rows = f.cols = t.n();
      f.col_labels = tokens;
      f.row_caption = "query";
      f.col_caption = "key";
      f.mask = t.mask.data();
      f.vmin = 0.0f, f.vmax = 1.0f;
      f.colorbar = false;
      f.cell_values = CellValues::Hide;
      long allowed = 0;
      for (long i = 0; i < static_cast<long>(t.mask.size()); ++i) allowed += t.mask.data()[i] != 0;
      f.title = std::string(info.title) + " \xC2\xB7 " + DescribeMask(t.config.mask);
      f.subtitle += " \xC2\xB7 " + std::to_string(allowed) + " of " + std::to_string(t.mask.size()) + " pairs allowed";
      return f;
    }
    case TraceMatrix::Q: wide(H->Q, "value"); break;
    case TraceMatrix::K: wide(t.KvOf(layer, head).K, "value"); break;
    case TraceMatrix::V: wide(t.KvOf(layer, head).V, "value"); break;
    case TraceMatrix::HeadOutput: wide(H->output, "value"); break;
    case TraceMatrix::LayerInput: wide(L.input, "value"); break;
    case TraceMatrix::LayerOutput: wide(L.output, "value"); break;
    case TraceMatrix::PositionalEncoding:
      if (t.positional_encoding.size() == 0)
        throw FigureError("there is no positional-encoding matrix: positional '" +
                          std::string(ToString(t.config.positional)) +
                          "' adds nothing to the embeddings (use --pe sinusoidal)");
      wide(t.positional_encoding, "value");
      // PE depends on the position only, not on the word there.
      f.row_labels.clear();
      f.row_caption = "position";
      f.col_caption = t.config.positional == Positional::Sinusoidal ? "dimension (even: sin, odd: cos)" : "dimension";
      break;
  }
  if (!m || m->size() == 0) throw FigureError(std::string("the ") + info.name + " matrix is empty");
  f.values = m->data();
  f.rows = static_cast<int>(m->rows());
  f.cols = static_cast<int>(m->cols());
  if (f.rows != t.n()) f.row_labels.clear();
  if (f.col_labels.size() != static_cast<std::size_t>(f.cols)) f.col_labels.clear();
  return f;
}

ArcsFigure MakeTraceArcs(const Trace& t, int layer, int selected, const std::vector<int>& heads) {
  CheckLayer(t, layer);
  if (t.n() == 0) throw FigureError("the trace has no tokens");
  if (selected < 0 || selected >= t.n())
    throw FigureError("token " + std::to_string(selected) + " does not exist; the text has tokens 0.." +
                      std::to_string(t.n() - 1));
  const LayerTrace& L = t.layers[static_cast<std::size_t>(layer)];
  ArcsFigure a;
  a.tokens = TraceTokenLabels(t);
  a.selected = selected;
  std::vector<int> which = heads;
  if (which.empty())
    for (int h = 0; h < static_cast<int>(L.heads.size()); ++h) which.push_back(h);
  // The selected query's row of every drawn head, computed from the trace.
  for (int h : which) CheckHead(t, layer, h);
  const std::size_t n = static_cast<std::size_t>(t.n());
  auto rows = std::make_shared<std::vector<float>>(which.size() * n);
  for (std::size_t k = 0; k < which.size(); ++k)
    t.MatrixRows(layer, which[k], HeadMatrix::Weights, selected, 1, rows->data() + k * n);
  a.keep_alive = rows;
  for (std::size_t k = 0; k < which.size(); ++k) {
    const int h = which[k];
    const HeadTrace& H = L.heads[static_cast<std::size_t>(h)];
    // Built by appending: GCC 12 warns falsely (-Wrestrict, bug 105329) on "lit" + std::string&&.
    std::string name = "H";
    name += std::to_string(h);
    if (!H.role.empty()) name += " " + H.role;
    a.heads.push_back({name, HeadColor(h), rows->data() + k * n});
  }
  a.title = "Attention from \xE2\x80\x9C" + a.tokens[static_cast<std::size_t>(selected)] + "\xE2\x80\x9D (token " +
            std::to_string(selected) + ")" + (t.layers.size() > 1 ? " \xC2\xB7 layer " + std::to_string(layer) : "");
  a.subtitle = DescribeTraceConfig(t);
  return a;
}

HeadGridFigure MakeTraceHeadGrid(const Trace& t, int layer, TraceMatrix which) {
  if (t.layers.empty()) throw FigureError("the trace has no layers");
  if (layer >= 0) CheckLayer(t, layer);
  HeadGridFigure g;
  const int first = layer < 0 ? 0 : layer;
  const int last = layer < 0 ? static_cast<int>(t.layers.size()) - 1 : layer;
  const bool many_layers = last > first;
  for (int l = first; l <= last; ++l) {
    const int heads = static_cast<int>(t.layers[static_cast<std::size_t>(l)].heads.size());
    for (int h = 0; h < heads; ++h) {
      HeatmapFigure p = MakeTraceHeatmap(t, l, h, which);
      const std::string& role = t.layers[static_cast<std::size_t>(l)].heads[static_cast<std::size_t>(h)].role;
      p.title.clear();
      if (many_layers) {
        p.title += "L";
        p.title += std::to_string(l);
        p.title += " \xC2\xB7 ";
      }
      p.title += "H";
      p.title += std::to_string(h);
      if (!role.empty()) p.title += " " + role;
      g.panels.push_back(std::move(p));
    }
    if (many_layers) g.columns = std::min(heads, 8);
  }
  g.title = std::string(InfoOf(which).title) + " \xC2\xB7 every head" +
            (many_layers ? " of every layer" : t.layers.size() > 1 ? " \xC2\xB7 layer " + std::to_string(first) : "");
  g.subtitle = DescribeTraceConfig(t);
  return g;
}

HeatmapFigure MakeDifferenceHeatmap(const Mat& a, const Mat& b, std::vector<std::string> row_labels,
                                    std::vector<std::string> col_labels, std::string title) {
  if (a.rows() != b.rows() || a.cols() != b.cols())
    throw FigureError("cannot subtract a " + std::to_string(b.rows()) + " x " + std::to_string(b.cols()) +
                      " matrix from a " + std::to_string(a.rows()) + " x " + std::to_string(a.cols()) + " one");
  auto diff = std::make_shared<Mat>(a - b);
  HeatmapFigure f;
  f.values = diff->data();
  f.rows = static_cast<int>(diff->rows());
  f.cols = static_cast<int>(diff->cols());
  f.keep_alive = diff;
  f.row_labels = std::move(row_labels);
  f.col_labels = std::move(col_labels);
  f.title = std::move(title);
  f.colormap = Colormap::Diverging;
  f.colorbar_caption = "difference";
  return f;
}

}  // namespace attnviz
