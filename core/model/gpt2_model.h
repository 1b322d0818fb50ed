// A GPT-2 family checkpoint in the Hugging Face layout, as a WeightSource:
//   config.json        sizes (core/model/gpt2_config.h)
//   model.safetensors  weights, F32 / F16 / BF16 (core/model/safetensors.h)
//   vocab.json         byte-level BPE vocabulary  (core/text/bpe.h)
//   merges.txt         BPE merges by rank
// gpt2, distilgpt2, gpt2-medium and any other size with this architecture that
// fits core/limits.h. The forward pass is SPEC.md's "Loaded models":
//   h_0     = wte[ids] + wpe[0..N-1]
//   a_l     = LayerNorm(h_l; ln_1)                   (AttentionInput)
//   attn_l  = causal multi-head attention of a_l     (the engine, from Layer(l))
//   h_l'    = h_l + attn_l
//   h_{l+1} = h_l' + c_proj(gelu_tanh(LayerNorm(h_l'; ln_2) c_fc))   (NextResidual)
//   logits  = LayerNorm(h_L; ln_f) wte^T (lm_head.weight when present)  (PredictNext)
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
#include "core/model/weight_source.h"
#include "core/text/bpe.h"

namespace attnviz {

// One transformer block's weights besides attention (which is LayerWeights,
// split per head from c_attn). Conv1D layout: weights are (in, out).
struct Gpt2BlockWeights {
  RowVec ln_1_g, ln_1_b;   // (D)
  RowVec ln_2_g, ln_2_b;   // (D)
  Mat W_fc;                // (D, F)  mlp.c_fc.weight, F = n_inner (4D)
  RowVec b_fc;             // (F)
  Mat W_proj;              // (F, D)  mlp.c_proj.weight
  RowVec b_proj;           // (D)
  std::shared_ptr<const LayerWeights> attention;  // per head W_q, W_k, W_v (D, dk) from c_attn; W_o = attn.c_proj
};

class Gpt2Model final : public WeightSource {
 public:
  // Reads a checkpoint directory. `name` is shown in titles and the trace's
  // config.model (the --model argument as given). Throws InputError.
  static std::shared_ptr<Gpt2Model> Load(const std::string& directory, const std::string& name);

  ModelShape Shape() const override { return shape_; }
  std::vector<Token> Tokenize(std::string_view text) const override;
  Mat Embed(const std::vector<Token>& tokens) const override;
  // Rows 0..n-1 of wpe. Throws InputError when n > n_positions.
  Mat LearnedPositions(int n) const override;
  const LayerWeights& Layer(int layer) const override { return *blocks_[layer].attention; }
  Mat AttentionInput(int layer, const Mat& residual) const override;
  Mat NextResidual(int layer, const Mat& residual, const Mat& attention_result) const override;
  std::vector<NextToken> PredictNext(const Mat& final_residual, int k) const override;

  // The same layer weights as Layer(), as the shared pointer a trace keeps.
  std::shared_ptr<const LayerWeights> LayerPtr(int layer) const { return blocks_[layer].attention; }
  // Softmax of the final logits after the last token (V probabilities, in
  // double: the sparse chapters take KL divergences of these).
  std::vector<double> NextTokenDistribution(const Mat& final_residual) const;
  // Threads for the MLP and the logits (0 = the shared pool's size). The
  // benchmark sets it; the window leaves it at 0.
  void SetThreads(int threads) { threads_.store(threads, std::memory_order_relaxed); }

  const Gpt2Config& Config() const { return config_; }
  const BpeTokenizer& Tokenizer() const { return tokenizer_; }
  const std::string& Directory() const { return directory_; }
  // "F32", "F16" or "BF16": the dtype of the weights on disk (mixed: the first
  // tensor's dtype followed by "+").
  const std::string& StoredDtype() const { return stored_dtype_; }
  // Bytes of float32 weights held (shared by every trace of this model).
  std::size_t WeightBytes() const;
  const Gpt2BlockWeights& Block(int layer) const { return blocks_[layer]; }

 private:
  Gpt2Model(Gpt2Config config, BpeTokenizer tokenizer) : config_(config), tokenizer_(std::move(tokenizer)) {}
  // ln_f then the logits of the last row: (V).
  std::vector<float> FinalLogits(const Mat& final_residual) const;

  Gpt2Config config_;
  BpeTokenizer tokenizer_;
  ModelShape shape_;
  std::string directory_;
  std::string stored_dtype_;
  Mat wte_;                // (V, D)  token embeddings
  Mat wpe_;                // (P, D)  position embeddings, P = n_positions
  Mat lm_head_;            // (V, D)  when the checkpoint has its own; empty when tied to wte
  RowVec ln_f_g_, ln_f_b_; // (D)
  std::vector<Gpt2BlockWeights> blocks_;  // n_layer
  std::atomic<int> threads_{0};
};

// Row-wise LayerNorm (biased variance, as torch.nn.LayerNorm): out = (x - mean)
// / sqrt(var + eps) * g + b, for `rows` rows of D values. out may equal x.
void LayerNormRows(const float* x, int rows, int d, const float* g, const float* b, float eps, float* out);

}  // namespace attnviz
