#include "core/lessons/linear_attention.h"

#include <algorithm>
#include <cmath>

#include "core/engine.h"
#include "core/lessons/weights_difference.h"

namespace attnviz::lessons {

double EluPlusOne(double x) { return x > 0 ? x + 1.0 : std::exp(x); }

LinearAttentionResult ComputeLinearAttention(const Mat& q, const Mat& k, const Mat& v, int token,
                                             const CancelToken* cancel) {
  const int n = static_cast<int>(q.rows()), dk = static_cast<int>(q.cols()), dv = static_cast<int>(v.cols());
  const Eigen::MatrixXd fq = q.cast<double>().unaryExpr([](double x) { return EluPlusOne(x); });
  const Eigen::MatrixXd fk = k.cast<double>().unaryExpr([](double x) { return EluPlusOne(x); });
  const Eigen::MatrixXd vd = v.cast<double>();
  LinearAttentionResult r;
  // Parallel: row i of the causal kernel matrix phi(q_i) . phi(k_j), j <= i,
  // normalised by its sum (> 0: phi > 0 and j = i is always there), times V.
  r.implied = Mat::Zero(n, n);
  r.parallel.resize(n, dv);
  Eigen::VectorXd a(n);
  for (int i = 0; i < n; ++i) {
    if ((i & 63) == 0) ThrowIfCancelled(cancel);
    a.head(i + 1) = fk.topRows(i + 1) * fq.row(i).transpose();
    const double sum = a.head(i + 1).sum();
    r.parallel.row(i) = (a.head(i + 1).transpose() * vd.topRows(i + 1)) / sum;
    for (int j = 0; j <= i; ++j) r.implied(i, j) = static_cast<float>(a(j) / sum);
  }
  // Recurrent: one matrix state, one token at a time.
  r.recurrent.resize(n, dv);
  Eigen::MatrixXd S = Eigen::MatrixXd::Zero(dk, dv);
  Eigen::VectorXd z = Eigen::VectorXd::Zero(dk);
  for (int t = 0; t < n; ++t) {
    S += fk.row(t).transpose() * vd.row(t);
    z += fk.row(t).transpose();
    r.recurrent.row(t) = (fq.row(t) * S) / fq.row(t).dot(z);
    r.state_norm.push_back(S.norm());
    if (t == token) {
      r.state = S;
      r.normaliser = z;
    }
  }
  return r;
}

LinearLesson RunLinearLesson(Engine& engine, const Request& request, const LinearParams& p, const CancelToken* cancel) {
  Request r = request;
  r.mask = MaskSpec{};
  r.mask.causal = true;  // the recurrent form reads only the past
  LinearLesson L;
  L.trace = engine.Run(r, cancel);
  const Trace& t = *L.trace;
  L.n = t.n();
  L.layer = std::clamp(p.layer, 0, static_cast<int>(t.layers.size()) - 1);
  L.head = std::clamp(p.head, 0, static_cast<int>(t.layers[L.layer].heads.size()) - 1);
  L.token = p.token < 0 ? L.n - 1 : std::min(p.token, L.n - 1);
  const HeadTrace& h = t.layers[L.layer].heads[L.head];
  const KvHeadTrace& kv = t.KvOf(L.layer, L.head);
  L.role = h.role;
  L.d_k = static_cast<int>(h.Q.cols());
  L.d_v = static_cast<int>(kv.V.cols());
  ThrowIfCancelled(cancel);
  const LinearAttentionResult res = ComputeLinearAttention(h.Q, kv.K, kv.V, L.token, cancel);
  L.implied = res.implied;
  L.max_abs_diff = (res.parallel - res.recurrent).cwiseAbs().maxCoeff();
  L.softmax = *t.Matrix(L.layer, L.head, HeadMatrix::Weights);
  const WeightsDifference d = CompareMatrices(L.softmax, L.implied, true);
  L.row_tv = d.row_tv;
  L.mean_tv = d.mean_tv;
  L.state = res.state.cast<float>();
  L.normaliser.assign(res.normaliser.data(), res.normaliser.data() + L.d_k);
  L.state_norm = res.state_norm;
  // Past the crossover t* = (2 dk dv + 2 dk) / (dk + dv) a linear step is cheaper:
  // the curves run to well beyond it even for a short sentence.
  const double crossover = (2.0 * L.d_k * L.d_v + 2.0 * L.d_k) / (L.d_k + L.d_v);
  L.crossover = crossover;
  const int steps = std::max(L.n, static_cast<int>(std::ceil(2.5 * crossover)));
  for (int i = 0; i < steps; ++i) {
    // Softmax: the new query against t + 1 cached keys, then as many value rows.
    L.softmax_macs.push_back(static_cast<double>(i + 1) * (L.d_k + L.d_v));
    L.softmax_memory.push_back(static_cast<double>(i + 1) * (L.d_k + L.d_v));
    // Linear: add phi(k) v^T to S (dk dv), read phi(q)^T S (dk dv), and z (2 dk).
    L.linear_macs.push_back(2.0 * L.d_k * L.d_v + 2.0 * L.d_k);
    L.linear_memory.push_back(static_cast<double>(L.d_k) * L.d_v + L.d_k);
  }
  return L;
}

nlohmann::json ToJson(const LinearLesson& l) {
  nlohmann::json implied = nlohmann::json::array();
  for (int i = 0; i < l.implied.rows(); ++i)
    implied.push_back(std::vector<float>(l.implied.row(i).data(), l.implied.row(i).data() + l.implied.cols()));
  nlohmann::json state = nlohmann::json::array();
  for (int i = 0; i < l.state.rows(); ++i)
    state.push_back(std::vector<float>(l.state.row(i).data(), l.state.row(i).data() + l.state.cols()));
  return {{"lesson", "linear"},
          {"n", l.n},
          {"d_k", l.d_k},
          {"d_v", l.d_v},
          {"layer", l.layer},
          {"head", l.head},
          {"role", l.role},
          {"token", l.token},
          {"max_abs_diff", l.max_abs_diff},
          {"implied", implied},
          {"row_tv", l.row_tv},
          {"mean_tv", l.mean_tv},
          {"state", state},
          {"normaliser", l.normaliser},
          {"state_norm", l.state_norm},
          {"crossover", l.crossover},
          {"softmax_macs", l.softmax_macs},
          {"linear_macs", l.linear_macs},
          {"softmax_memory", l.softmax_memory},
          {"linear_memory", l.linear_memory}};
}

}  // namespace attnviz::lessons
