// The `alibi` lesson (chapter 5): attention with linear biases (Press et al.,
// "Train Short, Test Long", 2022).
//
// ALiBi adds no vector to the tokens. Head h subtracts m_h |i - j| from every
// logit: a penalty that grows linearly with distance, steep for some heads and
// gentle for others. The slopes are a geometric sequence: for H a power of two
// m_h = 2^(-8(h+1)/H) (8 heads: 1/2, 1/4, ... 1/256); otherwise the H' = the
// largest power of two below H get their slopes and the rest take every other
// slope of 2H' (AlibiSlopes, SPEC "alibi").
//
// Why it extrapolates: the bias is the same function of distance at any length,
// and with a slope m a head keeps most of its attention within about ln(10)/m
// tokens (90% when every key's content scores the same). A head whose reach is
// shorter than the training length never sees a difference in a longer text.
// The lesson computes that uniform-content share for texts up to 16x the
// sentence, and measures it on the model itself: the sentence repeated R times
// (longer than anything the sentence "trained"), causal, with ALiBi, and the
// share of the last token's attention that stays within the original length.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/cancel.h"
#include "core/request.h"
#include "core/types.h"

namespace attnviz {
class Engine;
}

namespace attnviz::lessons {

struct AlibiParams {
  int slope_heads = 0;  // H for the slope table; 0 = the model's H
  int repeat = 4;       // R: the long text is the sentence R times
  int layer = 0;
};

struct AlibiHead {
  int head = 0;
  std::string role;
  double slope = 0;              // m_h
  double reach90 = 0;            // ln(10) / m: 90% of uniform attention lies within this distance
  std::vector<double> uniform_share;   // (lengths) share within N for a text of lengths[k] tokens
  double measured_share = 0;     // the model: last row's weight within distance < N, on the long text
  std::vector<double> measured_by_distance;  // (R N) that row's weight at distance 0, 1, ...
};

struct AlibiLesson {
  int n = 0, heads = 0, slope_heads = 0, repeat = 0, long_n = 0, layer = 0;
  std::vector<std::string> tokens;       // (N)
  std::vector<double> slopes;            // (H) the model's heads
  std::vector<double> slopes_table;      // (slope_heads) Press et al. for the asked H
  std::vector<bool> table_interleaved;   // (slope_heads) taken from 2H' (H not a power of two)
  int bias_n = 0;                        // the bias matrices cover the first bias_n tokens
  std::vector<Mat> bias;                 // H x (bias_n, bias_n) -m_h |i - j|
  std::vector<double> lengths;           // text lengths T for the uniform curves (N .. 16 N)
  std::vector<AlibiHead> per_head;       // H
};

// Press et al.'s slopes, computed here from the paper's recipe (independently of
// AlibiSlopes, which the engine uses; the test compares them).
std::vector<double> PressAlibiSlopes(int heads, std::vector<bool>* interleaved = nullptr);

AlibiLesson RunAlibiLesson(Engine& engine, const Request& request, const AlibiParams& p, const CancelToken* cancel = nullptr);

nlohmann::json ToJson(const AlibiLesson& l);

}  // namespace attnviz::lessons
