// The forward pass, one layer at a time, with named hook points: the one
// computation behind the trace, the next-token panel, the census, the sparse
// lesson and every intervention of the lab (ablation, patching, attribution,
// the logit lens), for every model kind (core/model/model.h).
//
// One layer (SPEC.md "Loaded models", "Llama-family models"):
//   resid_pre  h_l                                          hook ResidPre   (B*N, D)
//   a_l        = model.AttentionInput(l, h_l)               the pre-attention norm
//   Q_h, K_g, V_g = a_l W + b, per-head q/k norm (Qwen3), RoPE (the model's pairing)
//   pattern    softmax over allowed keys (never stored)     hook Pattern    (N, N), on request
//   z_h        = pattern V_g                                hook Z          (B*N, dk)
//   attn_out   = concat(z) W_o + b_o                        hook AttnOut    (B*N, D)
//   resid_mid  h_l' = h_l + attn_out
//   mlp_out    = model.Mlp(l, h_l')                         hook MlpOut     (B*N, D)
//   h_{l+1}    = h_l' + mlp_out
// and after the last layer the final norm (its scale: hook FinalScale) and
// the unembedding. The names follow TransformerLens (blocks.{l}.hook_resid_pre,
// attn.hook_z, attn.hook_pattern, hook_attn_out, hook_mlp_out, ln_final.hook_scale),
// so a person who knows those finds the same points here.
//
// Batches. B sequences of the same length N may go through at once, stacked as
// B*N rows (sequence b is rows [b N, (b+1) N)): the projections, W_o and the
// MLP run as one product over all rows (the weights are read once), attention
// runs per sequence. The lab's sweeps put the variants of one layer in one
// batch. Traces use B = 1.
//
// Reuse. RunLayer starts from any layer's residual, so an intervention at layer
// l runs layers l..L-1 only, from the clean run's recorded residual (Trace's
// LayerTrace::residual).
#pragma once
#include <memory>
#include <vector>

#include "core/cancel.h"
#include "core/model/model.h"
#include "core/request.h"
#include "core/trace.h"
#include "core/types.h"

namespace attnviz {

// [SECTION] Hook points

// Reads a value, or replaces it for the rest of the pass (change the matrix in
// place). Every method is optional. Rows are B*N (see "Batches" above).
class ForwardHooks {
 public:
  virtual ~ForwardHooks() = default;
  // blocks.{l}.hook_resid_pre: the residual stream entering layer l.
  virtual void ResidPre(int layer, Mat& residual) { (void)layer; (void)residual; }
  // Whether Pattern should be called for (layer, head): computing a head's
  // (N, N) weights explicitly costs N^2 per sequence, so only on request.
  virtual bool WantsPattern(int layer, int head) const { (void)layer; (void)head; return false; }
  // blocks.{l}.attn.hook_pattern: head h's weights for sequence b (N, N).
  // When the hook changes them, z is recomputed as pattern V.
  virtual void Pattern(int layer, int head, int sequence, Mat& weights) {
    (void)layer; (void)head; (void)sequence; (void)weights;
  }
  // blocks.{l}.attn.hook_z: head h's output before W_o (B*N, dk).
  virtual void Z(int layer, int head, Mat& z) { (void)layer; (void)head; (void)z; }
  // blocks.{l}.hook_attn_out: the layer's attention output concat(z) W_o + b_o.
  virtual void AttnOut(int layer, Mat& attn_out) { (void)layer; (void)attn_out; }
  // blocks.{l}.hook_mlp_out: the MLP's output (models with an MLP).
  virtual void MlpOut(int layer, Mat& mlp_out) { (void)layer; (void)mlp_out; }
  // ln_final.hook_scale: each row's divisor in the final norm (B*N), read only.
  virtual void FinalScale(const std::vector<float>& scale) { (void)scale; }
};

// [SECTION] What every layer shares

// The request as the forward pass applies it to a model: positions, mask,
// scaling, temperature and the grouping of K/V heads.
struct ForwardSettings {
  int n = 0;                        // tokens per sequence
  int batch = 1;                    // sequences stacked (B)
  Positional positional = Positional::None;  // after the model's own kind has been applied
  RopeSpec rope;                    // the model's (the built-in: interleaved, theta 10000)
  MaskSpec mask;                    // with the model's causal flag and sliding window applied
  float scale = 1.0f;               // 1/sqrt(dk) or 1
  float temperature = 1.0f;
  std::vector<float> alibi_slopes;  // (H) 0 without ALiBi
  int kv_groups = 0;                // G the request asks for (<= the model's kv heads, divides them)
};

// Applies a model to a request: its trained positions and causality win over
// the request's (with a note for each change), its sliding window joins the
// mask. Throws InputError for combinations that cannot run (learned positions
// on a model without them, kv-heads that do not divide the model's).
ForwardSettings SettingsFor(const Request& request, const ModelShape& shape, int n, std::vector<std::string>* notes);

// The layer's weights as the request uses them: the model's own (shared, no
// copy) or, when the request groups K/V heads more coarsely than the model,
// K and V mean-pooled per group (Ainslie et al. 2023).
std::shared_ptr<const LayerWeights> EffectiveWeights(const Model& model, int layer, int kv_groups);

// [SECTION] Running layers

// The residual stream of the input (B*N, D): embeddings plus the positions
// added to them (sinusoidal or learned); `positional_encoding` (N, D) receives
// what was added (empty when nothing).
Mat EmbedTokens(const Model& model, const std::vector<Token>& tokens, const ForwardSettings& s, int batch,
                Mat* positional_encoding = nullptr);

// Runs layer `layer` on `residual` (B*N, D), which becomes h_{layer+1}.
// `record`, when given, receives every intermediate (traces, B = 1: its
// residual, input, heads, kv_heads, concat, output, mlp_out). Throws Cancelled,
// and InputError when a value overflowed float range.
void RunLayer(const Model& model, int layer, const LayerWeights& weights, const ForwardSettings& s, Mat& residual,
              ForwardHooks* hooks, LayerTrace* record, const CancelToken* cancel = nullptr);

// [SECTION] After the last layer

// The final norm of the given rows of h_L (rows, D) and the logits (rows, V).
// `scale` receives the norm's divisors (hook FinalScale is called with them).
Mat FinalLogits(const Model& model, const Mat& final_rows, ForwardHooks* hooks = nullptr,
                std::vector<float>* scale = nullptr);

// The next-token distribution after the last row of h_L (V, double: the
// sparse lesson's KL sums 50k-150k small terms). Empty when the model predicts
// no tokens.
// `hooks` see the final norm's scale of that row (FinalScale).
std::vector<double> NextTokenDistribution(const Model& model, const Mat& final_residual,
                                          ForwardHooks* hooks = nullptr);

// The k most likely tokens of a distribution, most likely first (equal
// probabilities by id, so the order is reproducible), with their text.
std::vector<NextToken> TopTokens(const Model& model, const std::vector<double>& p, int k);

}  // namespace attnviz
