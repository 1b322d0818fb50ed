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
#include "core/model/layer_weights.h"
#include "core/trace.h"
#include "core/types.h"

namespace attnviz {

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
  // The k most likely tokens after the last one, most likely first, given the
  // residual stream after the last layer (N, D) (GPT-2: ln_f, then wte^T).
  // Models without a vocabulary of their own return nothing.
  virtual std::vector<NextToken> PredictNext(const Mat& final_residual, int k) const {
    (void)final_residual;
    (void)k;
    return {};
  }
};

// Builds the weight source a request names; throws InputError for a bad name,
// a size the model does not have, or an unreadable checkpoint. A checkpoint
// still held by anyone (another engine, a trace) is shared, not read again,
// unless its files changed on disk. Thread-safe.
std::shared_ptr<const WeightSource> MakeWeightSource(const Request& r);

}  // namespace attnviz
