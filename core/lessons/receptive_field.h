// The `receptive-field` lesson (chapter 7): how far information travels
// through L stacked layers of a sparse pattern.
//
// In one layer token i reads the tokens its mask row allows; in the next layer
// each of those has already read its own neighbours, and the residual stream
// carries every token's own earlier state along. So after l layers token i
// depends on exactly the tokens within l hops of it in the mask's graph (edges
// i -> j where the mask lets i read j): a cone that widens layer by layer. A
// causal window of w reaches w - 1 tokens further back with each layer, so the
// last of N tokens needs ceil((N - 1) / (w - 1)) layers to hear from the first;
// a bidirectional window reaches floor(w/2) further each way; one global token
// that everyone reads (and that reads everyone) cuts any distance to 2 hops,
// and full attention to 1. A recurrent network needs N - 1 steps (chapter 1).
//
// The lesson propagates reachable sets layer by layer (bitsets, each token
// entering the frontier once, so O(N^2 / 64) words at most whatever the depth).
#pragma once
#include <vector>

#include <nlohmann/json.hpp>

#include "core/request.h"

namespace attnviz::lessons {

struct ReceptiveFieldParams {
  MaskSpec mask;        // the pattern stacked in every layer
  int token = -1;       // whose cone; -1 = the last token
};

struct ReceptiveFieldLesson {
  int n = 0, token = 0;
  MaskSpec mask;
  std::vector<int> first_layer;      // (N) the layer from which `token` depends on token j: 0 for itself, -1 never
  std::vector<int> reach_count;      // (layers + 1) tokens `token` depends on after l = 0, 1, ... layers
  int layers = 0;                    // until the cone stops growing
  std::vector<int> layers_to_first;  // (N) layers until token i depends on token 0 (-1 never)
  int last_to_first = -1;            // layers_to_first[N - 1]
  int formula_last_to_first = -1;    // the closed form where there is one (sliding, full, global-local), else -1
  int rnn_steps = 0;                 // N - 1 (chapter 1's path length)
};

ReceptiveFieldLesson ComputeReceptiveFieldLesson(int n, const ReceptiveFieldParams& p);

nlohmann::json ToJson(const ReceptiveFieldLesson& l);

}  // namespace attnviz::lessons
