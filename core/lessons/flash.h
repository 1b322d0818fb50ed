// The `flash` lesson (chapter 8): FlashAttention's tiled forward pass with the
// online softmax, stepped tile by tile on the sentence's own head.
//
// Memory: the textbook algorithm writes every head's weight matrix (N^2
// values); the online softmax keeps, per query row, its running output (d_v
// values), its running maximum and its running sum: N (d_v + 2) values.
//
// The algorithm (Milakov & Gimelshein 2018; Dao et al. 2022, in FlashAttention-2's
// loop order): for each block of Br query rows, walk the blocks of Bc keys;
// for row i and a new block of logits s_ij,
//     m' = max(m, max_j s_ij)                        running maximum
//     l' = l e^(m - m') + sum_j e^(s_ij - m')        running sum, old part rescaled
//     o' = o e^(m - m') + sum_j e^(s_ij - m') v_j    running output, old part rescaled
// and after the last block o / l is exactly softmax(s_i) V: the same numbers,
// without ever holding a row's weights. Blocks the mask leaves empty are
// skipped. The lesson records every step (the state of each row, the weights
// "as known so far") and checks the final output against the engine's; it also
// runs the engine's own tiled kernel with the same block sizes.
//
// Traffic to slow memory (HBM on a GPU), in values, following Dao et al.:
//   standard attention writes S and P and reads them back:  4 N^2 + 4 N d
//   tiled: Q and O once, K and V once per query block:      2 N d + 2 N d ceil(N / Br) + N
// With on-chip memory of M values, Br ~ M / (4 d), which gives Theta(N^2 d^2 / M).
#pragma once
#include <vector>

#include <nlohmann/json.hpp>

#include "core/attention/attention_batch.h"
#include "core/cancel.h"
#include "core/request.h"
#include "core/trace.h"

namespace attnviz {
class Engine;
}

namespace attnviz::lessons {

struct FlashLesson {
  int n = 0, d_k = 0, heads = 0;
  int bytes_per_value = 4;
  double weights_bytes_per_head = 0;   // N^2 x bytes
  double tiled_state_bytes_per_head = 0; // N (d_k + 2) x bytes
  double ratio = 1;                    // weights / tiled state
};

FlashLesson ComputeFlashLesson(int n, int d_k, int heads, int bytes_per_value);

// [SECTION] The stepper

struct FlashParams {
  int layer = 0, head = 0;
  int block_q = 4, block_k = 4;    // Br and Bc
  int step = -1;                   // tiles done (0 = none); -1 = all
  int row = -1;                    // the query row whose history is returned; -1 = the last
  double sram_kib = 192;           // on-chip memory M (an A100 SM has 192 KiB)
  int bytes_per_value = 4;
};

struct FlashTile {
  int q_tile = 0, k_tile = 0;
  int i0 = 0, i1 = 0, j0 = 0, j1 = 0;  // rows [i0, i1), keys [j0, j1)
};

// The state of one row after one of its key blocks.
struct FlashRowStep {
  int step = 0;                       // index into FlashStepper::tiles
  int k_tile = 0;
  double m = 0, l = 0;                // running max and sum after the block (m = -inf before any allowed key)
  double rescale = 1;                 // e^(m_old - m_new) applied to the old l and o
  std::vector<double> output;         // (dv) o / l: the output as known so far
};

struct FlashStepper {
  int n = 0, d_k = 0, d_v = 0, block_q = 0, block_k = 0, tiles_q = 0, tiles_k = 0;
  std::vector<FlashTile> tiles;       // the tiles computed, in order (empty ones skipped)
  long tiles_skipped = 0;
  MaskMat skipped;                    // (tiles_q, tiles_k) 1 = empty, never computed
  int step = 0;                       // tiles done
  Mat known;                          // (N, N) weights as known after `step`: e^(s - m) / l over the keys seen
  MaskMat seen;                       // (N, N) 1 where a weight is known (allowed and its tile done)
  std::vector<double> m, l;           // (N) running state after `step` (rows not started: -inf, 0)
  Mat output;                         // (N, dv) o / l after all tiles
  int row = 0;
  std::vector<FlashRowStep> row_history;  // the row's state after each of its tiles
};

// Runs the online softmax over tiles on one head's Q (N, dk), K (N, dk), V (N, dv).
FlashStepper RunFlashStepper(const Mat& q, const Mat& k, const Mat& v, const MaskSpec& mask, float scale,
                             float temperature, float alibi_slope, int block_q, int block_k, int step, int row);

// Values moved to and from slow memory for one head (see the top of this file).
double StandardAttentionTraffic(double n, double d);
double TiledAttentionTraffic(double n, double d, double block_q);
// The query rows per block that on-chip memory of M values holds with their
// key block, output and state: Br = floor(M / 4d) (Dao et al. size their key
// blocks so; the traffic of either loop order is then Theta(N^2 d^2 / M)).
int FlashBlockRows(double m_values, int d);

struct FlashStepLesson {
  FlashLesson memory;
  int layer = 0, head = 0;
  FlashStepper stepper;
  double max_abs_diff = 0;           // stepper's output against the trace's (the engine's)
  Mat kernel_output;                 // (N, dv) ComputeAttentionBatch with block_q x block_k tiles
  AttentionWork kernel_work;
  double kernel_max_abs_diff = 0;    // against the trace's
  // Traffic for this sentence and these blocks, and curves against N.
  double traffic_standard = 0, traffic_tiled = 0;
  double sram_values = 0;            // M
  int block_rows_for_m = 0;          // Br for M
  std::vector<double> curve_n, curve_standard, curve_tiled;
  TracePtr trace;
};

FlashStepLesson RunFlashLesson(Engine& engine, const Request& request, const FlashParams& p,
                               const CancelToken* cancel = nullptr);

nlohmann::json ToJson(const FlashLesson& f);
nlohmann::json ToJson(const FlashStepLesson& f);

}  // namespace attnviz::lessons
