// The weights of one attention layer and the shape of a model: what a weight
// source hands the engine, and what a trace points at (shared, never copied per
// trace: a GPT-2 small trace refers to the model's own 85 MB of weights).
#pragma once
#include <string>
#include <vector>

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
  bool has_learned_positions = false;  // GPT-2's wpe: the trace's positional kind is then always "learned"
  bool causal = false;                 // trained as a decoder: the engine always ANDs the mask with causal
  int vocab_size = 0;                  // > 0 when the model predicts next tokens (PredictNext)
};

}  // namespace attnviz
