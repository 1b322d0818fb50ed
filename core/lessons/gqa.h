// The `gqa` lesson (chapter 6): from multi-head to grouped-query to multi-query
// attention on the model on screen.
//
// The KV cache holds one K row and one V row per key/value head. Grouped-query
// attention (Ainslie et al. 2023) lets H/G query heads share each of G key/value
// heads, so the cache shrinks H/G times; G = 1 is multi-query attention
// (Shazeer 2019). A model trained with H heads can be converted by mean-pooling
// the K and V projections of each group, which is what the engine does for
// `kv_heads` = G (SPEC "Grouped-query attention"). Pooling is linear, so a
// group's K is the mean of its heads' K: heads that looked for the same keys
// keep working, heads that disagreed now read a blur of both.
//
// The lesson runs the engine at every G that divides the model's key/value
// heads, and compares each query head's weights (and the layer's output) with
// the unpooled model's: max |difference| and the share of attention moved.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/cancel.h"
#include "core/request.h"
#include "core/trace.h"

namespace attnviz {
class Engine;
}

namespace attnviz::lessons {

struct GqaParams {
  int layer = 0;            // the layer whose heads are compared
  int bytes_per_value = 4;  // float32, as attnviz computes
};

struct GqaHead {
  int head = 0, kv_head = 0;
  std::string role;
  double max_abs_diff = 0;  // against the unpooled model
  double mean_tv = 0;       // share of attention that moved
};

struct GqaGrouping {
  int kv_heads = 0;                 // G
  std::string attention;            // "MHA", "GQA" or "MQA"
  double bytes_per_token = 0;       // 2 x layers x G x dk x bytes
  double bytes_for_sentence = 0;
  TracePtr trace;                   // the engine's trace with G key/value heads
  std::vector<GqaHead> heads;       // H, for `layer`
  double mean_tv = 0;               // over the layer's heads
  double output_rel_error = 0;      // ||out_G - out|| / ||out|| of the layer's output
};

struct GqaLesson {
  int n = 0, heads = 0, native_kv_heads = 0, layers = 0, d_k = 0, layer = 0, bytes_per_value = 4;
  std::vector<GqaGrouping> groupings;  // G from the model's own (first) down to 1
};

GqaLesson RunGqaLesson(Engine& engine, const Request& request, const GqaParams& p, const CancelToken* cancel = nullptr);

nlohmann::json ToJson(const GqaLesson& l);

}  // namespace attnviz::lessons
