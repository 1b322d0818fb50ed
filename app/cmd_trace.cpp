// attnviz trace: every step of attention for a sentence, as JSON on stdout.
#include <cstdio>
#include <iostream>

#include "app/commands.h"
#include "core/cli/options.h"
#include "core/engine.h"
#include "core/trace_json.h"

namespace attnviz::app {

int RunTraceCommand(const std::vector<std::string>& args) {
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") {
      std::printf(
          "Usage: attnviz trace [options]\n"
          "Prints one JSON object (format attnviz-trace/1, see SPEC.md) with every intermediate:\n"
          "tokens, config, and per layer and head W_q..b_v, Q, K, V, scores, bias, mask, logits\n"
          "(null where masked), weights, output, empty_rows. Needs no display.\n"
          "With a GPT-2 checkpoint (--model DIR|NAME): tokens carry their \"id\", and \"next_token\"\n"
          "lists the 10 most likely next tokens {id, text, prob}.\n\n"
          "Options:\n%s"
          "  --format json        output format (json is the only one)\n",
          TraceOptionsHelp().c_str());
      return 0;
    }
  }
  TraceOptions opts;
  try {
    std::vector<std::string> rest;
    opts = ParseTraceOptions(args, &rest);
    for (std::size_t i = 0; i < rest.size(); ++i) {
      if (rest[i] == "--format" || rest[i].rfind("--format=", 0) == 0) {
        std::string v = rest[i] == "--format" ? (i + 1 < rest.size() ? rest[++i] : "") : rest[i].substr(9);
        if (v != "json") throw UsageError("--format: '" + PrintableArg(v) + "' is not allowed; expected json");
      } else {
        throw UsageError(PrintableArg(rest[i]) + ": unknown option for attnviz trace (see attnviz trace --help)");
      }
    }
  } catch (const UsageError& e) {
    std::fprintf(stderr, "attnviz trace: %s\n", e.what());
    return 2;
  }
  TracePtr trace;
  try {
    trace = TraceForOptions(&opts);
  } catch (const InputError& e) {
    std::fprintf(stderr, "attnviz trace: %s\n", e.what());
    return 2;
  }
  if (opts.layer >= static_cast<int>(trace->layers.size())) {
    std::fprintf(stderr, "attnviz trace: --layer: '%d' is not allowed; expected all or 0..%zu (the model has %zu layer%s)\n",
                 opts.layer, trace->layers.size() - 1, trace->layers.size(), trace->layers.size() == 1 ? "" : "s");
    return 2;
  }
  for (const std::string& note : trace->notes) std::fprintf(stderr, "attnviz trace: note: %s\n", note.c_str());
  std::ios::sync_with_stdio(false);
  WriteTraceJson(std::cout, *trace, opts.layer);
  std::cout.flush();
  if (!std::cout) {
    std::fprintf(stderr, "attnviz trace: could not write the JSON to standard output\n");
    return 1;
  }
  return 0;
}

}  // namespace attnviz::app
