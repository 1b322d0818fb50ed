// The `flash` lesson (chapter 8): what the tiled kernel keeps instead of the
// N x N weights. The textbook algorithm writes every head's weight matrix
// (N^2 values); the online softmax keeps, per query row, its running output
// (d_v values), its running maximum and its running sum: N (d_v + 2) values.
#pragma once
#include <nlohmann/json.hpp>

namespace attnviz::lessons {

struct FlashLesson {
  int n = 0, d_k = 0, heads = 0;
  int bytes_per_value = 4;
  double weights_bytes_per_head = 0;   // N^2 x bytes
  double tiled_state_bytes_per_head = 0; // N (d_k + 2) x bytes
  double ratio = 1;                    // weights / tiled state
};

FlashLesson ComputeFlashLesson(int n, int d_k, int heads, int bytes_per_value);

nlohmann::json ToJson(const FlashLesson& f);

}  // namespace attnviz::lessons
