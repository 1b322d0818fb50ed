// A chapter is one object: a title, its private state, and Draw(ChapterContext&)
// that reads the immutable trace and posts edits to the Request copy. The
// registry (registry.h) lists the eight chapters and the Playground in order.
#pragma once
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/compute/compute_service.h"
#include "core/figure/figure.h"
#include "core/request.h"
#include "core/trace.h"
#include "ui/layout_record.h"
#include "ui/texture_service.h"
#include "ui/theme.h"
#include "ui/ui_state.h"
#include "ui/widgets/colorbar.h"

namespace attnviz::ui {

// A heatmap a person can export with Ctrl+E (or its Export button). Pointers
// stay valid for the frame: they point into the trace the shell holds.
struct ExportableHeatmap {
  std::string title;                  // "Layer 1 · head 3 (previous-token) · attention weights"
  std::string slug;                   // for the file name: "L1-H3-weights"
  const float* values = nullptr;      // (rows, cols)
  int rows = 0, cols = 0;
  const std::uint8_t* allowed = nullptr;
  std::span<const Token> row_tokens, col_tokens;
  ColorScale scale;
  std::string value_name = "weight";  // the colorbar's caption
  // Any other figure (a plot, a chapter's own drawing): built by core/figure
  // when exported, so the slide is drawn by the same code as `attnviz export`.
  // When set, it is exported instead of `values`.
  std::function<Figure()> make_figure;
  bool Exportable() const { return values != nullptr || static_cast<bool>(make_figure); }
};

struct ChapterContext {
  ChapterContext(const Trace* t, unsigned long gen, Request& r, UiState& u, TextureService& tex, const Fonts& f,
                 LayoutRecord& l)
      : trace(t), generation(gen), request(r), ui(u), textures(tex), fonts(f), layout(l) {}

  const Trace* trace = nullptr;       // null until the first trace is ready
  // The same trace, owned: a compute job that reads it (pooled thumbnails, a
  // head's matrix) holds this so the trace outlives the frame.
  std::shared_ptr<const Trace> trace_owner;
  unsigned long generation = 0;       // changes whenever `trace` is replaced
  Request& request;                   // the edit copy: the app posts it before the next frame
  UiState& ui;
  TextureService& textures;
  const Fonts& fonts;
  LayoutRecord& layout;               // named rects for --layout-dump (tests)
  bool computing = false;             // a newer request is being computed
  // Off-thread computations a chapter asks for by value: traces of modified
  // Requests and lesson results, cached by key, superseded ones cancelled,
  // errors as data (core/compute/compute_service.h). Never null in the shell.
  ComputeService* compute = nullptr;
  float title_reserve = 0;            // pixels at the right of the title row the shell uses (Prev / Next)
  // Set by a view when its heatmap is hovered or clicked; the first one drawn
  // when none is, so Ctrl+E always has a target while a heatmap is visible.
  ExportableHeatmap export_target;
  bool export_target_focused = false;
  bool export_requested = false;      // a heatmap's own Export button was pressed
  // Views draw ui.hovered_token (last frame's) and report this frame's hover
  // here; the shell moves it into UiState at the end of the frame.
  int hover_this_frame = -1;
  void ReportHover(int token) {
    if (hover_this_frame < 0) hover_this_frame = token;
  }

  // Offers a heatmap as Ctrl+E's target; `focused` wins over earlier offers.
  void OfferExport(ExportableHeatmap h, bool focused) {
    if (focused || (!export_target_focused && !export_target.Exportable())) {
      export_target = std::move(h);
      export_target_focused = export_target_focused || focused;
    }
  }
};

// Offers any core figure (a plot, a chapter's own drawing) the same way: the
// figure is copied into the closure and built again only when exported.
inline void OfferFigure(ChapterContext& ctx, std::string title, std::string slug, Figure figure, bool focused) {
  ExportableHeatmap e;
  e.title = std::move(title);
  e.slug = std::move(slug);
  e.make_figure = [f = std::move(figure)] { return f; };
  ctx.OfferExport(std::move(e), focused);
}

class Chapter {
 public:
  virtual ~Chapter() = default;
  // 1..8 for chapters, 0 for the Playground.
  virtual int number() const = 0;
  virtual const char* title() const = 0;
  // A short line under the title in the sidebar tooltip.
  virtual const char* subtitle() const = 0;
  virtual void Draw(ChapterContext& ctx) = 0;
  // The chapter's own state worth keeping across runs (a step, a slider), as a
  // short string the settings file stores under the chapter's number ("" = none).
  virtual std::string SavedState() const { return {}; }
  virtual void RestoreState(std::string_view /*state*/) {}
};

// The eight chapters in order, then the Playground (number 0) last.
std::vector<std::unique_ptr<Chapter>> MakeChapters(TextureService& textures);

}  // namespace attnviz::ui
