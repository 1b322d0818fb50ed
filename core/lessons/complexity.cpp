#include "core/lessons/complexity.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "core/types.h"

namespace attnviz::lessons {

namespace {

// Table 1 at one point. Doubles: 2^30 squared times 65536 is ~7.6e22, well
// inside double range, and every product here is exact up to 2^53.
double AttentionWork(double n, double d) { return n * n * d; }
double RecurrentWork(double n, double d) { return n * d * d; }
double ConvolutionWork(double n, double d, double k) { return k * n * d * d; }
double RestrictedWork(double n, double d, double r) { return std::min(r, n) * n * d; }

// Layers of dilated convolutions (kernel k) until every position sees every
// other: the smallest L with k^L >= n (0 for a single token).
double ConvolutionPath(double n, int k) {
  double layers = 0, reach = 1;
  while (reach < n) reach *= k, ++layers;
  return layers;
}

void Check(bool ok, const std::string& what) {
  if (!ok) throw InputError(what);
}

}  // namespace

ComplexityLesson ComputeComplexityLesson(const ComplexityParams& p) {
  Check(p.n >= 1 && p.n <= kComplexityMaxN && std::floor(p.n) == p.n,
        "tokens N must be a whole number in 1..1073741824");
  Check(p.d >= 1 && p.d <= kComplexityMaxD, "width d " + std::to_string(p.d) + " is out of range; allowed 1..65536");
  Check(p.k >= 2 && p.k <= 64, "kernel width k " + std::to_string(p.k) + " is out of range; allowed 2..64");
  Check(p.r >= 1 && p.r <= (1 << 20), "neighbourhood r " + std::to_string(p.r) + " is out of range; allowed 1..1048576");
  ComplexityLesson c;
  c.params = p;
  const double n = p.n, d = p.d, k = p.k, r = p.r;

  c.table = {
      {"self-attention", "N²·d", "1", AttentionWork(n, d), 1, n > 1 ? 1.0 : 0.0},
      {"recurrent", "N·d²", "N", RecurrentWork(n, d), n, n - 1},
      {"convolution", "k·N·d²", "log_k N", ConvolutionWork(n, d, k), 1, ConvolutionPath(n, p.k)},
      // A position reaches r/2 neighbours each side per layer: N/r layers to cross the sequence.
      {"restricted self-attention", "r·N·d", "N/r", RestrictedWork(n, d, r), 1, n > 1 ? std::ceil(n / r) : 0.0},
  };

  const double top = std::max<double>(1 << 21, 2 * n);
  for (double g = 1; g <= top * 1.0000001; g *= 2) c.grid_n.push_back(g);
  c.curves = {{"self-attention", {}}, {"recurrent", {}}, {"convolution", {}}, {"restricted self-attention", {}}};
  for (double g : c.grid_n) {
    c.curves[0].work.push_back(AttentionWork(g, d));
    c.curves[1].work.push_back(RecurrentWork(g, d));
    c.curves[2].work.push_back(ConvolutionWork(g, d, k));
    c.curves[3].work.push_back(RestrictedWork(g, d, r));
    c.steps_rnn.push_back(g);
    c.steps_attention.push_back(1);
  }

  c.pairs = n * n;
  c.pairs_long_context = kLongContextExample * kLongContextExample;
  c.crossover_n = d;
  c.attention_cheaper = n < d;
  c.work_ratio = n / d;

  c.rnn_parallel_steps = n;
  c.attention_parallel_steps = 1;
  c.rnn_longest_path = n - 1;
  c.attention_longest_path = n > 1 ? 1 : 0;
  c.rnn_state_values = d;
  c.attention_kv_values = 2 * n * d;
  c.attention_score_values = n * n;
  c.rnn_token_work = d * d;
  c.attention_token_work_cached = n * d;
  c.attention_token_work_uncached = n * n * d;
  return c;
}

nlohmann::json ToJson(const ComplexityLesson& c) {
  nlohmann::json j;
  j["lesson"] = "complexity";
  j["n"] = c.params.n;
  j["d"] = c.params.d;
  j["k"] = c.params.k;
  j["r"] = c.params.r;
  nlohmann::json rows = nlohmann::json::array();
  for (const ComplexityRow& r : c.table)
    rows.push_back({{"layer", r.layer},
                    {"work_formula", r.work_formula},
                    {"work", r.work},
                    {"sequential", r.sequential},
                    {"path_formula", r.path_formula},
                    {"path", r.path}});
  j["table"] = std::move(rows);
  j["pairs"] = c.pairs;
  j["pairs_at_128000"] = c.pairs_long_context;
  j["crossover_n"] = c.crossover_n;
  j["attention_cheaper"] = c.attention_cheaper;
  j["work_ratio"] = c.work_ratio;
  j["compare"] = {
      {"parallel_steps", {{"rnn", c.rnn_parallel_steps}, {"attention", c.attention_parallel_steps}}},
      {"longest_path", {{"rnn", c.rnn_longest_path}, {"attention", c.attention_longest_path}}},
      {"memory_values", {{"rnn_state", c.rnn_state_values}, {"attention_kv_cache", c.attention_kv_values},
                         {"attention_scores_per_head", c.attention_score_values}}},
      {"work_per_new_token", {{"rnn", c.rnn_token_work}, {"attention_cached", c.attention_token_work_cached},
                              {"attention_uncached", c.attention_token_work_uncached}}}};
  nlohmann::json curves = nlohmann::json::object();
  curves["n"] = c.grid_n;
  for (const ComplexityCurve& cv : c.curves) curves[cv.layer] = cv.work;
  curves["steps_rnn"] = c.steps_rnn;
  curves["steps_attention"] = c.steps_attention;
  j["curves"] = std::move(curves);
  return j;
}

}  // namespace attnviz::lessons
