// `attnviz export`: writes a heatmap, arcs or head-grid figure (PNG/SVG) or the
// raw matrix (npy/json) of a trace, headless. Being filled in; see core/figure/figure.h.
#include <cstdio>
#include <string>
#include <vector>

#include "app/commands.h"

namespace attnviz::app {

int RunExportCommand(const std::vector<std::string>& args) {
  (void)args;
  std::fprintf(stderr, "attnviz export: not available in this build yet\n");
  return 1;
}

}  // namespace attnviz::app
