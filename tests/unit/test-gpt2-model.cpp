// GPT-2 checkpoints (core/model/gpt2_model.h), without downloading one: the
// tests write a tiny random GPT-2 (2 layers, 4 heads, d_model 32, the 296-token
// vocabulary of tests/data/gpt2) in the real file formats with
// tests/support/gpt2_checkpoint_writer.h, load it through the same path as
// `--model DIR`, and compare the engine with an independent forward pass
// written below with plain loops in double precision.
//
// Index
//   [SECTION] A tiny checkpoint on disk
//   [SECTION] Reference forward pass (double, plain loops)
//   [SECTION] Forward pass against the reference
//   [SECTION] Weights are shared
//   [SECTION] Corrupt and missing files
//   [SECTION] Models by name (Hugging Face cache)
//   [SECTION] Command line
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <numeric>
#include <optional>
#include <sstream>
#include <unistd.h>

#include "core/cli/options.h"
#include "core/engine.h"
#include "core/linalg/matmul.h"
#include "core/model/gpt2_model.h"
#include "core/model/model_locator.h"
#include "core/model/model.h"
#include "core/text/bpe.h"
#include "tests/support/gpt2_checkpoint_writer.h"
#include "tests/support/gpt2_reference.h"
#include "tests/unit/process.h"

using namespace attnviz;
using namespace attnviz::test;
namespace fs = std::filesystem;

namespace {

// [SECTION] A tiny checkpoint on disk

struct ScratchDir {
  fs::path path;
  ScratchDir() {
    char tmpl[] = "/tmp/attnviz-gpt2-test-XXXXXX";
    path = mkdtemp(tmpl);
  }
  ~ScratchDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  std::string operator/(const std::string& name) const { return (path / name).string(); }
  std::string str() const { return path.string(); }
};

std::string DataFile(const std::string& name) {
  return ReadWhole(std::string(ATTNVIZ_TEST_DATA_DIR) + "/gpt2/" + name);
}

Gpt2Sizes TinySizes() {
  Gpt2Sizes s;
  s.n_embd = 32;
  s.n_head = 4;
  s.n_layer = 2;
  s.n_positions = 64;
  s.vocab_size = 296;  // tests/data/gpt2/tiny_vocab.json
  return s;
}

// Random weights, rounded to what a `dtype` file holds.
Gpt2Weights TinyWeights(StoreDtype dtype, bool untied_lm_head = false, std::uint64_t seed = 7) {
  Gpt2Weights w = RandomGpt2Weights(TinySizes(), seed, WeightScale::kTestScale, untied_lm_head);
  RoundWeightsTo(&w, dtype);
  return w;
}

void WriteTiny(const std::string& dir, const Gpt2Weights& w, CheckpointOptions o = {}) {
  WriteGpt2Checkpoint(dir, w, DataFile("tiny_vocab.json"), DataFile("tiny_merges.txt"), o);
}

// The request `attnviz trace --model DIR --text TEXT` builds.
TracePtr TraceOf(const std::string& dir, const std::string& text) {
  TraceOptions o;
  o.request.model = dir;
  o.request.text = text;
  return TraceForOptions(&o);
}

// [SECTION] Reference forward pass: tests/support/gpt2_reference.h

// The engine's trace against the reference. Tolerance 1e-5 absolute: the
// engine computes in float32 (about 7 digits), the reference in double; the
// difference after two layers of d_model 32 is ~1e-6 and a real mistake (a
// head's columns from the wrong block, a missing bias, the wrong GELU) is
// 1e-2 or more.
void CheckAgainstReference(const Trace& t, const Gpt2Weights& w) {
  std::vector<int> ids;
  for (const Token& tok : t.tokens) ids.push_back(tok.id);
  const Reference ref = ReferenceForward(w, ids);
  const int N = t.n();
  double worst = 0;
  REQUIRE(t.layers.size() == 2);
  for (int l = 0; l < 2; ++l) {
    REQUIRE(t.layers[l].heads.size() == 4);
    for (int h = 0; h < 4; ++h) {
      const MatPtr m = t.Matrix(l, h, HeadMatrix::Weights);
      for (int i = 0; i < N; ++i)
        for (int j = 0; j < N; ++j) worst = std::max(worst, std::abs((*m)(i, j) - ref.weights[l][h][static_cast<std::size_t>(i) * N + j]));
    }
  }
  INFO("largest attention-weight difference " << worst);
  CHECK(worst < 1e-5);
  // Next tokens: the reference's 10 most likely, in order, with their probabilities.
  std::vector<int> order(ref.probs.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](int a, int b) { return ref.probs[a] > ref.probs[b]; });
  REQUIRE(t.next_token.size() == 10);
  for (int k = 0; k < 10; ++k) {
    INFO("rank " << k);
    CHECK(t.next_token[k].id == order[k]);
    CHECK(std::abs(t.next_token[k].prob - ref.probs[order[k]]) < 1e-5);
  }
}

const char* kSentence = "Hello world, the cat sat. He don't\nknow caf\xC3\xA9 123!";

}  // namespace

// [SECTION] Forward pass against the reference

TEST_CASE("GPT-2: F32 checkpoint matches the double-precision reference at every head and at the next token", "[gpt2]") {
  ScratchDir dir;
  const Gpt2Weights w = TinyWeights(StoreDtype::F32);
  WriteTiny(dir.str(), w);
  const TracePtr t = TraceOf(dir.str(), kSentence);
  CHECK(t->n() > 10);
  CHECK(t->config.positional == Positional::Learned);
  CHECK(t->config.mask.causal);
  CHECK(t->config.mask.pattern == MaskPattern::Full);
  CHECK(t->config.model == dir.str());
  CHECK(t->notes.empty());
  CheckAgainstReference(*t, w);
}

TEST_CASE("GPT-2: F16 and BF16 checkpoints match the reference computed on their widened values", "[gpt2]") {
  for (StoreDtype d : {StoreDtype::F16, StoreDtype::BF16}) {
    INFO(DtypeName(d));
    ScratchDir dir;
    const Gpt2Weights w = TinyWeights(d);
    CheckpointOptions o;
    o.dtype = d;
    WriteTiny(dir.str(), w, o);
    const auto model = Gpt2Model::Load(dir.str(), "tiny");
    CHECK(model->StoredDtype() == DtypeName(d));
    CheckAgainstReference(*TraceOf(dir.str(), kSentence), w);
  }
}

TEST_CASE("GPT-2: 'transformer.' names, no attn.bias buffers and an untied lm_head all load", "[gpt2]") {
  ScratchDir dir;
  const Gpt2Weights w = TinyWeights(StoreDtype::F32, /*untied_lm_head=*/true);
  CheckpointOptions o;
  o.transformer_prefix = true;
  o.attn_bias_buffers = false;
  WriteTiny(dir.str(), w, o);
  // The untied head really is used: the reference reads lm_head.weight (random,
  // unlike wte), so a loader that tied it would miss every probability.
  CheckAgainstReference(*TraceOf(dir.str(), kSentence), w);
}

TEST_CASE("GPT-2: the model's shape, tokens and next-token texts", "[gpt2]") {
  ScratchDir dir;
  WriteTiny(dir.str(), TinyWeights(StoreDtype::F32));
  const auto m = Gpt2Model::Load(dir.str(), "tiny");
  const ModelShape s = m->Shape();
  CHECK(s.d_model == 32);
  CHECK(s.heads == 4);
  CHECK(s.kv_heads == 4);
  CHECK(s.d_k == 8);
  CHECK(s.layers == 2);
  CHECK(s.causal);
  CHECK(s.has_learned_positions());
  CHECK(s.vocab_size == 296);
  CHECK(s.max_positions == 64);
  // 296 x 32 wte + 64 x 32 wpe + 2 x (12 x 32^2 + 13 x 32) + 2 x 32, in float32.
  CHECK(m->WeightBytes() == (296 * 32 + 64 * 32 + 2 * (12 * 32 * 32 + 13 * 32) + 2 * 32) * sizeof(float));
  const std::vector<Token> tokens = m->Tokenize("Hello world");
  REQUIRE(tokens.size() == 2);
  CHECK(m->Tokenizer().Symbol(tokens[1].id) == "\xC4\xA0world");  // "Ġworld"
  // The distribution sums to 1, and each next-token text is its id's bytes.
  const TracePtr t = TraceOf(dir.str(), "Hello world");
  for (const NextToken& nt : t->next_token) CHECK(nt.text == m->Tokenizer().DecodeBytes(nt.id));
  for (std::size_t k = 1; k < t->next_token.size(); ++k) CHECK(t->next_token[k - 1].prob >= t->next_token[k].prob);
}

TEST_CASE("GPT-2: every supported dense-product path equals a plain loop", "[gpt2]") {
  // MatMul (each ISA path the CPU has, accumulate or not, leading dimensions
  // wider than the block, sizes that are not multiples of the kernels' tiles
  // and cross Eigen's cache blocks) and GELU against double loops.
  // Tolerance: float32 sums of up to 300 products of N(0,1) terms, whose
  // rounding error is ~1e-5 relative to the sum's magnitude (~17).
  struct Size { int m, n, k, lda, ldb, ldc; };
  for (const Size sz : {Size{37, 29, 70, 75, 33, 31}, Size{19, 600, 300, 301, 640, 610}, Size{8, 32, 256, 256, 32, 32}}) {
    const auto [m, n, k, lda, ldb, ldc] = sz;
    TestRng rng{3};
    std::vector<float> A(m * lda), B(k * ldb), C0(m * ldc);
    for (float& v : A) v = rng.Normal();
    for (float& v : B) v = rng.Normal();
    for (float& v : C0) v = rng.Normal();
    for (MatMulIsa isa : {MatMulIsa::Generic, MatMulIsa::Avx2Fma}) {
      if (!CpuSupports(isa)) continue;
      INFO(ToString(isa) << " m " << m << " n " << n << " k " << k);
      for (bool acc : {false, true}) {
        std::vector<float> C = C0;
        MatMulWith(isa, m, n, k, A.data(), lda, B.data(), ldb, C.data(), ldc, acc);
        double worst = 0;
        for (int i = 0; i < m; ++i)
          for (int j = 0; j < n; ++j) {
            double s = acc ? C0[i * ldc + j] : 0.0;
            for (int p = 0; p < k; ++p) s += static_cast<double>(A[i * lda + p]) * B[p * ldb + j];
            worst = std::max(worst, std::abs(C[i * ldc + j] - s));
          }
        CHECK(worst < 2e-4);
        for (int i = 0; i < m; ++i)
          for (int j = n; j < ldc; ++j) CHECK(C[i * ldc + j] == C0[i * ldc + j]);  // columns past n untouched
      }
    }
  }
  for (MatMulIsa isa : {MatMulIsa::Generic, MatMulIsa::Avx2Fma}) {
    if (!CpuSupports(isa)) continue;
    std::vector<float> x(1000);
    for (std::size_t i = 0; i < x.size(); ++i) x[i] = -8.0f + 16.0f * static_cast<float>(i) / 999.0f;
    std::vector<float> g = x;
    GeluTanhInPlaceWith(isa, g.data(), static_cast<long>(g.size()));
    double worst = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const double v = x[i];
      worst = std::max(worst, std::abs(g[i] - 0.5 * v * (1 + std::tanh(std::sqrt(2 / M_PI) * (v + 0.044715 * v * v * v)))));
    }
    CHECK(worst < 1e-5);
  }
}

// [SECTION] Weights are shared

TEST_CASE("GPT-2: traces point at the model's weights instead of copying them", "[gpt2]") {
  ScratchDir dir;
  WriteTiny(dir.str(), TinyWeights(StoreDtype::F32));
  ModelPtr source = Gpt2Model::Load(dir.str(), "tiny");
  TraceOptions o;
  o.request.model = dir.str();
  FitRequestToModel(source->Shape(), &o);
  o.request.text = "Hello world";
  const TracePtr a = RunTraceWith(o.request, source);
  o.request.text = "the cat";
  const TracePtr b = RunTraceWith(o.request, source);
  for (int l = 0; l < 2; ++l) {
    CHECK(a->layers[l].weights.get() == source->Layer(l).get());
    CHECK(b->layers[l].weights.get() == source->Layer(l).get());
  }
  // The engine caches the loaded model across requests with the same --model.
  Engine engine;
  Request r = o.request;
  CHECK(engine.ModelFor(r).get() == engine.ModelFor(r).get());
}

// [SECTION] Corrupt and missing files

namespace {

// The message loading `dir` gives ("" when it loads).
std::string LoadError(const std::string& dir) {
  try {
    Gpt2Model::Load(dir, "tiny");
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

void Rename(std::vector<FileTensor>& ts, const std::string& from, const std::string& to) {
  for (FileTensor& t : ts)
    if (t.name == from) t.name = to;
}

FileTensor& Find(std::vector<FileTensor>& ts, const std::string& name) {
  for (FileTensor& t : ts)
    if (t.name == name) return t;
  throw std::runtime_error("no " + name);
}

}  // namespace

TEST_CASE("GPT-2: each corrupt checkpoint gives one message naming the file and the problem", "[gpt2][bad-input]") {
  struct Case {
    const char* what;
    std::function<void(std::vector<FileTensor>&)> edit;
    std::string file, message;
  };
  const std::vector<Case> cases = {
      {"missing tensor", [](auto& ts) { Rename(ts, "h.1.mlp.c_fc.bias", "h.1.mlp.c_fc.bias_renamed"); },
       "model.safetensors", "tensor 'h.1.mlp.c_fc.bias' is missing"},
      {"wrong shape",
       [](auto& ts) {
         FileTensor& t = Find(ts, "h.0.attn.c_attn.weight");
         t.shape = {96, 32};  // transposed (a Linear layout, not Conv1D)
       },
       "model.safetensors", "tensor 'h.0.attn.c_attn.weight' has shape [96, 32]"},
      {"integer dtype", [](auto& ts) { Find(ts, "ln_f.bias").dtype = "I32"; }, "model.safetensors",
       "tensor 'ln_f.bias' has dtype I32; expected F32, F16 or BF16"},
      {"NaN", [](auto& ts) {
         FileTensor& t = Find(ts, "h.1.ln_2.weight");
         const float nan = NAN;
         std::memcpy(t.bytes.data() + 4 * 5, &nan, 4);
       },
       "model.safetensors", "tensor 'h.1.ln_2.weight': element 5 is NaN"},
      {"lm_head of the wrong shape",
       [](auto& ts) {
         FileTensor t = Find(ts, "wte.weight");
         t.name = "lm_head.weight";
         t.shape = {32, 296};
         ts.push_back(t);
       },
       "model.safetensors", "tensor 'lm_head.weight' has shape [32, 296]"},
      {"wpe shorter than n_positions", [](auto& ts) {
         FileTensor& t = Find(ts, "wpe.weight");
         t.shape = {32, 32};
         t.bytes.resize(32 * 32 * 4);
       },
       "model.safetensors", "tensor 'wpe.weight' has shape [32, 32]"},
      {"not GPT-2 at all", [](auto& ts) { ts.resize(2); ts[0].name = "encoder.weight"; ts[1].name = "decoder.weight"; },
       "model.safetensors", "no tensor 'wte.weight'"},
  };
  for (const Case& c : cases) {
    INFO(c.what);
    ScratchDir dir;
    CheckpointOptions o;
    o.edit = c.edit;
    WriteTiny(dir.str(), TinyWeights(StoreDtype::F32), o);
    const std::string err = LoadError(dir.str());
    CHECK_THAT(err, Catch::Contains(dir / c.file) && Catch::Contains(c.message));
    CHECK(err.find('\n') == std::string::npos);
  }
}

TEST_CASE("GPT-2: truncated, garbage and inconsistent files are refused before their data is read", "[gpt2][bad-input]") {
  ScratchDir dir;
  WriteTiny(dir.str(), TinyWeights(StoreDtype::F32));
  const std::string good = ReadWhole(dir / "model.safetensors");
  // Truncated download: the header promises more data than the file has.
  WriteTextFile(dir / "model.safetensors", good.substr(0, good.size() - 100));
  CHECK_THAT(LoadError(dir.str()), Catch::Contains(dir / "model.safetensors") && Catch::Contains("truncated"));
  WriteTextFile(dir / "model.safetensors", "");
  CHECK_THAT(LoadError(dir.str()), Catch::Contains(dir / "model.safetensors") && Catch::Contains("too short"));
  WriteTextFile(dir / "model.safetensors", good);
  // Bad JSON in config.json.
  const std::string config = ReadWhole(dir / "config.json");
  WriteTextFile(dir / "config.json", "{\"n_embd\": 32, \"n_head\": 4,");
  CHECK_THAT(LoadError(dir.str()), Catch::Contains(dir / "config.json") && Catch::Contains("not valid JSON"));
  // A config that disagrees with the weights: named by tensor and by the config's sizes.
  Gpt2Sizes wide = TinySizes();
  wide.n_embd = 64;
  WriteTextFile(dir / "config.json", Gpt2ConfigJson(wide));
  CHECK_THAT(LoadError(dir.str()), Catch::Contains("has shape [296, 32]") && Catch::Contains("n_embd 64"));
  // A model larger than attnviz's limits says so, naming the limit.
  Gpt2Sizes xl = TinySizes();
  xl.n_embd = 1600;
  xl.n_head = 25;
  xl.n_layer = 48;
  WriteTextFile(dir / "config.json", Gpt2ConfigJson(xl));
  CHECK_THAT(LoadError(dir.str()), Catch::Contains("n_embd 1600 is more than attnviz traces (at most 1024"));
  // A vocabulary bigger than the embedding.
  Gpt2Sizes small_vocab = TinySizes();
  small_vocab.vocab_size = 290;
  WriteTextFile(dir / "config.json", Gpt2ConfigJson(small_vocab));
  CHECK_THAT(LoadError(dir.str()), Catch::Contains(dir / "vocab.json") && Catch::Contains("296 tokens, more than"));
  WriteTextFile(dir / "config.json", config);
  // A config whose forward pass is not GPT-2's is refused by name.
  WriteTextFile(dir / "config.json", config.substr(0, config.rfind('}')) + ", \"scale_attn_by_inverse_layer_idx\": true}");
  CHECK_THAT(LoadError(dir.str()), Catch::Contains("scale_attn_by_inverse_layer_idx"));
  WriteTextFile(dir / "config.json", config);
  CHECK(LoadError(dir.str()).empty());
}

TEST_CASE("GPT-2: missing files, and a pickle-only directory, are explained", "[gpt2][bad-input]") {
  ScratchDir dir;
  WriteTiny(dir.str(), TinyWeights(StoreDtype::F32));
  for (const char* f : {"config.json", "vocab.json", "merges.txt"}) {
    INFO(f);
    fs::rename(dir / f, dir / "moved");
    CHECK_THAT(LoadError(dir.str()), Catch::Contains(dir / f + ": missing"));
    fs::rename(dir / "moved", dir / f);
  }
  fs::rename(dir / "model.safetensors", dir / "pytorch_model.bin");
  const std::string err = LoadError(dir.str());
  CHECK_THAT(err, Catch::Contains(dir / "pytorch_model.bin") && Catch::Contains("arbitrary code") &&
                      Catch::Contains("model.safetensors"));
  fs::remove(dir / "pytorch_model.bin");
  CHECK_THAT(LoadError(dir.str()), Catch::Contains(dir / "model.safetensors: missing"));
  CHECK_THAT(LoadError(dir / "nope"), Catch::Contains("does not exist"));
}

TEST_CASE("GPT-2: text longer than n_positions is refused with the model's limit", "[gpt2][bad-input]") {
  ScratchDir dir;
  WriteTiny(dir.str(), TinyWeights(StoreDtype::F32));
  std::string text;
  for (int i = 0; i < 70; ++i) text += " the";  // 70 tokens ("Ġthe" is one), n_positions 64
  try {
    TraceOf(dir.str(), text);
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK_THAT(e.what(), Catch::Contains("text has 70 tokens") && Catch::Contains("at most 64") &&
                             Catch::Contains(dir / "config.json"));
  }
}

// [SECTION] Models by name (Hugging Face cache)

namespace {

// Sets an environment variable for one scope (ctest runs each test case in
// its own process; the previous value is restored anyway).
struct ScopedEnv {
  std::string name;
  std::optional<std::string> old;
  ScopedEnv(std::string n, const std::string& value) : name(std::move(n)) {
    if (const char* v = std::getenv(name.c_str())) old = v;
    setenv(name.c_str(), value.c_str(), 1);
  }
  ~ScopedEnv() {
    if (old) setenv(name.c_str(), old->c_str(), 1);
    else unsetenv(name.c_str());
  }
};

// A hub cache entry as huggingface_hub leaves it: blobs, a snapshot of
// symlinks, and refs/main naming the snapshot.
std::string MakeCachedModel(const fs::path& cache, const std::string& folder, const std::string& commit) {
  const fs::path repo = cache / folder;
  fs::create_directories(repo / "blobs");
  fs::create_directories(repo / "refs");
  fs::create_directories(repo / "snapshots" / commit);
  ScratchDir files;
  WriteTiny(files.str(), TinyWeights(StoreDtype::F32));
  for (const char* f : {"config.json", "model.safetensors", "vocab.json", "merges.txt"}) {
    const fs::path blob = repo / "blobs" / (commit + "-" + f);
    fs::copy_file(files / f, blob, fs::copy_options::overwrite_existing);
    fs::create_symlink(fs::path("../../blobs") / blob.filename(), repo / "snapshots" / commit / f);
  }
  WriteTextFile((repo / "refs" / "main").string(), commit);
  return (repo / "snapshots" / commit).string();
}

}  // namespace

TEST_CASE("GPT-2: models by name from the Hugging Face cache", "[gpt2]") {
  ScratchDir cache;
  const ScopedEnv env("HF_HUB_CACHE", cache.str());
  // An older snapshot without refs/main pointing at it, and the current one.
  MakeCachedModel(cache.path, "models--openai-community--tiny-gpt2", "0000aaaa");
  const std::string snap = MakeCachedModel(cache.path, "models--openai-community--tiny-gpt2", "1111bbbb");
  for (const char* name : {"tiny-gpt2", "openai-community/tiny-gpt2"}) {
    INFO(name);
    const LocatedModel m = LocateModel(name);
    CHECK(m.directory == snap);
    CHECK(m.name == name);
  }
  // The whole path through MakeModel: shape and the trace's config name.
  const TracePtr t = TraceOf("tiny-gpt2", "Hello world");
  CHECK(t->config.model == "tiny-gpt2");
  CHECK(t->next_token.size() == 10);
  // Not cached: one line listing what was looked for, and where.
  try {
    LocateModel("gpt2-medium");
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK_THAT(e.what(), Catch::Contains("models--gpt2-medium, models--openai-community--gpt2-medium") &&
                             Catch::Contains(cache.str()) && Catch::Contains("HF_HUB_CACHE"));
  }
  // A path that does not exist is not taken for a name.
  CHECK_THROWS_WITH(LocateModel("/no/such/dir"), Catch::Contains("'/no/such/dir' does not exist"));
  CHECK_THROWS_WITH(LocateModel(cache / "models--openai-community--tiny-gpt2/refs/main"), Catch::Contains("is a file"));
}

TEST_CASE("GPT-2: the hub cache directory follows huggingface_hub's variables", "[gpt2]") {
  const ScopedEnv home("HOME", "/home/someone");
  unsetenv("HF_HUB_CACHE");
  unsetenv("HF_HOME");
  unsetenv("XDG_CACHE_HOME");
  CHECK(HuggingFaceHubCache() == "/home/someone/.cache/huggingface/hub");
  {
    const ScopedEnv xdg("XDG_CACHE_HOME", "/xdg");
    CHECK(HuggingFaceHubCache() == "/xdg/huggingface/hub");
    const ScopedEnv hf_home("HF_HOME", "/hf");
    CHECK(HuggingFaceHubCache() == "/hf/hub");
    const ScopedEnv hub("HF_HUB_CACHE", "/hub");
    CHECK(HuggingFaceHubCache() == "/hub");
  }
  CHECK(HubCacheFolders("gpt2") ==
        std::vector<std::string>{"models--gpt2", "models--openai-community--gpt2", "models--distilbert--gpt2"});
  CHECK(HubCacheFolders("distilbert/distilgpt2") == std::vector<std::string>{"models--distilbert--distilgpt2"});
  CHECK(HubCacheFolders("../etc").empty());
  CHECK(HubCacheFolders("a/b/c").empty());
}

// [SECTION] Command line

TEST_CASE("GPT-2: attnviz trace --model DIR prints ids, learned positions, causal mask and next tokens", "[gpt2][cli]") {
  ScratchDir dir;
  WriteTiny(dir.str(), TinyWeights(StoreDtype::F32));
  const ProcessResult r =
      RunAttnviz({"trace", "--model", dir.str(), "--text", "Hello world, caf\xC3\xA9 \xF0\x9F\x99\x82", "--layer", "1"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(r.err.empty());  // nothing to note: the defaults fit the model
  const nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(j["config"]["model"] == dir.str());
  CHECK(j["config"]["positional"] == "learned");
  CHECK(j["config"]["d_model"] == 32);
  CHECK(j["config"]["heads"] == 4);
  CHECK(j["config"]["layers"] == 2);
  CHECK(j["config"]["mask"]["pattern"] == "full");
  CHECK(j["config"]["mask"]["causal"] == true);
  REQUIRE(j["tokens"].size() >= 4);
  CHECK(j["tokens"][0]["text"] == "Hello");
  CHECK(j["tokens"][0]["id"].is_number_integer());
  // The emoji is four byte tokens: the JSON names their bytes (and stays valid UTF-8).
  const auto& toks = j["tokens"];
  CHECK(toks[toks.size() - 4]["text"] == "\u27E8F0\u27E9");
  CHECK(toks[toks.size() - 1]["end"] == std::string("Hello world, caf\xC3\xA9 \xF0\x9F\x99\x82").size());
  REQUIRE(j["next_token"].size() == 10);
  double total = 0;
  for (const auto& nt : j["next_token"]) {
    CHECK(nt["id"].is_number_integer());
    CHECK(nt["text"].is_string());
    total += nt["prob"].get<double>();
  }
  CHECK(total > 0);
  CHECK(total <= 1.0 + 1e-6);
  REQUIRE(j["layers"].size() == 1);
  CHECK(j["layers"][0]["layer"] == 1);
  // Causal: the first query sees only itself.
  CHECK(j["layers"][0]["heads"][0]["weights"][0][0] == 1.0);
  CHECK(j["layers"][0]["heads"][0]["weights"][0][1] == 0.0);
}

TEST_CASE("GPT-2: a pattern laid over the model keeps causal; typed sizes that disagree are refused", "[gpt2][cli]") {
  ScratchDir dir;
  WriteTiny(dir.str(), TinyWeights(StoreDtype::F32));
  const ProcessResult r = RunAttnviz({"trace", "--model", dir.str(), "--mask", "sliding", "--window", "2"});
  REQUIRE(r.status == 0);
  const nlohmann::json j = nlohmann::json::parse(r.out);
  CHECK(j["config"]["mask"]["pattern"] == "sliding");
  CHECK(j["config"]["mask"]["causal"] == true);
  const ProcessResult bad = RunAttnviz({"trace", "--model", dir.str(), "--heads", "8"});
  CHECK(bad.status == 2);
  REQUIRE(bad.ErrorLines().size() == 1);
  CHECK_THAT(bad.ErrorLines()[0], Catch::Contains("has d_model 32 and 4 heads"));
  // A missing directory: one line, exit 2.
  const ProcessResult missing = RunAttnviz({"trace", "--model", dir / "nope"});
  CHECK(missing.status == 2);
  REQUIRE(missing.ErrorLines().size() == 1);
  CHECK_THAT(missing.ErrorLines()[0], Catch::Contains("does not exist"));
}

TEST_CASE("GPT-2: attnviz export --model DIR draws a head of the model", "[gpt2][cli]") {
  ScratchDir dir;
  WriteTiny(dir.str(), TinyWeights(StoreDtype::F32));
  const ProcessResult r = RunAttnviz({"export", "--model", dir.str(), "--text", "the cat sat", "--layer", "1", "--out", dir / "h.svg"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  CHECK(fs::file_size(dir / "h.svg") > 1000);
}

TEST_CASE("GPT-2: attnviz bench --model DIR prints SPEC's JSON (format only; speed is not asserted)", "[gpt2][cli]") {
  ScratchDir dir;
  WriteTiny(dir.str(), TinyWeights(StoreDtype::F32));
  const ProcessResult r = RunAttnviz({"bench", "--model", dir.str(), "--n", "8,16", "--runs", "2", "--warmup", "0",
                                      "--threads", "1", "--format", "json", "--dump", dir / "ids.jsonl"});
  INFO(r.err);
  REQUIRE(r.status == 0);
  std::istringstream lines(r.out);
  int count = 0;
  for (std::string line; std::getline(lines, line); ++count) {
    const nlohmann::json j = nlohmann::json::parse(line);
    CHECK(j["impl"] == "model");
    CHECK(j["model"] == dir.str());
    CHECK(j["n"] == (count == 0 ? 8 : 16));  // exactly the tokens asked for
    CHECK(j["layers"] == 2);
    CHECK(j["heads"] == 4);
    CHECK(j["threads"] == 1);
    CHECK(j["runs"] == 2);
    CHECK(j["min_ms"].get<double>() <= j["median_ms"].get<double>());
    CHECK(j["peak_rss_mib"].get<double>() > 0);
  }
  CHECK(count == 2);
  const nlohmann::json dump = nlohmann::json::parse(ReadWhole(dir / "ids.jsonl").substr(0, ReadWhole(dir / "ids.jsonl").find('\n')));
  CHECK(dump["ids"].size() == 8);
  CHECK(dump["next_token"].size() == 10);
  const ProcessResult bad = RunAttnviz({"bench", "--model", dir.str(), "--n", "100"});
  CHECK(bad.status == 2);
  CHECK_THAT(bad.err, Catch::Contains("n_positions 64"));
}

TEST_CASE("GPT-2: the benchmark checkpoint's synthetic vocabulary is valid and tokenizes English into words", "[gpt2]") {
  // 20,000 entries here to keep the test fast; the generator writes 50,257 the same way.
  const VocabAndMerges v = SyntheticGpt2Vocab(20000);
  CHECK(v.symbols.size() == 20000);
  CHECK(v.symbols.back() == "<|endoftext|>");
  const BpeTokenizer t = BpeTokenizer::FromStrings(v.VocabJson(), v.MergesTxt());
  CHECK(t.VocabSize() == 20000);
  CHECK(t.MergeCount() == 20000 - 257);
  std::vector<std::string> got;
  for (const Token& tok : t.Tokenize("The cat sat on the mat because it was tired.")) got.push_back(tok.text);
  CHECK(got == std::vector<std::string>{"The", " cat", " sat", " on", " the", " mat", " because", " it", " was", " tired", "."});
}

TEST_CASE("GPT-2: engines share a checkpoint that is alive; a rewritten one is read again", "[gpt2]") {
  // The window has two engines (main trace, chapters); each must not hold its
  // own copy of the weights (core/model/model.h).
  ScratchDir dir;
  WriteTiny(dir.str(), TinyWeights(StoreDtype::F32));
  Request r;
  r.model = dir.str();
  const auto a = MakeModel(r);
  const auto b = MakeModel(r);
  CHECK(a.get() == b.get());
  Engine e1, e2;
  CHECK(e1.ModelFor(r).get() == a.get());
  CHECK(e2.ModelFor(r).get() == a.get());
  // New weights written in place (a different seed): the files changed, so the
  // next load reads them, never the stale model still held above.
  const auto written = fs::last_write_time(dir / "model.safetensors");
  WriteTiny(dir.str(), TinyWeights(StoreDtype::F32, false, /*seed=*/99));
  // File times tick with a coarse clock; a person's rewrite is seconds later.
  fs::last_write_time(dir / "model.safetensors", written + std::chrono::seconds(2));
  const auto c = MakeModel(r);
  CHECK(c.get() != a.get());
  const auto* ga = dynamic_cast<const Gpt2Model*>(a.get());
  const auto* gc = dynamic_cast<const Gpt2Model*>(c.get());
  REQUIRE(ga != nullptr);
  REQUIRE(gc != nullptr);
  CHECK_FALSE(ga->Block(0).W_fc.isApprox(gc->Block(0).W_fc));
  // "<|endoftext|>" typed in the text is GPT-2's one special token.
  const auto tokens = gc->Tokenize(std::string("a") + kGpt2EndOfText);
  REQUIRE_FALSE(tokens.empty());
  CHECK(tokens.back().id == gc->Tokenizer().IdOf(kGpt2EndOfText));
  CHECK(tokens.back().id >= 0);
}
