// The weights of one attention layer: what a model hands the engine, and what
// a trace points at (shared, never copied per trace: a GPT-2 small trace refers
// to the model's own 85 MB of weights).
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
  // Qwen3's per-head RMSNorm of every query and key row before RoPE
  // (q_norm, k_norm: one gain vector shared by all heads); empty = none.
  RowVec q_norm, k_norm;                  // (dk)
  float qk_norm_eps = 1e-6f;
};


}  // namespace attnviz
