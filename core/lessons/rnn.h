// The `rnn` lesson (SPEC "Lessons"): the recurrent network chapter 1 sets
// against attention, run over the sentence's own tokens.
//
//   h_t = tanh(h_{t-1} W_hh + x_t W_xh + b),   h_{-1} = 0      (row vectors)
//
// x_t is the model's embedding of token t, scaled to unit RMS (so the input
// drive is the same whatever the model's embedding scale). W_xh ~ N(0, 1/E)/2,
// b ~ N(0, 0.1^2), W_hh ~ N(0, 1/D) rescaled to spectral radius R exactly
// (largest |eigenvalue|), all from the seed.
//
// What it shows: the Jacobian of the last state with respect to an earlier one
// is a product of one factor per step,
//   dh_{N-1}/dh_t = J_{N-1} J_{N-2} ... J_{t+1},   J_s = diag(1 - h_s^2) W_hh^T,
// so its norm behaves like a power of W_hh: below radius 1 it decays
// geometrically with the distance N-1-t (the gradient from far tokens
// vanishes), above 1 it can grow (explode) until tanh saturates. Attention
// reaches any earlier token in one step: its path length is 1 at any distance.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "core/cancel.h"
#include "core/request.h"
#include "core/types.h"

namespace attnviz {
class Engine;
}

namespace attnviz::lessons {

struct RnnParams {
  int hidden = 16;         // D, 2..128
  double radius = 0.9;     // spectral radius of W_hh, 0.05..3
  std::uint64_t seed = 1;
};

inline constexpr int kRnnMinHidden = 2, kRnnMaxHidden = 128;
inline constexpr double kRnnMinRadius = 0.05, kRnnMaxRadius = 3.0;

using MatD = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct RnnLesson {
  int n = 0, hidden = 0, input_dim = 0;
  double radius = 0;
  std::uint64_t seed = 0;
  MatD inputs;                          // (N, E)  unit-RMS embeddings
  MatD W_xh;                            // (E, D)
  MatD W_hh;                            // (D, D)  spectral radius `radius`
  Eigen::RowVectorXd b;                 // (D)
  MatD states;                          // (N, D)  h_0 .. h_{N-1}
  std::vector<double> log10_grad_norm;  // (N)     log10 ||dh_{N-1}/dh_t||_F, always finite
  std::vector<double> grad_norm;        // (N)     the same; +inf where it exceeds double range
  double measured_radius = 0;           // max |eigenvalue| of W_hh after rescaling (= radius)
  std::vector<std::string> tokens;      // (N) as a person reads them (RunRnnLesson fills them)
};

// The weights of the network for E-dimensional inputs (deterministic per seed).
void MakeRnnWeights(int input_dim, const RnnParams& p, MatD* W_xh, MatD* W_hh, Eigen::RowVectorXd* b);

// Runs the network over the embeddings (N, E) and measures every Jacobian norm.
// Throws InputError for parameters out of range. Checks `cancel` every few steps.
RnnLesson ComputeRnnLesson(const Mat& embeddings, const RnnParams& p, const CancelToken* cancel = nullptr);

// The lesson on a request's sentence and model: the model's embeddings of its
// tokens (tokenized and checked as the engine does). What `attnviz lesson rnn`
// and chapter 1 both call.
RnnLesson RunRnnLesson(Engine& engine, const Request& request, const RnnParams& p, const CancelToken* cancel = nullptr);

nlohmann::json ToJson(const RnnLesson& r);

}  // namespace attnviz::lessons
