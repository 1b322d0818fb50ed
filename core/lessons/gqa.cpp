#include "core/lessons/gqa.h"

#include <algorithm>

#include "core/engine.h"
#include "core/lessons/weights_difference.h"
#include "core/model/model.h"

namespace attnviz::lessons {

GqaLesson RunGqaLesson(Engine& engine, const Request& request, const GqaParams& p, const CancelToken* cancel) {
  const auto source = engine.ModelFor(request);
  const ModelShape shape = source->Shape();
  GqaLesson L;
  L.heads = shape.heads;
  L.native_kv_heads = shape.kv_heads;
  L.layers = shape.layers;
  L.d_k = shape.d_k;
  L.bytes_per_value = p.bytes_per_value;
  L.layer = std::clamp(p.layer, 0, shape.layers - 1);
  for (int g = shape.kv_heads; g >= 1; --g) {
    if (shape.kv_heads % g != 0) continue;
    ThrowIfCancelled(cancel);
    Request r = request;
    r.kv_heads = g;
    GqaGrouping G;
    G.kv_heads = g;
    G.attention = g == shape.heads ? "MHA" : g == 1 ? "MQA" : "GQA";
    G.trace = engine.Run(r, cancel);
    L.n = G.trace->n();
    G.bytes_per_token = 2.0 * shape.layers * g * shape.d_k * p.bytes_per_value;
    G.bytes_for_sentence = G.bytes_per_token * L.n;
    L.groupings.push_back(std::move(G));
  }
  const Trace& ref = *L.groupings.front().trace;
  for (GqaGrouping& G : L.groupings) {
    const Trace& t = *G.trace;
    double tv = 0;
    for (int h = 0; h < shape.heads; ++h) {
      GqaHead gh;
      gh.head = h;
      gh.kv_head = t.layers[L.layer].heads[h].kv_head;
      gh.role = t.layers[L.layer].heads[h].role;
      const WeightsDifference d = CompareHeadWeights(ref, t, L.layer, h, {}, false, cancel);
      gh.max_abs_diff = d.max_abs;
      gh.mean_tv = d.mean_tv;
      tv += d.mean_tv;
      G.heads.push_back(gh);
    }
    G.mean_tv = tv / shape.heads;
    const Mat& a = ref.layers[L.layer].output;
    const double norm = a.norm();
    G.output_rel_error = norm > 0 ? (t.layers[L.layer].output - a).norm() / norm : 0.0;
  }
  return L;
}

nlohmann::json ToJson(const GqaLesson& l) {
  nlohmann::json groups = nlohmann::json::array();
  for (const GqaGrouping& G : l.groupings) {
    nlohmann::json heads = nlohmann::json::array();
    for (const GqaHead& h : G.heads)
      heads.push_back({{"head", h.head}, {"kv_head", h.kv_head}, {"role", h.role}, {"max_abs_diff", h.max_abs_diff}, {"mean_tv", h.mean_tv}});
    groups.push_back({{"kv_heads", G.kv_heads},
                      {"attention", G.attention},
                      {"bytes_per_token", G.bytes_per_token},
                      {"bytes_for_sentence", G.bytes_for_sentence},
                      {"mean_tv", G.mean_tv},
                      {"output_rel_error", G.output_rel_error},
                      {"heads", heads}});
  }
  return {{"lesson", "gqa"},
          {"n", l.n},
          {"heads", l.heads},
          {"native_kv_heads", l.native_kv_heads},
          {"layers", l.layers},
          {"d_k", l.d_k},
          {"layer", l.layer},
          {"bytes_per_value", l.bytes_per_value},
          {"groupings", groups}};
}

}  // namespace attnviz::lessons
