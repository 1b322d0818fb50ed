// The `linear` lesson (chapter 8): linear attention (Katharopoulos et al. 2020,
// "Transformers are RNNs") on the sentence's own head.
//
// Softmax attention weighs key j for query i by exp(q_i . k_j) / sum. Replace
// the exponential by a product of feature maps, phi(q_i) . phi(k_j) with
// phi(x) = elu(x) + 1 (positive, so the weights stay positive), and the
// products regroup:
//     out_i = phi(q_i)^T (sum_j phi(k_j) v_j^T) / (phi(q_i)^T sum_j phi(k_j))
// Parallel form: phi(Q) (phi(K)^T V), O(N d^2) instead of O(N^2 d).
// Recurrent form (causal): a matrix state S_t = S_{t-1} + phi(k_t) v_t^T and a
// normaliser z_t = z_{t-1} + phi(k_t), read by out_t = phi(q_t)^T S_t / phi(q_t)^T z_t.
// That is an RNN (chapter 1) whose state is a d_k x d_v matrix: constant memory
// and constant work per token, however long the text. Both forms give the same
// numbers; the lesson runs both on the head's Q, K, V (causal), compares them,
// and shows the attention matrix linear attention implies,
// A_ij = phi(q_i) . phi(k_j) / sum_j' phi(q_i) . phi(k_j'), beside the softmax's.
#pragma once
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "core/cancel.h"
#include "core/request.h"
#include "core/trace.h"

namespace attnviz {
class Engine;
}

namespace attnviz::lessons {

struct LinearAttentionResult {
  Mat implied;                    // (N, N) causal, rows sum to 1
  Eigen::MatrixXd parallel;       // (N, dv) (phi(Q) phi(K)^T, causal) V, row-normalised
  Eigen::MatrixXd recurrent;      // (N, dv) the RNN form
  Eigen::MatrixXd state;          // (dk, dv) S_t at the asked token
  Eigen::VectorXd normaliser;     // (dk) z_t at the asked token
  std::vector<double> state_norm; // (N) ||S_t||_F
};

// phi(x) = elu(x) + 1 = x + 1 for x > 0, e^x otherwise.
double EluPlusOne(double x);

// Both forms on q (N, dk), k (N, dk), v (N, dv), causal; the state kept at `token`.
// Work in double, O(N^2 (dk + dv)) for the parallel form (the implied matrix is
// what the lesson draws), O(N dk dv) for the recurrent one.
LinearAttentionResult ComputeLinearAttention(const Mat& q, const Mat& k, const Mat& v, int token,
                                             const CancelToken* cancel = nullptr);

struct LinearParams {
  int layer = 0, head = 0;
  int token = -1;  // whose state is returned; -1 = the last
};

struct LinearLesson {
  int n = 0, d_k = 0, d_v = 0, layer = 0, head = 0, token = 0;
  std::string role;
  Mat implied;                     // (N, N)
  Mat softmax;                     // (N, N) the same head's softmax weights, causal
  double max_abs_diff = 0;         // parallel vs recurrent outputs
  std::vector<double> row_tv;      // (N) implied vs softmax, attention that differs
  double mean_tv = 0;
  Mat state;                       // (dk, dv) S_token
  std::vector<double> normaliser;  // (dk) z_token
  std::vector<double> state_norm;  // (N) ||S_t||_F
  double crossover = 0;             // t past which a linear step costs less than a softmax one
  // Work and memory per generated token at position t = 0, 1, ... (multiply-adds, values kept),
  // for max(N, 2.5 x crossover) positions:
  std::vector<double> softmax_macs, linear_macs, softmax_memory, linear_memory;
  TracePtr trace;                  // the causal trace whose Q, K, V were used
};

LinearLesson RunLinearLesson(Engine& engine, const Request& request, const LinearParams& p,
                             const CancelToken* cancel = nullptr);

nlohmann::json ToJson(const LinearLesson& l);

}  // namespace attnviz::lessons
