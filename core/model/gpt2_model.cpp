// GPT-2 checkpoints: loading (checked before read, mapped, widened once) and
// the parts of the forward pass that are not attention. See gpt2_model.h.
//
// Index
//   [SECTION] Mapped file
//   [SECTION] Directory and files
//   [SECTION] Tensors expected from the config
//   [SECTION] Load
//   [SECTION] Forward pass: embeddings, LayerNorm, MLP
//   [SECTION] Next-token prediction
#include "core/model/gpt2_model.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <numeric>
#include <set>

#include "core/limits.h"
#include "core/linalg/matmul.h"
#include "core/model/safetensors.h"
#include "core/parallel/thread_pool.h"

namespace attnviz {
namespace fs = std::filesystem;
namespace {

// [SECTION] Mapped file

// A read-only private mapping of a whole file. Tensors are decoded from it in
// file order and each one's pages are dropped right after (MADV_DONTNEED), so
// a 500 MB checkpoint never has its file pages and its float32 copy resident
// at the same time; the mapping goes away with the loader.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path) : path_(path) {
    fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) throw InputError(path + ": cannot open");
    struct stat st {};
    if (::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
      ::close(fd_);
      throw InputError(path + ": not a regular file");
    }
    size_ = static_cast<std::uint64_t>(st.st_size);
    if (size_ > 0) {
      void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd_, 0);
      if (p == MAP_FAILED) {
        ::close(fd_);
        throw InputError(path + ": cannot map the file into memory");
      }
      data_ = static_cast<const char*>(p);
      ::madvise(p, size_, MADV_SEQUENTIAL);
    }
  }
  ~MappedFile() {
    if (data_) ::munmap(const_cast<char*>(data_), size_);
    if (fd_ >= 0) ::close(fd_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  std::string_view Bytes() const { return {data_ ? data_ : "", static_cast<std::size_t>(size_)}; }
  std::uint64_t Size() const { return size_; }
  // Drops the pages that lie entirely inside [begin, end) of the file.
  void Release(std::uint64_t begin, std::uint64_t end) const {
    const std::uint64_t page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    const std::uint64_t a = (begin + page - 1) / page * page, b = end / page * page;
    if (data_ && b > a) ::madvise(const_cast<char*>(data_) + a, b - a, MADV_DONTNEED);
  }

 private:
  std::string path_;
  int fd_ = -1;
  const char* data_ = nullptr;
  std::uint64_t size_ = 0;
};

// [SECTION] Directory and files

constexpr const char* kLayoutHint = "a GPT-2 checkpoint directory has config.json, model.safetensors, vocab.json and merges.txt";

bool IsFile(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec);  // follows symlinks (the hub cache's snapshots are symlinks into blobs/)
}

// Every file the loader needs, or one message saying what is missing and what to do.
void CheckDirectory(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw InputError("model directory '" + dir.string() + "' does not exist");
  if (!IsFile(dir / "config.json")) throw InputError((dir / "config.json").string() + ": missing; " + kLayoutHint);
  if (!IsFile(dir / "model.safetensors")) {
    if (IsFile(dir / "model.safetensors.index.json")) {
      throw InputError((dir / "model.safetensors.index.json").string() +
                       ": the weights are split into several safetensors files, which attnviz does not read yet; "
                       "save them as one model.safetensors");
    }
    if (IsFile(dir / "pytorch_model.bin")) {
      throw InputError((dir / "pytorch_model.bin").string() +
                       ": not read, because a PyTorch pickle can run arbitrary code when it is loaded; convert it to "
                       "model.safetensors (safetensors.torch.save_file, or the safetensors package's convert.py) in a "
                       "Python you trust, or download the model's model.safetensors");
    }
    for (const char* other : {"tf_model.h5", "flax_model.msgpack", "model.onnx"}) {
      if (IsFile(dir / other)) {
        throw InputError((dir / "model.safetensors").string() + ": missing (found only " + other +
                         ", which attnviz does not read); download the model's model.safetensors");
      }
    }
    throw InputError((dir / "model.safetensors").string() + ": missing; " + kLayoutHint);
  }
  for (const char* f : {"vocab.json", "merges.txt"}) {
    if (!IsFile(dir / f)) {
      const bool tokenizer_json = IsFile(dir / "tokenizer.json");
      throw InputError((dir / f).string() + ": missing" +
                       (tokenizer_json ? std::string(" (tokenizer.json alone is not read; GPT-2 repositories ship "
                                                     "vocab.json and merges.txt beside it)")
                                       : "; " + std::string(kLayoutHint)));
    }
  }
}

std::string Dims(const std::vector<std::uint64_t>& s) {
  std::string out = "[";
  for (std::size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

// [SECTION] Tensors expected from the config

// One tensor the forward pass needs: its name without the prefix, the shape
// the config implies, and where its floats go.
struct Expected {
  std::string name;
  std::vector<std::uint64_t> shape;
  std::function<void(const float*)> store;  // receives the decoded tensor (row-major)
  float* direct = nullptr;                  // or: decode straight into this
  const SafetensorsTensor* tensor = nullptr;
};

bool IsFloatDtype(SafetensorsDtype d) {
  return d == SafetensorsDtype::F32 || d == SafetensorsDtype::F16 || d == SafetensorsDtype::BF16;
}

}  // namespace

// [SECTION] Load

std::shared_ptr<Gpt2Model> Gpt2Model::Load(const std::string& directory, const std::string& name) {
  const fs::path dir(directory);
  CheckDirectory(dir);
  const std::string config_path = (dir / "config.json").string();
  const std::string weights_path = (dir / "model.safetensors").string();
  const std::string vocab_path = (dir / "vocab.json").string();
  const std::string merges_path = (dir / "merges.txt").string();

  const Gpt2Config c = ReadGpt2Config(config_path);
  CheckGpt2ConfigFitsLimits(c, config_path);
  std::shared_ptr<Gpt2Model> m(new Gpt2Model(c, BpeTokenizer::FromFiles(vocab_path, merges_path)));
  if (m->tokenizer_.VocabSize() > c.vocab_size) {
    throw InputError(vocab_path + ": " + std::to_string(m->tokenizer_.VocabSize()) + " tokens, more than config.json's vocab_size " +
                     std::to_string(c.vocab_size) + " (the rows of the token embedding); the files are from different models");
  }
  m->directory_ = directory;

  const int D = c.n_embd, H = c.n_head, L = c.n_layer, V = c.vocab_size, P = c.n_positions, F = c.n_inner;
  const int dk = D / H;
  const auto d = static_cast<std::uint64_t>(D);
  m->shape_.name = name;
  m->shape_.family = "gpt2";
  m->shape_.d_model = D;
  m->shape_.heads = H;
  m->shape_.kv_heads = H;
  m->shape_.d_k = dk;
  m->shape_.layers = L;
  m->shape_.d_mlp = F;
  m->shape_.norm = NormKind::LayerNorm;
  m->shape_.mlp = MlpKind::GeluTanh;
  m->shape_.positional = Positional::Learned;
  m->shape_.causal = true;
  m->shape_.max_positions = P;
  m->shape_.vocab_size = V;

  // Header first: checked against the file size (ParseSafetensorsHeader) and
  // then against the config (below), before a byte of tensor data is touched.
  const MappedFile file(weights_path);
  const SafetensorsHeader header = ParseSafetensorsHeader(file.Bytes(), file.Size(), weights_path);
  std::string prefix;
  if (header.Find("transformer.wte.weight")) prefix = "transformer.";
  else if (!header.Find("wte.weight")) {
    throw InputError(weights_path + ": no tensor 'wte.weight' (or 'transformer.wte.weight'); not a GPT-2 checkpoint");
  }

  // Destinations. Matrices keep the file's (in, out) layout: Conv1D stores
  // x W, which is SPEC.md's row-vector convention already.
  m->wte_.resize(V, D);
  m->wpe_.resize(P, D);
  const float eps = static_cast<float>(c.layer_norm_epsilon);
  auto norm = [D, eps](NormSpec& n) {
    n.kind = NormKind::LayerNorm;
    n.weight.resize(D);
    n.bias.resize(D);
    n.eps = eps;
  };
  norm(m->ln_f_);
  std::vector<std::shared_ptr<LayerWeights>> attention(L);
  m->blocks_.resize(L);
  std::vector<Expected> expected;
  auto want = [&](std::string n, std::vector<std::uint64_t> shape, float* direct) {
    expected.push_back({std::move(n), std::move(shape), nullptr, direct, nullptr});
  };
  want("wte.weight", {static_cast<std::uint64_t>(V), d}, m->wte_.data());
  want("wpe.weight", {static_cast<std::uint64_t>(P), d}, m->wpe_.data());
  want("ln_f.weight", {d}, m->ln_f_.weight.data());
  want("ln_f.bias", {d}, m->ln_f_.bias.data());
  for (int l = 0; l < L; ++l) {
    Gpt2BlockWeights& b = m->blocks_[l];
    auto a = std::make_shared<LayerWeights>();
    attention[l] = a;
    a->q_heads.resize(H);
    a->kv_heads.resize(H);
    a->W_o.resize(D, D);
    a->b_o.resize(D);
    norm(b.ln_1);
    norm(b.ln_2);
    b.W_fc.resize(D, F); b.b_fc.resize(F); b.W_proj.resize(F, D); b.b_proj.resize(D);
    const std::string h = "h." + std::to_string(l) + ".";
    want(h + "ln_1.weight", {d}, b.ln_1.weight.data());
    want(h + "ln_1.bias", {d}, b.ln_1.bias.data());
    want(h + "ln_2.weight", {d}, b.ln_2.weight.data());
    want(h + "ln_2.bias", {d}, b.ln_2.bias.data());
    want(h + "attn.c_proj.weight", {d, d}, a->W_o.data());
    want(h + "attn.c_proj.bias", {d}, a->b_o.data());
    want(h + "mlp.c_fc.weight", {d, static_cast<std::uint64_t>(F)}, b.W_fc.data());
    want(h + "mlp.c_fc.bias", {static_cast<std::uint64_t>(F)}, b.b_fc.data());
    want(h + "mlp.c_proj.weight", {static_cast<std::uint64_t>(F), d}, b.W_proj.data());
    want(h + "mlp.c_proj.bias", {d}, b.b_proj.data());
    // c_attn is (D, 3D): columns [0, D) are Q, [D, 2D) K, [2D, 3D) V, and
    // within each, head h owns columns [h dk, (h+1) dk) (GPT2Attention._split_heads).
    expected.push_back({h + "attn.c_attn.weight", {d, 3 * d},
                        [a, D, H, dk](const float* w) {
                          for (int hh = 0; hh < H; ++hh) {
                            Mat* dst[3] = {&a->q_heads[hh].W_q, &a->kv_heads[hh].W_k, &a->kv_heads[hh].W_v};
                            for (int part = 0; part < 3; ++part) {
                              dst[part]->resize(D, dk);
                              for (int r = 0; r < D; ++r)
                                std::copy_n(w + static_cast<long>(r) * 3 * D + part * D + hh * dk, dk, &(*dst[part])(r, 0));
                            }
                          }
                        },
                        nullptr, nullptr});
    expected.push_back({h + "attn.c_attn.bias", {3 * d},
                        [a, D, H, dk](const float* v) {
                          for (int hh = 0; hh < H; ++hh) {
                            a->q_heads[hh].b_q = Eigen::Map<const RowVec>(v + hh * dk, dk);
                            a->kv_heads[hh].b_k = Eigen::Map<const RowVec>(v + D + hh * dk, dk);
                            a->kv_heads[hh].b_v = Eigen::Map<const RowVec>(v + 2 * D + hh * dk, dk);
                          }
                        },
                        nullptr, nullptr});
  }
  // lm_head.weight: only GPT2LMHeadModel has it, never under "transformer.",
  // and it is usually tied to wte (then safetensors omits it). When present it
  // must have wte's shape; it is used, not assumed equal.
  const SafetensorsTensor* lm_head = header.Find("lm_head.weight");
  if (lm_head) {
    m->lm_head_.resize(V, D);
    want("lm_head.weight", {static_cast<std::uint64_t>(V), d}, m->lm_head_.data());
    expected.back().tensor = lm_head;
  }

  // Presence, dtype and shape of everything, before any data is read.
  std::set<std::string> dtypes;
  for (Expected& e : expected) {
    const std::string full = e.name == "lm_head.weight" ? e.name : prefix + e.name;
    if (!e.tensor) e.tensor = header.Find(full);
    if (!e.tensor) {
      throw InputError(weights_path + ": tensor '" + full + "' is missing (config.json describes " + std::to_string(L) +
                       " layers of width " + std::to_string(D) + ")");
    }
    if (!IsFloatDtype(e.tensor->dtype)) {
      throw InputError(weights_path + ": tensor '" + full + "' has dtype " + std::string(ToString(e.tensor->dtype)) +
                       "; expected F32, F16 or BF16");
    }
    if (e.tensor->shape != e.shape) {
      throw InputError(weights_path + ": tensor '" + full + "' has shape " + Dims(e.tensor->shape) + "; config.json (n_embd " +
                       std::to_string(D) + ", n_head " + std::to_string(H) + ", vocab_size " + std::to_string(V) +
                       ", n_positions " + std::to_string(P) + ") needs " + Dims(e.shape));
    }
    dtypes.insert(std::string(ToString(e.tensor->dtype)));
  }
  m->stored_dtype_ = *dtypes.begin() + (dtypes.size() > 1 ? "+" : "");

  // Data, in file order so the mapping is read front to back once.
  std::sort(expected.begin(), expected.end(),
            [](const Expected& a, const Expected& b) { return a.tensor->begin < b.tensor->begin; });
  std::vector<float> scratch;
  const std::string_view bytes = file.Bytes();
  for (const Expected& e : expected) {
    const SafetensorsTensor& t = *e.tensor;
    const std::string_view raw = bytes.substr(header.data_start + t.begin, t.end - t.begin);
    if (e.direct) {
      DecodeTensorInto(t, raw, e.direct, weights_path);
    } else {
      scratch.resize(t.Elements());
      DecodeTensorInto(t, raw, scratch.data(), weights_path);
      e.store(scratch.data());
    }
    file.Release(header.data_start + t.begin, header.data_start + t.end);
  }
  for (int l = 0; l < L; ++l) m->blocks_[l].attention = std::move(attention[l]);
  return m;
}

std::size_t Gpt2Model::WeightBytes() const {
  std::size_t floats = wte_.size() + wpe_.size() + lm_head_.size() + ln_f_.weight.size() + ln_f_.bias.size();
  for (const Gpt2BlockWeights& b : blocks_) {
    floats += b.ln_1.weight.size() * 4 + b.W_fc.size() + b.b_fc.size() + b.W_proj.size() + b.b_proj.size();
    const LayerWeights& a = *b.attention;
    floats += a.W_o.size() + a.b_o.size();
    for (const QueryHeadWeights& q : a.q_heads) floats += q.W_q.size() + q.b_q.size();
    for (const KvHeadWeights& k : a.kv_heads) floats += k.W_k.size() + k.b_k.size() + k.W_v.size() + k.b_v.size();
  }
  return floats * sizeof(float);
}

// [SECTION] Forward pass: embeddings, LayerNorm, MLP

std::vector<Token> Gpt2Model::Tokenize(std::string_view text) const { return tokenizer_.Tokenize(text); }

std::string Gpt2Model::TokenText(int id) const {
  // A padded embedding (vocab_size > the tokenizer's) has ids with no text.
  return id >= 0 && id < tokenizer_.VocabSize() ? tokenizer_.DecodeBytes(id) : std::string();
}

std::string Gpt2Model::DescribeTokenizer() const {
  return "GPT-2 byte-level BPE, " + std::to_string(tokenizer_.VocabSize()) + " tokens";
}

Mat Gpt2Model::Embed(const std::vector<Token>& tokens) const {
  Mat x(static_cast<int>(tokens.size()), config_.n_embd);
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const int id = tokens[i].id;
    if (id < 0 || id >= wte_.rows()) {
      throw InputError("token " + std::to_string(i) + " has id " + std::to_string(id) + ", outside " + shape_.name +
                       "'s vocabulary of " + std::to_string(wte_.rows()));
    }
    x.row(static_cast<int>(i)) = wte_.row(id);
  }
  return x;
}

Mat Gpt2Model::LearnedPositions(int n) const {
  if (n > config_.n_positions) {
    throw InputError("text has " + std::to_string(n) + " tokens; " + shape_.name + " reads at most " +
                     std::to_string(config_.n_positions) + " (n_positions in " + (fs::path(directory_) / "config.json").string() +
                     "): shorten the text");
  }
  return wpe_.topRows(n);
}

Mat Gpt2Model::AttentionInput(int layer, const Mat& residual) const {
  return ApplyNorm(blocks_[layer].ln_1, residual);
}

namespace {

// Splits an (m, n) product into tiles for `threads` threads. Eigen packs the
// whole of B's columns a call touches, so tiles split the columns (each thread
// packs only its share of W) and keep up to 1024 rows together (A is read
// once per column block).
struct Tiling {
  int row_blocks = 1, col_blocks = 1, rows = 0, cols = 0;
  Tiling(int m, int n, int threads) {
    row_blocks = std::max(1, (m + 1023) / 1024);
    if (threads > 1) col_blocks = std::max(1, std::min(n / 64, 2 * threads));
    rows = (m + row_blocks - 1) / row_blocks;
    cols = ((n + col_blocks - 1) / col_blocks + 15) / 16 * 16;  // whole SIMD widths
  }
  int Count() const { return row_blocks * col_blocks; }
};

}  // namespace

Mat Gpt2Model::Mlp(int layer, const Mat& resid_mid) const {
  const Gpt2BlockWeights& b = blocks_[layer];
  const int n = static_cast<int>(resid_mid.rows()), D = config_.n_embd, F = config_.n_inner;
  const int threads = threads_.load(std::memory_order_relaxed);
  const int T = threads > 0 ? std::min(threads, ThreadPool::Shared().threads()) : ThreadPool::Shared().threads();

  const Mat ln = ApplyNorm(b.ln_2, resid_mid);  // (N, D) LayerNorm(h'; ln_2)

  // hidden = gelu(ln W_fc + b_fc): (N, F).
  Mat hidden(n, F);
  hidden.rowwise() = b.b_fc;
  const Tiling t1(n, F, T);
  ParallelFor(
      t1.Count(),
      [&](int job) {
        const int r0 = (job / t1.col_blocks) * t1.rows, c0 = (job % t1.col_blocks) * t1.cols;
        const int rows = std::min(t1.rows, n - r0), cols = std::min(t1.cols, F - c0);
        if (rows <= 0 || cols <= 0) return;
        float* h = hidden.data() + static_cast<long>(r0) * F + c0;
        MatMul(rows, cols, D, ln.data() + static_cast<long>(r0) * D, D, b.W_fc.data() + c0, F, h, F, /*accumulate=*/true);
        for (int r = 0; r < rows; ++r) GeluTanhInPlace(h + static_cast<long>(r) * F, cols);
      },
      T);

  // out = b_proj + hidden W_proj: (N, D).
  Mat out(n, D);
  out.rowwise() = b.b_proj;
  const Tiling t2(n, D, T);
  ParallelFor(
      t2.Count(),
      [&](int job) {
        const int r0 = (job / t2.col_blocks) * t2.rows, c0 = (job % t2.col_blocks) * t2.cols;
        const int rows = std::min(t2.rows, n - r0), cols = std::min(t2.cols, D - c0);
        if (rows <= 0 || cols <= 0) return;
        MatMul(rows, cols, F, hidden.data() + static_cast<long>(r0) * F, F, b.W_proj.data() + c0, D,
               out.data() + static_cast<long>(r0) * D + c0, D, /*accumulate=*/true);
      },
      T);
  return out;
}

// [SECTION] Next-token prediction

void Gpt2Model::Unembed(const float* normed, int rows, float* logits) const {
  const Mat& head = UnembeddingMatrix();  // (V, D)
  const int V = static_cast<int>(head.rows()), D = config_.n_embd;
  // Reading the (V, D) matrix once is the cost (154 MB for GPT-2 small), so
  // split it by vocabulary rows over the threads.
  const int threads = threads_.load(std::memory_order_relaxed);
  constexpr int kChunk = 4096;
  const int chunks = (V + kChunk - 1) / kChunk;
  const Eigen::Map<const Mat> x(normed, rows, D);
  Eigen::Map<Mat> out(logits, rows, V);
  ParallelFor(
      chunks,
      [&](int c) {
        const int v0 = c * kChunk, cnt = std::min(kChunk, V - v0);
        out.middleCols(v0, cnt).noalias() = x * head.middleRows(v0, cnt).transpose();
      },
      threads);
}

RowVec Gpt2Model::UnembeddingOf(int id) const {
  const Mat& head = UnembeddingMatrix();
  if (id < 0 || id >= head.rows()) return RowVec();
  return head.row(id);
}

}  // namespace attnviz
