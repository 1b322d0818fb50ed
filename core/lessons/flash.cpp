#include "core/lessons/flash.h"

#include <cstdint>

namespace attnviz::lessons {

FlashLesson ComputeFlashLesson(int n, int d_k, int heads, int bytes_per_value) {
  FlashLesson f;
  f.n = n;
  f.d_k = d_k;
  f.heads = heads;
  f.bytes_per_value = bytes_per_value;
  f.weights_bytes_per_head = static_cast<double>(n) * n * bytes_per_value;
  f.tiled_state_bytes_per_head = static_cast<double>(n) * (d_k + 2) * bytes_per_value;
  f.ratio = f.tiled_state_bytes_per_head > 0 ? f.weights_bytes_per_head / f.tiled_state_bytes_per_head : 1.0;
  return f;
}

nlohmann::json ToJson(const FlashLesson& f) {
  return {{"lesson", "flash"},
          {"n", f.n},
          {"d_k", f.d_k},
          {"heads", f.heads},
          {"bytes_per_value", f.bytes_per_value},
          {"memory",
           {{"weights_bytes_per_head", static_cast<std::int64_t>(f.weights_bytes_per_head)},
            {"tiled_state_bytes_per_head", static_cast<std::int64_t>(f.tiled_state_bytes_per_head)},
            {"ratio", f.ratio}}}};
}

}  // namespace attnviz::lessons
