// The `scaling` lesson (chapter 2): why the scores are divided by √dₖ,
// measured rather than asserted.
//
// 1. Random vectors. For q, k with dₖ independent components of mean 0 and
//    variance 1, q·k is a sum of dₖ products of variance 1, so Var(q·k) = dₖ:
//    the typical score grows like √dₖ, and q·k/√dₖ has variance 1 at every
//    width. The lesson draws `samples` seeded pairs for dₖ = 1, 2, 4 … 1024 and
//    reports the sample variance of both. It also feeds one query against
//    `keys` random keys through a softmax, many times, and reports the mean
//    largest weight and the mean entropy: unscaled, the rows collapse towards
//    one-hot as dₖ grows (largest weight → 1, entropy → 0), where the softmax's
//    gradient w(1 − w) vanishes; scaled, they stay the same at every width.
// 2. The sentence. For one head of the trace, every query row's largest
//    weight and entropy with the scale and without it, at the request's
//    temperature, and their means over a sweep of temperatures (dividing the
//    logits by T < 1 sharpens a row the way a larger dₖ does).
#pragma once
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/cancel.h"
#include "core/request.h"
#include "core/trace.h"

namespace attnviz {
class Engine;
}

namespace attnviz::lessons {

struct ScalingParams {
  int samples = 2000;      // pairs per width, 100..100000
  int keys = 16;           // keys per softmax row in the saturation part, 2..1024
  int trials = 256;        // rows per width in the saturation part, 1..10000
  std::uint64_t seed = 1;
  int layer = 0, head = 0; // the sentence part
};

struct ScalingLesson {
  ScalingParams params;
  // -- random vectors, one entry per width
  std::vector<int> d_k;                 // (W) 1, 2, 4 ... 1024
  std::vector<double> mean_raw;         // (W) sample mean of q·k (theory 0)
  std::vector<double> var_raw;          // (W) sample variance of q·k (theory dₖ)
  std::vector<double> var_scaled;       // (W) sample variance of q·k/√dₖ (theory 1)
  std::vector<double> max_weight_raw;   // (W) mean largest softmax weight over `keys` keys, unscaled
  std::vector<double> max_weight_scaled;// (W) ... scaled
  std::vector<double> entropy_raw;      // (W) mean entropy (nats) of those rows, unscaled
  std::vector<double> entropy_scaled;   // (W) ... scaled
  double entropy_uniform = 0;           // ln(keys): the entropy of an even spread
  // -- the sentence (empty when no trace was given)
  int n = 0, layer = 0, head = 0, head_dim = 0;
  double temperature = 1;               // the request's T
  double scale = 1;                     // 1/√dₖ of this head
  std::vector<double> row_max_scaled;   // (N) largest weight of each query row, with 1/√dₖ, at T
  std::vector<double> row_max_raw;      // (N) ... without it
  std::vector<double> row_entropy_scaled;  // (N) entropy (nats)
  std::vector<double> row_entropy_raw;     // (N)
  std::vector<double> row_entropy_uniform; // (N) ln(allowed keys): the most a row can have
  std::vector<int> empty_rows;          // rows with no allowed key (their numbers are 0)
  std::vector<double> temperatures;     // (S) the sweep, 0.1 .. 10
  std::vector<double> sweep_max_scaled; // (S) mean over rows of the largest weight
  std::vector<double> sweep_max_raw;    // (S)
  std::vector<double> sweep_entropy_scaled;  // (S) mean entropy
  std::vector<double> sweep_entropy_raw;     // (S)
  int sweep_rows = 0;                   // rows the sweep averages (all, or 256 evenly spaced)
};

inline constexpr int kScalingMaxDk = 1024;

// The random part only (no trace).
ScalingLesson ComputeScalingRandom(const ScalingParams& p, const CancelToken* cancel = nullptr);
// The sentence part only, from head (layer, head) of the trace, into `out`.
void ComputeScalingSentence(const Trace& t, const ScalingParams& p, ScalingLesson* out,
                            const CancelToken* cancel = nullptr);
// Both parts.
ScalingLesson ComputeScalingLesson(const Trace& t, const ScalingParams& p, const CancelToken* cancel = nullptr);
ScalingLesson RunScalingLesson(Engine& engine, const Request& request, const ScalingParams& p,
                               const CancelToken* cancel = nullptr);

// Largest weight and entropy (nats) of softmax(s·scores + bias)/T over the
// allowed keys of one row; false for a row with no allowed key.
bool SoftmaxRowStats(const float* scores, const float* bias, const std::uint8_t* allowed, int n, double s, double t,
                     double* max_weight, double* entropy);

nlohmann::json ToJson(const ScalingLesson& s);

}  // namespace attnviz::lessons
