// Figures for slides and papers: heatmaps, arcs (head view), head grids and plots,
// drawn on the CPU so the window's Export button and `attnviz export` write
// the same pixels (PNG) and the same vector drawing (SVG).
//
// How the window uses it (Export button on a heatmap, Ctrl+E on the focused one):
//   HeatmapFigure fig = MakeTraceHeatmap(*trace, layer, head, TraceMatrix::Weights);
//   fig.colormap = ui_state colormap; fig.vmin/vmax = the on-screen scale;
//   fig.highlight_row = selected query (or -1);
//   std::string path = NextFreeExportPath(dir, ExportFileStem(which, layer, head), FigureFormat::Png);
//   std::string written = WriteFigure(Figure{fig}, RenderOptions{}, path, /*overwrite=*/false);
//   -> toast "Saved " + written; on FigureError e -> toast e.what() (one line)
// Any matrix (a lesson's own, a difference) can be exported by filling a
// HeatmapFigure by hand: values are read through a pointer, row-major.
// Rendering is reentrant (fonts load once, read-only; glyph caches are per
// call), so it may run on a worker thread: copy the figure and keep the
// TracePtr alive (e.g. fig.keep_alive = trace) until it is written.
//
// Index:
//   [SECTION] Heatmap figure
//   [SECTION] Arcs figure (head view)
//   [SECTION] Head grid figure
//   [SECTION] Rendering and writing
//   [SECTION] Builders from a Trace (titles, labels, ranges everyone shares)
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/figure/colormap.h"
#include "core/figure/plot.h"
#include "core/trace.h"

namespace attnviz {

// A figure could not be rendered or written (bad path, full disk, empty matrix).
// what() is one line naming the path and the reason; nothing partial is left.
class FigureError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// [SECTION] Heatmap figure
//
// The matrix with token labels on both axes, a colorbar with ticks, a title,
// axis captions, masked cells hatched, and the values written in the cells when
// the matrix is small. values/mask are borrowed (row-major, rows x cols) and
// must outlive rendering, unless `keep_alive` owns them (builders use it for
// matrices they derive, e.g. the 0/1 mask as floats).
enum class CellValues { Auto, Show, Hide };  // Auto: show when rows, cols <= 16

struct HeatmapFigure {
  const float* values = nullptr;          // (rows, cols) row-major
  int rows = 0, cols = 0;
  const std::uint8_t* mask = nullptr;     // (rows, cols) 1 = allowed, 0 = masked (hatched); null = all allowed
  std::vector<std::string> row_labels;    // rows entries (e.g. query tokens); empty = indices 0..rows-1
  std::vector<std::string> col_labels;    // cols entries (e.g. key tokens or "d3"); empty = indices
  std::string title;                      // e.g. "Layer 0 · Head 3 (previous-token) · attention weights"
  std::string subtitle;                   // e.g. "builtin · causal + sliding w=3 · sinusoidal"
  std::string row_caption = "query";      // left axis caption
  std::string col_caption = "key";        // bottom axis caption
  std::string colorbar_caption;           // e.g. "weight"
  Colormap colormap = Colormap::Viridis;
  std::optional<float> vmin, vmax;        // default: AutoValueRange (symmetric for diverging maps)
  CellValues cell_values = CellValues::Auto;
  int value_decimals = 2;                 // digits after the point for cell values
  bool labels = true;                     // tick labels on both axes
  bool colorbar = true;
  int highlight_row = -1;                 // outline this row (the selected query), -1 = none
  std::shared_ptr<const void> keep_alive; // owns values/mask when the figure derived them
};

// [SECTION] Arcs figure (head view)
//
// Two columns of the same tokens, queries on the left and keys on the right,
// in the style of bertviz's head view: from the selected query, one line per
// (head, key) whose opacity and width follow the weight, coloured per head,
// with a legend naming each head.
struct ArcsHead {
  std::string name;                       // legend entry, e.g. "H0 previous-token"
  Rgb8 color;                             // usually HeadColor(h)
  const float* row = nullptr;             // (n) the selected query's weights over the keys
};

struct ArcsFigure {
  std::vector<std::string> tokens;        // n
  int selected = 0;                       // query token whose arcs are drawn
  std::vector<ArcsHead> heads;
  std::string title, subtitle;
  bool legend = true;
  bool labels = true;                     // token labels (thinned when crowded)
  float min_weight = 0.005f;              // weights below this draw no line
  std::shared_ptr<const void> keep_alive;
};

// [SECTION] Head grid figure
//
// Many heatmaps in one figure, each titled (e.g. every head of every layer),
// sharing one value range and one colorbar so the panels compare.
struct HeadGridFigure {
  std::vector<HeatmapFigure> panels;      // each panel's own title is drawn above it
  int columns = 0;                        // 0 = choose (about square, at most 8)
  std::string title, subtitle;
  bool colorbar = true;
  bool labels = true;                     // tick labels on panels (thinned hard; off past 32 tokens)
};

// Plots (lines, markers, bars, log axes) are described in core/figure/plot.h.
using Figure = std::variant<HeatmapFigure, ArcsFigure, HeadGridFigure, PlotFigure>;

// [SECTION] Rendering and writing
//
// Sizes are in figure units of 1/100 inch: a heatmap figure is 1000 x 800 units.
// scale multiplies pixels (1..4); dpi, when set, wins: pixels = units * dpi / 100,
// so --dpi 200 equals --scale 2 (2000 x 1600 px). SVG is written in the same
// units and stays vector, so scale/dpi only set its width/height attributes.
struct RenderOptions {
  float scale = 1.0f;                     // 1..4
  int dpi = 0;                            // 50..600; 0 = use scale
  bool transparent = false;               // PNG: transparent background (RGBA); SVG: no background rect
  float PixelsPerUnit() const { return dpi > 0 ? dpi / 100.0f : scale; }
};

inline constexpr float kMinScale = 1.0f, kMaxScale = 4.0f;
inline constexpr int kMinDpi = 50, kMaxDpi = 600;
// A PNG figure larger than this is refused (RGBA: 4 bytes a pixel, 800 MB).
inline constexpr double kMaxFigurePixels = 200e6;
// A head grid has at most this many panels (8 layers of 64 heads).
inline constexpr std::size_t kMaxGridPanels = 512;

enum class FigureFormat { Png, Svg, Npy, Json };
// From the file extension (case-insensitive): .png, .svg, .npy, .json; nullopt otherwise.
std::optional<FigureFormat> FigureFormatFromPath(std::string_view path);
std::string_view ToString(FigureFormat f);  // "png", "svg", "npy", "json"

// An RGBA8 image (straight alpha), row-major, top row first.
struct RasterImage {
  int width = 0, height = 0;
  std::vector<std::uint8_t> rgba;         // width * height * 4
};

// Notes a person should see about a rendering, e.g. that a large matrix was
// max-pooled to fit the pixels. The CLI prints them on stderr; they are also
// written in small type under the figure.
struct PixelRect {
  int x = 0, y = 0, w = 0, h = 0;
};
struct RenderReport {
  std::vector<std::string> notes;
  // Where things landed, in output pixels (SVG: in pixels at its nominal size):
  // the cell area of each heatmap panel (cell c of n spans the pixels px with
  // floor(px * n / w) == c when w >= n) and the colorbar's colour ramp.
  std::vector<PixelRect> plots;
  std::optional<PixelRect> colorbar;
};

RasterImage RenderFigure(const Figure& f, const RenderOptions& o, RenderReport* report = nullptr);
// dpi > 0 records the resolution (pHYs chunk), so a word processor or LaTeX
// places a --dpi 300 figure at its intended physical size.
std::vector<std::uint8_t> EncodePng(const RasterImage& img, bool keep_alpha, int dpi = 0);
std::string RenderFigureSvg(const Figure& f, const RenderOptions& o, RenderReport* report = nullptr);

// Writes the figure in the format of the path's extension (png or svg; npy and
// json write the raw matrix of a HeatmapFigure). The file is written to a
// temporary next to it and renamed into place, so a failure (unwritable
// directory, full disk) leaves the old file or nothing, never a partial one.
// overwrite = false refuses an existing file with a FigureError.
// Returns the path written. Throws FigureError.
std::string WriteFigure(const Figure& f, const RenderOptions& o, const std::string& path,
                        bool overwrite = true, RenderReport* report = nullptr);

// The raw matrix of a heatmap: NumPy .npy (v1.0, '<f4', C order, shape (rows, cols))
// or JSON {"rows", "cols", "title", "row_labels", "col_labels", "values": [[...]]}
// with masked cells as null. Floats are written in shortest round-trip form.
std::string EncodeNpy(const HeatmapFigure& h);
std::string EncodeMatrixJson(const HeatmapFigure& h);

// Writes bytes to path via a temporary + rename (see WriteFigure). Throws FigureError.
void WriteFileAtomically(const std::string& path, std::string_view bytes, bool overwrite);

// For the window's Export button: dir/stem.ext, else dir/stem-2.ext, -3, ...:
// the first name not taken yet, so clicking Export twice keeps both files.
// (Write it with overwrite = false: a file appearing in between is refused,
// never clobbered.) dir empty = current directory.
std::string NextFreeExportPath(const std::string& dir, const std::string& stem, FigureFormat f);

// [SECTION] Builders from a Trace
//
// The window and the CLI build figures through these, so titles, labels,
// captions, colormaps and ranges agree. The trace must outlive the figure
// (hold the TracePtr), except for matrices the builder derives itself.
enum class TraceMatrix {
  Weights,             // (N, N) softmax weights, sequential map, range [0, max]
  Scores,              // (N, N) raw Q.K, diverging, masked cells hatched
  Logits,              // (N, N) scaled + biased logits, diverging, masked cells hatched
  Bias,                // (N, N) ALiBi bias (zeros otherwise), diverging
  Mask,                // (N, N) 1 allowed / 0 masked, grayscale
  Q, K, V,             // (N, dk) diverging; columns are dimensions
  HeadOutput,          // (N, dk) weights V, diverging
  LayerInput,          // (N, D)  diverging
  LayerOutput,         // (N, D)  diverging
  PositionalEncoding,  // (N, D)  the sinusoidal / learned PE added to the embeddings, diverging
};
std::string_view ToString(TraceMatrix m);  // "weights", "scores", ... "pe"
std::optional<TraceMatrix> ParseTraceMatrix(std::string_view s);
// A file stem naming what the figure shows: "weights-L0-H3", "pe", "input-L1".
std::string ExportFileStem(TraceMatrix which, int layer, int head);

// Token labels as a figure shows them (DisplayToken of each token).
std::vector<std::string> TraceTokenLabels(const Trace& t);
// "builtin · causal + sliding w=3 · sinusoidal" (model, mask, positional, and
// temperature when not 1).
std::string DescribeTraceConfig(const Trace& t);

// Throws FigureError when layer/head are out of range or the matrix is empty
// (e.g. PositionalEncoding with positional none/rope/alibi).
HeatmapFigure MakeTraceHeatmap(const Trace& t, int layer, int head, TraceMatrix which);
// Arcs of every head of `layer` from query `selected` (heads = all when empty).
ArcsFigure MakeTraceArcs(const Trace& t, int layer, int selected, const std::vector<int>& heads = {});
// Every head of `layer` (or of every layer when layer < 0), titled "L0 · H3 previous-token".
HeadGridFigure MakeTraceHeadGrid(const Trace& t, int layer, TraceMatrix which = TraceMatrix::Weights);
// a - b for two same-shaped matrices (e.g. two settings of the same head),
// diverging, owned by the figure. Throws FigureError when shapes differ.
HeatmapFigure MakeDifferenceHeatmap(const Mat& a, const Mat& b, std::vector<std::string> row_labels,
                                    std::vector<std::string> col_labels, std::string title);

}  // namespace attnviz
