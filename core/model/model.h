// Model: the one interface every model kind implements (built-in, random,
// GPT-2, the Llama family). What a model is (its shape and architecture), how
// it reads text (its tokenizer and vocabulary), and the pieces of its forward
// pass that are its own: embeddings, the norm before attention, the attention
// weights, the MLP, the final norm and the unembedding. The attention itself,
// the residual additions and the hook points are the forward pass's
// (core/model/forward.h), the same for every model, so the trace, the
// next-token panel, the census, the sparse lesson and every intervention of the
// lab see one computation. Nothing outside core/model downcasts to a kind.
//
// The forward pass of every kind, in these pieces (SPEC.md "Loaded models",
// "Llama-family models"):
//   h_0      = Embed(tokens) [+ LearnedPositions(N) | + sinusoidal PE]
//   a_l      = AttentionInput(l, h_l)                     ln_1 / input_layernorm / identity
//   z_h      = attention of a_l with Layer(l)'s head h    (forward.h)
//   attn_l   = concat(z) W_o + b_o
//   h_l'     = h_l + attn_l
//   h_{l+1}  = h_l' + Mlp(l, h_l')                        0 for attention-only models
//   logits   = Unembed(ApplyNorm(FinalNorm(), h_L))
#pragma once
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/attention/positional.h"
#include "core/model/layer_weights.h"
#include "core/request.h"
#include "core/text/tokenizer.h"
#include "core/types.h"

namespace attnviz {

// [SECTION] Shape and architecture

enum class NormKind {
  None,       // identity (the built-in model)
  LayerNorm,  // (x - mean) / sqrt(var + eps) * weight + bias (GPT-2)
  RmsNorm,    // x / sqrt(mean(x^2) + eps) * weight (Llama family)
};
enum class MlpKind {
  None,       // attention-only (built-in, random)
  GeluTanh,   // c_proj(gelu_tanh(x c_fc + b)) (GPT-2)
  SwiGlu,     // down(silu(gate x) * up x) (Llama family)
};

std::string_view ToString(NormKind k);  // "none", "layernorm", "rmsnorm"
std::string_view ToString(MlpKind k);   // "none", "gelu", "swiglu"

struct ModelShape {
  std::string name;          // shown in titles and the trace config (a checkpoint's name, not its path)
  std::string family;        // "builtin", "random", "gpt2", "llama", "mistral", "qwen2", "qwen3"
  int d_model = 0;           // D
  int heads = 0;             // H query heads
  int kv_heads = 0;          // G key/value heads (native)
  int d_k = 0;               // head dim (Qwen3: not D / H)
  int layers = 0;            // L
  int d_mlp = 0;             // MLP hidden width (0: no MLP)
  NormKind norm = NormKind::None;
  MlpKind mlp = MlpKind::None;
  // The positional encoding the model was trained with (GPT-2: learned; Llama
  // family: rope with `rope`); nullopt: none of its own, the request chooses
  // (built-in, random).
  std::optional<Positional> positional;
  RopeSpec rope;             // how rope is applied (when the positional kind is rope)
  int sliding_window = 0;    // Mistral's window: keys with i - j >= W are masked (0 = none)
  bool causal = false;       // trained as a decoder: the engine always ANDs the mask with causal
  int vocab_size = 0;        // > 0 when the model predicts next tokens
  int max_positions = 0;     // longest input the model reads (GPT-2: n_positions), 0 = no limit

  bool has_learned_positions() const { return positional == Positional::Learned; }
  bool predicts_tokens() const { return vocab_size > 0; }
};

// A norm as the final norm (and the lab's lens and attribution) apply it.
struct NormSpec {
  NormKind kind = NormKind::None;
  RowVec weight;             // (D) gain; empty = 1
  RowVec bias;               // (D) LayerNorm only; empty = 0
  float eps = 1e-5f;
};

// out = the norm of each row of x (rows, D). scale (optional, rows) receives
// each row's divisor: sqrt(var + eps) for LayerNorm, sqrt(mean(x^2) + eps)
// for RMSNorm, 1 for none (TransformerLens's ln_final.hook_scale). out may be x.
void ApplyNorm(const NormSpec& norm, const float* x, int rows, int d, float* out, float* scale = nullptr);
Mat ApplyNorm(const NormSpec& norm, const Mat& x, std::vector<float>* scale = nullptr);

// [SECTION] The interface

class Model {
 public:
  virtual ~Model() = default;
  virtual const ModelShape& Shape() const = 0;

  // -- Tokens and vocabulary
  // The text as the model reads it, with the special tokens its tokenizer adds
  // by default (a Llama BOS). Throws InputError for invalid UTF-8 (byte offset).
  virtual std::vector<Token> Tokenize(std::string_view text) const { return TokenizeWords(text); }
  // The same without added special tokens: how a target word like " Mary" is
  // spelled in the vocabulary (the lab's --target).
  virtual std::vector<Token> TokenizeBare(std::string_view text) const { return Tokenize(text); }
  // The bytes token `id` stands for (may be part of a UTF-8 character); "" for
  // an id with no text (models without a vocabulary, padded embedding rows).
  virtual std::string TokenText(int id) const { (void)id; return {}; }
  // Whether id is a special token (end-of-text, BOS, chat markers): never a
  // word of a probe or a lens's answer a person would read as text.
  virtual bool IsSpecialToken(int id) const { (void)id; return false; }
  // One line: "built-in word tokenizer", "byte-level BPE, 50257 tokens".
  virtual std::string DescribeTokenizer() const { return "built-in word tokenizer"; }

  // -- Forward pass pieces (see the top of this file)
  // Token embeddings without positional information: (N, D).
  virtual Mat Embed(const std::vector<Token>& tokens) const = 0;
  // Learned position embeddings (N, D) for models that have them (GPT-2 wpe);
  // throws InputError past the model's max_positions.
  virtual Mat LearnedPositions(int n) const { (void)n; return Mat(); }
  // The attention weights of a layer. Shared: a trace that keeps them keeps
  // this pointer (the Llama family may build them on demand from its mapped file).
  virtual std::shared_ptr<const LayerWeights> Layer(int layer) const = 0;
  // What layer `layer` attends over, given the residual stream (N, D): the
  // pre-attention norm (GPT-2 ln_1, Llama input_layernorm); identity by default.
  virtual Mat AttentionInput(int layer, const Mat& residual) const { (void)layer; return residual; }
  // The MLP's output (N, D) given the residual after attention h_l' (N, D),
  // its own norm included; an empty matrix for models without an MLP.
  virtual Mat Mlp(int layer, const Mat& resid_mid) const { (void)layer; (void)resid_mid; return Mat(); }
  // The final norm before the unembedding (kind None for models without one).
  virtual NormSpec FinalNorm() const { return {}; }
  // logits (rows, V) = normed (rows, D) W_U, for models that predict tokens.
  virtual void Unembed(const float* normed, int rows, float* logits) const {
    (void)normed; (void)rows; (void)logits;
  }
  // Column `id` of W_U (D): the direction in the normed residual that token id's
  // logit reads (direct logit attribution). Empty for models without a vocabulary.
  virtual RowVec UnembeddingOf(int id) const { (void)id; return RowVec(); }
  // Threads for the model's own dense products (0 = the shared pool's size).
  // The benchmark sets it; the window leaves it at 0.
  virtual void SetThreads(int threads) const { (void)threads; }
  // Bytes of weights the model holds in memory (float32 copies and what it
  // keeps mapped), and the dtype on disk ("F32", "BF16"; "F32" for built ones).
  virtual std::size_t WeightBytes() const { return 0; }
  virtual std::string StoredDtype() const { return "F32"; }
};

// A model seen through a change: every method forwards to the base; a
// variant overrides what it changes (a lesson's low-rank K/V, stripped
// positions, the census's fixed probe tokens).
class ModelVariant : public Model {
 public:
  explicit ModelVariant(std::shared_ptr<const Model> base) : base_(std::move(base)) {}
  const ModelShape& Shape() const override { return base_->Shape(); }
  std::vector<Token> Tokenize(std::string_view text) const override { return base_->Tokenize(text); }
  std::vector<Token> TokenizeBare(std::string_view text) const override { return base_->TokenizeBare(text); }
  std::string TokenText(int id) const override { return base_->TokenText(id); }
  bool IsSpecialToken(int id) const override { return base_->IsSpecialToken(id); }
  std::string DescribeTokenizer() const override { return base_->DescribeTokenizer(); }
  Mat Embed(const std::vector<Token>& tokens) const override { return base_->Embed(tokens); }
  Mat LearnedPositions(int n) const override { return base_->LearnedPositions(n); }
  std::shared_ptr<const LayerWeights> Layer(int layer) const override { return base_->Layer(layer); }
  Mat AttentionInput(int layer, const Mat& residual) const override { return base_->AttentionInput(layer, residual); }
  Mat Mlp(int layer, const Mat& resid_mid) const override { return base_->Mlp(layer, resid_mid); }
  NormSpec FinalNorm() const override { return base_->FinalNorm(); }
  void Unembed(const float* normed, int rows, float* logits) const override { base_->Unembed(normed, rows, logits); }
  RowVec UnembeddingOf(int id) const override { return base_->UnembeddingOf(id); }
  void SetThreads(int threads) const override { base_->SetThreads(threads); }
  std::size_t WeightBytes() const override { return base_->WeightBytes(); }
  std::string StoredDtype() const override { return base_->StoredDtype(); }
  const std::shared_ptr<const Model>& Base() const { return base_; }

 private:
  std::shared_ptr<const Model> base_;
};

using ModelPtr = std::shared_ptr<const Model>;

// Reads a checkpoint directory of any supported family (config.json's
// model_type: "gpt2"; the Llama family as it lands), fresh from disk. `name`
// is what titles show. Throws InputError naming the file and the problem, and
// naming an architecture that is not supported.
ModelPtr LoadCheckpoint(const std::string& directory, const std::string& name);

// Builds the model a request names; throws InputError for a bad name, a size
// the model does not have, or an unreadable checkpoint. A checkpoint still held
// by anyone (another engine, a trace) is shared, not read again, unless its
// files changed on disk. Thread-safe.
ModelPtr MakeModel(const Request& r);

}  // namespace attnviz
