// The shared command-line parser (core/cli/options.h) on arbitrary argument
// lists: the input is split on NUL into arguments. Usage errors must be one
// line. When the options are accepted and describe a small trace, the engine
// runs it: no exception but InputError, and no NaN or infinity in any weight,
// logit or output (SPEC.md: none ever reaches a view).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/cli/options.h"
#include "core/engine.h"
#include "core/types.h"
#include "fuzz_invariant.h"

namespace {

bool AllFinite(const attnviz::Mat& m) { return m.size() == 0 || m.allFinite(); }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args;
  std::string cur;
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == 0) {
      args.push_back(cur);
      cur.clear();
    } else {
      cur += static_cast<char>(data[i]);
    }
  }
  args.push_back(cur);
  // --text-file reads a path (or standard input, "-"): not what this harness
  // explores, and a fuzzer-made path could name a device that never ends.
  for (const std::string& a : args) {
    if (a.rfind("--text-file", 0) == 0) return 0;
  }
  attnviz::TraceOptions o;
  try {
    std::vector<std::string> rest;
    o = attnviz::ParseTraceOptions(args, &rest);
    o = attnviz::ParseTraceOptions(args, nullptr);  // strict: unknown options are errors
  } catch (const attnviz::UsageError& e) {
    const std::string_view msg = e.what();
    FUZZ_CHECK(!msg.empty() && msg.find('\n') == std::string_view::npos);
    return 0;
  }
  // Keep each run fast: only small traces go to the engine.
  const attnviz::Request& r = o.request;
  if (r.text.size() > 200 || r.d_model > 64 || r.layers > 2 || (r.model != "random" && r.model != "builtin")) return 0;
  try {
    const attnviz::TracePtr t = attnviz::RunTrace(r);
    for (int li = 0; li < static_cast<int>(t->layers.size()); ++li) {
      const attnviz::LayerTrace& l = t->layers[li];
      FUZZ_CHECK(AllFinite(l.input) && AllFinite(l.output) && AllFinite(l.concat));
      for (int h = 0; h < static_cast<int>(l.heads.size()); ++h) {
        using attnviz::HeadMatrix;
        FUZZ_CHECK(AllFinite(l.heads[h].Q) && AllFinite(l.heads[h].output));
        for (HeadMatrix m : {HeadMatrix::Scores, HeadMatrix::Bias, HeadMatrix::Logits, HeadMatrix::Weights})
          FUZZ_CHECK(AllFinite(*t->Matrix(li, h, m)));
      }
    }
  } catch (const attnviz::InputError& e) {
    const std::string_view msg = e.what();
    FUZZ_CHECK(!msg.empty() && msg.find('\n') == std::string_view::npos);
  }
  return 0;
}
