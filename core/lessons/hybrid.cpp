#include "core/lessons/hybrid.h"

#include <algorithm>
#include <cmath>

namespace attnviz::lessons {

LayerCost CostOfLayer(LayerKind kind, const ModelMemoryConfig& c, double n, int window, int bytes_per_value) {
  const double H = c.heads, G = c.kv_heads, d = c.head_dim, B = bytes_per_value;
  LayerCost k;
  switch (kind) {
    case LayerKind::Full:
      k.memory_bytes = 2 * G * d * B * n;
      k.prefill_flops = 4 * d * H * n * (n + 1) / 2;
      k.decode_flops = 4 * d * H * n;
      break;
    case LayerKind::Sliding: {
      const double w = std::max(1, window);
      // Causal window pairs: 1 + 2 + ... + w for the first w rows, then w each.
      const double pairs = n <= w ? n * (n + 1) / 2 : w * (w + 1) / 2 + (n - w) * w;
      k.memory_bytes = 2 * G * d * B * std::min(n, w);
      k.prefill_flops = 4 * d * H * pairs;
      k.decode_flops = 4 * d * H * std::min(n, w);
      break;
    }
    case LayerKind::Linear:
      k.memory_bytes = H * (d * d + d) * B;
      k.prefill_flops = 4 * d * d * H * n;
      k.decode_flops = 4 * d * d * H;
      break;
  }
  return k;
}

namespace {

LayerCost StackCost(const HybridStack& s, const HybridParams& p, double n) {
  const LayerCost f = CostOfLayer(LayerKind::Full, p.base, n, p.window, p.bytes_per_value);
  const LayerCost w = CostOfLayer(LayerKind::Sliding, p.base, n, p.window, p.bytes_per_value);
  const LayerCost l = CostOfLayer(LayerKind::Linear, p.base, n, p.window, p.bytes_per_value);
  LayerCost t;
  t.memory_bytes = s.full * f.memory_bytes + s.sliding * w.memory_bytes + s.linear * l.memory_bytes;
  t.prefill_flops = s.full * f.prefill_flops + s.sliding * w.prefill_flops + s.linear * l.prefill_flops;
  t.decode_flops = s.full * f.decode_flops + s.sliding * w.decode_flops + s.linear * l.decode_flops;
  return t;
}

}  // namespace

HybridLesson ComputeHybridLesson(const HybridParams& p) {
  HybridLesson L;
  L.params = p;
  L.full_layer = CostOfLayer(LayerKind::Full, p.base, p.context, p.window, p.bytes_per_value);
  L.sliding_layer = CostOfLayer(LayerKind::Sliding, p.base, p.context, p.window, p.bytes_per_value);
  L.linear_layer = CostOfLayer(LayerKind::Linear, p.base, p.context, p.window, p.bytes_per_value);
  for (double n = 1024; n <= (1 << 20); n *= 2) L.lengths.push_back(n);
  const int layers = p.base.layers;
  // One full layer closes every group of ratio + 1 (the last group may be short).
  const int full_in_hybrid = (layers + p.ratio) / (p.ratio + 1);
  const std::string r = std::to_string(p.ratio);
  const std::string w = std::to_string(p.window);
  std::vector<HybridStack> stacks = {
      {"all full", layers, 0, 0, {}, {}, {}, {}},
      {"all sliding w=" + w, 0, layers, 0, {}, {}, {}, {}},
      {"all linear", 0, 0, layers, {}, {}, {}, {}},
      {"hybrid " + r + " linear : 1 full", full_in_hybrid, 0, layers - full_in_hybrid, {}, {}, {}, {}},
      {"hybrid " + r + " sliding : 1 full", full_in_hybrid, layers - full_in_hybrid, 0, {}, {}, {}, {}},
  };
  for (HybridStack& s : stacks) {
    s.total = StackCost(s, p, p.context);
    for (double n : L.lengths) {
      const LayerCost c = StackCost(s, p, n);
      s.memory_curve.push_back(c.memory_bytes);
      s.prefill_curve.push_back(c.prefill_flops);
      s.decode_curve.push_back(c.decode_flops);
    }
  }
  L.stacks = std::move(stacks);
  return L;
}

nlohmann::json ToJson(const HybridLesson& l) {
  auto cost = [](const LayerCost& c) {
    return nlohmann::json{{"memory_bytes", c.memory_bytes}, {"prefill_flops", c.prefill_flops}, {"decode_flops", c.decode_flops}};
  };
  nlohmann::json stacks = nlohmann::json::array();
  for (const HybridStack& s : l.stacks)
    stacks.push_back({{"name", s.name},
                      {"full_layers", s.full},
                      {"sliding_layers", s.sliding},
                      {"linear_layers", s.linear},
                      {"total", cost(s.total)},
                      {"memory_curve", s.memory_curve},
                      {"prefill_curve", s.prefill_curve}});
  const ModelMemoryConfig& b = l.params.base;
  return {{"lesson", "hybrid"},
          {"model", {{"name", b.name}, {"layers", b.layers}, {"heads", b.heads}, {"kv_heads", b.kv_heads}, {"head_dim", b.head_dim}}},
          {"context", l.params.context},
          {"ratio", l.params.ratio},
          {"window", l.params.window},
          {"bytes_per_value", l.params.bytes_per_value},
          {"per_layer", {{"full", cost(l.full_layer)}, {"sliding", cost(l.sliding_layer)}, {"linear", cost(l.linear_layer)}}},
          {"lengths", l.lengths},
          {"stacks", stacks}};
}

}  // namespace attnviz::lessons
