// The `complexity` lesson (chapter 1): what attention costs as the sequence
// grows, against a recurrent layer, for a person's own N and d.
//
// Table 1 of Vaswani et al. (2017), evaluated instead of left as O(.):
//   layer type                   per-layer work   sequential steps   longest path
//   self-attention               N^2 d            1                  1
//   recurrent                    N d^2            N                  N
//   convolution (kernel k)       k N d^2          1                  log_k N  (dilated)
//   restricted attention (r)     r N d            1                  N / r
// "Work" is the leading number of multiply-adds: for attention the N^2 dot
// products of length d (the weighted sum of values adds as many again); for a
// recurrent layer one d x d matrix-vector product per token; restricted
// attention compares each query with min(r, N) keys. Self-attention
// is cheaper than recurrence exactly when N^2 d < N d^2, i.e. N < d: true for
// sentences, false for books.
//
// Beside the table: the curves of each row over N (log axes), the N^2 query-key
// pairs one head compares in one layer (16.4 billion at 128,000 tokens), and the
// figures of the RNN-versus-attention comparison: parallel steps, longest path,
// memory, and the work of generating one more token (with and without the KV
// cache).
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace attnviz::lessons {

inline constexpr double kComplexityMaxN = 1ull << 30;   // 1,073,741,824 tokens
inline constexpr int kComplexityMaxD = 65536;
inline constexpr double kLongContextExample = 128000;   // "a 128k context"

struct ComplexityParams {
  double n = 1024;       // tokens, 1..2^30
  int d = 512;           // model width d, 1..65536
  int k = 3;             // convolution kernel width, 2..64
  int r = 128;           // restricted attention: neighbourhood size, 1..2^20
};

struct ComplexityRow {
  std::string layer;        // "self-attention", "recurrent", "convolution", "restricted self-attention"
  std::string work_formula; // "N²·d", ...
  std::string path_formula; // "1", "N", "log_k N", "N/r"
  double work = 0;          // the formula at (n, d, k, r)
  double sequential = 0;    // sequential steps per layer over the whole sequence
  double path = 0;          // longest path between two positions, in layers or steps
};

struct ComplexityCurve {
  std::string layer;
  std::vector<double> work; // (grid_n) work at each N of grid_n
};

struct ComplexityLesson {
  ComplexityParams params;
  std::vector<ComplexityRow> table;     // the four rows of Table 1, in the paper's order
  // Curves over N for the plots (log axes).
  std::vector<double> grid_n;           // (G) powers of two from 1 past max(2^21, 2n)
  std::vector<ComplexityCurve> curves;  // the four rows of the table over grid_n
  std::vector<double> steps_rnn;        // (G) sequential steps of a recurrent layer: N
  std::vector<double> steps_attention;  // (G) 1 at every N
  // Pairs compared by one head in one layer.
  double pairs = 0;                     // n^2
  double pairs_long_context = 0;        // kLongContextExample^2 = 1.6384e10
  // Attention against recurrence at (n, d).
  double crossover_n = 0;               // d: below it attention does less work per layer
  bool attention_cheaper = false;       // n < d
  double work_ratio = 0;                // attention work / recurrent work = n / d
  // The comparison table (leading terms; per layer).
  double rnn_parallel_steps = 0;        // n: one token after another
  double attention_parallel_steps = 0;  // 1: every position at once
  double rnn_longest_path = 0;          // n - 1
  double attention_longest_path = 0;    // 1 (0 for a single token)
  double rnn_state_values = 0;          // d: everything the past leaves behind
  double attention_kv_values = 0;       // 2 n d: the KV cache a new token reads
  double attention_score_values = 0;    // n^2 per head if the weights are materialised
  double rnn_token_work = 0;            // d^2 to generate one more token, whatever n
  double attention_token_work_cached = 0;    // n d: one new query against the cache
  double attention_token_work_uncached = 0;  // n^2 d: the whole prefix recomputed
};

// Throws InputError for parameters out of range.
ComplexityLesson ComputeComplexityLesson(const ComplexityParams& p);

nlohmann::json ToJson(const ComplexityLesson& c);

}  // namespace attnviz::lessons
