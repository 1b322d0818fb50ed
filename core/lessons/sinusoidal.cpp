#include "core/lessons/sinusoidal.h"

#include <algorithm>
#include <cmath>

#include "core/attention/positional.h"
#include "core/engine.h"
#include "core/limits.h"
#include "core/lessons/lesson.h"

namespace attnviz::lessons {

namespace {

constexpr double kTwoPi = 6.283185307179586;

double PairFrequency(int pair, int d_model) { return std::pow(10000.0, -2.0 * pair / d_model); }

// sum over pairs of cos(w_i (p - q)): a function of the offset alone. An odd D
// leaves a last sin-only dimension, whose sin(w p) sin(w q) is not.
double ClosedForm(int p, int q, int d_model) {
  double s = 0;
  for (int i = 0; 2 * i < d_model; ++i) {
    const double w = PairFrequency(i, d_model);
    s += 2 * i + 1 < d_model ? std::cos(w * (p - q)) : std::sin(w * p) * std::sin(w * q);
  }
  return s;
}

}  // namespace

SinusoidalLesson ComputeSinusoidalLesson(int n, int d_model, const SinusoidalParams& p, const Mat& learned_table) {
  SinusoidalLesson L;
  L.n = n;
  L.d_model = d_model;
  L.positions = std::clamp(p.positions > 0 ? p.positions : std::max(n, 64), 2, kMaxTokens);
  L.from = std::clamp(p.from, 0, L.positions - 1);
  L.pe = SinusoidalEncoding(n, d_model);
  const Mat table = SinusoidalEncoding(L.positions, d_model);
  for (int i = 0; 2 * i < d_model; ++i) L.wavelength.push_back(kTwoPi / PairFrequency(i, d_model));

  // Four columns from the fastest pair to a slow one: the clock hands.
  std::vector<int> dims = {0, 2 * std::max(1, d_model / 16), 2 * std::max(1, d_model / 8), 2 * std::max(1, d_model / 4)};
  dims.erase(std::unique(dims.begin(), dims.end()), dims.end());
  for (int dim : dims) {
    if (dim >= d_model) continue;
    SinusoidalWave w;
    w.dim = dim;
    const double freq = PairFrequency(dim / 2, d_model);
    w.wavelength = kTwoPi / freq;
    const int samples = std::min(4 * (L.positions - 1) + 1, 4001);
    for (int s = 0; s < samples; ++s) {
      const double pos = (L.positions - 1) * static_cast<double>(s) / (samples - 1);
      w.x.push_back(pos);
      w.y.push_back(dim % 2 == 0 ? std::sin(freq * pos) : std::cos(freq * pos));
    }
    L.waves.push_back(std::move(w));
  }

  // Dot products from the matrix the engine uses (float), in double sums.
  const Eigen::MatrixXd t = table.cast<double>();
  for (int q = 0; q < L.positions; ++q) {
    L.offsets.push_back(q - L.from);
    L.dot.push_back(t.row(L.from).dot(t.row(q)));
    L.dot_from_zero.push_back(t.row(0).dot(t.row(q)));
    L.closed_form.push_back(ClosedForm(q, L.from, d_model));
  }
  const int check = std::min(L.positions, 256);
  for (int a = 0; a < check; ++a)
    for (int b = 0; b < check; ++b)
      L.max_offset_deviation = std::max(L.max_offset_deviation, std::abs(t.row(a).dot(t.row(b)) - ClosedForm(a, b, d_model)));

  if (learned_table.rows() > 0) {
    L.learned = true;
    const Eigen::MatrixXd w = learned_table.cast<double>();
    const int from = std::min(L.from, static_cast<int>(w.rows()) - 1);
    for (int q = 0; q < std::min<int>(L.positions, static_cast<int>(w.rows())); ++q) L.learned_dot.push_back(w.row(from).dot(w.row(q)));
  }
  return L;
}

SinusoidalLesson RunSinusoidalLesson(Engine& engine, const Request& request, const SinusoidalParams& p,
                                     const CancelToken* cancel) {
  const auto source = engine.ModelFor(request);
  const ModelShape shape = source->Shape();
  const int n = static_cast<int>(TokenizeChecked(*source, request.text).size());
  ThrowIfCancelled(cancel);
  const int positions = std::clamp(p.positions > 0 ? p.positions : std::max(n, 64), 2, kMaxTokens);
  Mat learned;
  if (shape.has_learned_positions()) learned = source->LearnedPositions(positions);
  SinusoidalLesson L = ComputeSinusoidalLesson(n, shape.d_model, p, learned);
  for (const Token& t : source->Tokenize(request.text)) L.tokens.push_back(DisplayToken(t.text));
  return L;
}

nlohmann::json ToJson(const SinusoidalLesson& l) {
  nlohmann::json waves = nlohmann::json::array();
  for (const SinusoidalWave& w : l.waves) waves.push_back({{"dim", w.dim}, {"wavelength", w.wavelength}});
  nlohmann::json pe = nlohmann::json::array();
  for (int i = 0; i < l.pe.rows(); ++i) pe.push_back(std::vector<float>(l.pe.row(i).data(), l.pe.row(i).data() + l.pe.cols()));
  nlohmann::json j = {{"lesson", "sinusoidal"},
                      {"n", l.n},
                      {"d_model", l.d_model},
                      {"positions", l.positions},
                      {"from", l.from},
                      {"pe", pe},
                      {"wavelength", l.wavelength},
                      {"waves", waves},
                      {"offsets", l.offsets},
                      {"dot", l.dot},
                      {"closed_form", l.closed_form},
                      {"max_offset_deviation", l.max_offset_deviation}};
  if (l.learned) j["learned_dot"] = l.learned_dot;
  return j;
}

}  // namespace attnviz::lessons
