// RunWindow for builds without the GUI (-DATTNVIZ_GUI=OFF): the headless
// commands still work, the window says why it is missing.
#ifndef ATTNVIZ_HAS_GUI
#include <cstdio>

#include "app/commands.h"

namespace attnviz::app {

int RunWindow(const std::vector<std::string>&) {
  std::fprintf(stderr, "attnviz: this build has no window (configured with -DATTNVIZ_GUI=OFF); use 'attnviz trace' or 'attnviz export'\n");
  return 1;
}

}  // namespace attnviz::app
#endif
