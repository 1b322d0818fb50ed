#include "core/lessons/scaling.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "core/engine.h"
#include "core/seeded_rng.h"

namespace attnviz::lessons {

namespace {

void CheckParams(const ScalingParams& p) {
  if (p.samples < 100 || p.samples > 100000)
    throw InputError("samples " + std::to_string(p.samples) + " is out of range; allowed 100..100000");
  if (p.keys < 2 || p.keys > 1024) throw InputError("keys " + std::to_string(p.keys) + " is out of range; allowed 2..1024");
  if (p.trials < 1 || p.trials > 10000)
    throw InputError("trials " + std::to_string(p.trials) + " is out of range; allowed 1..10000");
}

// Row statistics in double over a logits buffer (allowed entries only).
bool Stats(const std::vector<double>& logits, const std::uint8_t* allowed, double* max_weight, double* entropy) {
  double mx = -std::numeric_limits<double>::infinity();
  const int n = static_cast<int>(logits.size());
  for (int j = 0; j < n; ++j)
    if (!allowed || allowed[j]) mx = std::max(mx, logits[j]);
  if (!std::isfinite(mx)) {
    *max_weight = 0, *entropy = 0;
    return false;
  }
  double z = 0;
  for (int j = 0; j < n; ++j)
    if (!allowed || allowed[j]) z += std::exp(logits[j] - mx);
  // H = -Σ w log w with log w = (l - mx) - log z; the largest weight is exp(0)/z.
  double h = 0;
  const double lz = std::log(z);
  for (int j = 0; j < n; ++j)
    if (!allowed || allowed[j]) {
      const double lw = logits[j] - mx - lz;
      h -= std::exp(lw) * lw;
    }
  *max_weight = 1.0 / z;
  *entropy = std::max(0.0, h);
  return true;
}

}  // namespace

bool SoftmaxRowStats(const float* scores, const float* bias, const std::uint8_t* allowed, int n, double s, double t,
                     double* max_weight, double* entropy) {
  std::vector<double> lg(n);
  for (int j = 0; j < n; ++j) lg[j] = (s * scores[j] + (bias ? bias[j] : 0.0)) / t;
  return Stats(lg, allowed, max_weight, entropy);
}

ScalingLesson ComputeScalingRandom(const ScalingParams& p, const CancelToken* cancel) {
  CheckParams(p);
  ScalingLesson r;
  r.params = p;
  r.entropy_uniform = std::log(static_cast<double>(p.keys));
  for (int dk = 1; dk <= kScalingMaxDk; dk *= 2) {
    ThrowIfCancelled(cancel);
    // One stream per width, so a width's numbers do not depend on the others.
    SeededRng rng{p.seed * 0x9E3779B97F4A7C15ull + 0xd07ull * static_cast<std::uint64_t>(dk)};
    // Dot products of fresh unit-variance pairs; Welford's running variance.
    double mean = 0, m2 = 0;
    for (int s = 0; s < p.samples; ++s) {
      double dot = 0;
      for (int i = 0; i < dk; ++i) {
        const double a = rng.NormalDouble();
        dot += a * rng.NormalDouble();
      }
      const double delta = dot - mean;
      mean += delta / (s + 1);
      m2 += delta * (dot - mean);
    }
    const double var = m2 / (p.samples - 1);
    r.d_k.push_back(dk);
    r.mean_raw.push_back(mean);
    r.var_raw.push_back(var);
    r.var_scaled.push_back(var / dk);  // Var(X / c) = Var(X) / c^2 with c = √dₖ

    // Saturation: one query against `keys` keys, `trials` times.
    double mr = 0, ms = 0, er = 0, es = 0;
    std::vector<double> q(dk), raw(p.keys), scaled(p.keys);
    const double s = 1.0 / std::sqrt(static_cast<double>(dk));
    for (int t = 0; t < p.trials; ++t) {
      for (double& v : q) v = rng.NormalDouble();
      for (int j = 0; j < p.keys; ++j) {
        double dot = 0;
        for (int i = 0; i < dk; ++i) dot += q[i] * rng.NormalDouble();
        raw[j] = dot;
        scaled[j] = dot * s;
      }
      double w, h;
      Stats(raw, nullptr, &w, &h);
      mr += w, er += h;
      Stats(scaled, nullptr, &w, &h);
      ms += w, es += h;
    }
    r.max_weight_raw.push_back(mr / p.trials);
    r.max_weight_scaled.push_back(ms / p.trials);
    r.entropy_raw.push_back(er / p.trials);
    r.entropy_scaled.push_back(es / p.trials);
  }
  return r;
}

ScalingLesson ComputeScalingLesson(const Trace& t, const ScalingParams& p, const CancelToken* cancel) {
  ScalingLesson r = ComputeScalingRandom(p, cancel);
  ComputeScalingSentence(t, p, &r, cancel);
  return r;
}

void ComputeScalingSentence(const Trace& t, const ScalingParams& p, ScalingLesson* out, const CancelToken* cancel) {
  ScalingLesson& r = *out;
  r.params = p;
  if (t.layers.empty() || t.n() == 0) return;
  if (p.layer < 0 || p.layer >= static_cast<int>(t.layers.size()))
    throw InputError("layer " + std::to_string(p.layer + 1) + " is out of range; the model has " +
                     std::to_string(t.layers.size()));
  if (p.head < 0 || p.head >= static_cast<int>(t.layers[p.layer].heads.size()))
    throw InputError("head " + std::to_string(p.head) + " is out of range; allowed 0.." +
                     std::to_string(t.layers[p.layer].heads.size() - 1));
  const int n = t.n();
  r.n = n;
  r.row_max_scaled.clear(), r.row_max_raw.clear(), r.row_entropy_scaled.clear(), r.row_entropy_raw.clear();
  r.row_entropy_uniform.clear(), r.empty_rows.clear(), r.temperatures.clear();
  r.layer = p.layer;
  r.head = p.head;
  r.head_dim = t.config.d_k;
  r.temperature = t.config.temperature;
  r.scale = 1.0 / std::sqrt(static_cast<double>(std::max(1, t.config.d_k)));
  for (double e = -1.0; e <= 1.0 + 1e-9; e += 1.0 / 6) r.temperatures.push_back(std::pow(10.0, e));
  const int S = static_cast<int>(r.temperatures.size());
  r.sweep_max_scaled.assign(S, 0), r.sweep_max_raw.assign(S, 0);
  r.sweep_entropy_scaled.assign(S, 0), r.sweep_entropy_raw.assign(S, 0);
  // The sweep averages every row up to 256 of them, else 256 evenly spaced rows.
  const int stride = std::max(1, (n + 255) / 256);
  std::vector<float> scores(n), bias(n);
  int swept = 0;
  for (int i = 0; i < n; ++i) {
    if ((i & 63) == 0) ThrowIfCancelled(cancel);
    // Scores and bias do not depend on the scale or T: one row from the trace serves every variant.
    t.MatrixRows(p.layer, p.head, HeadMatrix::Scores, i, 1, scores.data());
    t.MatrixRows(p.layer, p.head, HeadMatrix::Bias, i, 1, bias.data());
    const std::uint8_t* allowed = t.mask.data() + static_cast<std::size_t>(i) * n;
    int count = 0;
    for (int j = 0; j < n; ++j) count += allowed[j] ? 1 : 0;
    double w = 0, h = 0;
    if (!SoftmaxRowStats(scores.data(), bias.data(), allowed, n, r.scale, r.temperature, &w, &h)) {
      r.empty_rows.push_back(i);
      r.row_max_scaled.push_back(0), r.row_entropy_scaled.push_back(0);
      r.row_max_raw.push_back(0), r.row_entropy_raw.push_back(0), r.row_entropy_uniform.push_back(0);
      continue;
    }
    r.row_max_scaled.push_back(w), r.row_entropy_scaled.push_back(h);
    SoftmaxRowStats(scores.data(), bias.data(), allowed, n, 1.0, r.temperature, &w, &h);
    r.row_max_raw.push_back(w), r.row_entropy_raw.push_back(h);
    r.row_entropy_uniform.push_back(std::log(static_cast<double>(count)));
    if (i % stride != 0) continue;
    ++swept;
    for (int k = 0; k < S; ++k) {
      SoftmaxRowStats(scores.data(), bias.data(), allowed, n, r.scale, r.temperatures[k], &w, &h);
      r.sweep_max_scaled[k] += w, r.sweep_entropy_scaled[k] += h;
      SoftmaxRowStats(scores.data(), bias.data(), allowed, n, 1.0, r.temperatures[k], &w, &h);
      r.sweep_max_raw[k] += w, r.sweep_entropy_raw[k] += h;
    }
  }
  r.sweep_rows = swept;
  if (swept > 0)
    for (int k = 0; k < S; ++k) {
      r.sweep_max_scaled[k] /= swept, r.sweep_entropy_scaled[k] /= swept;
      r.sweep_max_raw[k] /= swept, r.sweep_entropy_raw[k] /= swept;
    }
}

ScalingLesson RunScalingLesson(Engine& engine, const Request& request, const ScalingParams& p,
                               const CancelToken* cancel) {
  const TracePtr t = engine.Run(request, cancel);
  return ComputeScalingLesson(*t, p, cancel);
}

nlohmann::json ToJson(const ScalingLesson& s) {
  nlohmann::json j;
  j["lesson"] = "scaling";
  j["samples"] = s.params.samples;
  j["keys"] = s.params.keys;
  j["trials"] = s.params.trials;
  j["seed"] = s.params.seed;
  j["random"] = {{"d_k", s.d_k},
                 {"mean", s.mean_raw},
                 {"variance", s.var_raw},
                 {"variance_scaled", s.var_scaled},
                 {"max_weight", s.max_weight_raw},
                 {"max_weight_scaled", s.max_weight_scaled},
                 {"entropy", s.entropy_raw},
                 {"entropy_scaled", s.entropy_scaled},
                 {"entropy_uniform", s.entropy_uniform}};
  if (s.n > 0) {
    j["sentence"] = {{"n", s.n},
                     {"layer", s.layer},
                     {"head", s.head},
                     {"d_k", s.head_dim},
                     {"scale", s.scale},
                     {"temperature", s.temperature},
                     {"row_max_weight", s.row_max_scaled},
                     {"row_max_weight_unscaled", s.row_max_raw},
                     {"row_entropy", s.row_entropy_scaled},
                     {"row_entropy_unscaled", s.row_entropy_raw},
                     {"row_entropy_uniform", s.row_entropy_uniform},
                     {"empty_rows", s.empty_rows},
                     {"temperatures", s.temperatures},
                     {"sweep_max_weight", s.sweep_max_scaled},
                     {"sweep_max_weight_unscaled", s.sweep_max_raw},
                     {"sweep_entropy", s.sweep_entropy_scaled},
                     {"sweep_entropy_unscaled", s.sweep_entropy_raw},
                     {"sweep_rows", s.sweep_rows}};
  }
  return j;
}

}  // namespace attnviz::lessons
