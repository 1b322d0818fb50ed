// The `sparse-cost` lesson (chapter 7): the number of (query, key) pairs each
// pattern computes, against the length N, up to a million tokens.
//
//   full             N^2 (causal: N(N+1)/2)                       O(N^2)
//   sliding w        about N w                                     O(N w)
//   global + local   about N (w + 2g) for g global tokens          O(N (w + g))
//   block-sparse b   about N (b + N/b): grows as N^2 / b           O(N^2 / b), or O(N sqrt N) with b = sqrt N
// Every point is an exact count of the mask (CountAllowedPairs, row by row).
// Published defaults are drawn as their own curves: Longformer's window of 512
// (with one global token; Beltagy et al. 2020), BigBird's blocks of 64 (each
// query block reads 3 sliding + 2 global + 3 random blocks, 8 x 64 = 512 keys;
// Zaheer et al. 2020; counted as that budget, capped at N), and Mistral 7B's
// causal window of 4,096 (Jiang et al. 2023).
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/request.h"

namespace attnviz::lessons {

struct SparseCostParams {
  MaskSpec mask;            // "your mask": the request's pattern, plotted beside the published ones
  int n = 0;                // the sentence's N (marked on the curves)
  int max_n = 1 << 20;
  int d_k = 64;             // flops per pair = 4 d_k (QK^T and PV)
};

struct SparseCostCurve {
  std::string label;        // "full", "Longformer w=512 + 1 global", ...
  std::string complexity;   // "O(N^2)", "O(N w)", ...
  MaskSpec mask;
  std::vector<double> pairs;  // (points) exact allowed pairs at each N
};

struct SparseCostLesson {
  int n = 0, d_k = 0;
  std::vector<double> lengths;          // N = 128, 256, ... max_n (and powers of sqrt 2 between)
  std::vector<SparseCostCurve> curves;  // full, Longformer, BigBird, Mistral, your mask
  // At N = 128k (the arithmetic spelled out in the window): pairs per head per layer.
  double n_128k = 131072;
  std::vector<double> pairs_128k;       // (curves)
};

SparseCostLesson ComputeSparseCostLesson(const SparseCostParams& p);

nlohmann::json ToJson(const SparseCostLesson& l);

}  // namespace attnviz::lessons
