// The per-head N x N matrices a trace computes on demand (core/trace.h): the
// whole matrix, row blocks, one key's column from the stored log-sum-exp, and
// the shared cache's budget. The values themselves are checked against an
// independent double-precision reference in test-engine.cpp; here the three
// ways of reading them must agree, and the cache must stay bounded.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/engine.h"

using namespace attnviz;

TEST_CASE("trace matrices: whole, row blocks and columns agree for every mask and positional kind", "[trace]") {
  for (MaskPattern p : {MaskPattern::Full, MaskPattern::Sliding, MaskPattern::GlobalLocal, MaskPattern::BlockSparse})
    for (Positional pe : {Positional::Sinusoidal, Positional::Alibi, Positional::Rope})
      for (bool causal : {false, true}) {
        Request r;
        r.text = "the old dog barked at the cat while the cat sat on the mat";
        r.positional = pe;
        r.mask.pattern = p;
        r.mask.causal = causal;
        r.mask.window = 2;  // narrow: with causal and block patterns some rows are empty
        r.mask.block = 3;
        const TracePtr t = RunTrace(r);
        const int n = t->n();
        for (int h = 0; h < 8; h += 3) {
          INFO("pattern " << ToString(p) << " pe " << ToString(pe) << " causal " << causal << " head " << h);
          const MatPtr w = t->Matrix(0, h, HeadMatrix::Weights);
          const MatPtr lg = t->Matrix(0, h, HeadMatrix::Logits);
          // The cache hands back the same object.
          REQUIRE(t->Matrix(0, h, HeadMatrix::Weights) == w);
          // Row blocks of any size give the same values to a few float ulps (the
          // dot products are the same, but Eigen's GEMM may sum a block of 5
          // rows in another order than a block of 64): 2e-6 on values in [0, 1].
          std::vector<float> rows(static_cast<std::size_t>(5) * n);
          for (int r0 = 0; r0 < n; r0 += 5) {
            const int k = std::min(5, n - r0);
            t->MatrixRows(0, h, HeadMatrix::Weights, r0, k, rows.data());
            for (int a = 0; a < k; ++a)
              for (int j = 0; j < n; ++j) REQUIRE(std::abs(rows[static_cast<std::size_t>(a) * n + j] - (*w)(r0 + a, j)) < 2e-6f);
          }
          // A column from the row log-sum-exps equals the column of the weights:
          // exp(logit - lse) against the max-subtracted softmax. Both logits and
          // lse carry a few ulps of their magnitude L (the built-in model's
          // logits reach ~60), and exp turns an absolute error e in its argument
          // into a relative error e: |dw| <= w * 8 * 2^-24 * (L + 1) + 1e-7.
          const HeadTrace& head = t->layers[0].heads[h];
          std::vector<float> col(n);
          for (int key = 0; key < n; ++key) {
            t->WeightsColumn(0, h, key, col.data());
            for (int i = 0; i < n; ++i) {
              const double L = std::abs(double((*lg)(i, key))) + (std::isfinite(head.lse(i)) ? std::abs(double(head.lse(i))) : 0.0);
              const double tol = (*w)(i, key) * 8.0 * std::ldexp(1.0, -24) * (L + 1.0) + 1e-7;
              REQUIRE(std::abs(double(col[i]) - double((*w)(i, key))) <= tol);
            }
          }
          // lse is the log-sum-exp of each row's allowed logits (in double here).
          const HeadTrace& ht = t->layers[0].heads[h];
          for (int i = 0; i < n; ++i) {
            double mx = -INFINITY, sum = 0;
            for (int j = 0; j < n; ++j)
              if (t->mask(i, j)) mx = std::max(mx, double((*lg)(i, j)));
            if (mx == -INFINITY) {
              REQUIRE(ht.lse(i) == -INFINITY);
              continue;
            }
            for (int j = 0; j < n; ++j)
              if (t->mask(i, j)) sum += std::exp(double((*lg)(i, j)) - mx);
            REQUIRE(ht.lse(i) == Approx(mx + std::log(sum)).margin(1e-5));
          }
        }
      }
}

TEST_CASE("trace matrices: the cache keeps at most its budget, and a held matrix outlives eviction", "[trace]") {
  std::string text;
  for (int i = 0; i < 1500; ++i) {
    text += "w";  // appended: GCC 12 warns falsely (-Wrestrict) on "lit" + std::string
    text += std::to_string(i % 37) + " ";
  }
  Request r;
  r.text = text;
  const TracePtr t = RunTrace(r);
  const std::size_t one = static_cast<std::size_t>(t->n()) * t->n() * sizeof(float);  // 9 MB
  const MatPtr held = t->Matrix(0, 0, HeadMatrix::Weights);
  const float probe = (*held)(100, 99);
  for (int h = 0; h < 8; ++h)
    for (HeadMatrix m : {HeadMatrix::Scores, HeadMatrix::Logits, HeadMatrix::Weights, HeadMatrix::Bias})
      t->Matrix(0, h, m);
  REQUIRE(t->CachedMatrixBytes() <= Trace::MatrixCacheBudget());
  REQUIRE(t->CachedMatrixBytes() >= one);
  REQUIRE((*held)(100, 99) == probe);  // still alive through our handle
}

TEST_CASE("trace matrices: a destroyed trace leaves nothing in the cache", "[trace]") {
  Request r;
  r.text = "one two three four";
  const Trace* addr = nullptr;
  {
    const TracePtr t = RunTrace(r);
    t->Matrix(0, 1, HeadMatrix::Weights);
    REQUIRE(t->CachedMatrixBytes() == 16 * sizeof(float));
    addr = t.get();
  }
  (void)addr;
  const TracePtr u = RunTrace(r);
  REQUIRE(u->CachedMatrixBytes() == 0);
}
