// The `sinusoidal` lesson (chapter 5): the encoding of "Attention Is All You
// Need", PE[p, 2i] = sin(w_i p), PE[p, 2i+1] = cos(w_i p), w_i = 10000^(-2i/D),
// exactly as the engine adds it to the embeddings (SinusoidalEncoding).
//
// Each pair of dimensions is a clock hand turning at its own speed: pair 0
// once every 2 pi = 6.3 positions, the last pair once every ~2 pi x 10000.
// Read together the hands give every position a distinct pattern, and because
//     PE(p) . PE(q) = sum_i [sin(w_i p) sin(w_i q) + cos(w_i p) cos(w_i q)]
//                   = sum_i cos(w_i (p - q))
// the dot product of two positions' encodings depends only on their offset
// p - q: the lesson computes it from the matrix and checks it against that sum.
// A model with learned positions (GPT-2's wpe) gets the same curve for its own
// table, which was learned, not designed, and need not be a function of the offset.
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

struct SinusoidalParams {
  int from = 0;        // the reference position p0 of the dot-product curve (clamped to the positions)
  int positions = 0;   // P, positions on the curves; 0 = max(N, 64)
};

struct SinusoidalWave {
  int dim = 0;                // a column of PE
  double wavelength = 0;      // 2 pi / w_i, in positions
  std::vector<double> x, y;   // the curve PE[p, dim] at p = 0, 1/4, 1/2, ... P - 1
};

struct SinusoidalLesson {
  int n = 0, d_model = 0, positions = 0, from = 0;
  std::vector<std::string> tokens;   // (N)
  Mat pe;                            // (N, D) what the engine adds to the sentence's embeddings
  std::vector<double> wavelength;    // (D/2) 2 pi / w_i of pair i
  std::vector<SinusoidalWave> waves; // a few dimensions, fast to slow
  std::vector<int> offsets;          // (P) q - p0 for q = 0..P-1
  std::vector<double> dot;           // (P) PE(p0) . PE(q), from the matrix
  std::vector<double> dot_from_zero; // (P) PE(0) . PE(q) against q: the same curve shifted
  std::vector<double> closed_form;   // (P) sum_i cos(w_i (q - p0))
  double max_offset_deviation = 0;   // max over p, q < min(P, 256) of |PE(p).PE(q) - sum_i cos(w_i (p - q))|
  bool learned = false;              // the model has its own learned position table
  std::vector<double> learned_dot;   // (P) wpe(p0) . wpe(q) when learned (P capped at the table)
};

SinusoidalLesson ComputeSinusoidalLesson(int n, int d_model, const SinusoidalParams& p, const Mat& learned_table = Mat());
SinusoidalLesson RunSinusoidalLesson(Engine& engine, const Request& request, const SinusoidalParams& p,
                                     const CancelToken* cancel = nullptr);

nlohmann::json ToJson(const SinusoidalLesson& l);

}  // namespace attnviz::lessons
