// The `induction` lesson (chapter 3): the built-in model's two-layer induction
// circuit, explained with the numbers of one trace of the user's text.
//
// Step 1, layer 1's previous-token head: token i attends to token i-1 and
// moves its identity vector (unit length); W_o writes it, times 5, into the
// previous-word dims (kBuiltinPreviousWordDims). After layer 1 every token
// carries "the word before me" beside "who I am" (kBuiltinIdentityDims).
// Step 2, layer 2's induction head: its query reads who token i is, its key
// reads the word before token j. They match where j follows an earlier copy
// of token i, so on repeated text ("... Mr and Mrs Dursley ... Mr and Mrs")
// each repeated token looks at the token that came after its earlier
// occurrence, and its value copies that token: a prediction of what comes next.
//
// The lesson reads everything from the trace (the real Q, K, logits and
// weights) and adds what a person needs to follow it: which token each write
// came from, the logit split into its parts, and for each repeated token the
// expected targets and whether the head's argmax hits one of them.
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

// One key of a query's row, with its logit split into what the key reads
// (under RoPE each part is rotated as the whole key is; the parts sum to the
// logit): match = the previous-word dims against the query's identity,
// copy = the key's own identity (a small negative weight, see builtin.cpp),
// rest = everything else (biases of other columns, ALiBi, 0 by design).
struct InductionKey {
  int key = -1;
  double logit = 0, weight = 0;
  double match = 0, copy = 0, rest = 0;
  int previous_word = -1;  // the token layer 1 wrote as the word before this key (-1 if none resembles it)
};

struct InductionToken {
  std::string text;                  // as a person reads it (DisplayToken)
  // Step 1: layer 1's previous-token head.
  int prev_source = -1;              // argmax of its row: the token it read (i - 1; token 0 reads itself)
  double prev_weight = 0;            // its weight on prev_source
  std::vector<double> written;       // (6) what layer 1 wrote into the previous-word dims (its output there)
  int copied = -1;                   // the token whose identity the write resembles most (cosine)
  double copied_cosine = 0;
  // Step 2: layer 2's induction head.
  std::vector<double> query;         // (dk) the head's Q row (after RoPE when on)
  std::vector<double> key;           // (dk) the head's K row for this token as a key
  int attends_to = -1;               // argmax of the weights row (-1: empty row)
  double attends_weight = 0;
  std::vector<InductionKey> top;     // the largest weights of the row, largest first (at most params.top)
  std::vector<InductionKey> at_targets;  // the row at each expected target (below)
  int predicted = -1;                // the token whose identity the head's output resembles most
  double predicted_cosine = 0;
  // Summary for a token whose word came earlier (same lowercased text).
  std::vector<int> earlier;          // earlier occurrences k < i
  std::vector<int> targets;          // k + 1 for each: the tokens that followed them
  bool hit = false;                  // attends_to is one of the targets
};

struct InductionParams {
  int top = 5;  // keys listed per query row, largest weight first (1..16)
};
inline constexpr int kInductionMaxTop = 16;

struct InductionLesson {
  int n = 0;
  bool causal = false;
  Positional positional = Positional::Sinusoidal;
  int prev_layer = 0, prev_head = 0;            // layer 1's previous-token head
  int induction_layer = 1, induction_head = 0;  // layer 2's induction head
  std::vector<int> previous_word_dims;          // (6) kBuiltinPreviousWordDims
  std::vector<int> identity_dims;               // (6) kBuiltinIdentityDims
  std::vector<InductionToken> tokens;           // (N)
  int repeated = 0, hits = 0;                   // tokens with an earlier copy, and how many hit
  std::vector<int> misses;                      // repeated tokens whose argmax is not a target
  std::vector<std::string> notes;               // what the settings do to the circuit
};

// The lesson on a built-in model trace. Throws InputError for a trace of
// another model (it has no such heads).
InductionLesson ComputeInductionLesson(const Trace& trace, const InductionParams& p = {}, const CancelToken* cancel = nullptr);

// What `attnviz lesson induction` and chapter 3 call: the trace of the request
// (through the engine's cached model), then ComputeInductionLesson.
InductionLesson RunInductionLesson(Engine& engine, const Request& request, const InductionParams& p = {},
                                   const CancelToken* cancel = nullptr);

nlohmann::json ToJson(const InductionLesson& l);

}  // namespace attnviz::lessons
