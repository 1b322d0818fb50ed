// Trace: every intermediate of SPEC.md for one request, immutable once built.
// Views receive `std::shared_ptr<const Trace>`; a view never half-sees an update.
// Shapes use N = tokens, D = d_model, H = query heads, G = kv heads, dk = d_v = head dim.
#pragma once
#include <memory>
#include <string>
#include <vector>

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
  Mat W_k;     // (D, dk)  after mean-pooling when G < the model's native kv heads
  RowVec b_k;  // (dk)
  Mat W_v;     // (D, dk)
  RowVec b_v;  // (dk)
  Mat K;       // (N, dk)  input W_k + b_k, then RoPE when RoPE is on
  Mat V;       // (N, dk)  input W_v + b_v
};

struct HeadTrace {
  int kv_head = 0;        // g = floor(h / (H/G))
  std::string role;       // built-in model: what the head was designed for, e.g. "previous-token"
  Mat W_q;                // (D, dk)
  RowVec b_q;             // (dk)
  Mat Q;                  // (N, dk)  after RoPE when RoPE is on
  Mat scores;             // (N, N)   raw Q_i . K_j, for every pair (also masked ones)
  Mat bias;               // (N, N)   ALiBi -m_h |i-j|, zeros otherwise
  Mat logits;             // (N, N)   (s*scores + bias) / T where allowed; 0 where masked (see Trace::mask)
  Mat weights;            // (N, N)   softmax over allowed keys; exactly 0 where masked
  Mat output;             // (N, dk)  weights V
  std::vector<int> empty_rows;  // queries with no allowed key: all-zero weights and output
  float alibi_slope = 0;  // m_h when positional is ALiBi
};

struct LayerTrace {
  Mat input;                         // (N, D)  what Q, K and V are projected from
  std::vector<HeadTrace> heads;      // H
  std::vector<KvHeadTrace> kv_heads; // G
  Mat concat;                        // (N, H*dk) [output_0 ... output_{H-1}]
  Mat W_o;                           // (H*dk, D)
  RowVec b_o;                        // (D)
  Mat output;                        // (N, D)  concat W_o + b_o
};

// One candidate for the token after the text (loaded models with a vocabulary).
struct NextToken {
  int id = -1;           // in the model's vocabulary
  std::string text;      // its bytes (may be part of a UTF-8 character for byte-level BPE)
  float prob = 0;        // softmax of the final logits
};

struct Trace {
  std::string text;
  std::vector<Token> tokens;         // N
  TraceConfig config;
  MaskMat mask;                      // (N, N) 1 where key j is allowed for query i; same for every head and layer
  Mat positional_encoding;           // (N, D) what was added to the embeddings (sinusoidal / learned), else empty
  std::vector<LayerTrace> layers;
  std::vector<std::string> notes;    // things a person should know, e.g. "globals 9 >= N ignored"
  std::vector<NextToken> next_token; // the 10 most likely next tokens (models with a vocabulary), else empty

  int n() const { return static_cast<int>(tokens.size()); }
  const KvHeadTrace& KvOf(int layer, int head) const {
    const LayerTrace& l = layers[layer];
    return l.kv_heads[l.heads[head].kv_head];
  }
};

using TracePtr = std::shared_ptr<const Trace>;

}  // namespace attnviz
