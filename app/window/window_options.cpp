#include "app/window/window_options.h"

#include <algorithm>
#include <cstdio>

#include "core/limits.h"
#include "ui/ui_state.h"

namespace attnviz::app {

namespace {

// Options of ParseTraceOptions that take a value (so the next argument is not a flag name).
bool TraceOptionTakesValue(const std::string& name) {
  static const char* const kValued[] = {"--text", "--text-file", "--model", "--seed", "--d-model",
                                        "--heads", "--kv-heads", "--layers", "--pe", "--mask",
                                        "--window", "--block", "--globals", "--temperature", "--layer"};
  return std::find(std::begin(kValued), std::end(kValued), name) != std::end(kValued);
}
bool IsTraceFlag(const std::string& name) {
  return name == "--causal" || name == "--no-causal" || name == "--scale" || name == "--no-scale";
}

bool Given(const WindowOptions& o, const char* name) {
  return std::find(o.trace_flags_given.begin(), o.trace_flags_given.end(), name) != o.trace_flags_given.end();
}

}  // namespace

WindowOptions ParseWindowOptions(const std::vector<std::string>& args) {
  WindowOptions o;
  std::vector<std::string> rest;
  o.trace = ParseTraceOptions(args, &rest);
  // Which trace options were typed (ParseTraceOptions returns a full Request).
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    const auto eq = name.find('=');
    const bool inline_value = name.rfind("--", 0) == 0 && eq != std::string::npos;
    if (inline_value) name = name.substr(0, eq);
    if (TraceOptionTakesValue(name)) {
      o.trace_flags_given.push_back(name);
      if (!inline_value) ++i;
    } else if (IsTraceFlag(name)) {
      o.trace_flags_given.push_back(name);
    }
  }
  for (std::size_t i = 0; i < rest.size(); ++i) {
    std::string name = rest[i];
    std::string inline_value;
    bool has_inline = false;
    if (name.rfind("--", 0) == 0) {
      const auto eq = name.find('=');
      if (eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        name = name.substr(0, eq);
        has_inline = true;
      }
    }
    auto value = [&]() -> std::string {
      if (has_inline) return inline_value;
      if (i + 1 >= rest.size()) throw UsageError(name + ": needs a value (see --help)");
      return rest[++i];
    };
    auto flag = [&]() {
      if (has_inline) throw UsageError(name + ": takes no value");
    };
    if (name == "--chapter") o.chapter = ParseIntOption(name, value(), 0, ui::kChapterCount);
    else if (name == "--select") o.select = ParseIntOption(name, value(), -1, kMaxTokens - 1);
    else if (name == "--screenshot") {
      o.screenshot = value();
      if (o.screenshot.empty()) throw UsageError("--screenshot: needs a file name ending in .png");
    }
    else if (name == "--frames") o.frames = ParseIntOption(name, value(), 1, 1000000);
    else if (name == "--frame-stats") { flag(); o.frame_stats = true; }
    else if (name == "--layout-dump") o.layout_dump = value();
    else if (name == "--signal-screenshot") o.signal_screenshot = value();
    else if (name == "--presenter") { flag(); o.presenter = true; }
    else if (name == "--light") { flag(); o.light = true; }
    else if (name == "--size") {
      const std::string v = value();
      int w = 0, h = 0;
      char tail = 0;
      if (std::sscanf(v.c_str(), "%dx%d%c", &w, &h, &tail) != 2 || w < 320 || h < 240 || w > 16384 || h > 16384)
        throw UsageError("--size: '" + v + "' is not allowed; expected WIDTHxHEIGHT, e.g. 1440x900 (at least 320x240)");
      o.width = w;
      o.height = h;
    }
    else if (name.rfind("-", 0) == 0) throw UsageError(name + ": unknown option (see attnviz --help)");
    else throw UsageError("'" + name + "': unexpected argument (see attnviz --help)");
  }
  return o;
}

void ApplyWindowOptions(const WindowOptions& o, ui::Settings* s) {
  const Request& f = o.trace.request;
  Request& r = s->request;
  if (Given(o, "--text") || Given(o, "--text-file")) r.text = f.text;
  if (Given(o, "--model")) r.model = f.model;
  if (Given(o, "--seed")) r.seed = f.seed;
  if (Given(o, "--d-model")) r.d_model = f.d_model;
  if (Given(o, "--heads")) r.heads = f.heads, r.kv_heads = f.kv_heads;  // kv-heads follows heads unless given
  if (Given(o, "--kv-heads")) r.kv_heads = f.kv_heads;
  if (Given(o, "--layers")) r.layers = f.layers;
  if (Given(o, "--pe")) r.positional = f.positional;
  if (Given(o, "--mask")) r.mask.pattern = f.mask.pattern;
  if (Given(o, "--causal") || Given(o, "--no-causal")) r.mask.causal = f.mask.causal;
  if (Given(o, "--window")) r.mask.window = f.mask.window;
  if (Given(o, "--block")) r.mask.block = f.mask.block;
  if (Given(o, "--globals")) r.mask.globals = f.mask.globals;
  if (Given(o, "--scale") || Given(o, "--no-scale")) r.scale = f.scale;
  if (Given(o, "--temperature")) r.temperature = f.temperature;
  if (o.trace.layer_given && o.trace.layer >= 0) s->ui.layer = o.trace.layer;
  if (o.chapter >= 0) s->ui.chapter = o.chapter;
  if (o.select >= -1) s->ui.selected_token = o.select;
  if (o.presenter) s->ui.presenter = true;
  if (o.light) s->ui.theme = ui::Theme::Light;
}

}  // namespace attnviz::app
