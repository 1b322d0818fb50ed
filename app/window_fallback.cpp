// The window entry point for builds without the GUI (-DATTNVIZ_GUI=OFF): the
// headless commands still link and the default command explains itself.
#ifndef ATTNVIZ_HAS_GUI
#include <cstdio>

#include "app/commands.h"

namespace attnviz::app {

int RunWindow(const std::vector<std::string>& args) {
  (void)args;
  std::fprintf(stderr, "attnviz was built without the window; use attnviz trace / export\n");
  return 1;
}

}  // namespace attnviz::app
#endif
