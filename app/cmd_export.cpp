// attnviz export: writes a figure of a trace (heatmap, arcs, head grid; PNG or
// SVG) or the raw matrix (npy, json), with no display. The figures are core's
// (core/figure/figure.h), the same the window's Export button writes.
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "app/commands.h"
#include "core/cli/options.h"
#include "core/engine.h"
#include "core/figure/figure.h"
#include "core/text/tokenizer.h"

namespace attnviz::app {
namespace {

constexpr const char* kViews = "heatmap, arcs, grid, mask, scores, logits, bias, q, k, v, output, input, layer-output or pe";

void PrintExportHelp() {
  std::printf(
      "Usage: attnviz export [options] --out FILE\n"
      "Writes a figure of one trace, drawn on the CPU (no display needed), the same the window's\n"
      "Export button writes. FILE's extension picks the format: .png, .svg (vector, text kept as\n"
      "text), .npy or .json (the raw matrix of a heatmap view; json has null for masked cells).\n"
      "\n"
      "Trace options (as for attnviz trace; --layer is the figure's layer here, see below):\n%s"
      "\n"
      "Figure options:\n"
      "  --view VIEW          heatmap (attention weights, default) | arcs (head view from --select) |\n"
      "                       grid (every head in one figure; with --layer all, every layer) |\n"
      "                       mask | scores | logits | bias | q | k | v | output (head output) |\n"
      "                       input | layer-output (layer matrices) | pe (positional encoding)\n"
      "  --head H|all         head to draw (default 0); 'all' writes one file per head into the\n"
      "                       directory --out (created if missing); arcs default: every head\n"
      "  --layer L            layer to draw (default 0; 'all' only with --view grid)\n"
      "  --select K           arcs: the query token whose arcs are drawn (default 0);\n"
      "                       heatmaps: outline row K\n"
      "  --out FILE|DIR       where to write (required); DIR for --head all\n"
      "  --format FMT         png | svg | npy | json; default: from FILE's extension, png for a DIR\n"
      "  --scale S            pixel scale 1..4 (default 1 = 1000 x 800 px for a heatmap; 2 = 2000 x 1600)\n"
      "  --dpi D              dots per inch 50..600 (the figure is 10 x 8 in; --dpi 200 = --scale 2)\n"
      "  --title TEXT         replace the default title (default: what it is, head, layer)\n"
      "  --subtitle TEXT      replace the default subtitle (model, mask, positional encoding)\n"
      "  --colormap NAME      %s\n"
      "                       (default: viridis for weights, diverging for signed matrices)\n"
      "  --vmin X, --vmax X   fix the colour scale (default: the data's range; symmetric for diverging)\n"
      "  --values, --no-values  write each cell's value in it (default: when both sides <= 16)\n"
      "  --no-labels          no token labels on the axes\n"
      "  --no-colorbar        no colorbar\n"
      "  --transparent        transparent background (PNG with alpha; SVG without a background)\n"
      "  --force              overwrite existing files\n"
      "\n"
      "Files: an existing file is never overwritten unless --force is given (exit 1 and a message\n"
      "otherwise). Every file is written to a temporary next to it and renamed into place, so a\n"
      "failure (unwritable directory, full disk) leaves no partial file. The path of each file\n"
      "written is printed on standard output.\n"
      "Large matrices: when a PNG has fewer pixels than cells, the cells are max-pooled: each\n"
      "pixel shows the largest value (the most extreme for diverging maps) of its cells, so no\n"
      "cell is dropped; the figure and standard error say so. SVG keeps every cell (one rect per\n"
      "cell up to 256 x 256, beyond that one embedded image with a pixel per cell).\n"
      "Exit status: 0 written, 1 could not write, 2 usage error.\n",
      TraceOptionsHelp().c_str(), std::string(ColormapNames()).c_str());
}

struct ExportOptions {
  std::string view = "heatmap";
  std::optional<int> head;    // nullopt = default
  bool all_heads = false;
  std::optional<int> select;
  std::string out;
  std::optional<FigureFormat> format;
  RenderOptions render;
  bool scale_given = false;
  std::optional<std::string> title, subtitle;
  std::optional<Colormap> colormap;
  std::optional<float> vmin, vmax;
  std::optional<bool> values;
  bool labels = true, colorbar = true, force = false;
};

// Arguments are echoed with control characters escaped ("\u{1B}"), so a
// message stays one line and cannot replay terminal escape sequences.
std::string Shown(std::string_view arg) { return DisplayToken(arg); }

[[noreturn]] void Fail(const std::string& name, const std::string& value, const std::string& expected) {
  throw UsageError(name + ": '" + Shown(value) + "' is not allowed; expected " + expected);
}

ExportOptions ParseExportOptions(const std::vector<std::string>& rest) {
  ExportOptions o;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    std::string name = rest[i], inline_value;
    bool has_inline = false;
    if (std::size_t eq = name.find('='); name.rfind("--", 0) == 0 && eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_inline = true;
    }
    auto value = [&]() -> std::string {
      if (has_inline) return inline_value;
      if (i + 1 >= rest.size()) throw UsageError(Shown(name) + ": missing value (see attnviz export --help)");
      return rest[++i];
    };
    auto flag = [&]() {
      if (has_inline) throw UsageError(Shown(name) + ": takes no value");
    };
    if (name == "--view") {
      o.view = value();
      if (o.view != "heatmap" && o.view != "weights" && o.view != "arcs" && o.view != "grid" && !ParseTraceMatrix(o.view))
        Fail(name, o.view, kViews);
      if (o.view == "weights") o.view = "heatmap";
    } else if (name == "--head") {
      std::string v = value();
      if (v == "all") o.all_heads = true;
      else o.head = ParseIntOption(name, v, 0, 63);
    } else if (name == "--select") {
      o.select = ParseIntOption(name, value(), 0, 1 << 20);
    } else if (name == "--out" || name == "-o") {
      o.out = value();
      if (o.out.empty()) Fail("--out", o.out, "a file name ending in .png, .svg, .npy or .json, or a directory");
    } else if (name == "--format") {
      std::string v = value();
      o.format = FigureFormatFromPath("x." + v);
      if (!o.format || v.find('.') != std::string::npos) Fail(name, v, "png, svg, npy or json");
    } else if (name == "--scale") {
      o.render.scale = static_cast<float>(ParseDoubleOption(name, value(), kMinScale, kMaxScale));
      o.scale_given = true;
    } else if (name == "--dpi") {
      o.render.dpi = ParseIntOption(name, value(), kMinDpi, kMaxDpi);
    } else if (name == "--title") {
      o.title = value();
    } else if (name == "--subtitle") {
      o.subtitle = value();
    } else if (name == "--colormap") {
      std::string v = value();
      o.colormap = ParseColormap(v);
      if (!o.colormap) Fail(name, v, std::string(ColormapNames()));
    } else if (name == "--vmin") {
      o.vmin = static_cast<float>(ParseDoubleOption(name, value(), -1e30, 1e30));
    } else if (name == "--vmax") {
      o.vmax = static_cast<float>(ParseDoubleOption(name, value(), -1e30, 1e30));
    } else if (name == "--values") {
      flag(), o.values = true;
    } else if (name == "--no-values") {
      flag(), o.values = false;
    } else if (name == "--no-labels") {
      flag(), o.labels = false;
    } else if (name == "--no-colorbar") {
      flag(), o.colorbar = false;
    } else if (name == "--transparent") {
      flag(), o.render.transparent = true;
    } else if (name == "--force") {
      flag(), o.force = true;
    } else {
      throw UsageError(Shown(rest[i]) + ": unknown option for attnviz export (see attnviz export --help)");
    }
  }
  if (o.out.empty()) throw UsageError("--out: missing; expected a file name ending in .png, .svg, .npy or .json");
  if (o.scale_given && o.render.dpi) throw UsageError("--dpi: cannot be combined with --scale; give one of them");
  if (o.vmin && o.vmax && !(*o.vmax > *o.vmin))
    throw UsageError("--vmax: '" + std::to_string(*o.vmax) + "' is not allowed; expected a number greater than --vmin");
  if (o.all_heads && (o.view == "grid" || o.view == "arcs" || o.view == "mask" || o.view == "input" ||
                      o.view == "layer-output" || o.view == "pe"))
    throw UsageError("--head: 'all' is not allowed with --view " + o.view +
                     "; expected a head number (grid and arcs already show every head)");
  if (!o.all_heads) {
    std::optional<FigureFormat> from_ext = FigureFormatFromPath(o.out);
    if (!from_ext && !o.format)
      Fail("--out", o.out, "a file name ending in .png, .svg, .npy or .json (or pass --format)");
    if (from_ext && o.format && *from_ext != *o.format)
      throw UsageError("--format: '" + std::string(ToString(*o.format)) + "' does not match --out '" + Shown(o.out) + "'");
    if (!o.format) o.format = from_ext;
  } else {
    if (FigureFormatFromPath(o.out))
      Fail("--out", o.out, "a directory with --head all (one file per head is written into it)");
    if (!o.format) o.format = FigureFormat::Png;
  }
  bool raw = *o.format == FigureFormat::Npy || *o.format == FigureFormat::Json;
  if (raw && (o.view == "arcs" || o.view == "grid"))
    throw UsageError("--format: '" + std::string(ToString(*o.format)) + "' is not allowed with --view " + o.view +
                     "; expected png or svg (npy and json hold one matrix: use a heatmap view)");
  return o;
}

void Customize(HeatmapFigure& f, const ExportOptions& o) {
  if (o.colormap) f.colormap = *o.colormap;
  if (o.vmin) f.vmin = *o.vmin;
  if (o.vmax) f.vmax = *o.vmax;
  if (o.values) f.cell_values = *o.values ? CellValues::Show : CellValues::Hide;
  f.labels = o.labels;
  f.colorbar = f.colorbar && o.colorbar;
  if (o.title) f.title = *o.title;
  if (o.subtitle) f.subtitle = *o.subtitle;
}

// Writes one figure; prints the path and any notes. Returns false after printing the error.
bool Write(const Figure& fig, const ExportOptions& o, const std::string& path) {
  RenderReport report;
  try {
    // The format from --format wins over the path when writing into a directory.
    std::string written = WriteFigure(fig, o.render, path, o.force, &report);
    for (const std::string& n : report.notes) std::fprintf(stderr, "attnviz export: note: %s\n", n.c_str());
    std::printf("%s\n", written.c_str());
    return true;
  } catch (const FigureError& e) {
    std::fprintf(stderr, "attnviz export: %s\n", Shown(e.what()).c_str());
    return false;
  }
}

}  // namespace

int RunExportCommand(const std::vector<std::string>& args) {
  for (const std::string& a : args)
    if (a == "--help" || a == "-h") {
      PrintExportHelp();
      return 0;
    }
  TraceOptions topts;
  ExportOptions o;
  try {
    // Shared trace options first; what they leave (--view, --out, --scale S
    // for pixels, ...) is export's own.
    std::vector<std::string> rest;
    topts = ParseTraceOptions(args, &rest);
    o = ParseExportOptions(rest);
    if (topts.layer_given && topts.layer < 0 && o.view != "grid")
      throw UsageError("--layer: 'all' is not allowed with --view " + o.view + "; expected a layer number (or --view grid)");
  } catch (const UsageError& e) {
    std::fprintf(stderr, "attnviz export: %s\n", Shown(e.what()).c_str());
    return 2;
  }

  TracePtr trace;
  try {
    trace = TraceForOptions(&topts);
  } catch (const InputError& e) {
    std::fprintf(stderr, "attnviz export: %s\n", Shown(e.what()).c_str());
    return 2;
  }
  for (const std::string& note : trace->notes) std::fprintf(stderr, "attnviz export: note: %s\n", note.c_str());
  const Trace& t = *trace;
  const int layers = static_cast<int>(t.layers.size());
  const int layer = topts.layer_given ? topts.layer : 0;
  if (layer >= layers) {
    std::fprintf(stderr, "attnviz export: --layer: '%d' is not allowed; expected %s0..%d (the model has %d layer%s)\n",
                 layer, o.view == "grid" ? "all or " : "", layers - 1, layers, layers == 1 ? "" : "s");
    return 2;
  }
  const int heads = static_cast<int>(t.layers[static_cast<std::size_t>(std::max(layer, 0))].heads.size());
  if (o.head && *o.head >= heads) {
    std::fprintf(stderr, "attnviz export: --head: '%d' is not allowed; expected all or 0..%d (the model has %d heads)\n",
                 *o.head, heads - 1, heads);
    return 2;
  }
  if (o.select && *o.select >= t.n()) {
    std::fprintf(stderr, "attnviz export: --select: '%d' is not allowed; expected 0..%d (the text has %d tokens)\n",
                 *o.select, t.n() - 1, t.n());
    return 2;
  }

  try {
    if (o.view == "arcs") {
      std::vector<int> which;
      if (o.head) which.push_back(*o.head);
      ArcsFigure a = MakeTraceArcs(t, layer, o.select.value_or(0), which);
      a.labels = o.labels;
      if (o.title) a.title = *o.title;
      if (o.subtitle) a.subtitle = *o.subtitle;
      return Write(Figure{std::move(a)}, o, o.out) ? 0 : 1;
    }
    const TraceMatrix which = o.view == "heatmap" || o.view == "grid" ? TraceMatrix::Weights : *ParseTraceMatrix(o.view);
    if (o.view == "grid") {
      HeadGridFigure g = MakeTraceHeadGrid(t, layer, which);
      for (HeatmapFigure& p : g.panels) {
        std::string keep = p.title;
        Customize(p, o);
        p.title = keep;
      }
      g.labels = o.labels;
      g.colorbar = o.colorbar;
      if (o.title) g.title = *o.title;
      if (o.subtitle) g.subtitle = *o.subtitle;
      return Write(Figure{std::move(g)}, o, o.out) ? 0 : 1;
    }
    if (!o.all_heads) {
      HeatmapFigure f = MakeTraceHeatmap(t, layer, o.head.value_or(0), which);
      if (o.select) f.highlight_row = *o.select;
      Customize(f, o);
      return Write(Figure{std::move(f)}, o, o.out) ? 0 : 1;
    }
    // --head all: one file per head in the directory --out.
    struct stat st {};
    if (stat(o.out.c_str(), &st) != 0) {
      if (mkdir(o.out.c_str(), 0777) != 0) {
        std::fprintf(stderr, "attnviz export: cannot create the directory '%s': %s\n", Shown(o.out).c_str(),
                     std::strerror(errno));
        return 1;
      }
    } else if (!S_ISDIR(st.st_mode)) {
      std::fprintf(stderr, "attnviz export: --out '%s' is a file; --head all needs a directory\n", Shown(o.out).c_str());
      return 1;
    }
    bool ok = true;
    for (int h = 0; h < heads && ok; ++h) {
      HeatmapFigure f = MakeTraceHeatmap(t, layer, h, which);
      if (o.select) f.highlight_row = *o.select;
      Customize(f, o);
      std::string name = o.out + (o.out.back() == '/' ? "" : "/") + std::string(ToString(which)) + "-L" +
                         std::to_string(layer) + "-H" + std::to_string(h) + "." + std::string(ToString(*o.format));
      ok = Write(Figure{std::move(f)}, o, name);
    }
    return ok ? 0 : 1;
  } catch (const FigureError& e) {
    std::fprintf(stderr, "attnviz export: %s\n", Shown(e.what()).c_str());
    return 1;
  }
}

}  // namespace attnviz::app
