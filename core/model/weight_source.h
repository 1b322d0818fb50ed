// WeightSource: where a model's weights, tokenizer and residual stream come from.
// Built-in (hand-designed heads), random (seeded), and later checkpoints (GPT-2
// safetensors) all implement it; the engine only talks to this interface.
#pragma once
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/request.h"
#include "core/text/tokenizer.h"
#include "core/types.h"

namespace attnviz {

struct QueryHeadWeights {
  Mat W_q;           // (D, dk)
  RowVec b_q;        // (dk)
  std::string role;  // "" when the head has no designed role
};

struct KvHeadWeights {
  Mat W_k;     // (D, dk)
  RowVec b_k;  // (dk)
  Mat W_v;     // (D, dk)
  RowVec b_v;  // (dk)
};

struct LayerWeights {
  std::vector<QueryHeadWeights> q_heads;  // H
  std::vector<KvHeadWeights> kv_heads;    // native kv heads (H for MHA models)
  Mat W_o;                                // (H*dk, D)
  RowVec b_o;                             // (D)
};

struct ModelShape {
  std::string name;      // shown in titles and the trace config
  int d_model = 0;
  int heads = 0;
  int kv_heads = 0;      // native
  int d_k = 0;
  int layers = 0;
  bool has_learned_positions = false;
};

class WeightSource {
 public:
  virtual ~WeightSource() = default;
  virtual ModelShape Shape() const = 0;
  // Tokens of the text in this model's vocabulary (the built-in tokenizer by default).
  virtual std::vector<Token> Tokenize(std::string_view text) const { return TokenizeWords(text); }
  // Token embeddings without positional information: (N, D).
  virtual Mat Embed(const std::vector<Token>& tokens) const = 0;
  // Learned position embeddings (N, D), for models that have them (GPT-2 wpe).
  virtual Mat LearnedPositions(int n) const { (void)n; return Mat(); }
  virtual const LayerWeights& Layer(int layer) const = 0;
  // What layer `layer` attends over, given the residual stream (GPT-2: ln_1(x)).
  virtual Mat AttentionInput(int layer, const Mat& residual) const { (void)layer; return residual; }
  // The residual stream after the layer (GPT-2: x + attn, then + mlp(ln_2(.))).
  virtual Mat NextResidual(int layer, const Mat& residual, const Mat& attention_result) const {
    (void)layer;
    return residual + attention_result;
  }
};

// Builds the weight source a request names; throws InputError for a bad name,
// a size the model does not have, or an unreadable checkpoint.
std::shared_ptr<const WeightSource> MakeWeightSource(const Request& r);

}  // namespace attnviz
