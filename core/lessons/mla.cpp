#include "core/lessons/mla.h"

#include <algorithm>
#include <cmath>

#include "core/engine.h"
#include "core/lessons/variant_source.h"
#include "core/lessons/weights_difference.h"
#include "core/model/model.h"
#include "core/parallel/thread_pool.h"

namespace attnviz::lessons {

MlaBasis ComputeMlaBasis(const Model& source, const CancelToken* cancel) {
  const ModelShape shape = source.Shape();
  MlaBasis b;
  b.d_model = shape.d_model;
  b.d_k = shape.d_k;
  b.kv_heads = shape.layers > 0 ? static_cast<int>(source.Layer(0)->kv_heads.size()) : 0;
  b.layers.resize(shape.layers);
  // One eigendecomposition of a D x D matrix per layer (0.3 s at D = 768): layers in parallel.
  ParallelFor(shape.layers, [&](int l) {
    ThrowIfCancelled(cancel);
    const LayerWeights& w = *source.Layer(l);
    const int G = static_cast<int>(w.kv_heads.size()), dk = shape.d_k, D = shape.d_model;
    MlaLayerBasis& lb = b.layers[l];
    lb.W.resize(D, 2 * G * dk);
    for (int g = 0; g < G; ++g) {
      lb.W.middleCols(g * dk, dk) = w.kv_heads[g].W_k.cast<double>();
      lb.W.middleCols((G + g) * dk, dk) = w.kv_heads[g].W_v.cast<double>();
    }
    // W W^T = U S^2 U^T: the left singular vectors without a full SVD of the wide W.
    const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> es(lb.W * lb.W.transpose());
    lb.U = es.eigenvectors().rowwise().reverse();
    const Eigen::VectorXd ev = es.eigenvalues().reverse();
    for (int i = 0; i < D; ++i) lb.singular.push_back(std::sqrt(std::max(0.0, ev(i))));
    const double tol = 1e-6 * (lb.singular.empty() ? 0.0 : lb.singular[0]);
    for (double s : lb.singular) lb.rank += s > tol ? 1 : 0;
  });
  return b;
}

std::shared_ptr<const LayerWeights> LowRankKvWeights(const LayerWeights& w, const MlaLayerBasis& b, int rank) {
  auto out = std::make_shared<LayerWeights>(w);
  const int G = static_cast<int>(w.kv_heads.size());
  const int dk = G > 0 ? static_cast<int>(w.kv_heads[0].W_k.cols()) : 0;
  const int r = std::clamp(rank, 0, static_cast<int>(b.U.cols()));
  const Eigen::MatrixXd Ur = b.U.leftCols(r);
  const Eigen::MatrixXd Wr = Ur * (Ur.transpose() * b.W);  // (D, 2 G dk)
  for (int g = 0; g < G; ++g) {
    out->kv_heads[g].W_k = Wr.middleCols(g * dk, dk).cast<float>();
    out->kv_heads[g].W_v = Wr.middleCols((G + g) * dk, dk).cast<float>();
  }
  return out;
}

namespace {

MlaPoint Evaluate(const Request& r, const ModelPtr& source, const MlaBasis& basis,
                  const Trace& original, int layer, int rank, TracePtr* keep, const CancelToken* cancel) {
  VariantChanges low_rank;
  for (int l = 0; l < static_cast<int>(basis.layers.size()); ++l)
    low_rank.layers.push_back(LowRankKvWeights(*source->Layer(l), basis.layers[l], rank));
  auto variant = std::make_shared<VariantSource>(source, std::move(low_rank));
  const TracePtr t = RunTraceWith(r, variant, cancel);
  MlaPoint p;
  p.rank = rank;
  const int kv_values = 2 * basis.kv_heads * basis.d_k;
  p.cache_values = rank;
  p.cache_saved = kv_values > 0 ? 1.0 - static_cast<double>(rank) / kv_values : 0.0;
  const int H = static_cast<int>(original.layers[layer].heads.size());
  for (int h = 0; h < H; ++h) {
    const WeightsDifference d = CompareHeadWeights(original, *t, layer, h, {}, false, cancel);
    p.mean_tv += d.mean_tv / H;
    p.max_abs_diff = std::max(p.max_abs_diff, d.max_abs);
  }
  const Mat& a = original.layers.back().output;
  const double norm = a.norm();
  p.output_rel_error = norm > 0 ? (t->layers.back().output - a).norm() / norm : 0.0;
  if (keep) *keep = t;
  return p;
}

}  // namespace

MlaLesson RunMlaLesson(Engine& engine, const Request& request, const MlaParams& p, std::shared_ptr<const MlaBasis> basis,
                       const CancelToken* cancel) {
  const auto source = engine.ModelFor(request);
  const ModelShape shape = source->Shape();
  Request r = request;
  r.kv_heads = shape.kv_heads;  // MLA replaces grouping: every head keeps its own rebuilt K and V
  if (!basis) basis = std::make_shared<const MlaBasis>(ComputeMlaBasis(*source, cancel));
  MlaLesson L;
  L.d_model = shape.d_model;
  L.layers = shape.layers;
  L.heads = shape.heads;
  L.kv_heads = shape.kv_heads;
  L.d_k = shape.d_k;
  L.kv_values = 2 * shape.kv_heads * shape.d_k;
  L.max_rank = std::min(shape.d_model, L.kv_values);
  L.layer = std::clamp(p.layer, 0, shape.layers - 1);
  L.head = std::clamp(p.head, 0, shape.heads - 1);
  for (const MlaLayerBasis& lb : basis->layers) L.full_rank.push_back(lb.rank);
  const MlaLayerBasis& lb = basis->layers[L.layer];
  double total = 0, run = 0;
  for (int i = 0; i < L.max_rank; ++i) total += lb.singular[i] * lb.singular[i];
  for (int i = 0; i < L.max_rank; ++i) {
    run += lb.singular[i] * lb.singular[i];
    L.singular.push_back(lb.singular[i]);
    L.energy.push_back(total > 0 ? run / total : 1.0);
  }
  L.original = engine.Run(r, cancel);
  L.n = L.original->n();
  const int full = *std::max_element(L.full_rank.begin(), L.full_rank.end());
  if (p.at_rank) {
    const int rank = p.rank > 0 ? std::min(p.rank, L.max_rank) : std::max(1, full / 2);
    L.at = Evaluate(r, source, *basis, *L.original, L.layer, rank, &L.compressed, cancel);
  }
  if (p.curve) {
    std::vector<int> ranks;
    for (int k = 1; k < L.max_rank; k *= 2) ranks.push_back(k);
    ranks.push_back(full);
    ranks.push_back(L.max_rank);
    std::sort(ranks.begin(), ranks.end());
    ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
    for (int k : ranks) L.curve.push_back(Evaluate(r, source, *basis, *L.original, L.layer, k, nullptr, cancel));
  }
  return L;
}

nlohmann::json ToJson(const MlaLesson& l) {
  auto point = [](const MlaPoint& p) {
    return nlohmann::json{{"rank", p.rank},
                          {"cache_values", p.cache_values},
                          {"cache_saved", p.cache_saved},
                          {"mean_tv", p.mean_tv},
                          {"max_abs_diff", p.max_abs_diff},
                          {"output_rel_error", p.output_rel_error}};
  };
  nlohmann::json curve = nlohmann::json::array();
  for (const MlaPoint& p : l.curve) curve.push_back(point(p));
  nlohmann::json j = {{"lesson", "mla"},
                      {"n", l.n},
                      {"d_model", l.d_model},
                      {"layers", l.layers},
                      {"heads", l.heads},
                      {"kv_heads", l.kv_heads},
                      {"d_k", l.d_k},
                      {"layer", l.layer},
                      {"kv_values_per_token_layer", l.kv_values},
                      {"max_rank", l.max_rank},
                      {"full_rank", l.full_rank},
                      {"singular_values", l.singular},
                      {"energy", l.energy},
                      {"curve", curve}};
  if (l.compressed) j["at"] = point(l.at);
  return j;
}

}  // namespace attnviz::lessons
