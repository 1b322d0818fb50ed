// The `permutation` lesson (chapter 5): attention has no idea of order unless
// positions are put in.
//
// Without positions (and without a causal mask, which is itself a statement
// about order), every step of a layer treats tokens as a set: the projections
// act on each row alone, the scores compare rows pairwise, and the softmax and
// the weighted sum do not care in which order the keys are listed. So
// shuffling the tokens by a permutation p (new position k holds old token p[k])
// shuffles every result the same way:
//     weights'[k, l] = weights[p[k], p[l]]      outputs'[k] = outputs[p[k]]
// for every head of every layer (LayerNorm and the MLP act per token too). The
// lesson computes both sentences with the engine and measures the largest
// difference after undoing the shuffle: zero up to float rounding (the softmax
// adds the same numbers in another order). One consequence: no head can single
// out "the token just before me", so a previous-token head cannot work.
//
// With positions on (the request's kind, sinusoidal when it is "none"; a
// checkpoint's own learned positions and causal mask) the symmetry is broken:
// the shuffled sentence gets different weights, and the previous-token head
// finds the new previous token.
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

struct PermutationParams {
  std::vector<int> order;     // new position k holds token order[k]; empty = ShuffledOrder(N, shuffle)
  std::uint64_t shuffle = 1;  // seed of the shuffle (0 = reversed)
};

struct PermutationHead {
  int layer = 0, head = 0;
  std::string role;
  double max_abs_diff = 0;     // max |weights'[k,l] - weights[p[k],p[l]]|
  double mean_tv = 0;          // attention moved by the shuffle, after undoing it
  double prev_hits = 0;        // previous-token hits on the original sentence (PreviousTokenHits)
  double prev_hits_shuffled = 0;  // ... on the shuffled one
};

struct PermutationSide {
  Positional positional = Positional::None;  // what the traces used
  bool causal = false;
  TracePtr original, shuffled;               // the engine's traces (the window draws their heads)
  std::vector<PermutationHead> heads;        // every head of every layer
  double max_abs_diff = 0;                   // over every head's weights
  double max_abs_diff_output = 0;            // last layer's outputs, un-shuffled
};

struct PermutationLesson {
  int n = 0;
  std::vector<int> order;                    // (N) the permutation used
  std::vector<std::string> tokens;           // (N) original order
  PermutationSide off, on;
  std::vector<std::string> notes;            // e.g. "GPT-2 without its learned positions and causal mask"
};

// Runs the four traces (positions off/on x original/shuffled) through the
// engine and compares them. Throws InputError for a bad order.
PermutationLesson RunPermutationLesson(Engine& engine, const Request& request, const PermutationParams& p,
                                       const CancelToken* cancel = nullptr);

// The shuffled trace's weights of (layer, head) put back in the original order,
// U[p[k], p[l]] = W'[k, l], and their difference from the original's, U - W
// (both (N, N)). Without positions U = W to float rounding.
struct Unshuffled {
  Mat weights;     // (N, N) U
  Mat difference;  // (N, N) U - W
};
Unshuffled UnshuffleWeights(const Trace& original, const Trace& shuffled, int layer, int head, const std::vector<int>& order);

nlohmann::json ToJson(const PermutationLesson& l);

}  // namespace attnviz::lessons
