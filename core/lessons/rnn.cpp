#include "core/lessons/rnn.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "core/engine.h"
#include "core/seeded_rng.h"

namespace attnviz::lessons {

namespace {

MatD RandomNormal(SeededRng& rng, int rows, int cols, double stddev) {
  MatD m(rows, cols);
  for (int i = 0; i < rows; ++i)
    for (int j = 0; j < cols; ++j) m(i, j) = stddev * rng.NormalDouble();
  return m;
}

double SpectralRadius(const MatD& w) {
  Eigen::EigenSolver<Eigen::MatrixXd> es(Eigen::MatrixXd(w), /*computeEigenvectors=*/false);
  return es.eigenvalues().cwiseAbs().maxCoeff();
}

nlohmann::json Rows(const MatD& m) {
  nlohmann::json a = nlohmann::json::array();
  for (int i = 0; i < m.rows(); ++i) {
    nlohmann::json row = nlohmann::json::array();
    for (int j = 0; j < m.cols(); ++j) row.push_back(m(i, j));
    a.push_back(std::move(row));
  }
  return a;
}

}  // namespace

void MakeRnnWeights(int input_dim, const RnnParams& p, MatD* W_xh, MatD* W_hh, Eigen::RowVectorXd* b) {
  // One stream per seed, drawn in a fixed order: W_hh, then W_xh, then b.
  SeededRng rng{p.seed * 0x9E3779B97F4A7C15ull + 0x5eed};
  MatD w = RandomNormal(rng, p.hidden, p.hidden, 1.0 / std::sqrt(static_cast<double>(p.hidden)));
  const double rho = SpectralRadius(w);
  *W_hh = w * (p.radius / std::max(rho, 1e-300));
  *W_xh = RandomNormal(rng, input_dim, p.hidden, 0.5 / std::sqrt(static_cast<double>(input_dim)));
  *b = RandomNormal(rng, 1, p.hidden, 0.1);
}

RnnLesson ComputeRnnLesson(const Mat& embeddings, const RnnParams& p, const CancelToken* cancel) {
  if (p.hidden < kRnnMinHidden || p.hidden > kRnnMaxHidden)
    throw InputError("hidden size " + std::to_string(p.hidden) + " is out of range; allowed " +
                     std::to_string(kRnnMinHidden) + ".." + std::to_string(kRnnMaxHidden));
  if (!(p.radius >= kRnnMinRadius && p.radius <= kRnnMaxRadius))
    throw InputError("spectral radius " + std::to_string(p.radius) + " is out of range; allowed 0.05..3");
  const int n = static_cast<int>(embeddings.rows()), e = static_cast<int>(embeddings.cols()), d = p.hidden;
  if (n == 0 || e == 0) throw InputError("the rnn lesson needs at least one token");
  RnnLesson r;
  r.n = n;
  r.hidden = d;
  r.input_dim = e;
  r.radius = p.radius;
  r.seed = p.seed;
  r.inputs = embeddings.cast<double>();
  for (int t = 0; t < n; ++t) {
    const double rms = std::sqrt(r.inputs.row(t).squaredNorm() / e);
    if (rms > 0) r.inputs.row(t) /= rms;
  }
  MakeRnnWeights(e, p, &r.W_xh, &r.W_hh, &r.b);
  r.measured_radius = SpectralRadius(r.W_hh);

  // Forward: one state after another, the recurrence itself.
  r.states.resize(n, d);
  Eigen::RowVectorXd h = Eigen::RowVectorXd::Zero(d);
  const MatD drive = (r.inputs * r.W_xh).rowwise() + r.b;  // (N, D) x_t W_xh + b for every t
  for (int t = 0; t < n; ++t) {
    h = (h * r.W_hh + drive.row(t)).array().tanh().matrix();
    r.states.row(t) = h;
  }

  // Backward: M_t = dh_{N-1}/dh_t = M_{t+1} J_{t+1}, J_s = diag(1 - h_s^2) W_hh^T
  // (entry [i][j] = dh_s[i]/dh_{s-1}[j]). M is renormalised every step and its
  // scale kept as a logarithm, so the norm can be reported far past double
  // range in either direction (radius 3 over 4,096 tokens, or 0.05).
  r.log10_grad_norm.assign(n, 0.0);
  r.grad_norm.assign(n, 0.0);
  MatD M = MatD::Identity(d, d);
  double log10_scale = 0;
  for (int t = n - 1; t >= 0; --t) {
    if (t < n - 1) {
      if (cancel && (t % 64) == 0) cancel->ThrowIfCancelled();
      const Eigen::ArrayXd deriv = 1.0 - r.states.row(t + 1).array().square().transpose();  // (D)
      MatD J = deriv.matrix().asDiagonal() * r.W_hh.transpose();                            // (D, D)
      M = M * J;
    }
    const double norm = M.norm();  // Frobenius
    if (norm == 0 || !std::isfinite(norm)) {
      // Exactly zero (every later step saturated): the gradient is gone for good.
      for (int u = t; u >= 0; --u) {
        r.log10_grad_norm[u] = -std::numeric_limits<double>::infinity();
        r.grad_norm[u] = 0;
      }
      break;
    }
    log10_scale += std::log10(norm);
    M /= norm;
    r.log10_grad_norm[t] = log10_scale;
    r.grad_norm[t] = std::pow(10.0, log10_scale);  // +inf past ~1e308, 0 below ~1e-308
  }
  return r;
}

RnnLesson RunRnnLesson(Engine& engine, const Request& request, const RnnParams& p, const CancelToken* cancel) {
  const auto source = engine.ModelFor(request);
  const std::vector<Token> tokens = TokenizeChecked(*source, request.text);
  RnnLesson r = ComputeRnnLesson(source->Embed(tokens), p, cancel);
  for (const Token& t : tokens) r.tokens.push_back(DisplayToken(t.text));
  return r;
}

nlohmann::json ToJson(const RnnLesson& r) {
  nlohmann::json j;
  j["lesson"] = "rnn";
  j["n"] = r.n;
  j["hidden"] = r.hidden;
  j["radius"] = r.radius;
  j["seed"] = r.seed;
  j["inputs"] = Rows(r.inputs);
  j["W_xh"] = Rows(r.W_xh);
  j["W_hh"] = Rows(r.W_hh);
  nlohmann::json b = nlohmann::json::array();
  for (int i = 0; i < r.b.size(); ++i) b.push_back(r.b(i));
  j["b"] = std::move(b);
  j["states"] = Rows(r.states);
  // JSON has no infinity: a norm past double range is null there, and
  // log10_grad_norm (null only for an exactly vanished gradient) says how far.
  nlohmann::json g = nlohmann::json::array(), lg = nlohmann::json::array(), dist = nlohmann::json::array();
  for (int t = 0; t < r.n; ++t) {
    g.push_back(std::isfinite(r.grad_norm[t]) ? nlohmann::json(r.grad_norm[t]) : nlohmann::json(nullptr));
    lg.push_back(std::isfinite(r.log10_grad_norm[t]) ? nlohmann::json(r.log10_grad_norm[t]) : nlohmann::json(nullptr));
    dist.push_back(r.n - 1 - t);
  }
  j["grad_norm"] = std::move(g);
  j["log10_grad_norm"] = std::move(lg);
  j["distance"] = std::move(dist);
  j["measured_radius"] = r.measured_radius;
  j["path_length"] = {{"rnn", r.n - 1}, {"attention", 1}};
  if (!r.tokens.empty()) j["tokens"] = r.tokens;
  return j;
}

}  // namespace attnviz::lessons
