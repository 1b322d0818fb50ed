// Shared trace options. Every failure is a UsageError whose message is one
// line: "--option: 'value' is not allowed; expected ...".
#include "core/cli/options.h"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <iterator>
#include <limits>
#include <sstream>

#include "core/engine.h"
#include "core/limits.h"
#include "core/model/model.h"
#include "core/text/tokenizer.h"

namespace attnviz {
namespace {

[[noreturn]] void Fail(std::string_view name, std::string_view value, std::string_view expected) {
  throw UsageError(PrintableArg(name) + ": '" + PrintableArg(value) + "' is not allowed; expected " + std::string(expected));
}

// Reads at most kMaxTextBytes + 1 bytes: an endless source (/dev/zero, a pipe
// that never closes with data) is refused at the limit instead of filling memory.
std::string ReadTextFile(const std::string& path) {
  std::ifstream file;
  std::istream* in = &std::cin;
  if (path != "-") {
    file.open(path, std::ios::binary);
    if (!file) throw UsageError("--text-file: cannot read '" + PrintableArg(path) + "'");
    in = &file;
  }
  std::string text(kMaxTextBytes + 1, '\0');
  in->read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in->gcount()));
  if (text.size() > kMaxTextBytes)
    throw UsageError("--text-file: '" + PrintableArg(path) + "' is larger than " + std::to_string(kMaxTextBytes) +
                     " bytes (1 MiB), the most a trace accepts");
  if (in->bad()) throw UsageError("--text-file: error while reading '" + PrintableArg(path) + "'");
  return text;
}

}  // namespace

std::string PrintableArg(std::string_view arg, std::size_t max_bytes) {
  // The same escaping as token chips ("\u{A}"), cut on a byte budget; a cut
  // inside a UTF-8 sequence only affects the echo, never the parsed value.
  std::string out = DisplayToken(arg.substr(0, max_bytes));
  if (arg.size() > max_bytes) out += "...";
  return out;
}

int ParseIntOption(std::string_view name, std::string_view value, int min, int max) {
  std::string s(value);
  std::string expected = "an integer " + (max == std::numeric_limits<int>::max() ? ">= " + std::to_string(min)
                                                                                  : "in " + std::to_string(min) + ".." + std::to_string(max));
  if (s.empty() || s.size() > 12) Fail(name, value, expected);
  char* end = nullptr;
  errno = 0;
  const long v = std::strtol(s.c_str(), &end, 10);
  if (errno != 0 || *end != '\0' || v < min || v > max) Fail(name, value, expected);
  return static_cast<int>(v);
}

double ParseDoubleOption(std::string_view name, std::string_view value, double min, double max) {
  std::string s(value);
  std::ostringstream expected;
  expected << "a number in " << min << ".." << max;
  if (s.empty() || s.size() > 40) Fail(name, value, expected.str());
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  if (errno != 0 || *end != '\0' || !std::isfinite(v) || v < min || v > max) Fail(name, value, expected.str());
  return v;
}

TraceOptions ParseTraceOptions(const std::vector<std::string>& args, std::vector<std::string>* rest) {
  TraceOptions o;
  Request& r = o.request;
  bool kv_given = false;
  bool text_given = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string name = args[i];
    std::optional<std::string> inline_value;
    if (name.rfind("--", 0) == 0) {
      const auto eq = name.find('=');
      if (eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
    }
    auto value = [&]() -> std::string {
      if (inline_value) return *inline_value;
      if (i + 1 >= args.size()) throw UsageError(PrintableArg(name) + ": needs a value (see --help)");
      return args[++i];
    };
    auto flag = [&]() {
      if (inline_value) throw UsageError(PrintableArg(name) + ": takes no value");
    };
    if (name == "--text") { r.text = value(); text_given = true; }
    else if (name == "--text-file") { r.text = ReadTextFile(value()); text_given = true; }
    else if (name == "--model") {
      r.model = value();
      if (r.model.empty()) Fail(name, r.model, "builtin, random, or a model directory");
    }
    else if (name == "--seed") {
      const std::string v = value();
      char* end = nullptr;
      errno = 0;
      const unsigned long long s = std::strtoull(v.c_str(), &end, 10);
      if (v.empty() || v[0] == '-' || errno != 0 || *end != '\0') Fail(name, v, "an unsigned integer");
      r.seed = s;
    }
    else if (name == "--d-model") { r.d_model = ParseIntOption(name, value(), 1, kMaxDModel); o.d_model_given = true; }
    else if (name == "--heads") { r.heads = ParseIntOption(name, value(), 1, kMaxHeads); o.heads_given = true; }
    else if (name == "--kv-heads") { r.kv_heads = ParseIntOption(name, value(), 1, kMaxHeads); kv_given = true; o.kv_heads_given = true; }
    else if (name == "--layers") r.layers = ParseIntOption(name, value(), 1, kMaxLayers);
    else if (name == "--pe") {
      const std::string v = value();
      const auto p = ParsePositional(v);
      if (!p) Fail(name, v, "none, sinusoidal, rope, alibi or learned");
      r.positional = *p;
      o.pe_given = true;
    }
    else if (name == "--mask") {
      const std::string v = value();
      const auto m = ParseMaskPattern(v);
      if (!m) Fail(name, v, "full, sliding, global-local or block-sparse");
      r.mask.pattern = *m;
    }
    else if (name == "--causal") { flag(); r.mask.causal = true; o.causal_given = true; }
    else if (name == "--no-causal") { flag(); r.mask.causal = false; o.causal_given = true; }
    else if (name == "--window") r.mask.window = ParseIntOption(name, value(), 1, kMaxTokens);
    else if (name == "--block") r.mask.block = ParseIntOption(name, value(), 1, kMaxTokens);
    else if (name == "--globals") {
      const std::string v = value();
      const auto g = ParseGlobalTokens(v);
      if (!g) Fail(name, v, "token indices 0.." + std::to_string(kMaxTokens - 1) + " separated by commas, e.g. 0,5");
      r.mask.globals = *g;
    }
    else if (name == "--no-scale") { flag(); r.scale = false; }
    else if (name == "--temperature") {
      r.temperature = static_cast<float>(ParseDoubleOption(name, value(), kMinTemperature, kMaxTemperature));
    }
    else if (name == "--layer") {
      const std::string v = value();
      o.layer = v == "all" ? -1 : ParseIntOption(name, v, 0, kMaxLayers - 1);
      o.layer_given = true;
    }
    else if (rest) {
      rest->push_back(args[i]);
    } else {
      throw UsageError(PrintableArg(args[i]) + ": unknown option (see --help)");
    }
  }
  if (!kv_given) r.kv_heads = r.heads;
  // A checkpoint's sizes are only known once it is loaded (FitRequestToModel);
  // the engine checks typed sizes against it.
  if (IsCheckpointModel(r.model)) return o;
  if (r.d_model % r.heads != 0)
    throw UsageError("--heads: '" + std::to_string(r.heads) + "' does not divide d_model " + std::to_string(r.d_model) +
                     "; expected a divisor of --d-model");
  if (r.heads % r.kv_heads != 0)
    throw UsageError("--kv-heads: '" + std::to_string(r.kv_heads) + "' does not divide heads " + std::to_string(r.heads) +
                     "; expected a divisor of --heads (" + std::to_string(r.heads) + " query heads share them equally)");
  if (r.positional == Positional::Rope && (r.d_model / r.heads) % 2 != 0)
    throw UsageError("--pe: 'rope' is not allowed with d_k = " + std::to_string(r.d_model / r.heads) +
                     "; expected an even head dimension (RoPE rotates pairs)");
  (void)text_given;
  return o;
}

bool IsCheckpointModel(std::string_view model) { return model != "builtin" && model != "random"; }

void FitRequestToModel(const ModelShape& shape, TraceOptions* o) {
  Request& r = o->request;
  if (!o->d_model_given) r.d_model = shape.d_model;
  if (!o->heads_given) r.heads = shape.heads;
  if (!o->kv_heads_given) r.kv_heads = shape.kv_heads;
  if (!o->pe_given && shape.positional) r.positional = *shape.positional;
  if (!o->causal_given && shape.causal) r.mask.causal = true;
}

TracePtr TraceForOptions(TraceOptions* o) {
  if (!IsCheckpointModel(o->request.model)) return RunTrace(o->request);
  ModelPtr source = MakeModel(o->request);
  FitRequestToModel(source->Shape(), o);
  return RunTraceWith(o->request, std::move(source));
}

std::string TraceOptionsHelp() {
  return
      "  --text TEXT          the sentence (default: an example sentence)\n"
      "  --text-file FILE     read the text from FILE ('-' for standard input)\n"
      "  --model NAME|DIR     builtin (hand-designed heads, default), random, a GPT-2 checkpoint\n"
      "                       directory (config.json, model.safetensors, vocab.json, merges.txt),\n"
      "                       or a model name in the Hugging Face cache (gpt2, distilgpt2, ...)\n"
      "  --seed S             seed of the random model (default 1)\n"
      "  --d-model D          model width, random model only (default 64, 1..1024)\n"
      "  --heads H            query heads, random model only; must divide d-model (default 8)\n"
      "  --kv-heads G         key/value heads for grouped-query attention; must divide heads (default: heads)\n"
      "  --layers L           layers of the random model (default 1, 1..48)\n"
      "  --pe KIND            none | sinusoidal (default) | rope | alibi\n"
      "  --mask PATTERN       full (default) | sliding | global-local | block-sparse\n"
      "  --causal, --no-causal  AND the pattern with j <= i (default: no)\n"
      "  --window W           sliding / global-local window, >= 1 (default 3)\n"
      "  --globals I,J,...    global tokens for global-local (default 0; 'none' for none)\n"
      "  --block B            block size for block-sparse, >= 1 (default 4)\n"
      "  --no-scale           do not divide scores by sqrt(d_k)\n"
      "  --temperature T      divide logits by T, 0.01..100 (default 1)\n"
      "  --layer L|all        which layer to output (default all)\n";
}

}  // namespace attnviz
