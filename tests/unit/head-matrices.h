// Tests read a head's N x N matrices as values. The trace computes them on
// demand (core/trace.h); a copy per call means no reference can outlive the
// trace's cache entry.
#pragma once
#include "core/trace.h"

namespace attnviz::test {

struct HeadMats {
  Mat scores;   // (N, N)
  Mat bias;     // (N, N)
  Mat logits;   // (N, N)
  Mat weights;  // (N, N)
};

inline HeadMats MatsOf(const Trace& t, int layer, int head) {
  return {*t.Matrix(layer, head, HeadMatrix::Scores), *t.Matrix(layer, head, HeadMatrix::Bias),
          *t.Matrix(layer, head, HeadMatrix::Logits), *t.Matrix(layer, head, HeadMatrix::Weights)};
}

inline Mat WeightsOf(const Trace& t, int layer, int head) { return *t.Matrix(layer, head, HeadMatrix::Weights); }
inline Mat LogitsOf(const Trace& t, int layer, int head) { return *t.Matrix(layer, head, HeadMatrix::Logits); }
inline Mat ScoresOf(const Trace& t, int layer, int head) { return *t.Matrix(layer, head, HeadMatrix::Scores); }
inline Mat BiasOf(const Trace& t, int layer, int head) { return *t.Matrix(layer, head, HeadMatrix::Bias); }

}  // namespace attnviz::test
