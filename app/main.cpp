// attnviz: subcommand dispatch. The window is the default; `trace` and `export`
// are headless and link the core only.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "app/commands.h"
#include "attnviz_version.h"
#include "core/cli/options.h"

namespace {

void PrintHelp() {
  std::printf(
      "attnviz %s: see, step by step, how attention turns a sentence into weights.\n"
      "\n"
      "Usage:\n"
      "  attnviz [options]            open the window (needs a display)\n"
      "  attnviz trace [options]      print every step of attention as JSON (no display needed)\n"
      "  attnviz export [options]     write a heatmap, arcs or head-grid figure as PNG/SVG (no display needed)\n"
      "  attnviz lesson NAME [opts]   print the numbers behind a chapter as JSON (attnviz lesson --list)\n"
      "  attnviz bench [options]      time attention here against this machine's FMA peak\n"
      "  attnviz --help | --version\n"
      "  attnviz <command> --help     the options of one command\n"
      "\n"
      "Options shared by the window, trace and export:\n%s"
      "\n"
      "Window only:\n"
      "  --chapter N          open chapter N (1-8), or 0 for the Playground\n"
      "  --select K           select query token K\n"
      "  --screenshot FILE    save the first complete frame as PNG, then exit\n"
      "  --frames N           exit after N frames\n"
      "  --frame-stats        print median and p95 frame time and ImDrawList vertices at exit\n"
      "  --size WxH           window size (default 1440x900)\n"
      "  --presenter          start in presenter mode (large text, panels folded, 16:9)\n"
      "  --light              light theme\n"
      "\n"
      "Keys in the window: PgUp/PgDn or 1-8 chapters (0 = Playground); Left/Right move the\n"
      "selected token, Esc clears; Tab / Shift+Tab cycle heads; Ctrl+click a token chip toggles\n"
      "it global; Ctrl+E exports the heatmap under the mouse as PNG (into ~/Pictures/attnviz\n"
      "when ~/Pictures exists, else the current directory); Ctrl+= / Ctrl+- text size; F11 presenter.\n"
      "\n"
      "The built-in model's heads are set by hand, not trained: each has a named role\n"
      "(previous-token, same-topic, syntactic, duplicate-token, first-token) you can verify.\n",
      ATTNVIZ_VERSION, attnviz::TraceOptionsHelp().c_str());
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty()) {
    const std::string& first = args[0];
    if (first == "--help" || first == "-h" || first == "help") {
      PrintHelp();
      return 0;
    }
    if (first == "--version" || first == "-V") {
      std::printf("attnviz %s\n", ATTNVIZ_VERSION);
      return 0;
    }
    std::vector<std::string> rest(args.begin() + 1, args.end());
    if (first == "trace") return attnviz::app::RunTraceCommand(rest);
    if (first == "export") return attnviz::app::RunExportCommand(rest);
    if (first == "lesson") return attnviz::app::RunLessonCommand(rest);
    if (first == "bench") return attnviz::app::RunBenchCommand(rest);
    if (first.rfind("-", 0) != 0) {
      std::fprintf(stderr, "attnviz: unknown command '%s'; expected trace, export, lesson, bench, or options for the window (see attnviz --help)\n",
                   attnviz::PrintableArg(first).c_str());
      return 2;
    }
  }
  return attnviz::app::RunWindow(args);
}
