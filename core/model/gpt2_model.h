// A GPT-2 family checkpoint in the Hugging Face layout, as a Model:
//   config.json        sizes (core/model/gpt2_config.h)
//   model.safetensors  weights, F32 / F16 / BF16 (core/model/safetensors.h)
//   vocab.json         byte-level BPE vocabulary  (core/text/bpe.h)
//   merges.txt         BPE merges by rank
// gpt2, distilgpt2, gpt2-medium and any other size with this architecture that
// fits core/limits.h. The forward pass is SPEC.md's "Loaded models":
//   h_0     = wte[ids] + wpe[0..N-1]                 (Embed, LearnedPositions)
//   a_l     = LayerNorm(h_l; ln_1)                   (AttentionInput)
//   attn_l  = causal multi-head attention of a_l     (core/forward.h, from Layer(l))
//   h_l'    = h_l + attn_l
//   h_{l+1} = h_l' + c_proj(gelu_tanh(LayerNorm(h_l'; ln_2) c_fc))   (Mlp)
//   logits  = LayerNorm(h_L; ln_f) wte^T (lm_head.weight when present)  (FinalNorm, Unembed)
//
// Loading is all-or-nothing and checks before it reads: the directory's files,
// config.json, the tokenizer, then every expected tensor's presence, dtype and
// shape against the config, and only then the data (memory-mapped, decoded to
// float32 once, each tensor's pages released as soon as it is converted, so
// the peak is the float32 weights plus one tensor). Every failure is an
// InputError of one line naming the file and the problem.
//
// Weights live once in the model (GPT-2 small: 124 M floats, 498 MB) and are
// shared: traces point at Layer(l) through shared_ptr, nothing is copied.
#pragma once
#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/model/gpt2_config.h"
#include "core/model/model.h"
#include "core/text/bpe.h"

namespace attnviz {

// One transformer block's weights besides attention (which is LayerWeights,
// split per head from c_attn). Conv1D layout: weights are (in, out).
struct Gpt2BlockWeights {
  NormSpec ln_1, ln_2;     // LayerNorm (D) gain and bias, eps from the config
  Mat W_fc;                // (D, F)  mlp.c_fc.weight, F = n_inner (4D)
  RowVec b_fc;             // (F)
  Mat W_proj;              // (F, D)  mlp.c_proj.weight
  RowVec b_proj;           // (D)
  std::shared_ptr<const LayerWeights> attention;  // per head W_q, W_k, W_v (D, dk) from c_attn; W_o = attn.c_proj
};

class Gpt2Model final : public Model {
 public:
  // Reads a checkpoint directory. `name` is shown in titles and the trace's
  // config.model (the --model argument as given). Throws InputError.
  static std::shared_ptr<Gpt2Model> Load(const std::string& directory, const std::string& name);

  const ModelShape& Shape() const override { return shape_; }
  std::vector<Token> Tokenize(std::string_view text) const override;
  std::string TokenText(int id) const override;
  bool IsSpecialToken(int id) const override { return id >= 0 && id == tokenizer_.IdOf(kGpt2EndOfText); }
  std::string DescribeTokenizer() const override;
  Mat Embed(const std::vector<Token>& tokens) const override;
  // Rows 0..n-1 of wpe. Throws InputError when n > n_positions.
  Mat LearnedPositions(int n) const override;
  std::shared_ptr<const LayerWeights> Layer(int layer) const override { return blocks_[layer].attention; }
  Mat AttentionInput(int layer, const Mat& residual) const override;
  Mat Mlp(int layer, const Mat& resid_mid) const override;
  NormSpec FinalNorm() const override { return ln_f_; }
  void Unembed(const float* normed, int rows, float* logits) const override;
  RowVec UnembeddingOf(int id) const override;
  void SetThreads(int threads) const override { threads_.store(threads, std::memory_order_relaxed); }
  // Bytes of float32 weights held (shared by every trace of this model).
  std::size_t WeightBytes() const override;
  // "F32", "F16" or "BF16": the dtype of the weights on disk (mixed: the first
  // tensor's dtype followed by "+").
  std::string StoredDtype() const override { return stored_dtype_; }

  const Gpt2Config& Config() const { return config_; }
  const BpeTokenizer& Tokenizer() const { return tokenizer_; }
  const Gpt2BlockWeights& Block(int layer) const { return blocks_[layer]; }

 private:
  Gpt2Model(Gpt2Config config, BpeTokenizer tokenizer) : config_(config), tokenizer_(std::move(tokenizer)) {}
  const Mat& UnembeddingMatrix() const { return lm_head_.size() != 0 ? lm_head_ : wte_; }  // (V, D)

  Gpt2Config config_;
  BpeTokenizer tokenizer_;
  ModelShape shape_;
  std::string directory_;
  std::string stored_dtype_;
  Mat wte_;                // (V, D)  token embeddings
  Mat wpe_;                // (P, D)  position embeddings, P = n_positions
  Mat lm_head_;            // (V, D)  when the checkpoint has its own; empty when tied to wte
  NormSpec ln_f_;          // (D) final LayerNorm
  std::vector<Gpt2BlockWeights> blocks_;  // n_layer
  mutable std::atomic<int> threads_{0};
};

}  // namespace attnviz
