// The `receptive-field` lesson against a breadth-first search of the mask's
// graph (edges i -> j where the mask lets i read j, plus the residual stream's
// i -> i): the layer at which each token joins a cone is its BFS distance.
#include <catch2/catch.hpp>

#include <deque>

#include "core/attention/mask.h"
#include "core/lessons/receptive_field.h"
#include "tests/unit/lesson-json.h"

using namespace attnviz;
using namespace attnviz::lessons;

namespace {
// Distances from `from` (reverse = edges read the other way: who reaches `from`).
std::vector<int> Bfs(const MaskSpec& m, int n, int from, bool reverse) {
  std::vector<int> d(n, -1);
  std::deque<int> q = {from};
  d[from] = 0;
  while (!q.empty()) {
    const int a = q.front();
    q.pop_front();
    for (int b = 0; b < n; ++b) {
      const bool edge = reverse ? MaskAllows(m, b, a) : MaskAllows(m, a, b);
      if (edge && d[b] < 0) {
        d[b] = d[a] + 1;
        q.push_back(b);
      }
    }
  }
  return d;
}
}  // namespace

TEST_CASE("receptive-field: cones and layers against breadth-first search", "[lesson][receptive-field]") {
  int checked = 0;
  for (MaskPattern pattern : {MaskPattern::Full, MaskPattern::Sliding, MaskPattern::GlobalLocal, MaskPattern::BlockSparse})
    for (bool causal : {false, true})
      for (int w : {1, 2, 3, 5})
        for (int n : {1, 4, 13, 40}) {
          MaskSpec m;
          m.pattern = pattern;
          m.causal = causal;
          m.window = w;
          m.block = w;
          m.globals = {2};
          for (int token : {-1, 0, n / 2}) {
            ReceptiveFieldParams p;
            p.mask = m;
            p.token = token;
            const ReceptiveFieldLesson L = ComputeReceptiveFieldLesson(n, p);
            INFO(DescribeMask(m) << " n=" << n << " token=" << token);
            const std::vector<int> d = Bfs(m, n, L.token, false);
            REQUIRE(L.first_layer == d);
            // Tokens reached after l layers: those at distance <= l.
            for (int l = 0; l <= L.layers; ++l) {
              int c = 0;
              for (int x : d) c += (x >= 0 && x <= l) ? 1 : 0;
              REQUIRE(L.reach_count[l] == c);
            }
            REQUIRE(L.layers_to_first == Bfs(m, n, 0, true));
            if (L.formula_last_to_first >= 0) REQUIRE(L.formula_last_to_first == L.last_to_first);
            ++checked;
          }
        }
  REQUIRE(checked == 4 * 2 * 4 * 4 * 3);
}

TEST_CASE("receptive-field: a causal window of w reaches w - 1 further back per layer", "[lesson][receptive-field]") {
  ReceptiveFieldParams p;
  p.mask.pattern = MaskPattern::Sliding;
  p.mask.causal = true;
  p.mask.window = 4;
  const ReceptiveFieldLesson L = ComputeReceptiveFieldLesson(100, p);
  REQUIRE(L.last_to_first == 33);  // ceil(99 / 3)
  REQUIRE(L.formula_last_to_first == 33);
  REQUIRE(L.rnn_steps == 99);
  for (int l = 0; l <= L.layers; ++l) REQUIRE(L.reach_count[l] == std::min(100, 1 + 3 * l));
}

TEST_CASE("receptive-field: attnviz lesson prints core's numbers", "[lesson][receptive-field][cli]") {
  const nlohmann::json j = test::LessonJson({"receptive-field", "--mask", "sliding", "--window", "3", "--causal", "--token", "5",
                                              "--text", "a b c d e f g h i"});
  ReceptiveFieldParams p;
  p.mask.pattern = MaskPattern::Sliding;
  p.mask.window = 3;
  p.mask.causal = true;
  p.token = 5;
  const ReceptiveFieldLesson L = ComputeReceptiveFieldLesson(9, p);
  REQUIRE(j["first_layer"].get<std::vector<int>>() == L.first_layer);
  REQUIRE(j["last_to_first"] == 4);
  REQUIRE(j["formula_last_to_first"] == 4);
}
