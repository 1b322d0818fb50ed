// The `attention-steps` lesson (chapter 2): scaled dot-product attention for
// one query token, every intermediate number, read from the engine's trace.
//
//   x            the token's row of the layer input X                 (D)
//   q = x W_q + b_q   (then RoPE when on)                             (dk)
//   scores_j   = q · k_j                 for every key j              (N)
//   logits_j   = (s · scores_j + bias_j) / T   where the mask allows j, s = 1/√dk
//   weights_j  = exp(logits_j − max) / Σ exp(logits − max)   over allowed j, else 0
//   output     = Σ_j weights_j v_j                                    (dv)
//   concat     = [output of head 0 … head H−1]                        (H·dv)
//   result     = concat W_o + b_o                                     (D)
//
// The numbers a chapter shows must be the engine's own, not a second
// computation that might disagree: scores, logits, weights, the head output,
// the concatenation and the result are copied from the trace (Trace::Matrix,
// the stored outputs). Only what the engine never writes down is derived here from
// those copies: each allowed key's exp(logit − max) and their sum, and each
// key's contribution weights_j · v_j. Tests check the copies against an
// independent double-precision recomputation from X and the weights.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/cancel.h"
#include "core/request.h"
#include "core/trace.h"

namespace attnviz {
class Engine;
}

namespace attnviz::lessons {

struct AttentionStepsParams {
  int layer = 0;   // 0-based
  int head = 0;    // query head
  int query = -1;  // token; -1 = the last one
};

struct AttentionStepsLesson {
  int n = 0, d_model = 0, d_k = 0, heads = 0, kv_heads = 0, layers = 0;
  int layer = 0, head = 0, kv_head = 0, query = 0;
  std::string role;                       // the built-in model's name for the head ("" otherwise)
  float scale = 1;                        // s: 1/√dk, or 1 with scaling off
  float temperature = 1;                  // T
  float alibi_slope = 0;                  // m_h (0 without ALiBi)
  std::string positional, mask;           // "sinusoidal", "causal + sliding w=3"
  std::vector<std::string> tokens;        // (N) as a person reads them
  std::vector<float> x;                   // (D)  the query token's layer input
  std::vector<float> q;                   // (dk) its query (after RoPE when on)
  Mat K;                                  // (N, dk) keys of the head's kv group
  Mat V;                                  // (N, dv) values
  std::vector<float> scores;              // (N)  q · k_j
  std::vector<float> bias;                // (N)  −m |i − j| with ALiBi, else 0
  std::vector<std::uint8_t> allowed;      // (N)  1 where the mask lets the query read key j
  std::vector<float> logits;              // (N)  (s·score + bias)/T where allowed, 0 where masked
  float max_logit = 0;                    // over allowed keys (0 for an empty row)
  std::vector<float> exp_shifted;         // (N)  exp(logit − max) where allowed, 0 where masked
  double sum_exp = 0;                     // Σ exp_shifted
  std::vector<float> weights;             // (N)  the softmax; exactly 0 where masked
  Mat contributions;                      // (N, dv) weights_j · v_j; they sum to `output`
  std::vector<float> output;              // (dv) the head's output row
  std::vector<float> concat;              // (H·dv) every head's output for this token
  std::vector<float> result;              // (D)  concat W_o + b_o: the layer's output row
  bool empty_row = false;                 // no allowed key: zero weights and output (never NaN)
};

// From a trace (the window holds one). Throws InputError when layer, head or
// query is outside the trace.
AttentionStepsLesson ComputeAttentionSteps(const Trace& t, const AttentionStepsParams& p);

// Runs the engine on the request first (what `attnviz lesson attention-steps` does).
AttentionStepsLesson RunAttentionStepsLesson(Engine& engine, const Request& request, const AttentionStepsParams& p,
                                             const CancelToken* cancel = nullptr);

// The step between the scores and the logits that the trace does not store:
// s · scores for every pair (N, N), s = 1/√dk (or 1 with scaling off).
Mat ScaledScores(const Trace& t, int layer, int head);

nlohmann::json ToJson(const AttentionStepsLesson& s);

}  // namespace attnviz::lessons
