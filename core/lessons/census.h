// The `census` lesson (chapter 3): every head of every layer scored for five
// behaviours interpretability work names, on two sequences:
//   - the user's text, and
//   - a probe: R random tokens followed by the same R tokens again (2R tokens,
//     seeded; from the model's own vocabulary for a loaded checkpoint, from
//     plain lexicon words for the built-in and random models). Nothing but the
//     repetition links the second half to the first, so a head that finds
//     "the token after my earlier copy" there is doing induction, not reading
//     meaning.
//
// Definitions (N tokens, w = the head's weights, rows i = queries, keys j; a
// row enters a score only if the mask leaves it at least one key and at least
// one of the score's target keys; masked targets are not targets):
//   previous-token  mean over rows i >= 1 of w[i, i-1].
//   induction       mean over rows i whose token has an earlier copy at some k
//                   with k + 1 < i, of the sum over those k of w[i, k+1]: the
//                   weight on the token that followed an earlier copy. On the
//                   probe these rows are the second half and k + 1 = i - R + 1.
//   sink            mean over rows i >= 1 of w[i, 0] (row 0 has no choice).
//   duplicate-token mean over rows i whose token has an earlier copy k < i, of
//                   the sum over those k of w[i, k]. On the probe: w[i, i - R].
//   local           mean over rows i that have an allowed key farther than
//                   `local_window` from i, of the sum of w[i, j] over
//                   |i - j| <= local_window (the rows where every key is near
//                   would score 1 whatever the head does, so they are left out).
// "The same token": the same id in a loaded model's vocabulary; the same
// lowercased word for the built-in tokenizer (what the built-in model's
// identity vectors hash); on the probe, the same position modulo R (so a
// random token drawn twice by chance does not count as a repeat).
// Every score is a mean of sums of one softmax row's entries: it lies in
// [0, 1], and 1 means the head puts all its weight on the targets.
//
// The per-head N x N weights are read in blocks of rows (Trace::MatrixRows),
// one head per task, never cached and never all alive at once; the cancel
// token is checked between blocks.
#pragma once
#include <array>
#include <cstdint>
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

enum class CensusScore : int { PreviousToken, Induction, Sink, Duplicate, Local };
inline constexpr int kCensusScores = 5;
// "previous-token", "induction", "sink", "duplicate-token", "local".
const char* CensusScoreName(CensusScore s);
// One sentence a person reads beside the score (the view and the JSON).
std::string CensusScoreDefinition(CensusScore s, int local_window);

inline constexpr int kCensusMinProbe = 2, kCensusMaxProbe = 1024;
inline constexpr int kCensusMaxWindow = 64;

struct CensusParams {
  // R: the probe is R random tokens, then the same R again. 20 keeps each
  // copy within the built-in duplicate-token head's reach (its lean to an
  // earlier copy fades past ~30 tokens back: 0.80 at R = 20, 0.29 at 32).
  int probe_length = 20;
  std::uint64_t seed = 1;   // which random tokens
  int local_window = 2;     // w of the local score
  int thumb = 64;           // thumbnail size (4..256): the weights max-pooled to at most thumb x thumb
  bool on_text = true;      // score the user's text
  bool on_probe = true;     // score the repeated random-token probe
};

// Which query rows and keys one score reads on one sequence.
struct CensusRows {
  std::vector<int> rows;               // query rows i entering the mean, increasing
  std::vector<std::vector<int>> keys;  // (rows.size()) target keys j of each row, increasing
};

// The five scores' rows and targets for one sequence: depends only on the
// tokens' labels and the mask, so every head of the sequence shares it.
struct CensusPlan {
  int n = 0;
  std::array<CensusRows, kCensusScores> scores;
};

struct CensusHead {
  int layer = 0, head = 0;
  std::string role;                            // the built-in model's name for it ("" for others)
  std::array<double, kCensusScores> score{};   // 0 when the score has no rows (see CensusSequence::defined)
  int thumb_rows = 0, thumb_cols = 0;
  std::vector<float> thumb;                    // (thumb_rows, thumb_cols) max-pooled weights, row-major
};

// The census on one sequence (the text or the probe).
struct CensusSequence {
  bool computed = false;
  std::string kind;                            // "text" or "probe"
  int n = 0;
  std::vector<std::string> tokens;             // (N) as a person reads them
  std::vector<int> labels;                     // (N) equal labels = the same token (see the top of this file)
  CensusPlan plan;
  std::array<bool, kCensusScores> defined{};   // the score has at least one row (no repeat: no induction)
  std::vector<CensusHead> heads;               // (L·H) layer-major
  std::array<std::vector<int>, kCensusScores> ranking;  // indices into heads, highest score first (ties: layer, head)
};

struct CensusLesson {
  std::string model;
  int layers = 0, heads = 0;
  int probe_length = 0, local_window = 0;
  std::uint64_t seed = 0;
  CensusSequence text, probe;
  std::vector<std::string> notes;              // what a person should know (the mask, the probe's vocabulary)
};

// [SECTION] The pure parts (tests feed them directly)

// Labels of a tokenization: the id when the token has one, else its
// lowercased text, numbered in order of first appearance.
std::vector<int> TokenLabels(const std::vector<Token>& tokens);
// Labels of the probe: position modulo R (2R tokens).
std::vector<int> ProbeLabels(int probe_length);
// The rows and targets of every score. `allowed` (N, N) is the mask (1 =
// allowed); nullptr = every key allowed.
CensusPlan PlanCensus(const std::vector<int>& labels, const MaskMat* allowed, int local_window);
// One head's five scores from its (N, N) weights.
std::array<double, kCensusScores> ScoreHead(const Mat& weights, const CensusPlan& plan);
// Heads sorted by one score, highest first; ties keep (layer, head) order.
std::vector<int> RankHeads(const std::vector<CensusHead>& heads, CensusScore s);

// [SECTION] On traces

// The census of every head of a trace, with the given labels (N).
CensusSequence ComputeCensusSequence(const Trace& t, const std::vector<int>& labels, const CensusParams& p,
                                     const CancelToken* cancel = nullptr);
// The probe's tokens for a request's model: R distinct random tokens (seeded)
// twice. Throws InputError when the model cannot read 2R tokens.
std::vector<Token> MakeProbeTokens(Engine& engine, const Request& request, int probe_length, std::uint64_t seed);
// The trace of the probe: the request's model, mask and settings on the probe's tokens.
TracePtr RunProbeTrace(Engine& engine, const Request& request, int probe_length, std::uint64_t seed,
                       const CancelToken* cancel = nullptr);

// What `attnviz lesson census` and chapter 3 call.
CensusLesson RunCensusLesson(Engine& engine, const Request& request, const CensusParams& p,
                             const CancelToken* cancel = nullptr);

// Thumbnails are left out (they are for the window); everything else is in.
nlohmann::json ToJson(const CensusLesson& c);

}  // namespace attnviz::lessons
