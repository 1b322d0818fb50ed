// The `rope` lesson (chapter 5): rotary position embedding (Su et al., RoFormer)
// on the selected token's own query.
//
// RoPE cuts a query (and a key) of d_k numbers into d_k/2 pairs and treats each
// pair as a 2-D vector. At position p pair i is turned by the angle p theta_i,
// theta_i = base^(-2i/d_k): pair 0 by a radian per position, the last pair
// thousands of times slower. Rotations compose, R(m)^T R(n) = R(n - m), so
//     (R(m) q) . (R(n) k) = q . R(n - m) k
// depends on the positions only through m - n: the score matrix of one fixed
// query vector against one fixed key vector, placed at every pair of
// positions, is constant along each diagonal. The lesson builds that matrix and
// measures how constant its diagonals are, and compares the rotation with the
// engine's own (the trace's Q_m . K_n).
//
// The base sets the slowest wavelength, 2 pi base^((d_k-2)/d_k) positions: with
// 10,000 and d_k = 128 about 54,000 positions, with Llama 3's 500,000 about 2.6
// million, so the slow pairs still tell positions apart in a 128k context.
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

inline constexpr double kRopeBase = 10000.0;      // RoFormer, Llama 1/2, the engine
inline constexpr double kLlama3RopeBase = 500000.0;  // Llama 3 (rope_theta in its config.json)

struct RopeParams {
  int layer = 0, head = 0;
  int token = -1;       // the query's token; -1 = the last
  int key = -1;         // the key's token; -1 = the token before the query (or the query itself)
  double base = kRopeBase;
  int positions = 0;    // P for the offset curves; 0 = max(N, 64)
};

struct RopeLesson {
  int n = 0, d_k = 0, layer = 0, head = 0, token = 0, key = 0, positions = 0;
  double base = kRopeBase;
  std::vector<std::string> tokens;       // (N)
  std::string role;
  std::vector<double> theta;             // (d_k/2) base^(-2i/d_k)
  std::vector<double> theta_llama3;      // (d_k/2) 500000^(-2i/d_k)
  std::vector<double> wavelength;        // (d_k/2) 2 pi / theta_i
  std::vector<double> wavelength_llama3; // (d_k/2)
  std::vector<double> q, k;              // (d_k) the query and key before rotation (X W + b)
  Mat q_rotated;                         // (N, d_k) R(p) q at every position p of the sentence
  Mat diagonal;                          // (M, M) R(m) q . R(n) k, M = min(P, 96)
  double max_diagonal_deviation = 0;     // max |diagonal[m][n] - diagonal[m-n or 0][n-m or 0]|
  std::vector<int> offsets;              // (P) m - n = 0..P-1
  std::vector<double> score;             // (P) q . R(offset) k with `base` (the query after the key)
  std::vector<double> score_llama3;      // (P) the same with 500,000
  std::vector<double> long_offsets;      // log-spaced 1 .. 2^20
  std::vector<double> long_score, long_score_llama3;
  double engine_score = 0;               // the trace's Q_token . K_key (engine's RoPE, base 10,000)
  double lesson_score = 0;               // R(token) q . R(key) k computed here with base 10,000
  bool rope_in_trace = false;            // the trace ran with RoPE (not with a model's learned positions)
};

// R(p) x for one vector, pairs (2i, 2i+1), angle p * base^(-2i/d_k) (SPEC "rope").
std::vector<double> RotateRope(const std::vector<double>& x, double position, double base);

RopeLesson RunRopeLesson(Engine& engine, const Request& request, const RopeParams& p, const CancelToken* cancel = nullptr);

nlohmann::json ToJson(const RopeLesson& l);

}  // namespace attnviz::lessons
