#include "ui/figure_export.h"

#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <system_error>

#include "core/figure/figure.h"
#include "core/text/tokenizer.h"

namespace attnviz::ui {

bool FigureExportAvailable() { return true; }

std::string DefaultExportDirectory() {
  const char* home = std::getenv("HOME");
  if (home && home[0] == '/') {
    std::error_code ec;
    const std::filesystem::path pictures = std::filesystem::path(home) / "Pictures";
    if (std::filesystem::is_directory(pictures, ec)) return (pictures / "attnviz").string();
  }
  std::error_code ec;
  const auto cwd = std::filesystem::current_path(ec);
  return ec ? std::string(".") : cwd.string();
}

std::string ExportHeatmapPng(const ExportableHeatmap& h, const Trace& trace, const std::string& dir,
                             std::string* error) {
  if (h.make_figure) return ExportFigurePng(h.make_figure(), h.slug, dir, error);
  HeatmapFigure f;
  f.values = h.values;
  f.rows = h.rows;
  f.cols = h.cols;
  f.mask = h.allowed;
  for (const Token& t : h.row_tokens) f.row_labels.push_back(DisplayToken(t.text));
  for (const Token& t : h.col_tokens) f.col_labels.push_back(DisplayToken(t.text));
  f.title = h.title;
  f.subtitle = DescribeTraceConfig(trace);
  f.colormap = h.scale.map;
  f.vmin = h.scale.vmin;
  f.vmax = h.scale.vmax;
  f.colorbar_caption = h.value_name;

  return ExportFigurePng(Figure{f}, h.slug, dir, error);
}

std::string ExportFigurePng(const Figure& figure, const std::string& slug, const std::string& dir, std::string* error) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    *error = "cannot create " + dir + ": " + ec.message();
    return {};
  }
  char stamp[32];
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
  const std::string base = (std::filesystem::path(dir) / ("attnviz-" + slug + "-" + stamp)).string();
  for (int k = 1; k < 100; ++k) {
    const std::string path = k == 1 ? base + ".png" : base + "-" + std::to_string(k) + ".png";
    if (std::filesystem::exists(path, ec)) continue;
    try {
      return WriteFigure(figure, RenderOptions{}, path, /*overwrite=*/false);
    } catch (const FigureError& e) {
      *error = e.what();
      return {};
    }
  }
  *error = "too many exports with the same name in " + dir;
  return {};
}

}  // namespace attnviz::ui
