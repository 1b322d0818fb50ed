#include "core/lessons/alibi.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "core/attention/positional.h"
#include "core/engine.h"
#include "core/limits.h"
#include "core/lessons/lesson.h"

namespace attnviz::lessons {

std::vector<double> PressAlibiSlopes(int heads, std::vector<bool>* interleaved) {
  // The paper's get_slopes: a geometric sequence starting at 2^(-8/n) with that
  // ratio for n a power of two; otherwise the closest lower power of two, then
  // every other element of the sequence for twice that.
  auto power_of_two = [](int n) {
    std::vector<double> s;
    const double start = std::pow(2.0, -8.0 / n);
    double v = start;
    for (int i = 0; i < n; ++i, v *= start) s.push_back(v);
    return s;
  };
  std::vector<double> out;
  if (interleaved) interleaved->clear();
  if (heads <= 0) return out;
  int closest = 1;
  while (closest * 2 <= heads) closest *= 2;
  out = power_of_two(closest);
  if (interleaved) interleaved->assign(out.size(), false);
  if (closest < heads) {
    const std::vector<double> extra = power_of_two(2 * closest);
    for (std::size_t i = 0; i < extra.size() && static_cast<int>(out.size()) < heads; i += 2) {
      out.push_back(extra[i]);
      if (interleaved) interleaved->push_back(true);
    }
  }
  return out;
}

AlibiLesson RunAlibiLesson(Engine& engine, const Request& request, const AlibiParams& p, const CancelToken* cancel) {
  const auto source = engine.ModelFor(request);
  const ModelShape shape = source->Shape();
  const std::vector<Token> tokens = TokenizeChecked(*source, request.text);
  AlibiLesson L;
  L.n = static_cast<int>(tokens.size());
  for (const Token& t : tokens) L.tokens.push_back(DisplayToken(t.text));
  L.heads = shape.heads;
  L.slope_heads = p.slope_heads > 0 ? p.slope_heads : shape.heads;
  for (float s : AlibiSlopes(L.heads)) L.slopes.push_back(s);
  L.slopes_table = PressAlibiSlopes(L.slope_heads, &L.table_interleaved);
  L.repeat = std::clamp(p.repeat, 1, std::max(1, kMaxTokens / std::max(1, L.n)));

  L.bias_n = std::min(L.n, 48);
  for (double m : L.slopes) L.bias.push_back(AlibiBias(L.bias_n, static_cast<float>(m)));

  // Uniform content: the last query of a causal text of T tokens gives key j the
  // weight exp(-m d) / sum, d = T - 1 - j. Share within d < N.
  for (int k = 0; k <= 32; ++k) L.lengths.push_back(std::round(L.n * std::pow(16.0, k / 32.0)));
  const int H = L.heads;
  L.per_head.resize(H);
  for (int h = 0; h < H; ++h) {
    AlibiHead& a = L.per_head[h];
    a.head = h;
    a.slope = L.slopes[h];
    a.reach90 = std::log(10.0) / a.slope;
    const double q = std::exp(-a.slope);
    // Geometric sums: sum_{d<T} q^d = (1 - q^T) / (1 - q).
    const double within = 1.0 - std::pow(q, L.n);
    for (double T : L.lengths) a.uniform_share.push_back(within / (1.0 - std::pow(q, T)));
  }

  // The model on a text R times as long, causal, with ALiBi.
  Request r = request;
  r.positional = shape.positional ? *shape.positional : Positional::Alibi;
  r.mask = MaskSpec{};
  r.mask.causal = true;
  std::string text;
  for (int k = 0; k < L.repeat; ++k) text += (k ? " " : "") + request.text;
  r.text = text;
  ThrowIfCancelled(cancel);
  const TracePtr t = engine.Run(r, cancel);
  L.long_n = t->n();
  L.layer = std::clamp(p.layer, 0, static_cast<int>(t->layers.size()) - 1);
  std::vector<float> row(L.long_n);
  for (int h = 0; h < H; ++h) {
    AlibiHead& a = L.per_head[h];
    a.role = t->layers[L.layer].heads[h].role;
    t->MatrixRows(L.layer, h, HeadMatrix::Weights, L.long_n - 1, 1, row.data());
    a.measured_by_distance.resize(L.long_n);
    double share = 0;
    for (int d = 0; d < L.long_n; ++d) {
      a.measured_by_distance[d] = row[L.long_n - 1 - d];
      if (d < L.n) share += row[L.long_n - 1 - d];
    }
    a.measured_share = share;
  }
  return L;
}

nlohmann::json ToJson(const AlibiLesson& l) {
  nlohmann::json heads = nlohmann::json::array();
  for (const AlibiHead& a : l.per_head)
    heads.push_back({{"head", a.head},
                     {"role", a.role},
                     {"slope", a.slope},
                     {"reach90", a.reach90},
                     {"uniform_share", a.uniform_share},
                     {"measured_share", a.measured_share}});
  return {{"lesson", "alibi"},
          {"n", l.n},
          {"heads", l.heads},
          {"slopes", l.slopes},
          {"slope_heads", l.slope_heads},
          {"slopes_table", l.slopes_table},
          {"table_interleaved", l.table_interleaved},
          {"repeat", l.repeat},
          {"long_n", l.long_n},
          {"layer", l.layer},
          {"lengths", l.lengths},
          {"per_head", heads}};
}

}  // namespace attnviz::lessons
