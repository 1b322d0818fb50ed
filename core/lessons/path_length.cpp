#include "core/lessons/path_length.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>

namespace attnviz::lessons {

PathLesson ComputePathLesson(int n, int from, int to) {
  PathLesson p;
  p.n = std::max(0, n);
  const int last = std::max(0, p.n - 1);
  p.from = from < 0 ? 0 : std::min(from, last);
  p.to = to < 0 ? last : std::min(to, last);
  p.rnn_steps = std::abs(p.to - p.from);
  p.attention_steps = p.from == p.to ? 0 : 1;
  p.first_to_last_rnn = last;
  p.first_to_last_attention = p.n > 1 ? 1 : 0;
  p.pairs = static_cast<double>(p.n) * p.n;
  return p;
}

nlohmann::json ToJson(const PathLesson& p) {
  return {{"lesson", "path"},
          {"n", p.n},
          {"from", p.from},
          {"to", p.to},
          {"rnn_steps", p.rnn_steps},
          {"attention_steps", p.attention_steps},
          {"first_to_last", {{"rnn", p.first_to_last_rnn}, {"attention", p.first_to_last_attention}}},
          {"pairs", static_cast<std::int64_t>(p.pairs)}};
}

}  // namespace attnviz::lessons
