#include "core/lessons/rope.h"

#include <algorithm>
#include <cmath>

#include "core/engine.h"
#include "core/limits.h"
#include "core/lessons/lesson.h"

namespace attnviz::lessons {

namespace {

constexpr double kTwoPi = 6.283185307179586;

double Dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

}  // namespace

std::vector<double> RotateRope(const std::vector<double>& x, double position, double base) {
  const int dk = static_cast<int>(x.size());
  std::vector<double> y = x;
  for (int i = 0; 2 * i + 1 < dk; ++i) {
    const double a = position * std::pow(base, -2.0 * i / dk);
    const double c = std::cos(a), s = std::sin(a);
    y[2 * i] = x[2 * i] * c - x[2 * i + 1] * s;
    y[2 * i + 1] = x[2 * i] * s + x[2 * i + 1] * c;
  }
  return y;
}

RopeLesson RunRopeLesson(Engine& engine, const Request& request, const RopeParams& p, const CancelToken* cancel) {
  Request r = request;
  r.positional = Positional::Rope;
  const auto source = engine.ModelFor(r);
  if (source->Shape().positional) r.positional = *source->Shape().positional;
  const TracePtr t = engine.Run(r, cancel);
  RopeLesson L;
  L.n = t->n();
  L.d_k = t->config.d_k;
  L.base = p.base;
  L.rope_in_trace = t->config.positional == Positional::Rope;
  L.layer = std::clamp(p.layer, 0, static_cast<int>(t->layers.size()) - 1);
  const LayerTrace& layer = t->layers[L.layer];
  L.head = std::clamp(p.head, 0, static_cast<int>(layer.heads.size()) - 1);
  L.role = layer.heads[L.head].role;
  L.token = p.token < 0 ? L.n - 1 : std::min(p.token, L.n - 1);
  L.key = p.key < 0 ? std::max(0, L.token - 1) : std::min(p.key, L.n - 1);
  L.positions = std::clamp(p.positions > 0 ? p.positions : std::max(L.n, 64), 2, kMaxTokens);
  for (const Token& tok : t->tokens) L.tokens.push_back(DisplayToken(tok.text));

  for (int i = 0; 2 * i < L.d_k; ++i) {
    L.theta.push_back(std::pow(L.base, -2.0 * i / L.d_k));
    L.theta_llama3.push_back(std::pow(kLlama3RopeBase, -2.0 * i / L.d_k));
    L.wavelength.push_back(kTwoPi / L.theta.back());
    L.wavelength_llama3.push_back(kTwoPi / L.theta_llama3.back());
  }

  // The vectors before rotation, from the layer's input and the head's weights.
  const int g = layer.heads[L.head].kv_head;
  const RowVec q = layer.input.row(L.token) * layer.W_q(L.head) + layer.b_q(L.head);
  const RowVec k = layer.input.row(L.key) * layer.W_k(g) + layer.b_k(g);
  L.q.assign(q.data(), q.data() + q.size());
  L.k.assign(k.data(), k.data() + k.size());

  L.q_rotated.resize(L.n, L.d_k);
  for (int pos = 0; pos < L.n; ++pos) {
    const std::vector<double> rq = RotateRope(L.q, pos, L.base);
    for (int d = 0; d < L.d_k; ++d) L.q_rotated(pos, d) = static_cast<float>(rq[d]);
  }
  ThrowIfCancelled(cancel);

  // One query vector and one key vector placed at every pair of positions.
  const int m = std::min(L.positions, 96);
  std::vector<std::vector<double>> rq(m), rk(m);
  for (int pos = 0; pos < m; ++pos) {
    rq[pos] = RotateRope(L.q, pos, L.base);
    rk[pos] = RotateRope(L.k, pos, L.base);
  }
  L.diagonal.resize(m, m);
  for (int a = 0; a < m; ++a)
    for (int b = 0; b < m; ++b) L.diagonal(a, b) = static_cast<float>(Dot(rq[a], rk[b]));
  for (int a = 0; a < m; ++a)
    for (int b = 0; b < m; ++b) {
      // The diagonal's representative on the matrix's edge: (a - b, 0) or (0, b - a).
      const double edge = a >= b ? Dot(rq[a - b], rk[0]) : Dot(rq[0], rk[b - a]);
      L.max_diagonal_deviation = std::max(L.max_diagonal_deviation, std::abs(Dot(rq[a], rk[b]) - edge));
    }

  // The score against the offset: the query m positions after the key.
  for (int off = 0; off < L.positions; ++off) {
    L.offsets.push_back(off);
    L.score.push_back(Dot(L.q, RotateRope(L.k, -off, L.base)));
    L.score_llama3.push_back(Dot(L.q, RotateRope(L.k, -off, kLlama3RopeBase)));
  }
  for (double off = 1; off <= (1 << 20); off *= 1.08) {
    const double o = std::round(off);
    if (!L.long_offsets.empty() && o == L.long_offsets.back()) continue;
    L.long_offsets.push_back(o);
    L.long_score.push_back(Dot(L.q, RotateRope(L.k, -o, L.base)));
    L.long_score_llama3.push_back(Dot(L.q, RotateRope(L.k, -o, kLlama3RopeBase)));
  }

  // The engine's rotation (base 10,000) of the same two vectors at their own places.
  if (L.rope_in_trace) {
    L.engine_score = layer.heads[L.head].Q.row(L.token).dot(t->KvOf(L.layer, L.head).K.row(L.key));
    L.lesson_score = Dot(RotateRope(L.q, L.token, kRopeBase), RotateRope(L.k, L.key, kRopeBase));
  }
  return L;
}

nlohmann::json ToJson(const RopeLesson& l) {
  nlohmann::json j = {{"lesson", "rope"},
                      {"n", l.n},
                      {"d_k", l.d_k},
                      {"layer", l.layer},
                      {"head", l.head},
                      {"role", l.role},
                      {"token", l.token},
                      {"key", l.key},
                      {"base", l.base},
                      {"theta", l.theta},
                      {"wavelength", l.wavelength},
                      {"wavelength_llama3", l.wavelength_llama3},
                      {"q", l.q},
                      {"k", l.k},
                      {"max_diagonal_deviation", l.max_diagonal_deviation},
                      {"offsets", l.offsets},
                      {"score", l.score},
                      {"score_llama3", l.score_llama3},
                      {"rope_in_trace", l.rope_in_trace}};
  nlohmann::json diag = nlohmann::json::array();
  for (int i = 0; i < l.diagonal.rows(); ++i)
    diag.push_back(std::vector<float>(l.diagonal.row(i).data(), l.diagonal.row(i).data() + l.diagonal.cols()));
  j["diagonal"] = diag;
  if (l.rope_in_trace) {
    j["engine_score"] = l.engine_score;
    j["lesson_score"] = l.lesson_score;
  }
  return j;
}

}  // namespace attnviz::lessons
