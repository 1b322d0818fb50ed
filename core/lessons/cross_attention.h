// The `cross-attention` lesson (chapter 4): how an encoder-decoder's decoder
// reads the source sentence.
//
//   Q = X_target W_q + b_q     (N_t, dk)   queries from the sentence being written
//   K = X_source W_k + b_k     (N_s, dk)   keys and values from the source
//   V = X_source W_v + b_v     (N_s, dv)
//   weights = softmax(Q Kᵀ · s / T)  row by row   (N_t, N_s), no mask: every
//             target token may read every source token (a source padding mask
//             aside), whatever the order
//   output  = weights V        (N_t, dv)
// The matrix is rectangular: one row per target token, one column per source
// token.
//
// The built-in and GPT-2 models have no cross-attention weights of their own,
// so the lesson borrows one head's self-attention projections from the chosen
// layer: X_target is the typed sentence's input to that layer, X_source the
// source sentence's input to the same layer when the model runs over it
// bidirectionally, as an encoder would (a checkpoint trained causally keeps
// its causal mask). As in the original Transformer's cross-attention there is
// no rotary or ALiBi term: positions enter only through X.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/cancel.h"
#include "core/model/layer_weights.h"
#include "core/request.h"
#include "core/trace.h"

namespace attnviz {
class Engine;
}

namespace attnviz::lessons {

inline constexpr int kCrossMaxSourceTokens = 1024;
inline constexpr const char* kDefaultSourceText = "A tired cat slept on the warm mat.";

struct CrossAttentionParams {
  int layer = 0, head = 0;
  std::string source = kDefaultSourceText;
};

struct CrossAttentionLesson {
  int n_target = 0, n_source = 0, layer = 0, head = 0, kv_head = 0, d_k = 0;
  std::string role;
  float scale = 1, temperature = 1;
  std::vector<std::string> target_tokens;  // (N_t)
  std::vector<std::string> source_tokens;  // (N_s)
  Mat Q;        // (N_t, dk)
  Mat K;        // (N_s, dk)
  Mat V;        // (N_s, dv)
  Mat scores;   // (N_t, N_s) Q Kᵀ
  Mat weights;  // (N_t, N_s) row softmax of s·scores/T
  Mat output;   // (N_t, dv)
};

// The computation itself, from the two layer inputs and one layer's weights
// (query head h, its kv head g). Throws InputError on shape mismatches.
CrossAttentionLesson ComputeCrossAttention(const Mat& target_input, const Mat& source_input, const LayerWeights& w,
                                           int head, int kv_head, float scale, float temperature);

// Runs the engine over both sentences and computes the lesson at (layer, head).
CrossAttentionLesson RunCrossAttentionLesson(Engine& engine, const Request& request, const CrossAttentionParams& p,
                                             const CancelToken* cancel = nullptr);

nlohmann::json ToJson(const CrossAttentionLesson& c);

}  // namespace attnviz::lessons
