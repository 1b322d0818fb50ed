// Command-line options shared by `attnviz trace`, `attnviz export` and the
// window's start-up flags (SPEC.md "The trace"). Core-only, so it can be fuzzed.
#pragma once
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/model.h"
#include "core/request.h"
#include "core/trace.h"

namespace attnviz {

// Thrown for a usage error: the CLI prints what() on one line and exits 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TraceOptions {
  Request request;
  int layer = -1;                 // --layer L|all (-1 = all)
  bool layer_given = false;
  // Which model-shaping options were typed: a checkpoint brings its own sizes,
  // positions and causality, and only typed options are held against it.
  bool d_model_given = false, heads_given = false, kv_heads_given = false;
  bool pe_given = false, causal_given = false;
};

// Parses args of the form `--name value` / `--name=value` / flags.
// Options it knows are consumed; anything else is left in `rest` in order, so a
// subcommand can parse its own flags after the shared ones.
// Throws UsageError("--window: '0' is not allowed; expected an integer >= 1").
TraceOptions ParseTraceOptions(const std::vector<std::string>& args, std::vector<std::string>* rest);

// True for --model values that name a checkpoint (a directory or a Hugging
// Face model name), i.e. anything but builtin and random.
bool IsCheckpointModel(std::string_view model);

// A checkpoint's shape fills in what the person did not type: d_model, heads,
// kv-heads (= the model's), positions (learned) and causal (on for a model
// trained causal). Typed values are kept, so the engine can refuse them by name.
void FitRequestToModel(const ModelShape& shape, TraceOptions* o);

// The trace the options ask for: for a checkpoint, loads it (once), fits the
// request to it, and runs the engine. Throws InputError.
TracePtr TraceForOptions(TraceOptions* o);

// Help text for the shared trace options (aligned, one per line).
std::string TraceOptionsHelp();

// An argument as it may appear in a one-line message: control characters
// escaped (so "--\nmask" or a terminal escape sequence cannot break the line
// or reach the terminal), and cut to `max_bytes` with "..." appended.
std::string PrintableArg(std::string_view arg, std::size_t max_bytes = 60);

// Helpers for subcommand parsers.
int ParseIntOption(std::string_view name, std::string_view value, int min, int max);
double ParseDoubleOption(std::string_view name, std::string_view value, double min, double max);

}  // namespace attnviz
