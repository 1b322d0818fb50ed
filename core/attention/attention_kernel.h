// The tiled attention kernel's internal interface: what the dispatcher
// (attention_batch.cpp) hands to one instruction-set path, and the entry points
// of the three paths:
//   attention_kernel_avx512.cpp    AVX-512F/DQ/BW/VL + FMA   (-mavx512f ... per file)
//   attention_kernel_avx2.cpp      AVX2 + FMA               (-mavx2 -mfma per file)
//   attention_kernel_portable.cpp  GCC/Clang vector extensions, no flags (SSE2 on x86-64, NEON on arm64)
// All three include attention_kernel_body.inc, the one kernel written against
// a small vector layer, inside their own namespace, so no inline function
// compiled for AVX-512 can be picked by the linker for another path (an ODR
// trap: identical inline symbols from TUs with different -m flags are merged).
// For the same reason this header holds only plain data and declarations.
#pragma once
#include <cstdint>

namespace attnviz::kernel {

inline constexpr int kChunk = 64;  // keys per chunk: one 64-bit mask word per query row

// One layer's attention, laid out for the kernel. Scores are never stored
// beyond one tile row-group (kR x tile_k floats per thread).
struct Problem {
  int n = 0;                       // N tokens
  int d_k = 0, d_v = 0;
  int dv_pad = 0;                  // d_v rounded up to 16: the packed V and accumulator row stride
  int tile_q = 0, tile_k = 0;      // tile_k: a multiple of kChunk
  const float* const* q = nullptr;      // H x (N, dk) row-major (the caller's)
  const float* const* kt = nullptr;     // H x (ceil(N/64), dk, 64): K transposed per 64-key chunk, zero past N
  const float* const* v = nullptr;      // H x (ceil(N/64)*64, dv_pad): V padded with zeros
  float* const* out = nullptr;          // H x (N, dv)
  float* const* lse = nullptr;          // H x (N), entries may be null; or null
  const float* bias_coef = nullptr;     // (H) -slope/T: logit += bias_coef * |i - j|; 0 = no ALiBi
  float logit_scale = 1.0f;             // s/T: logit = logit_scale * (q . k) + bias
  // The mask (core/attention/mask_rows.h).
  const int* row_lo = nullptr;          // (N)
  const int* row_hi = nullptr;          // (N)
  const std::uint64_t* extra = nullptr; // (ceil(N/64)) or null
  const int* extra_prefix = nullptr;    // (N+1) or null
  bool causal = false;
  int window = 0;                       // a model's own window: extra columns only at i - j < window (0 = none)
};

// Per-thread scratch, made once per call by the dispatcher (sizes from ScratchFloats etc.).
struct Scratch {
  float* s = nullptr;          // (kR, tile_k) logits, then probabilities, of one row group
  float* o = nullptr;          // (rows_pad, dv_pad) unnormalised output accumulators
  float* m = nullptr;          // (rows_pad) running max
  float* l = nullptr;          // (rows_pad) running sum
  float* corr = nullptr;       // (rows_pad) this tile's rescale factor exp(m_old - m_new)
  std::uint64_t* bits = nullptr;  // (rows_pad, tile_k/64) allowed keys per row and chunk
  unsigned char* mode = nullptr;  // (tile_k/64) per chunk of a row group: skip / dense / masked
  int* active = nullptr;          // (tile_k/64) the chunks a row group computes
};

struct BlockWork {
  long tiles_total = 0;
  long tiles_skipped = 0;
  long pairs_allowed = 0;
  bool finite = true;
};

// Rows per micro-kernel (every path): 6 rows x 64 keys = 24 AVX-512 accumulators.
// rows_pad = tile_q rounded up to a multiple of kR (the last group repeats its last row).
inline constexpr int kR = 6;

// Computes rows [i0, i1) of head h (i1 - i0 <= tile_q) and adds to `work`.
using RunBlockFn = void (*)(const Problem&, int h, int i0, int i1, const Scratch&, BlockWork* work);
// y[i] = exp(x[i]) with the kernel's vectorised exp (tests, and the error bound in README).
using ExpArrayFn = void (*)(const float* x, float* y, long n);
// Runs a register-resident FMA loop for `iters` iterations; returns the flops done.
using FmaLoopFn = double (*)(long iters);

void RunBlockAvx512(const Problem&, int h, int i0, int i1, const Scratch&, BlockWork*);
void RunBlockAvx2(const Problem&, int h, int i0, int i1, const Scratch&, BlockWork*);
void RunBlockPortable(const Problem&, int h, int i0, int i1, const Scratch&, BlockWork*);
void ExpArrayAvx512(const float* x, float* y, long n);
void ExpArrayAvx2(const float* x, float* y, long n);
void ExpArrayPortable(const float* x, float* y, long n);
double FmaLoopAvx512(long iters);
double FmaLoopAvx2(long iters);
double FmaLoopPortable(long iters);

}  // namespace attnviz::kernel
