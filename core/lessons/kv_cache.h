// The `kv-cache` lesson (chapter 6): what generation keeps, and what keeping it saves.
//
// Bytes: every generated token appends one K row and one V row per key/value
// head and layer; with G < H key/value heads (grouped-query attention) the
// cache is H/G times smaller than multi-head attention's.
//
// Work: the sentence's tokens arrive one at a time, as when a model writes
// them. At step t (token t arriving, t + 1 tokens so far) a decoder
//   with the cache    projects only the new token (H queries, G keys, G values
//                     per layer) and compares its query with the t + 1 cached
//                     keys the mask allows: O(t) dot products per head;
//   without it        runs the whole prefix again: (t + 1)(H + 2G) projections
//                     per layer and every allowed pair of the prefix, O(t^2).
// Summed over a text of N tokens that is O(N^2) against O(N^3) dot products.
// The lesson runs a real token-by-token decoder with a cache (KvCacheDecoder:
// one row at a time through the model's own layers, RoPE at the token's
// position, the mask, ALiBi) and counts what it computes; the no-cache count at
// step t is what a prefill of the prefix computes (the sum of the cached steps
// up to t). It checks that the decoder's numbers equal the engine's causal
// trace, whose row t is exactly what recomputing the prefix gives.
// Under a causal sliding window of w the cache is Mistral's rolling buffer: it
// never holds more than w rows.
#pragma once
#include <vector>

#include <nlohmann/json.hpp>

#include "core/cancel.h"
#include "core/model/layer_weights.h"
#include "core/request.h"
#include "core/trace.h"

namespace attnviz {
class Engine;
class Model;
}

namespace attnviz::lessons {

// What one step of generation computes (attention layers only: the MLP is the
// same with or without a cache).
struct GenerationWork {
  double projections = 0;   // token vectors through W_q, W_k or W_v (one head each)
  double dot_products = 0;  // query . key pairs (each also weighs one value row)
  double flops = 0;         // 2 D dk per projection, 4 dk per pair, 2 H dk D for W_o per token
};

struct KvCacheParams {
  int step = -1;            // the step on screen (token index); -1 = the last
  int layer = 0, head = 0;  // whose cache rows and weights are returned
  int bytes_per_value = 4;
};

struct KvCacheLesson {
  int n = 0;                        // tokens of the sentence
  int layers = 0, heads = 0, kv_heads = 0, d_k = 0, d_model = 0;
  int bytes_per_value = 4;          // float32, as attnviz computes
  double cache_bytes_per_token = 0; // 2 x layers x kv_heads x d_k x bytes
  double cache_bytes = 0;           // for the sentence (a rolling buffer holds at most its window)
  double mha_bytes_per_token = 0;   // with G = H
  double reduction = 1;             // mha / this = H / G

  // -- the generation stepper (filled by RunKvCacheLesson)
  MaskSpec mask;                    // the request's pattern, AND causal
  int window = 0;                   // > 0: a causal sliding window, the cache keeps this many rows
  std::vector<GenerationWork> cached, uncached;   // (N) per step
  std::vector<int> cache_rows;      // (N) rows per kv head per layer after step t
  GenerationWork cached_total, uncached_total;
  int step = 0, layer = 0, head = 0, kv_head = 0;
  Mat K_cache, V_cache;             // (rows, dk) the cache of (layer, kv_head) after `step`, oldest first
  std::vector<int> cache_positions; // (rows) the token each cached row belongs to
  RowVec query;                     // (dk) the query of `head` at `step` (after RoPE)
  std::vector<double> weights;      // (rows) its softmax over the cached rows (0 where masked)
  int verified_steps = 0;           // steps the decoder ran (all, or a prefix for large models)
  GenerationWork counted;           // what the decoder computed over those steps (= sum of `cached`)
  double max_abs_diff = 0;          // decoder vs the engine's causal trace, every layer's output row
  TracePtr trace;                   // the engine's causal trace (the window draws its heads)
};

KvCacheLesson ComputeKvCacheLesson(const ModelShape& shape, int kv_heads_in_use, int n, int bytes_per_value);

// The steps of generation for a mask: what the cache saves, counted by walking
// the mask exactly as the decoder does (no model needed: tests use it to check
// the decoder's own counts).
void CountGenerationWork(const ModelShape& shape, int kv_heads, const MaskSpec& causal_mask, int n,
                         std::vector<GenerationWork>* cached, std::vector<GenerationWork>* uncached,
                         std::vector<int>* cache_rows);

// A real decoder with a KV cache: one token at a time through every layer of
// the model, as the engine computes a causal trace (same weights, positions,
// mask, scale, temperature, ALiBi). `weights[l]` are the layer weights to use
// (the trace's, so G < H pooling is the engine's own).
class KvCacheDecoder {
 public:
  KvCacheDecoder(const Model& source, const Request& causal_request,
                 std::vector<std::shared_ptr<const LayerWeights>> weights, int n);
  // Runs token `tokens[t]` at position t = steps so far. Returns each layer's
  // attention output row (layers x D) and adds what it computed to `work`.
  Mat Step(const Token& token, GenerationWork* work);
  int steps() const { return steps_; }
  const Mat& K(int layer, int g) const { return K_[layer][g]; }   // (steps, dk)
  const Mat& V(int layer, int g) const { return V_[layer][g]; }   // (steps, dk)
  const RowVec& LastQuery(int layer, int h) const { return q_[layer][h]; }
  const std::vector<double>& LastWeights(int layer, int h) const { return w_[layer][h]; }

 private:
  const Model& source_;
  Request r_;
  std::vector<std::shared_ptr<const LayerWeights>> weights_;
  Mat positions_;                              // (n, D) sinusoidal or learned rows, else empty
  std::vector<float> slopes_;                  // (H) ALiBi
  std::vector<double> rope_freq_;              // (dk/2) the model's RoPE frequencies
  std::vector<std::vector<Mat>> K_, V_;        // [layer][g] (steps, dk)
  std::vector<std::vector<RowVec>> q_;         // [layer][h] the last query
  std::vector<std::vector<std::vector<double>>> w_;  // [layer][h] its weights (steps)
  int steps_ = 0;
};

KvCacheLesson RunKvCacheLesson(Engine& engine, const Request& request, const KvCacheParams& p,
                               const CancelToken* cancel = nullptr);

nlohmann::json ToJson(const KvCacheLesson& k);

}  // namespace attnviz::lessons
