// The `mla` lesson (chapter 6): multi-head latent attention (DeepSeek-V2, 2024)
// computed on the model on screen.
//
// Every key and value of a layer is a linear function of the same input row x:
// stack the layer's projections side by side, W = [W_k^0 .. W_k^{G-1} W_v^0 ..
// W_v^{G-1}] (D x 2 G dk), and [K V] = x W. MLA caches a short latent
// c = x W_down (r numbers per token and layer) instead of K and V (2 G dk
// numbers), and rebuilds them as c W_up when they are needed. The best rank-r
// factorisation of W (Eckart-Young) comes from its singular value
// decomposition W = U S V^T: W_down = U_r, W_up = U_r^T W, so that
// W_r = U_r U_r^T W keeps the r strongest directions. (DeepSeek learns W_down
// and W_up in training and keeps a small separate key for RoPE, whose rotation
// cannot be folded into W_up; here the rebuilt key is rotated as usual.)
//
// At r = rank(W) nothing is lost; already at r = D caching the latent costs
// D numbers against 2 G dk for K and V, half of what MHA caches (2 H dk = 2 D).
// Below the rank the attention changes: the lesson runs the engine with every
// layer's K and V rebuilt from rank r and measures how much attention moved.
// The basis (one SVD per layer, via the D x D matrix W W^T) depends only on the
// model, so a slider over r reuses it (MlaBasis).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include <Eigen/Dense>
#include <nlohmann/json.hpp>

#include "core/cancel.h"
#include "core/model/layer_weights.h"
#include "core/request.h"
#include "core/trace.h"

namespace attnviz {
class Engine;
class Model;
}

namespace attnviz::lessons {

struct MlaLayerBasis {
  Eigen::MatrixXd W;                 // (D, 2 G dk) the stacked K and V projections
  Eigen::MatrixXd U;                 // (D, D) left singular vectors, strongest first
  std::vector<double> singular;      // (D) singular values, descending
  int rank = 0;                      // numerical rank (sigma > 1e-6 sigma_max)
};

struct MlaBasis {
  int d_model = 0, kv_heads = 0, d_k = 0;
  std::vector<MlaLayerBasis> layers;
};

MlaBasis ComputeMlaBasis(const Model& source, const CancelToken* cancel = nullptr);

// The layer's weights with K and V rebuilt from a rank-r latent (queries, W_o
// and the biases unchanged).
std::shared_ptr<const LayerWeights> LowRankKvWeights(const LayerWeights& w, const MlaLayerBasis& b, int rank);

struct MlaParams {
  int rank = 0;      // r; 0 = half the largest rank
  int layer = 0;     // the layer whose heads are compared
  int head = 0;      // the head whose weights are returned
  bool at_rank = true;   // evaluate at `rank` (MlaLesson::at and the traces)
  bool curve = true;     // evaluate the curve over ranks (a trace per point)
};

struct MlaPoint {
  int rank = 0;
  double cache_values = 0;       // r per token and layer
  double cache_saved = 0;        // 1 - r / (2 G dk)
  double mean_tv = 0;            // attention moved, mean over the layer's heads
  double max_abs_diff = 0;       // largest weight change in the layer
  double output_rel_error = 0;   // ||out_r - out|| / ||out|| of the last layer
};

struct MlaLesson {
  int n = 0, d_model = 0, layers = 0, heads = 0, kv_heads = 0, d_k = 0, layer = 0, head = 0;
  int kv_values = 0;                   // 2 G dk numbers per token and layer without MLA
  int max_rank = 0;                    // min(D, 2 G dk)
  std::vector<int> full_rank;          // (layers) rank of each stacked W
  std::vector<double> energy;          // (max_rank) share of sum sigma^2 in the first r, for `layer`
  std::vector<double> singular;        // (max_rank) sigma of `layer`
  MlaPoint at;                         // at the asked rank
  std::vector<MlaPoint> curve;         // ranks 1, 2, 4, ... and the full rank
  TracePtr original, compressed;       // the engine's traces (the window draws `head`)
};

MlaLesson RunMlaLesson(Engine& engine, const Request& request, const MlaParams& p,
                       std::shared_ptr<const MlaBasis> basis = nullptr, const CancelToken* cancel = nullptr);

nlohmann::json ToJson(const MlaLesson& l);

}  // namespace attnviz::lessons
