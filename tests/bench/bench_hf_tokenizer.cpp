// Google Benchmark: tokenizer.json tokenizers on a 300-word English text (the
// README's figure) and loading the files, one thread. The real files are the
// committed test data (tests/data/tokenizers/*.tokenizer.json.xz, decompressed
// once with xz -dc). Run: build/tests/bench/bench_hf_tokenizer
// Counters: tokens/s is the text's tokens (BOS included) per second of Tokenize.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "core/text/hf_tokenizer.h"

namespace {

std::string ReadXz(const std::string& name) {
  const std::string cmd = "xz -dc '" ATTNVIZ_TEST_DATA_DIR "/tokenizers/" + name + ".tokenizer.json.xz'";
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  std::string out;
  char buf[1 << 16];
  std::size_t n;
  while (p && (n = std::fread(buf, 1, sizeof buf, p.get())) > 0) out.append(buf, n);
  return out;
}

const std::string& Json(const std::string& name) {
  static std::map<std::string, std::string> cache;
  auto& s = cache[name];
  if (s.empty()) s = ReadXz(name);
  return s;
}

const attnviz::HfTokenizer& Tokenizer(const std::string& name) {
  static std::map<std::string, std::unique_ptr<attnviz::HfTokenizer>> cache;
  auto& t = cache[name];
  if (!t) t = std::make_unique<attnviz::HfTokenizer>(attnviz::HfTokenizer::FromJson(Json(name), "", name));
  return *t;
}

// 300 words of ordinary English prose with punctuation, numbers and a few
// non-ASCII characters.
std::string ThreeHundredWords() {
  const std::string para =
      "The llama is a domesticated South American camelid, widely used as a meat and pack animal by Andean "
      "cultures since the pre-Columbian era. Llamas are social animals and live with others as a herd. Their wool "
      "is soft and contains only a small amount of lanolin. Llamas can learn simple tasks after a few repetitions. "
      "When using a pack, they can carry about 25 to 30% of their body weight for 8 to 13 km (5-8 miles). The name "
      "llama was adopted by European settlers from native Peruvians. The ancestors of llamas are thought to have "
      "originated from the Great Plains of North America about 40 million years ago, and subsequently migrated to "
      "South America about three million years ago during the Great American Interchange. By the end of the last "
      "ice age, camelids were extinct in North America. As of 2007, there were over seven million llamas and "
      "alpacas in South America and over 158,000 llamas in the United States and Canada. In Aymara mythology, "
      "llamas are important beings; the Heavenly Llama is said to drink water from the ocean. Caf\u00e9 owners in "
      "M\u00fcnchen and S\u00e3o Paulo sometimes keep one as a mascot, which children adore. ";
  std::string text;
  int words = 0;
  std::size_t i = 0;
  while (words < 300) {
    const std::size_t sp = para.find(' ', i);
    text += para.substr(i, sp - i + 1);
    ++words;
    i = sp + 1 >= para.size() ? 0 : sp + 1;
  }
  return text;
}

void BM_Tokenize(benchmark::State& state, const std::string& name) {
  const attnviz::HfTokenizer& t = Tokenizer(name);
  const std::string text = ThreeHundredWords();
  std::size_t tokens = 0;
  for (auto _ : state) {
    const auto out = t.Tokenize(text);
    tokens += out.size();
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["tokens/s"] = benchmark::Counter(static_cast<double>(tokens), benchmark::Counter::kIsRate);
  state.counters["tokens"] = static_cast<double>(tokens) / static_cast<double>(state.iterations());
}

void BM_Load(benchmark::State& state, const std::string& name) {
  const std::string& json = Json(name);
  for (auto _ : state) {
    attnviz::HfTokenizer t = attnviz::HfTokenizer::FromJson(json, "", name);
    benchmark::DoNotOptimize(t.VocabSize());
  }
  state.counters["MB"] = static_cast<double>(json.size()) / 1e6;
}

BENCHMARK_CAPTURE(BM_Tokenize, qwen2_5, std::string("qwen2_5"))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Tokenize, mistral, std::string("mistral"))->Unit(benchmark::kMicrosecond);
BENCHMARK_CAPTURE(BM_Load, qwen2_5, std::string("qwen2_5"))->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK_CAPTURE(BM_Load, mistral, std::string("mistral"))->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
