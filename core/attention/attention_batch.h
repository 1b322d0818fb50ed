// The outputs of every head of one layer, without the N x N matrices: what the
// engine needs to go on to the next layer, and what `attnviz bench` times.
// The views' N x N matrices (scores, logits, weights) are computed on demand,
// per head, from Q, K and the mask (core/head_matrices.h).
//
// This is the one entry point the engine uses for attention outputs; the kernel
// behind it (core/attention/tiled*.cpp: online softmax over tiles, SIMD paths
// chosen at run time, threads across heads and query blocks) may change without
// the engine noticing. Equal to the reference ComputeHeadSteps().output to
// float rounding (tests/unit/test-engine.cpp, test-tiled.cpp).
#pragma once
#include <string_view>
#include <vector>

#include "core/cancel.h"
#include "core/request.h"
#include "core/types.h"

namespace attnviz {

struct AttentionBatch {
  int n = 0;                         // N tokens (queries = keys)
  int d_k = 0;                       // dk of Q and K rows
  int d_v = 0;                       // dv of V rows and outputs
  // One entry per query head h (H of them). K and V of the head's kv group:
  // several query heads may point at the same K and V (grouped-query attention).
  std::vector<const float*> q;       // H x (N, dk) row-major, after RoPE when on
  std::vector<const float*> k;       // H x (N, dk) row-major
  std::vector<const float*> v;       // H x (N, dv) row-major
  std::vector<float*> out;           // H x (N, dv) row-major, written; empty rows get zeros
  std::vector<float*> lse;           // H x (N) or empty: log-sum-exp of each row's allowed logits
                                     // (-inf for a row with no allowed key), as FlashAttention keeps it
  std::vector<float> alibi_slope;    // H; 0 = no bias. bias[i,j] = -slope * |i - j|
  MaskSpec mask;
  float scale = 1.0f;                // 1/sqrt(dk) or 1
  float temperature = 1.0f;          // logits are divided by it
};

struct AttentionWork {
  long tiles_total = 0;              // (query tile, key tile) pairs over all heads
  long tiles_skipped = 0;            // tiles the mask left empty: never computed
  long pairs_allowed = 0;            // (query, key) pairs the mask allows, over all heads
};

// Instruction sets of the tiled kernel. The shipped binary is built without
// -march, so the AVX paths live in their own files compiled with per-file flags
// and are chosen at run time from the CPU (core/attention/attention_kernel.h).
enum class KernelIsa { Auto, Avx512, Avx2, Portable };

class ThreadPool;

struct AttentionOptions {
  int threads = 0;                   // 0 = the pool's size; never more than the pool has
  int tile_q = 0, tile_k = 0;        // 0 = the kernel's choice (sized for the caches); tile_k is
                                     // rounded up to whole 64-key chunks (one bit mask word per row)
  bool reference = false;            // force the plain per-head reference (tests, bench --impl reference)
  KernelIsa isa = KernelIsa::Auto;   // Auto: $ATTNVIZ_KERNEL (avx512|avx2|portable) if set, else the best the CPU has
  ThreadPool* pool = nullptr;        // nullptr = ThreadPool::Shared()
};

std::string_view ToString(KernelIsa isa);  // "auto", "avx512", "avx2", "portable"
// Whether this CPU (and this build) can run the path. Auto and Portable: always.
bool KernelIsaSupported(KernelIsa isa);
// The path a call with `requested` runs: Auto reads $ATTNVIZ_KERNEL, then picks
// the best supported; a request the CPU cannot run falls back to the best it can.
KernelIsa ResolveKernelIsa(KernelIsa requested);
// y[i] = exp(x[i]) (x == y allowed) with the kernel's vectorised exp for this
// CPU (ResolveKernelIsa(Auto), chosen once): within a few ulp of exp, -inf
// gives exactly 0. Used where a head's weights are rebuilt from its lse.
void ExpArray(const float* x, float* y, long n);
// Default tile sizes of the kernel (measured on the development machine, see README "Benchmarks").
inline constexpr int kDefaultTileQ = 96;
inline constexpr int kDefaultTileK = 256;

// Computes every head's output (and lse when asked). Throws Cancelled when the
// token is cancelled (checked between query blocks), InputError never.
// Returns false when a value overflowed float range (the engine reports it).
bool ComputeAttentionBatch(const AttentionBatch& batch, const AttentionOptions& options,
                           const CancelToken* cancel = nullptr, AttentionWork* work = nullptr);

}  // namespace attnviz
