// attnviz bench --model DIR|NAME: the forward pass of a loaded model, timed
// (SPEC.md "attnviz bench --model DIR --format json").
//
// What is timed: a complete forward pass from the text's token ids to the
// next-token probabilities, as the window runs it (RunTraceWith: embeddings,
// every layer's LayerNorm, Q/K/V projections, attention outputs and row
// log-sum-exps of every head, c_proj, MLP, ln_f, logits, softmax, top 10).
// The trace it returns holds every head's Q, K, V, output and log-sum-exp, so
// any head's attention weights are one small product away (Trace::Matrix).
// With --all-maps, a second figure also computes every layer's and head's full
// N x N weights once after the forward pass (what `output_attentions=True`
// returns in transformers), for a like-for-like comparison with PyTorch.
//
// Threads: --threads T restricts the whole process (the engine's pool, the
// MLP, the logits) to T CPUs of its affinity mask, so "1 thread" is one core
// whatever the pool's size.
#include <sched.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <dirent.h>
#include <string>
#include <vector>

#include "app/commands.h"
#include "core/cli/options.h"
#include "core/engine.h"
#include "core/limits.h"
#include "core/linalg/matmul.h"
#include "core/model/model.h"
#include "core/model/model_locator.h"

namespace attnviz::app {
namespace {

// A paragraph to repeat up to --n tokens (our own prose, ordinary English).
constexpr const char* kBenchText =
    "The cat sat on the mat because it was tired. Attention lets each token look back at earlier tokens and "
    "decide which of them matter: a query meets every key, the softmax turns the scores into weights, and the "
    "weights mix the values. In a trained model, one head follows the previous word, another finds the subject "
    "of a verb, and a third copies a name it has seen before. ";

struct BenchModelOptions {
  TraceOptions trace;
  std::vector<int> ns;            // --n 64,256,1024
  std::vector<int> threads;       // --threads 1,2
  int runs = 5;
  int warmup = 1;
  bool all_maps = false;
  bool json = false;
  bool text_given = false;
  std::string dump;               // --dump FILE: token ids and next tokens per text, for tests/bench/torch_gpt2_forward.py
};

std::vector<int> ParseIntList(const std::string& name, const std::string& v, int min, int max) {
  std::vector<int> out;
  std::size_t pos = 0;
  while (pos <= v.size()) {
    const std::size_t comma = std::min(v.find(',', pos), v.size());
    out.push_back(ParseIntOption(name, v.substr(pos, comma - pos), min, max));
    pos = comma + 1;
  }
  return out;
}

BenchModelOptions ParseBenchModelOptions(const std::vector<std::string>& args) {
  BenchModelOptions o;
  std::vector<std::string> rest;
  o.trace = ParseTraceOptions(args, &rest);
  for (const std::string& a : args)
    if (a == "--text" || a.rfind("--text=", 0) == 0 || a == "--text-file" || a.rfind("--text-file=", 0) == 0) o.text_given = true;
  for (std::size_t i = 0; i < rest.size(); ++i) {
    std::string name = rest[i], inline_value;
    bool has_inline = false;
    if (const auto eq = name.find('='); name.rfind("--", 0) == 0 && eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
      has_inline = true;
    }
    auto value = [&]() -> std::string {
      if (has_inline) return inline_value;
      if (i + 1 >= rest.size()) throw UsageError(PrintableArg(name) + ": needs a value (see attnviz bench --help)");
      return rest[++i];
    };
    if (name == "--n") o.ns = ParseIntList(name, value(), 1, kMaxTokens);
    else if (name == "--threads") o.threads = ParseIntList(name, value(), 1, 1024);
    else if (name == "--runs") o.runs = ParseIntOption(name, value(), 1, 1000);
    else if (name == "--warmup") o.warmup = ParseIntOption(name, value(), 0, 100);
    else if (name == "--all-maps") o.all_maps = true;
    else if (name == "--dump") o.dump = value();
    else if (name == "--format") {
      const std::string v = value();
      if (v != "json" && v != "text") throw UsageError("--format: '" + PrintableArg(v) + "' is not allowed; expected json or text");
      o.json = v == "json";
    } else {
      throw UsageError(PrintableArg(rest[i]) + ": unknown option for attnviz bench --model (see attnviz bench --help)");
    }
  }
  if (!IsCheckpointModel(o.trace.request.model))
    throw UsageError("--model: '" + PrintableArg(o.trace.request.model) + "' is not allowed; expected a checkpoint directory or model name");
  if (o.text_given && !o.ns.empty()) throw UsageError("--n: not allowed with --text/--text-file (the text gives the tokens)");
  if (o.ns.empty() && !o.text_given) o.ns = {256};
  return o;
}

// The process's CPUs at start-up, so --threads 2 after --threads 1 can widen again.
std::vector<int> StartupCpus() {
  static const std::vector<int> cpus = [] {
    std::vector<int> out;
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) == 0)
      for (int c = 0; c < CPU_SETSIZE; ++c)
        if (CPU_ISSET(c, &set)) out.push_back(c);
    return out;
  }();
  return cpus;
}

// Every thread of the process (the pool's workers too) onto the first `t` CPUs.
void RestrictToCpus(int t) {
  const std::vector<int> cpus = StartupCpus();
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int i = 0; i < std::min<int>(t, static_cast<int>(cpus.size())); ++i) CPU_SET(cpus[i], &set);
  if (DIR* d = opendir("/proc/self/task")) {
    while (const dirent* e = readdir(d))
      if (e->d_name[0] != '.') sched_setaffinity(std::atoi(e->d_name), sizeof set, &set);
    closedir(d);
  }
  sched_setaffinity(0, sizeof set, &set);
}

// CPU time of the whole process (all threads), user + system, in ms. On a
// shared machine wall time includes waiting for the CPU; CPU time does not.
double ProcessCpuMs() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e3 + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e3;
}

double PeakRssMiB() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

// The longest prefix of the repeated paragraph that is exactly n tokens.
// Tokens never cross a pre-tokenizer piece, so cutting after a token that ends
// a piece keeps every earlier token; the loop tries the next cut when the
// n-th token ends inside a piece.
std::string TextOfTokens(const Model& source, int n) {
  std::string text;
  while (static_cast<int>(source.Tokenize(text).size()) < n + 64) text += kBenchText;
  const std::vector<Token> tokens = source.Tokenize(text);
  for (int k = n; k < static_cast<int>(tokens.size()); ++k) {
    const std::string cut = text.substr(0, tokens[k - 1].end);
    if (static_cast<int>(source.Tokenize(cut).size()) == n) return cut;
  }
  throw InputError("cannot cut the built-in text at exactly " + std::to_string(n) + " tokens; use --text-file");
}

std::string EscapeForJson(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') { out += '\\'; out += static_cast<char>(c); }
    else if (c < 0x20) { char b[8]; std::snprintf(b, sizeof b, "\\u%04x", c); out += b; }
    else out += static_cast<char>(c);
  }
  return out;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t m = v.size() / 2;
  return v.size() % 2 ? v[m] : 0.5 * (v[m - 1] + v[m]);
}

void PrintHelp() {
  std::printf(
      "Usage: attnviz bench --model DIR|NAME [--n N[,N...]] [--threads T[,T...]] [--runs R] [--warmup W]\n"
      "                     [--all-maps] [--format json|text] [trace options]\n"
      "Times a loaded model's complete forward pass, from token ids to next-token probabilities,\n"
      "leaving every layer's and head's attention available to the window (SPEC.md).\n\n"
      "  --n N,...          repeat a built-in paragraph to exactly N tokens (default 256)\n"
      "  --text, --text-file  time this text instead (its own tokens)\n"
      "  --threads T,...    CPUs the process may use (default: all)\n"
      "  --runs R           timed runs per configuration (default 5); the median and minimum are printed\n"
      "  --warmup W         untimed runs first (default 1)\n"
      "  --all-maps         also time the forward pass plus every head's N x N weights computed once\n"
      "  --dump FILE        write each text's token ids and next tokens (JSON lines), for comparing with\n"
      "                     another implementation (tests/bench/torch_gpt2_forward.py)\n"
      "  --format json      one JSON object per configuration: {\"impl\": \"model\", \"model\", \"n\", \"layers\",\n"
      "                     \"heads\", \"threads\", \"runs\", \"median_ms\", \"min_ms\", \"peak_rss_mib\", ...}\n"
      "cpu_median_ms is the process's CPU time (all threads) per forward pass: on a shared machine,\n"
      "wall time includes waiting for a CPU and CPU time does not.\n"
      "peak_rss_mib is the process's peak resident memory so far (getrusage), model included.\n");
}

}  // namespace

bool IsBenchModelInvocation(const std::vector<std::string>& args) {
  for (const std::string& a : args)
    if (a == "--model" || a.rfind("--model=", 0) == 0) return true;
  return false;
}

int RunBenchModelCommand(const std::vector<std::string>& args) {
  for (const std::string& a : args)
    if (a == "--help" || a == "-h") {
      PrintHelp();
      return 0;
    }
  BenchModelOptions o;
  try {
    o = ParseBenchModelOptions(args);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "attnviz bench: %s\n", e.what());
    return 2;
  }
  try {
    StartupCpus();
    const LocatedModel located = LocateModel(o.trace.request.model);
    const auto t0 = std::chrono::steady_clock::now();
    const ModelPtr model = LoadCheckpoint(located.directory, located.name);
    const double load_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    FitRequestToModel(model->Shape(), &o.trace);
    if (o.threads.empty()) o.threads = {static_cast<int>(StartupCpus().size())};
    const ModelShape shape = model->Shape();
    if (!o.json) {
      std::printf("%s: %d layers x %d heads, d_model %d, %s on disk, %.0f MiB of float32 weights, loaded in %.0f ms; "
                  "dense products: %s\n",
                  shape.name.c_str(), shape.layers, shape.heads, shape.d_model, model->StoredDtype().c_str(),
                  model->WeightBytes() / 1048576.0, load_ms, DenseProductPath());
    }
    std::vector<std::string> texts;
    if (o.text_given) texts.push_back(o.trace.request.text);
    for (int n : o.ns) {
      if (n > shape.max_positions)
        throw InputError("--n " + std::to_string(n) + " is more than " + shape.name + " reads (n_positions " +
                         std::to_string(shape.max_positions) + ")");
      texts.push_back(TextOfTokens(*model, n));
    }
    std::FILE* dump = nullptr;
    if (!o.dump.empty() && !(dump = std::fopen(o.dump.c_str(), "w")))
      throw InputError("--dump: cannot write '" + o.dump + "'");
    for (const std::string& text : texts) {
      if (dump) {
        Request r = o.trace.request;
        r.text = text;
        const TracePtr t = RunTraceWith(r, model);
        std::fprintf(dump, "{\"n\": %d, \"ids\": [", t->n());
        for (int i = 0; i < t->n(); ++i) std::fprintf(dump, "%s%d", i ? ", " : "", t->tokens[i].id);
        std::fprintf(dump, "], \"next_token\": [");
        for (std::size_t k = 0; k < t->next_token.size(); ++k)
          std::fprintf(dump, "%s{\"id\": %d, \"prob\": %.9g}", k ? ", " : "", t->next_token[k].id, t->next_token[k].prob);
        std::fprintf(dump, "]}\n");
      }
      for (int threads : o.threads) {
        RestrictToCpus(threads);
        model->SetThreads(threads);
        Request r = o.trace.request;
        r.text = text;
        std::vector<double> forward_ms, maps_ms, cpu_ms;
        int n = 0;
        for (int run = 0; run < o.warmup + o.runs; ++run) {
          const double cpu0 = ProcessCpuMs();
          const auto a = std::chrono::steady_clock::now();
          const TracePtr t = RunTraceWith(r, model);
          const auto b = std::chrono::steady_clock::now();
          const double cpu1 = ProcessCpuMs();
          n = t->n();
          if (o.all_maps) {
            // Every head's weights once, row block by row block into one
            // scratch buffer (kept maps would be 144 x N^2 floats; PyTorch
            // keeps them, we only need each to exist once).
            std::vector<float> rows(static_cast<std::size_t>(64) * n);
            for (int l = 0; l < static_cast<int>(t->layers.size()); ++l)
              for (int h = 0; h < shape.heads; ++h)
                for (int r0 = 0; r0 < n; r0 += 64)
                  t->MatrixRows(l, h, HeadMatrix::Weights, r0, std::min(64, n - r0), rows.data());
          }
          const auto c = std::chrono::steady_clock::now();
          if (run < o.warmup) continue;
          forward_ms.push_back(std::chrono::duration<double, std::milli>(b - a).count());
          cpu_ms.push_back(cpu1 - cpu0);
          maps_ms.push_back(std::chrono::duration<double, std::milli>(c - a).count());
        }
        const double med = Median(forward_ms), mn = *std::min_element(forward_ms.begin(), forward_ms.end());
        if (o.json) {
          std::printf("{\"impl\": \"model\", \"model\": \"%s\", \"n\": %d, \"layers\": %d, \"heads\": %d, \"threads\": %d, "
                      "\"runs\": %d, \"median_ms\": %.2f, \"min_ms\": %.2f",
                      EscapeForJson(shape.name).c_str(), n, shape.layers, shape.heads, threads, o.runs, med, mn);
          std::printf(", \"cpu_median_ms\": %.2f", Median(cpu_ms));
          if (o.all_maps) std::printf(", \"all_maps_median_ms\": %.2f", Median(maps_ms));
          std::printf(", \"peak_rss_mib\": %.1f, \"load_ms\": %.1f, \"dtype\": \"%s\", \"dense\": \"%s\"}\n", PeakRssMiB(),
                      load_ms, model->StoredDtype().c_str(), DenseProductPath());
        } else {
          std::printf("n %5d  threads %d  forward median %8.1f ms  min %8.1f ms  cpu %8.1f ms", n, threads, med, mn,
                      Median(cpu_ms));
          if (o.all_maps) std::printf("  with all %d maps %8.1f ms", shape.layers * shape.heads, Median(maps_ms));
          std::printf("  peak RSS %.0f MiB\n", PeakRssMiB());
        }
        std::fflush(stdout);
      }
    }
    RestrictToCpus(static_cast<int>(StartupCpus().size()));
    if (dump && std::fclose(dump) != 0) throw InputError("--dump: cannot write '" + o.dump + "'");
  } catch (const InputError& e) {
    std::fprintf(stderr, "attnviz bench: %s\n", e.what());
    return 2;
  }
  return 0;
}

}  // namespace attnviz::app
