// Writes GPT-2 checkpoints in the real Hugging Face file formats, so tests and
// benchmarks never download one: config.json, model.safetensors (F32, F16 or
// BF16), vocab.json and merges.txt. Independent of core's readers on purpose
// (its own float -> half conversion, its own JSON text), so a test that loads
// what this writes checks the readers against a second implementation.
//
// Used by tests/unit/test-gpt2-model.cpp (a tiny random GPT-2) and by
// tests/tools/make_checkpoint.cpp (a GPT-2-small-shaped one for benchmarks).
#pragma once
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

namespace attnviz::test {

// [SECTION] Sizes, dtypes, tensors

struct Gpt2Sizes {
  int n_embd = 32;       // D
  int n_head = 4;        // H
  int n_layer = 2;       // L
  int n_positions = 64;  // P
  int vocab_size = 296;  // V
  int n_inner = 0;       // F; 0 = 4 D
  double layer_norm_epsilon = 1e-5;
  int Inner() const { return n_inner > 0 ? n_inner : 4 * n_embd; }
};

enum class StoreDtype { F32, F16, BF16 };
inline const char* DtypeName(StoreDtype d) { return d == StoreDtype::F32 ? "F32" : d == StoreDtype::F16 ? "F16" : "BF16"; }
inline int DtypeSize(StoreDtype d) { return d == StoreDtype::F32 ? 4 : 2; }

struct NamedTensor {
  std::string name;                   // without the "transformer." prefix
  std::vector<std::uint64_t> shape;   // e.g. {D, 3D}
  std::vector<float> values;          // row-major
};

// Round to nearest even, as torch's .half() does; written here independently of core.
inline std::uint16_t FloatToHalfBits(float f) {
  std::uint32_t x;
  std::memcpy(&x, &f, 4);
  const std::uint32_t sign = (x >> 16) & 0x8000u;
  const int exp = static_cast<int>((x >> 23) & 0xFF) - 127 + 15;
  std::uint32_t mant = x & 0x7FFFFFu;
  if (((x >> 23) & 0xFF) == 0xFF) return static_cast<std::uint16_t>(sign | 0x7C00u | (mant ? 0x200u : 0u));
  if (exp >= 31) return static_cast<std::uint16_t>(sign | 0x7C00u);
  if (exp <= 0) {
    if (exp < -10) return static_cast<std::uint16_t>(sign);
    mant |= 0x800000u;
    const int shift = 14 - exp;
    std::uint32_t half = mant >> shift;
    const std::uint32_t rem = mant & ((1u << shift) - 1), mid = 1u << (shift - 1);
    if (rem > mid || (rem == mid && (half & 1u))) ++half;
    return static_cast<std::uint16_t>(sign | half);
  }
  std::uint32_t half = (static_cast<std::uint32_t>(exp) << 10) | (mant >> 13);
  const std::uint32_t rem = mant & 0x1FFFu;
  if (rem > 0x1000u || (rem == 0x1000u && (half & 1u))) ++half;  // a carry into the exponent is still right
  return static_cast<std::uint16_t>(sign | half);
}

inline float HalfBitsToFloat(std::uint16_t h) {
  const int exp = (h >> 10) & 0x1F, mant = h & 0x3FF;
  const float sign = (h & 0x8000) ? -1.0f : 1.0f;
  if (exp == 0) return sign * std::ldexp(static_cast<float>(mant), -24);
  if (exp == 31) return mant ? NAN : sign * INFINITY;
  return sign * std::ldexp(static_cast<float>(mant + 1024), exp - 25);
}

inline std::uint16_t FloatToBf16Bits(float f) {
  std::uint32_t x;
  std::memcpy(&x, &f, 4);
  return static_cast<std::uint16_t>((x + 0x7FFFu + ((x >> 16) & 1u)) >> 16);
}

inline float Bf16BitsToFloat(std::uint16_t b) {
  const std::uint32_t x = static_cast<std::uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &x, 4);
  return f;
}

// The value the file will hold once stored as `d` and widened back.
inline float RoundAs(float v, StoreDtype d) {
  if (d == StoreDtype::F16) return HalfBitsToFloat(FloatToHalfBits(v));
  if (d == StoreDtype::BF16) return Bf16BitsToFloat(FloatToBf16Bits(v));
  return v;
}

// [SECTION] Random weights

// splitmix64 + Box-Muller: deterministic on every platform.
struct TestRng {
  std::uint64_t state;
  std::uint64_t Next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double Uniform() { return ((Next() >> 11) + 0.5) * (1.0 / 9007199254740992.0); }
  float Normal() {
    const double u1 = Uniform(), u2 = Uniform();
    return static_cast<float>(std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2));
  }
};

struct Gpt2Weights {
  Gpt2Sizes sizes;
  std::vector<NamedTensor> tensors;  // in the order GPT-2's state_dict lists them
  bool has_lm_head = false;          // a separate (untied) lm_head.weight
  const NamedTensor& Get(const std::string& name) const {
    for (const NamedTensor& t : tensors)
      if (t.name == name) return t;
    throw std::runtime_error("no tensor " + name);
  }
  NamedTensor& Get(const std::string& name) {
    return const_cast<NamedTensor&>(static_cast<const Gpt2Weights&>(*this).Get(name));
  }
  const float* Data(const std::string& name) const { return Get(name).values.data(); }
};

// How the random weights are drawn.
//  - kTestScale: LayerNorm gains 1 + 0.1 N(0,1) and biases 0.1 N(0,1), weights
//    N(0, 1/fan_in), embeddings N(0, 1): attention far from uniform, every
//    parameter matters, so a test that mixes up two of them fails.
//  - kGpt2Init: GPT-2's own initialisation (weights N(0, 0.02^2), residual
//    projections / sqrt(2 L), LayerNorm 1 and 0, biases 0): realistic magnitudes
//    for benchmarks.
enum class WeightScale { kTestScale, kGpt2Init };

inline Gpt2Weights RandomGpt2Weights(const Gpt2Sizes& s, std::uint64_t seed, WeightScale scale = WeightScale::kTestScale,
                                     bool untied_lm_head = false) {
  Gpt2Weights w;
  w.sizes = s;
  w.has_lm_head = untied_lm_head;
  TestRng rng{seed * 0x9E3779B97F4A7C15ull + 12345};
  const auto D = static_cast<std::uint64_t>(s.n_embd), F = static_cast<std::uint64_t>(s.Inner());
  const bool test = scale == WeightScale::kTestScale;
  auto add = [&](std::string name, std::vector<std::uint64_t> shape, float mean, float stddev) {
    NamedTensor t{std::move(name), std::move(shape), {}};
    std::uint64_t n = 1;
    for (std::uint64_t d : t.shape) n *= d;
    t.values.resize(n);
    for (float& v : t.values) v = stddev == 0 ? mean : mean + stddev * rng.Normal();
    w.tensors.push_back(std::move(t));
  };
  const float emb = test ? 1.0f : 0.02f, pos = test ? 0.5f : 0.01f;
  const float ln_sd = test ? 0.1f : 0.0f, bias_sd = test ? 0.1f : 0.0f;
  const float proj = test ? 1.0f : 1.0f / std::sqrt(2.0f * static_cast<float>(s.n_layer));
  auto wsd = [&](std::uint64_t fan_in) { return test ? 1.0f / std::sqrt(static_cast<float>(fan_in)) : 0.02f; };
  add("wte.weight", {static_cast<std::uint64_t>(s.vocab_size), D}, 0, emb);
  add("wpe.weight", {static_cast<std::uint64_t>(s.n_positions), D}, 0, pos);
  for (int l = 0; l < s.n_layer; ++l) {
    const std::string h = "h." + std::to_string(l) + ".";
    add(h + "ln_1.weight", {D}, 1, ln_sd);
    add(h + "ln_1.bias", {D}, 0, ln_sd);
    add(h + "attn.c_attn.weight", {D, 3 * D}, 0, wsd(D));
    add(h + "attn.c_attn.bias", {3 * D}, 0, bias_sd);
    add(h + "attn.c_proj.weight", {D, D}, 0, wsd(D) * proj);
    add(h + "attn.c_proj.bias", {D}, 0, bias_sd);
    add(h + "ln_2.weight", {D}, 1, ln_sd);
    add(h + "ln_2.bias", {D}, 0, ln_sd);
    add(h + "mlp.c_fc.weight", {D, F}, 0, wsd(D));
    add(h + "mlp.c_fc.bias", {F}, 0, bias_sd);
    add(h + "mlp.c_proj.weight", {F, D}, 0, wsd(F) * proj);
    add(h + "mlp.c_proj.bias", {D}, 0, bias_sd);
  }
  add("ln_f.weight", {D}, 1, ln_sd);
  add("ln_f.bias", {D}, 0, ln_sd);
  if (untied_lm_head) add("lm_head.weight", {static_cast<std::uint64_t>(s.vocab_size), D}, 0, emb);
  return w;
}

// Every value replaced by what a file of dtype `d` holds, so a reference
// forward pass computes with exactly the numbers the loader will read.
inline void RoundWeightsTo(Gpt2Weights* w, StoreDtype d) {
  for (NamedTensor& t : w->tensors)
    for (float& v : t.values) v = RoundAs(v, d);
}

// [SECTION] safetensors

// One tensor as the file will hold it: its name in the file, its dtype (a
// string, so tests can write dtypes core refuses), shape and little-endian bytes.
struct FileTensor {
  std::string name;
  std::string dtype;
  std::vector<std::uint64_t> shape;
  std::string bytes;
};

inline std::string EncodeValues(const std::vector<float>& values, StoreDtype d) {
  std::string out(values.size() * DtypeSize(d), '\0');
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (d == StoreDtype::F32) {
      std::uint32_t x;
      std::memcpy(&x, &values[i], 4);
      for (int b = 0; b < 4; ++b) out[i * 4 + b] = static_cast<char>((x >> (8 * b)) & 0xFF);
    } else {
      const std::uint16_t x = d == StoreDtype::F16 ? FloatToHalfBits(values[i]) : FloatToBf16Bits(values[i]);
      out[i * 2] = static_cast<char>(x & 0xFF);
      out[i * 2 + 1] = static_cast<char>(x >> 8);
    }
  }
  return out;
}

// Writes a safetensors file: 8-byte header length, JSON header (padded with
// spaces to a multiple of 8, as the reference writer does), data in list
// order. `tensors` give names, dtypes and shapes; tensor i's bytes come from
// bytes_of(i) (exactly byte_sizes[i] of them), so a large checkpoint is
// encoded one tensor at a time.
inline void WriteSafetensorsStreaming(const std::string& path, const std::vector<FileTensor>& tensors,
                                      const std::vector<std::uint64_t>& byte_sizes,
                                      const std::function<std::string(std::size_t)>& bytes_of) {
  std::string json = "{\"__metadata__\":{\"format\":\"pt\"}";
  std::uint64_t offset = 0;
  for (std::size_t k = 0; k < tensors.size(); ++k) {
    const FileTensor& t = tensors[k];
    json += ",\"" + t.name + "\":{\"dtype\":\"" + t.dtype + "\",\"shape\":[";
    for (std::size_t i = 0; i < t.shape.size(); ++i) {
      if (i) json += ',';
      json += std::to_string(t.shape[i]);
    }
    json += "],\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(offset + byte_sizes[k]) + "]}";
    offset += byte_sizes[k];
  }
  json += "}";
  while (json.size() % 8 != 0) json += ' ';
  std::ofstream out(path, std::ios::binary);
  const std::uint64_t n = json.size();
  for (int b = 0; b < 8; ++b) out.put(static_cast<char>((n >> (8 * b)) & 0xFF));
  out << json;
  for (std::size_t k = 0; k < tensors.size(); ++k) {
    const std::string bytes = bytes_of(k);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  if (!out) throw std::runtime_error("cannot write " + path);
}

inline void WriteSafetensors(const std::string& path, const std::vector<FileTensor>& tensors) {
  std::vector<std::uint64_t> sizes;
  for (const FileTensor& t : tensors) sizes.push_back(t.bytes.size());
  WriteSafetensorsStreaming(path, tensors, sizes, [&](std::size_t k) { return tensors[k].bytes; });
}

// [SECTION] Vocabulary and merges

// GPT-2's bytes_to_unicode(): printable Latin-1 bytes stand for themselves,
// the others become U+0100 + k in byte order.
inline std::string ByteSymbol(int byte) {
  auto printable = [](int b) { return (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF); };
  int cp = byte;
  if (!printable(byte)) {
    int k = 0;
    for (int b = 0; b < byte; ++b) k += printable(b) ? 0 : 1;
    cp = 256 + k;
  }
  std::string s;
  if (cp < 0x80) s += static_cast<char>(cp);
  else {
    s += static_cast<char>(0xC0 | (cp >> 6));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return s;
}

inline std::string JsonEscape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') { out += '\\'; out += static_cast<char>(c); }
    else if (c < 0x20) { char b[8]; std::snprintf(b, sizeof b, "\\u%04x", c); out += b; }
    else out += static_cast<char>(c);
  }
  return out;
}

struct VocabAndMerges {
  std::vector<std::string> symbols;                         // by id
  std::vector<std::pair<std::string, std::string>> merges;  // by rank
  std::string VocabJson() const {
    std::string j = "{";
    for (std::size_t i = 0; i < symbols.size(); ++i) {
      if (i) j += ", ";
      j += '"';
      j += JsonEscape(symbols[i]);
      j += "\": ";
      j += std::to_string(i);
    }
    return j + "}";
  }
  std::string MergesTxt() const {
    std::string m = "#version: 0.2\n";
    for (const auto& [a, b] : merges) m += a + " " + b + "\n";
    return m;
  }
};

// A valid GPT-2-style vocabulary of exactly `vocab_size` entries: the 256 byte
// symbols, merges, and "<|endoftext|>" last (id 50256 at GPT-2's size). The
// merges first make common English words single tokens, with and without
// their leading space ("Ġthe", "the"), so English text takes a realistic
// number of tokens; then they fill up with lowercase letter extensions. Every
// merge's parts and result are in the vocabulary (which BpeTokenizer checks).
// Synthetic: the ids do not match GPT-2's.
inline VocabAndMerges SyntheticGpt2Vocab(int vocab_size) {
  VocabAndMerges v;
  std::map<std::string, std::string> bytes_of;  // symbol -> the bytes it stands for
  for (int b = 0; b < 256; ++b) {
    v.symbols.push_back(ByteSymbol(b));
    bytes_of[v.symbols.back()] = std::string(1, static_cast<char>(b));
  }
  std::map<std::pair<std::string, std::string>, int> rank;
  const int merges_wanted = vocab_size - 257;
  auto merge = [&](const std::string& a, const std::string& b) {
    if (static_cast<int>(v.merges.size()) >= merges_wanted || !bytes_of.count(a) || !bytes_of.count(b) ||
        bytes_of.count(a + b))
      return;
    rank[{a, b}] = static_cast<int>(v.merges.size());
    v.merges.emplace_back(a, b);
    v.symbols.push_back(a + b);
    bytes_of[a + b] = bytes_of[a] + bytes_of[b];
  };
  // The reference BPE on one word with the merges so far.
  auto bpe = [&](std::vector<std::string> syms) {
    for (;;) {
      int best = -1;
      for (std::size_t i = 0; i + 1 < syms.size(); ++i) {
        const auto it = rank.find({syms[i], syms[i + 1]});
        if (it != rank.end() && (best < 0 || it->second < best)) best = it->second;
      }
      if (best < 0) return syms;
      const auto& [l, r] = v.merges[best];
      std::vector<std::string> next;
      for (std::size_t i = 0; i < syms.size(); ++i) {
        if (i + 1 < syms.size() && syms[i] == l && syms[i + 1] == r) {
          next.push_back(l + r);
          ++i;
        } else {
          next.push_back(syms[i]);
        }
      }
      syms = std::move(next);
    }
  };
  // Adds merges until `word` is one token under the full merge list: the new
  // merges rank after every existing one, so the existing ones apply first.
  auto make_token = [&](const std::string& word) {
    std::vector<std::string> syms;
    for (unsigned char c : word) syms.push_back(ByteSymbol(c));
    for (syms = bpe(syms); syms.size() > 1 && static_cast<int>(v.merges.size()) < merges_wanted; syms = bpe(syms))
      merge(syms[0], syms[1]);
  };
  const char* words[] = {"the", "of", "and", "to", "a", "in", "is", "it", "that", "was", "for", "on", "with", "as",
                         "each", "token", "tokens", "attention", "head", "heads", "query", "key", "value", "model",
                         "word", "words", "sentence", "layer", "weights", "softmax", "every", "which", "other",
                         "its", "from", "this", "by", "are", "be", "at", "one", "all", "can", "what", "how", "so",
                         "sat", "cat", "mat", "because", "tired", "read", "looks", "back", "earlier", "position",
                         "The", "It", "A", "In"};
  for (const char* w : words) {
    make_token(std::string(" ") + w);
    make_token(w);
  }
  // Fill: lowercase words (with or without a leading space) extended by each
  // letter, breadth first.
  auto letters_only = [](const std::string& b) {
    if (b.empty()) return false;
    for (std::size_t i = 0; i < b.size(); ++i)
      if (!((b[i] >= 'a' && b[i] <= 'z') || (i == 0 && b[i] == ' '))) return false;
    return true;
  };
  for (std::size_t i = 0; static_cast<int>(v.merges.size()) < merges_wanted && i < v.symbols.size(); ++i) {
    const std::string base = v.symbols[i];
    if (!letters_only(bytes_of[base])) continue;
    for (char c = 'a'; c <= 'z'; ++c) merge(base, std::string(1, c));
  }
  if (static_cast<int>(v.merges.size()) < merges_wanted) throw std::runtime_error("vocabulary too large to synthesise");
  v.symbols.push_back("<|endoftext|>");
  return v;
}

// [SECTION] The checkpoint directory

inline std::string Gpt2ConfigJson(const Gpt2Sizes& s) {
  char eps[32];
  std::snprintf(eps, sizeof eps, "%.17g", s.layer_norm_epsilon);
  return std::string("{\n  \"model_type\": \"gpt2\",\n  \"architectures\": [\"GPT2LMHeadModel\"],\n") +
         "  \"n_embd\": " + std::to_string(s.n_embd) + ",\n  \"n_head\": " + std::to_string(s.n_head) +
         ",\n  \"n_layer\": " + std::to_string(s.n_layer) + ",\n  \"n_positions\": " + std::to_string(s.n_positions) +
         ",\n  \"n_ctx\": " + std::to_string(s.n_positions) + ",\n  \"vocab_size\": " + std::to_string(s.vocab_size) +
         ",\n  \"n_inner\": " + (s.n_inner > 0 ? std::to_string(s.n_inner) : std::string("null")) +
         ",\n  \"layer_norm_epsilon\": " + eps + ",\n  \"activation_function\": \"gelu_new\"\n}\n";
}

struct CheckpointOptions {
  StoreDtype dtype = StoreDtype::F32;
  bool transformer_prefix = false;   // "transformer.h.0..." as GPT2LMHeadModel saves
  bool attn_bias_buffers = true;     // h.N.attn.bias (causal mask) and attn.masked_bias, as old exports have
  // Called with the file's tensors before writing: tests corrupt them here.
  std::function<void(std::vector<FileTensor>&)> edit;
};

// The tensors of a checkpoint file in order, each with its size and a way to
// encode it (so the benchmark generator never holds two copies of 500 MB).
struct LazyFileTensor {
  FileTensor meta;                      // name, dtype, shape (bytes empty)
  std::uint64_t byte_size = 0;
  std::function<std::string()> encode;  // exactly byte_size bytes
};

inline std::vector<LazyFileTensor> Gpt2FileLayout(const Gpt2Weights& w, const CheckpointOptions& o) {
  std::vector<LazyFileTensor> out;
  const std::string prefix = o.transformer_prefix ? "transformer." : "";
  const std::string c_attn = "attn.c_attn.weight";
  for (const NamedTensor& t : w.tensors) {
    const std::string name = t.name == "lm_head.weight" ? t.name : prefix + t.name;
    const StoreDtype d = o.dtype;
    out.push_back({{name, DtypeName(d), t.shape, {}}, t.values.size() * DtypeSize(d),
                   [&t, d] { return EncodeValues(t.values, d); }});
    if (o.attn_bias_buffers && t.name.size() > c_attn.size() &&
        t.name.compare(t.name.size() - c_attn.size(), c_attn.size(), c_attn) == 0) {
      // After each c_attn.weight: the causal-mask buffer GPT2Attention
      // registers (1 on and below the diagonal) and the old masked_bias scalar.
      const std::string h = prefix + t.name.substr(0, t.name.size() - c_attn.size());
      const auto P = static_cast<std::uint64_t>(w.sizes.n_positions);
      out.push_back({{h + "attn.bias", "F32", {1, 1, P, P}, {}}, P * P * 4, [P] {
                       std::vector<float> tri(P * P);
                       for (std::uint64_t i = 0; i < P; ++i)
                         for (std::uint64_t j = 0; j <= i; ++j) tri[i * P + j] = 1.0f;
                       return EncodeValues(tri, StoreDtype::F32);
                     }});
      out.push_back({{h + "attn.masked_bias", "F32", {}, {}}, 4, [] { return EncodeValues({-1e4f}, StoreDtype::F32); }});
    }
  }
  return out;
}

inline std::vector<FileTensor> Gpt2FileTensors(const Gpt2Weights& w, const CheckpointOptions& o) {
  std::vector<FileTensor> out;
  for (LazyFileTensor& t : Gpt2FileLayout(w, o)) {
    t.meta.bytes = t.encode();
    out.push_back(std::move(t.meta));
  }
  return out;
}

inline void WriteTextFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

// Writes config.json, model.safetensors, vocab.json and merges.txt into `dir`
// (which must exist).
inline void WriteGpt2Checkpoint(const std::string& dir, const Gpt2Weights& w, const std::string& vocab_json,
                                const std::string& merges_txt, const CheckpointOptions& o = {}) {
  WriteTextFile(dir + "/config.json", Gpt2ConfigJson(w.sizes));
  if (o.edit) {
    std::vector<FileTensor> tensors = Gpt2FileTensors(w, o);
    o.edit(tensors);
    WriteSafetensors(dir + "/model.safetensors", tensors);
  } else {
    const std::vector<LazyFileTensor> layout = Gpt2FileLayout(w, o);
    std::vector<FileTensor> meta;
    std::vector<std::uint64_t> sizes;
    for (const LazyFileTensor& t : layout) {
      meta.push_back(t.meta);
      sizes.push_back(t.byte_size);
    }
    WriteSafetensorsStreaming(dir + "/model.safetensors", meta, sizes, [&](std::size_t k) { return layout[k].encode(); });
  }
  WriteTextFile(dir + "/vocab.json", vocab_json);
  WriteTextFile(dir + "/merges.txt", merges_txt);
}

}  // namespace attnviz::test
