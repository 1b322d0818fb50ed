// attnviz bench: how fast attention runs here, against the FMA peak of this
// machine (SPEC.md "attnviz bench --format json"). Synthetic heads by default;
// `--model DIR` (a loaded model's whole forward pass) is its own function.
#include <cstdio>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "app/commands.h"
#include "core/bench/attention_bench.h"
#include "core/cli/options.h"

namespace attnviz::app {
namespace {

constexpr int kMaxBenchTokens = 16384;
constexpr int kMaxReferenceTokens = 8192;  // the straightforward path keeps N x N floats per head (256 MiB at 8192)

struct BenchArgs {
  std::vector<BenchImpl> impls = {BenchImpl::Tiled};
  std::vector<int> ns = {1024};
  std::vector<MaskPattern> masks = {MaskPattern::Full};
  std::vector<int> threads = {1};
  AttentionBenchConfig base;    // d, heads, runs, causal, window, globals, block, isa, tiles
  bool json = false;
  std::string model;            // --model DIR
};

void PrintBenchHelp() {
  std::printf(
      "Usage: attnviz bench [options]\n"
      "Times one layer's attention outputs for H heads of N tokens and compares the speed with\n"
      "the fp32 FMA peak measured on this machine for the same number of threads. GFLOP/s count\n"
      "4 d flops for every (query, key) pair the mask allows. One warm-up run, then --runs timed\n"
      "runs; median and minimum. Lists (a,b,...) run every combination, one result each.\n\n"
      "Options:\n"
      "  --impl LIST          tiled (the kernel, default) | reference (straightforward Eigen:\n"
      "                       N x N scores per head, mask, row softmax, P V)\n"
      "  --n LIST             tokens, 1..%d (reference: ..%d; default 1024)\n"
      "  --d D                head dimension d_k = d_v, 1..1024 (default 64)\n"
      "  --heads H            heads, 1..64 (default 1)\n"
      "  --mask LIST          full (default) | sliding | global-local | block-sparse\n"
      "  --causal, --no-causal  AND the pattern with j <= i (default: no)\n"
      "  --window W           sliding / global-local window, 1..%d (default 3)\n"
      "  --globals I,J,...    global tokens for global-local (default 0; 'none' for none)\n"
      "  --block B            block size for block-sparse, 1..%d (default 4)\n"
      "  --threads LIST       threads, 1..256 (default 1)\n"
      "  --runs R             timed runs, 1..1000 (default 5)\n"
      "  --kernel PATH        auto (default) | avx512 | avx2 | portable: the kernel's instruction\n"
      "                       set (also $ATTNVIZ_KERNEL); a path this CPU lacks falls back to the best\n"
      "  --tile-q Q, --tile-k K  the kernel's tile (default %d x %d; K rounds up to 64)\n"
      "  --format json        one JSON object per result and line (default: a table)\n",
      kMaxBenchTokens, kMaxReferenceTokens, kMaxBenchTokens, kMaxBenchTokens, kDefaultTileQ, kDefaultTileK);
}

// Splits "a,b,c" and parses each item; an empty item is an error.
template <class T, class Parse>
std::vector<T> ParseList(const std::string& name, const std::string& value, Parse parse) {
  std::vector<T> out;
  std::size_t pos = 0;
  while (pos <= value.size()) {
    const std::size_t comma = std::min(value.find(',', pos), value.size());
    out.push_back(parse(value.substr(pos, comma - pos)));
    pos = comma + 1;
    if (out.size() > 64) throw UsageError(name + ": '" + PrintableArg(value) + "' is not allowed; expected at most 64 values");
  }
  return out;
}

BenchArgs ParseBenchArgs(const std::vector<std::string>& args) {
  BenchArgs a;
  AttentionBenchConfig& c = a.base;
  c.runs = 5;
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
      if (i + 1 >= args.size()) throw UsageError(PrintableArg(name) + ": needs a value (see attnviz bench --help)");
      return args[++i];
    };
    auto flag = [&] {
      if (inline_value) throw UsageError(PrintableArg(name) + ": takes no value");
    };
    if (name == "--impl") {
      a.impls = ParseList<BenchImpl>(name, value(), [&](const std::string& v) {
        if (v == "tiled") return BenchImpl::Tiled;
        if (v == "reference") return BenchImpl::Reference;
        throw UsageError("--impl: '" + PrintableArg(v) + "' is not allowed; expected reference or tiled");
      });
    } else if (name == "--n") {
      a.ns = ParseList<int>(name, value(), [&](const std::string& v) { return ParseIntOption(name, v, 1, kMaxBenchTokens); });
    } else if (name == "--d") {
      c.d = ParseIntOption(name, value(), 1, 1024);
    } else if (name == "--heads") {
      c.heads = ParseIntOption(name, value(), 1, 64);
    } else if (name == "--mask") {
      a.masks = ParseList<MaskPattern>(name, value(), [&](const std::string& v) {
        const auto m = ParseMaskPattern(v);
        if (!m) throw UsageError("--mask: '" + PrintableArg(v) + "' is not allowed; expected full, sliding, global-local or block-sparse");
        return *m;
      });
    } else if (name == "--causal") {
      flag();
      c.mask.causal = true;
    } else if (name == "--no-causal") {
      flag();
      c.mask.causal = false;
    } else if (name == "--window") {
      c.mask.window = ParseIntOption(name, value(), 1, kMaxBenchTokens);
    } else if (name == "--block") {
      c.mask.block = ParseIntOption(name, value(), 1, kMaxBenchTokens);
    } else if (name == "--globals") {
      const std::string v = value();
      c.mask.globals.clear();
      if (v != "none")
        c.mask.globals = ParseList<int>(name, v, [&](const std::string& g) {
          if (g.empty()) throw UsageError("--globals: '" + PrintableArg(v) + "' is not allowed; expected token indices separated by commas, e.g. 0,5");
          return ParseIntOption(name, g, 0, kMaxBenchTokens - 1);
        });
    } else if (name == "--threads") {
      a.threads = ParseList<int>(name, value(), [&](const std::string& v) { return ParseIntOption(name, v, 1, 256); });
    } else if (name == "--runs") {
      c.runs = ParseIntOption(name, value(), 1, 1000);
    } else if (name == "--kernel") {
      const std::string v = value();
      if (v == "auto") c.isa = KernelIsa::Auto;
      else if (v == "avx512") c.isa = KernelIsa::Avx512;
      else if (v == "avx2") c.isa = KernelIsa::Avx2;
      else if (v == "portable") c.isa = KernelIsa::Portable;
      else throw UsageError("--kernel: '" + PrintableArg(v) + "' is not allowed; expected auto, avx512, avx2 or portable");
    } else if (name == "--tile-q") {
      c.tile_q = ParseIntOption(name, value(), 1, kMaxBenchTokens);
    } else if (name == "--tile-k") {
      c.tile_k = ParseIntOption(name, value(), 1, kMaxBenchTokens);
    } else if (name == "--format") {
      const std::string v = value();
      if (v == "json") a.json = true;
      else if (v == "table") a.json = false;
      else throw UsageError("--format: '" + PrintableArg(v) + "' is not allowed; expected json or table");
    } else if (name == "--model") {
      a.model = value();
      if (a.model.empty()) throw UsageError("--model: '' is not allowed; expected a model directory");
    } else {
      throw UsageError(PrintableArg(args[i]) + ": unknown option for attnviz bench (see attnviz bench --help)");
    }
  }
  for (BenchImpl impl : a.impls)
    for (int n : a.ns)
      if (impl == BenchImpl::Reference && n > kMaxReferenceTokens)
        throw UsageError("--n: '" + std::to_string(n) + "' is not allowed with --impl reference; expected 1.." +
                         std::to_string(kMaxReferenceTokens) + " (it keeps N x N matrices per head)");
  return a;
}

nlohmann::ordered_json MaskJson(const MaskSpec& m) {
  nlohmann::ordered_json j;  // as the trace's config.mask (SPEC.md)
  j["pattern"] = std::string(ToString(m.pattern));
  j["causal"] = m.causal;
  j["window"] = m.window;
  j["globals"] = m.globals;
  j["block"] = m.block;
  return j;
}

void PrintJson(const AttentionBenchResult& r) {
  const AttentionBenchConfig& c = r.config;
  nlohmann::ordered_json j;
  j["impl"] = std::string(ToString(c.impl));
  j["n"] = c.n;
  j["d"] = c.d;
  j["heads"] = c.heads;
  j["mask"] = MaskJson(c.mask);
  j["threads"] = c.threads;
  j["runs"] = c.runs;
  j["median_ms"] = r.median_ms;
  j["min_ms"] = r.min_ms;
  j["gflops"] = r.gflops;
  j["peak_gflops"] = r.peak_gflops;
  j["peak_fraction"] = r.peak_fraction;
  std::printf("%s\n", j.dump().c_str());
  std::fflush(stdout);
}

void PrintTableHeader() {
  std::printf("%-9s %-8s %6s %4s %5s  %-30s %7s %4s %10s %10s %9s %8s %6s\n", "impl", "kernel", "n", "d", "heads",
              "mask", "threads", "runs", "median_ms", "min_ms", "GFLOP/s", "peak", "%peak");
}

void PrintTableRow(const AttentionBenchResult& r) {
  const AttentionBenchConfig& c = r.config;
  std::printf("%-9s %-8s %6d %4d %5d  %-30s %7d %4d %10.3f %10.3f %9.1f %8.1f %5.1f%%\n",
              std::string(ToString(c.impl)).c_str(),
              c.impl == BenchImpl::Tiled ? std::string(ToString(r.isa)).c_str() : "eigen", c.n, c.d, c.heads,
              DescribeMask(c.mask).c_str(), c.threads, c.runs, r.median_ms, r.min_ms, r.gflops, r.peak_gflops,
              100.0 * r.peak_fraction);
  std::fflush(stdout);
}

int RunSyntheticBench(const BenchArgs& a) {
  if (!a.json) PrintTableHeader();
  std::map<int, double> peak;  // per thread count, measured once per invocation
  for (int n : a.ns)
    for (MaskPattern pattern : a.masks)
      for (int threads : a.threads)
        for (BenchImpl impl : a.impls) {
          AttentionBenchConfig c = a.base;
          c.impl = impl;
          c.n = n;
          c.mask.pattern = pattern;
          c.threads = threads;
          if (!peak.count(threads)) peak[threads] = MeasureFmaPeakGflops(threads);
          const AttentionBenchResult r = RunAttentionBench(c, peak[threads]);
          peak[threads] = r.peak_gflops;  // the highest seen so far (a shared machine only lowers it)
          if (a.json) PrintJson(r);
          else PrintTableRow(r);
        }
  return 0;
}

// A loaded model's forward pass (SPEC.md "attnviz bench --model DIR"): comes with the GPT-2 loader.
int RunModelBench(const BenchArgs&) {
  std::fprintf(stderr, "attnviz bench: bench --model needs the GPT-2 loader\n");
  return 2;
}

}  // namespace

int RunBenchCommand(const std::vector<std::string>& args) {
  for (const std::string& a : args)
    if (a == "--help" || a == "-h") {
      PrintBenchHelp();
      return 0;
    }
  BenchArgs a;
  try {
    a = ParseBenchArgs(args);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "attnviz bench: %s\n", e.what());
    return 2;
  }
  if (!a.model.empty()) return RunModelBench(a);
  return RunSyntheticBench(a);
}

}  // namespace attnviz::app
