// The `path` lesson (chapter 1): how far apart two tokens are for a recurrent
// network (|i - j| sequential steps, each squeezing everything through one
// fixed-size state) and for attention (one step, whatever the distance), and
// how many query-key pairs attention compares to buy that single step.
#pragma once
#include <nlohmann/json.hpp>

namespace attnviz::lessons {

struct PathLesson {
  int n = 0;                       // tokens
  int from = 0, to = 0;            // the pair asked about (default: first and last)
  int rnn_steps = 0;               // |from - to|
  int attention_steps = 0;         // 1, or 0 for a token and itself
  int first_to_last_rnn = 0;       // N - 1
  int first_to_last_attention = 0; // 1 (0 for a single token)
  double pairs = 0;                // N^2 scores per head per layer
};

// from/to < 0 mean first/last; both are clamped into [0, n).
PathLesson ComputePathLesson(int n, int from, int to);

nlohmann::json ToJson(const PathLesson& p);

}  // namespace attnviz::lessons
