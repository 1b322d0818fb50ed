// Trace: every intermediate of SPEC.md for one request, immutable once built.
// Views receive `std::shared_ptr<const Trace>`; a view never half-sees an update.
// Shapes use N = tokens, D = d_model, H = query heads, G = kv heads, dk = d_v = head dim.
//
// What is stored and what is computed on demand. A trace keeps what is O(N·D):
// each head's Q and output, each kv head's K and V, the layer's input and
// output, and per query row the log-sum-exp of its allowed logits (what
// FlashAttention keeps for its backward pass). The per-head N x N matrices
// (scores, bias, logits, weights) are not stored: at N = 4096 with 8 heads they
// would be 2 GiB, and a view shows one head at a time. They are recomputed from
// Q, K and the mask exactly as the reference (ComputeHeadSteps) computes them:
//   - Matrix(layer, head, which): the whole matrix, cached (bounded LRU, shared
//     between threads), for the heatmap on screen and for exports;
//   - MatrixRows(...): any block of rows without caching (streaming: JSON,
//     pooled thumbnails);
//   - WeightsColumn(...): one key's column of the weights in O(N dk), using the
//     stored log-sum-exp (the arcs into a hovered key).
// Weights are shared, never copied: LayerTrace::weights points at the model's
// own LayerWeights (or at the mean-pooled ones when G < the model's kv heads).
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "core/model/layer_weights.h"
#include "core/model/model.h"
#include "core/request.h"
#include "core/text/tokenizer.h"
#include "core/types.h"

namespace attnviz {

struct TraceConfig {
  std::string model;      // "builtin", "random", or the checkpoint's name
  int d_model = 0;        // D
  int heads = 0;          // H
  int kv_heads = 0;       // G
  int d_k = 0;            // dk (= d_v)
  int layers = 0;
  Positional positional = Positional::None;
  bool scale = true;
  float temperature = 1.0f;
  MaskSpec mask;
  std::uint64_t seed = 0; // random model only
};

// One key/value head, shared by H/G query heads (grouped-query attention).
struct KvHeadTrace {
  Mat K;       // (N, dk)  input W_k + b_k, then RoPE when RoPE is on
  Mat V;       // (N, dk)  input W_v + b_v
};

struct HeadTrace {
  int kv_head = 0;        // g = floor(h / (H/G))
  std::string role;       // built-in model: what the head was designed for, e.g. "previous-token"
  float alibi_slope = 0;  // m_h when positional is ALiBi, else 0
  Mat Q;                  // (N, dk)  input W_q + b_q, after RoPE when RoPE is on
  Mat output;             // (N, dk)  weights V
  RowVec lse;             // (N)      log sum_j exp(logits[i, j]) over allowed j; -inf for empty rows
  std::vector<int> empty_rows;  // queries with no allowed key: all-zero weights and output
  bool pattern_replaced = false;  // a Pattern hook replaced the weights (output is its pattern V, not Q K's)
};

struct LayerTrace {
  std::shared_ptr<const LayerWeights> weights;  // the weights this layer used (after GQA pooling: G kv heads)
  Mat residual;                      // (N, D)  h_l, the residual stream entering the layer (hook_resid_pre)
  Mat input;                         // (N, D)  what Q, K and V are projected from (the pre-attention norm of h_l)
  std::vector<HeadTrace> heads;      // H
  std::vector<KvHeadTrace> kv_heads; // G
  Mat concat;                        // (N, H*dk) [output_0 ... output_{H-1}]
  Mat output;                        // (N, D)  concat W_o + b_o (hook_attn_out)
  Mat mlp_out;                       // (N, D)  the MLP's output; empty for attention-only models

  const Mat& W_q(int h) const { return weights->q_heads[h].W_q; }         // (D, dk)
  const RowVec& b_q(int h) const { return weights->q_heads[h].b_q; }      // (dk)
  const Mat& W_k(int g) const { return weights->kv_heads[g].W_k; }        // (D, dk)
  const RowVec& b_k(int g) const { return weights->kv_heads[g].b_k; }     // (dk)
  const Mat& W_v(int g) const { return weights->kv_heads[g].W_v; }        // (D, dk)
  const RowVec& b_v(int g) const { return weights->kv_heads[g].b_v; }     // (dk)
  const Mat& W_o() const { return weights->W_o; }                         // (H*dk, D)
  const RowVec& b_o() const { return weights->b_o; }                      // (D)
};

// One candidate for the token after the text (loaded models with a vocabulary).
struct NextToken {
  int id = -1;           // in the model's vocabulary
  std::string text;      // its bytes (may be part of a UTF-8 character for byte-level BPE)
  float prob = 0;        // softmax of the final logits
};

// The per-head (N, N) matrices a view can ask for (SPEC "Logits, masks, weights").
enum class HeadMatrix {
  Scores,   // Q_i . K_j for every pair, masked ones too
  Bias,     // ALiBi -m_h |i - j|, zeros otherwise
  Logits,   // (s * scores + bias) / T where allowed; 0 where masked (the mask says which are real)
  Weights,  // softmax over allowed keys (max-subtracted); exactly 0 where masked
};

using MatPtr = std::shared_ptr<const Mat>;

struct Trace {
  std::string text;
  std::vector<Token> tokens;         // N
  TraceConfig config;
  MaskMat mask;                      // (N, N) 1 where key j is allowed for query i; same for every head and layer
  Mat positional_encoding;           // (N, D) what was added to the embeddings (sinusoidal / learned), else empty
  std::vector<LayerTrace> layers;
  std::vector<std::string> notes;    // things a person should know, e.g. "globals 9 >= N ignored"
  Mat final_residual;                // (N, D)  h_L, the residual stream after the last layer
  std::vector<NextToken> next_token; // the 10 most likely next tokens (models with a vocabulary), else empty
  std::shared_ptr<const Model> model;// the model (it keeps LayerTrace::weights alive)

  Trace();
  ~Trace();
  Trace(const Trace&) = delete;      // a trace is built once and shared; cached matrices are keyed by its address
  Trace& operator=(const Trace&) = delete;

  int n() const { return static_cast<int>(tokens.size()); }
  const KvHeadTrace& KvOf(int layer, int head) const {
    const LayerTrace& l = layers[layer];
    return l.kv_heads[l.heads[head].kv_head];
  }

  // [SECTION] Per-head N x N matrices, computed on demand (see the top of this file)
  // The whole (N, N) matrix; cached, thread-safe. Computing one takes about one
  // head's share of the trace's time (a few ms at N = 1024, ~50 ms at 4096).
  MatPtr Matrix(int layer, int head, HeadMatrix which) const;
  // Rows [row0, row0 + rows) into out (rows x N, row-major); not cached.
  void MatrixRows(int layer, int head, HeadMatrix which, int row0, int rows, float* out) const;
  // out[i] = weights[i, key] for every query i (N); O(N dk) from the stored lse.
  void WeightsColumn(int layer, int head, int key, float* out) const;
  // Bytes of this trace's matrices in the cache now, and the most the cache
  // keeps for all traces together (tests, --frame-stats).
  std::size_t CachedMatrixBytes() const;
  static std::size_t MatrixCacheBudget();
};

using TracePtr = std::shared_ptr<const Trace>;

}  // namespace attnviz
