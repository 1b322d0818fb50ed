// The engine against an independent plain-loop computation in double precision.
//
// The reference below is written from SPEC.md's formulas directly: its own mask
// table, its own sinusoid/RoPE/ALiBi, its own softmax. It shares nothing with
// core/attention except the weights it reads from the Model.
//
// Tolerance: |engine - reference| <= 2e-4 * (1 + |reference|). The engine works in
// float32 (24-bit mantissa, ~6e-8 relative); a dot product over at most 64 terms,
// one exp and one normalisation stay well under 1e-5 relative, so 2e-4 leaves room
// for the RoPE angles (computed in double, rounded to float once) and still fails
// on any real error, which shows up at 1e-2 or worse.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <sstream>

#include "core/attention/head.h"
#include "core/attention/mask.h"
#include "core/attention/positional.h"
#include "core/attention/tiled.h"
#include "core/engine.h"
#include "core/limits.h"
#include "core/model/random_model.h"
#include "core/text/tokenizer.h"
#include "tests/unit/head-matrices.h"

using namespace attnviz;

namespace {

using DMat = std::vector<std::vector<double>>;

DMat Zeros(int r, int c) { return DMat(r, std::vector<double>(c, 0.0)); }

bool RefAllowed(MaskPattern p, bool causal, int w, const std::vector<int>& globals, int b, int i, int j) {
  bool ok = false;
  const bool sliding = causal ? (i - j >= 0 && i - j < w) : (std::abs(i - j) <= w / 2);
  switch (p) {
    case MaskPattern::Full: ok = true; break;
    case MaskPattern::Sliding: ok = sliding; break;
    case MaskPattern::GlobalLocal: {
      bool gi = false, gj = false;
      for (int g : globals) { gi |= g == i; gj |= g == j; }
      ok = sliding || gi || gj;
      break;
    }
    case MaskPattern::BlockSparse: ok = (i / b == j / b) || (j % b == b - 1); break;
  }
  return ok && (!causal || j <= i);
}

struct RefHead {
  DMat q, k, v, scores, logits, weights, output;
  std::vector<int> empty;
};

// One layer of attention from X (N x D) with the source's weights, per SPEC.md.
std::vector<RefHead> ReferenceLayer(const Request& r, const LayerWeights& w, const DMat& X, int native_kv) {
  const int n = static_cast<int>(X.size()), D = r.d_model, H = r.heads, G = r.kv_heads, dk = D / H;
  auto project = [&](const Mat& W, const RowVec& b, const std::vector<const Mat*>& pool_w,
                     const std::vector<const RowVec*>& pool_b) {
    DMat out = Zeros(n, dk);
    for (int i = 0; i < n; ++i)
      for (int c = 0; c < dk; ++c) {
        double s = 0;
        for (std::size_t m = 0; m < pool_w.size(); ++m) {
          double acc = (*pool_b[m])(c);
          for (int d = 0; d < D; ++d) acc += X[i][d] * (*pool_w[m])(d, c);
          s += acc;
        }
        out[i][c] = s / pool_w.size();
      }
    (void)W; (void)b;
    return out;
  };
  auto rope = [&](DMat& m) {
    if (r.positional != Positional::Rope) return;
    for (int p = 0; p < n; ++p)
      for (int i = 0; 2 * i + 1 < dk; ++i) {
        const double th = p * std::pow(10000.0, -2.0 * i / dk);
        const double a = m[p][2 * i], b = m[p][2 * i + 1];
        m[p][2 * i] = a * std::cos(th) - b * std::sin(th);
        m[p][2 * i + 1] = a * std::sin(th) + b * std::cos(th);
      }
  };
  // Slopes written out per Press et al. rather than calling AlibiSlopes.
  std::vector<double> slopes;
  {
    int p2 = 1;
    while (p2 * 2 <= H) p2 *= 2;
    for (int h = 0; h < p2; ++h) slopes.push_back(std::pow(2.0, -8.0 * (h + 1) / p2));
    for (int h = 0; (int)slopes.size() < H; h += 2) slopes.push_back(std::pow(2.0, -8.0 * (h + 1) / (2 * p2)));
  }
  const int per = native_kv / G;
  std::vector<RefHead> heads(H);
  for (int h = 0; h < H; ++h) {
    RefHead& rh = heads[h];
    rh.q = project(w.q_heads[h].W_q, w.q_heads[h].b_q, {&w.q_heads[h].W_q}, {&w.q_heads[h].b_q});
    const int g = h / (H / G);
    std::vector<const Mat*> wk, wv;
    std::vector<const RowVec*> bk, bv;
    for (int m = g * per; m < (g + 1) * per; ++m) {
      wk.push_back(&w.kv_heads[m].W_k); bk.push_back(&w.kv_heads[m].b_k);
      wv.push_back(&w.kv_heads[m].W_v); bv.push_back(&w.kv_heads[m].b_v);
    }
    rh.k = project(*wk[0], *bk[0], wk, bk);
    rh.v = project(*wv[0], *bv[0], wv, bv);
    rope(rh.q);
    rope(rh.k);
    rh.scores = Zeros(n, n);
    rh.logits = Zeros(n, n);
    rh.weights = Zeros(n, n);
    rh.output = Zeros(n, dk);
    const double s = r.scale ? 1.0 / std::sqrt(double(dk)) : 1.0;
    for (int i = 0; i < n; ++i) {
      double mx = -1e300;
      bool any = false;
      for (int j = 0; j < n; ++j) {
        double dot = 0;
        for (int c = 0; c < dk; ++c) dot += rh.q[i][c] * rh.k[j][c];
        rh.scores[i][j] = dot;
        const double bias = r.positional == Positional::Alibi ? -slopes[h] * std::abs(i - j) : 0.0;
        if (RefAllowed(r.mask.pattern, r.mask.causal, r.mask.window, r.mask.globals, r.mask.block, i, j)) {
          rh.logits[i][j] = (s * dot + bias) / r.temperature;
          mx = std::max(mx, rh.logits[i][j]);
          any = true;
        }
      }
      if (!any) { rh.empty.push_back(i); continue; }
      double sum = 0;
      for (int j = 0; j < n; ++j)
        if (RefAllowed(r.mask.pattern, r.mask.causal, r.mask.window, r.mask.globals, r.mask.block, i, j))
          sum += (rh.weights[i][j] = std::exp(rh.logits[i][j] - mx));
      for (int j = 0; j < n; ++j) rh.weights[i][j] /= sum;
      for (int c = 0; c < dk; ++c)
        for (int j = 0; j < n; ++j) rh.output[i][c] += rh.weights[i][j] * rh.v[j][c];
    }
  }
  return heads;
}

bool Close(double a, double b, double tol = 2e-4) { return std::abs(a - b) <= tol * (1 + std::abs(b)); }

template <class M>
void RequireClose(const M& got, const DMat& want, const char* what) {
  REQUIRE(got.rows() == static_cast<long>(want.size()));
  for (int i = 0; i < got.rows(); ++i)
    for (int j = 0; j < got.cols(); ++j) {
      if (!Close(got(i, j), want[i][j])) {
        FAIL_CHECK(what << "[" << i << "," << j << "]: engine " << got(i, j) << " vs reference " << want[i][j]);
        return;
      }
    }
}

std::string Words(int n) {
  static const char* kWords[] = {"the", "cat", "sat", "on", "mat", "and", "a", "dog", "ran", "far", "away", "river"};
  std::string s;
  for (int i = 0; i < n; ++i) s += std::string(i ? " " : "") + kWords[(i * 7 + i / 3) % 12];
  return s;
}

}  // namespace

TEST_CASE("every step matches the plain-loop reference: masks x causal x positional x N x heads", "[engine]") {
  struct Shape { int d, h, g; };
  const Shape shapes[] = {{16, 1, 1}, {32, 4, 2}, {48, 6, 3}, {64, 8, 8}, {64, 8, 1}};
  const MaskPattern patterns[] = {MaskPattern::Full, MaskPattern::Sliding, MaskPattern::GlobalLocal, MaskPattern::BlockSparse};
  const Positional pes[] = {Positional::None, Positional::Sinusoidal, Positional::Rope, Positional::Alibi};
  long masked_pairs[4] = {};  // per pattern: masked (query, key) pairs whose weight was checked to be 0
  for (int n : {1, 2, 7, 64})
    for (const Shape& sh : shapes)
      for (MaskPattern p : patterns)
        for (bool causal : {false, true})
          for (Positional pe : pes) {
            Request r;
            r.model = "random";
            r.seed = 7 + n;
            r.d_model = sh.d; r.heads = sh.h; r.kv_heads = sh.g;
            r.positional = pe;
            r.mask.pattern = p; r.mask.causal = causal; r.mask.window = 3; r.mask.globals = {0, 5}; r.mask.block = 3;
            r.temperature = 0.7f;
            r.scale = (n % 2 == 0);
            r.text = Words(n);
            INFO("n=" << n << " d=" << sh.d << " h=" << sh.h << " g=" << sh.g << " mask=" << DescribeMask(r.mask)
                      << " pe=" << ToString(pe) << " scale=" << r.scale);
            auto source = MakeRandomModel(r.seed, r.d_model, r.heads, 1);
            TracePtr t = RunTraceWith(r, source);
            REQUIRE(t->n() == n);
            // Input: embeddings + sinusoid, checked against SPEC's formula.
            const Mat emb = source->Embed(t->tokens);
            DMat X = Zeros(n, sh.d);
            for (int i = 0; i < n; ++i)
              for (int d = 0; d < sh.d; ++d) {
                const int i2 = d - d % 2;
                const double ang = i / std::pow(10000.0, double(i2) / sh.d);
                X[i][d] = emb(i, d) + (pe == Positional::Sinusoidal ? (d % 2 ? std::cos(ang) : std::sin(ang)) : 0.0);
              }
            const LayerTrace& L = t->layers[0];
            RequireClose(L.input, X, "input");
            const auto ref = ReferenceLayer(r, *source->Layer(0), X, sh.h);
            for (int h = 0; h < sh.h; ++h) {
              const HeadTrace& ht = L.heads[h];
              const test::HeadMats hm = test::MatsOf(*t, 0, h);
              const KvHeadTrace& kv = t->KvOf(0, h);
              INFO("head " << h);
              REQUIRE(ht.kv_head == h / (sh.h / sh.g));
              RequireClose(ht.Q, ref[h].q, "Q");
              RequireClose(kv.K, ref[h].k, "K");
              RequireClose(kv.V, ref[h].v, "V");
              RequireClose(hm.scores, ref[h].scores, "scores");
              RequireClose(hm.weights, ref[h].weights, "weights");
              RequireClose(ht.output, ref[h].output, "output");
              REQUIRE(ht.empty_rows == ref[h].empty);
              for (int i = 0; i < n; ++i) {
                double sum = 0;
                for (int j = 0; j < n; ++j) {
                  const bool allowed = t->mask(i, j) != 0;
                  REQUIRE(allowed == RefAllowed(p, causal, 3, {0, 5}, 3, i, j));
                  if (!allowed) {
                    REQUIRE(hm.weights(i, j) == 0.0f);  // exactly zero, not tiny
                    ++masked_pairs[static_cast<int>(p)];
                  } else {
                    REQUIRE(Close(hm.logits(i, j), ref[h].logits[i][j]));
                  }
                  sum += hm.weights(i, j);
                }
                // Rows sum to 1 to float rounding (N <= 64 terms of <= 1 ulp each).
                REQUIRE(std::abs(sum - 1.0) < 1e-5);
              }
              // The tiled online-softmax kernel gives the same output.
              const Mat tiled = TiledAttentionOutput(ht.Q, kv.K, kv.V, r.mask, r.scale ? 1.0f / std::sqrt(float(sh.d / sh.h)) : 1.0f,
                                                     r.temperature, ht.alibi_slope, 5);
              RequireClose(tiled, ref[h].output, "tiled output");
            }
            // concat W_o + b_o
            DMat out = Zeros(n, sh.d);
            const LayerWeights& w = *source->Layer(0);
            const int dk = sh.d / sh.h;
            for (int i = 0; i < n; ++i)
              for (int c = 0; c < sh.d; ++c) {
                double acc = w.b_o(c);
                for (int h = 0; h < sh.h; ++h)
                  for (int e = 0; e < dk; ++e) acc += ref[h].output[i][e] * w.W_o(h * dk + e, c);
                out[i][c] = acc;
              }
            RequireClose(L.output, out, "layer output");
          }
  // Every pattern (full through its causal half) really masked pairs, so "exactly 0" was tested for each.
  for (MaskPattern p : patterns) {
    INFO("pattern " << ToString(p));
    CHECK(masked_pairs[static_cast<int>(p)] > 0);
  }
}

TEST_CASE("no positional encoding: permuting the tokens permutes the trace", "[engine][property]") {
  Request r;
  r.model = "random";
  r.positional = Positional::None;
  r.text = "alpha beta gamma delta epsilon zeta";
  const std::vector<std::string> words = {"alpha", "beta", "gamma", "delta", "epsilon", "zeta"};
  const std::vector<int> perm = {3, 0, 5, 1, 4, 2};  // new position k holds old token perm[k]
  std::string permuted;
  for (int k = 0; k < 6; ++k) permuted += (k ? " " : "") + words[perm[k]];
  TracePtr a = RunTrace(r);
  r.text = permuted;
  TracePtr b = RunTrace(r);
  for (int h = 0; h < 8; ++h) {
    const test::HeadMats ha = test::MatsOf(*a, 0, h), hb = test::MatsOf(*b, 0, h);
    for (int k = 0; k < 6; ++k) {
      for (int l = 0; l < 6; ++l) {
        // Same numbers up to summation order in the softmax: 1e-6 absolute.
        REQUIRE(std::abs(hb.weights(k, l) - ha.weights(perm[k], perm[l])) < 1e-6);
        REQUIRE(std::abs(hb.scores(k, l) - ha.scores(perm[k], perm[l])) < 1e-5);
      }
      for (int c = 0; c < 64; ++c)
        REQUIRE(std::abs(b->layers[0].output(k, c) - a->layers[0].output(perm[k], c)) < 1e-5);
    }
  }
  // And with sinusoidal positions the same permutation is NOT a symmetry.
  r.positional = Positional::Sinusoidal;
  TracePtr c = RunTrace(r);
  r.text = "alpha beta gamma delta epsilon zeta";
  TracePtr d = RunTrace(r);
  double diff = 0;
  const Mat wc = test::WeightsOf(*c, 0, 0), wd = test::WeightsOf(*d, 0, 0);
  for (int k = 0; k < 6; ++k)
    for (int l = 0; l < 6; ++l)
      diff = std::max<double>(diff, std::abs(wc(k, l) - wd(perm[k], perm[l])));
  REQUIRE(diff > 1e-3);
}

TEST_CASE("RoPE: Q_m . K_n depends only on m - n for equal content", "[engine][positional]") {
  Request r;
  r.model = "random";
  r.positional = Positional::Rope;
  r.text = "same same same same same same same same same same same same";
  TracePtr t = RunTrace(r);
  for (int h = 0; h < 8; ++h) {
    const Mat s = test::ScoresOf(*t, 0, h);
    for (int m = 0; m + 1 < t->n(); ++m)
      for (int n = 0; n + 1 < t->n(); ++n)
        // Along each diagonal the score is the same (to the rounding of the rotation angles).
        REQUIRE(std::abs(s(m + 1, n + 1) - s(m, n)) <= 1e-4f * (1 + std::abs(s(m, n))));
  }
  // Without RoPE (and no other positions) every score is the same.
  r.positional = Positional::None;
  TracePtr u = RunTrace(r);
  const Mat s0 = test::ScoresOf(*u, 0, 0);
  REQUIRE((s0.array() - s0(0, 0)).abs().maxCoeff() < 1e-5);
}

TEST_CASE("ALiBi slopes for 8 and 6 heads (Press et al.)", "[engine][positional]") {
  const std::vector<float> s8 = AlibiSlopes(8);
  REQUIRE(s8.size() == 8);
  for (int h = 0; h < 8; ++h) REQUIRE(s8[h] == Approx(std::pow(2.0, -(h + 1))).epsilon(1e-7));
  // H = 6: the 4 slopes of P = 4 (2^-2, 2^-4, 2^-6, 2^-8), then every other slope of 8: 2^-1, 2^-3.
  const std::vector<float> s6 = AlibiSlopes(6);
  const std::vector<double> want6 = {0.25, 0.0625, 0.015625, 0.00390625, 0.5, 0.125};
  REQUIRE(s6.size() == 6);
  for (int h = 0; h < 6; ++h) REQUIRE(s6[h] == Approx(want6[h]).epsilon(1e-7));
  // And the bias in a trace is -m_h |i - j|.
  Request r;
  r.positional = Positional::Alibi;
  r.text = "one two three four five";
  TracePtr t = RunTrace(r);
  const Mat bias = test::BiasOf(*t, 0, 2);
  REQUIRE(bias(4, 1) == Approx(-3 * 0.125));
  REQUIRE(bias(1, 4) == Approx(-3 * 0.125));
  REQUIRE(bias(2, 2) == 0.0f);
}

TEST_CASE("G = H is plain multi-head; G < H mean-pools K and V per group", "[engine][gqa]") {
  Request r;
  r.model = "random";
  r.d_model = 32; r.heads = 4; r.kv_heads = 4;
  r.text = Words(9);
  auto src = MakeRandomModel(r.seed, 32, 4, 1);
  TracePtr mha = RunTraceWith(r, src);
  const LayerWeights& w = *src->Layer(0);
  for (int h = 0; h < 4; ++h) {
    // Plain multi-head: head h uses exactly its own K/V projection.
    REQUIRE(mha->layers[0].heads[h].kv_head == h);
    const Mat K = (mha->layers[0].input * w.kv_heads[h].W_k).rowwise() + w.kv_heads[h].b_k;
    REQUIRE((mha->KvOf(0, h).K - K).cwiseAbs().maxCoeff() < 1e-5);
  }
  r.kv_heads = 2;
  TracePtr gqa = RunTraceWith(r, src);
  REQUIRE(gqa->layers[0].kv_heads.size() == 2);
  REQUIRE(gqa->layers[0].heads[1].kv_head == 0);
  REQUIRE(gqa->layers[0].heads[2].kv_head == 1);
  const Mat pooled = (w.kv_heads[2].W_k + w.kv_heads[3].W_k) / 2;
  REQUIRE((gqa->layers[0].W_k(1) - pooled).cwiseAbs().maxCoeff() < 1e-6);
  // Without pooling the trace points at the model's own weights: nothing is copied.
  REQUIRE(&mha->layers[0].W_k(0) == &w.kv_heads[0].W_k);
  // Query projections are untouched by grouping.
  REQUIRE((gqa->layers[0].heads[3].Q - mha->layers[0].heads[3].Q).cwiseAbs().maxCoeff() == 0.0f);
  r.kv_heads = 1;  // multi-query
  TracePtr mqa = RunTraceWith(r, src);
  REQUIRE(mqa->layers[0].kv_heads.size() == 1);
}

TEST_CASE("logits of 1e4 give no overflow; fully masked rows give zeros", "[engine][numeric]") {
  const int n = 4;
  Mat q = Mat::Zero(n, 2), k = Mat::Zero(n, 2), v(n, 2);
  q.col(0).setConstant(100.0f);
  for (int j = 0; j < n; ++j) { k(j, 0) = 100.0f * (j + 1) / n; v(j, 0) = float(j); v(j, 1) = 1.0f; }
  MaskMat mask = MaskMat::Ones(n, n);
  mask.row(2).setZero();  // query 2 may see nothing
  HeadSteps s = ComputeHeadSteps(q, k, v, mask, Mat(), 1.0f, 1.0f);  // logits up to 1e4
  REQUIRE(s.logits(0, 3) == Approx(1e4));
  REQUIRE(s.weights.allFinite());
  REQUIRE(s.output.allFinite());
  REQUIRE(s.weights(0, 3) == 1.0f);  // the others are exp(-2500) = 0 in float
  REQUIRE(s.empty_rows == std::vector<int>{2});
  REQUIRE(s.weights.row(2).cwiseAbs().maxCoeff() == 0.0f);
  REQUIRE(s.output.row(2).cwiseAbs().maxCoeff() == 0.0f);
  REQUIRE(s.logits.row(2).cwiseAbs().maxCoeff() == 0.0f);
  // Tiled kernel agrees, including the empty row.
  MaskSpec full;
  Mat tiled = TiledAttentionOutput(q, k, v, full, 1.0f, 1.0f, 0.0f, 2);
  REQUIRE((tiled.row(0) - s.output.row(0)).cwiseAbs().maxCoeff() < 1e-5);
  // 1e30 logits (near float max after scaling) are still finite weights.
  Mat q2 = q * 1e13f;
  HeadSteps s2 = ComputeHeadSteps(q2, k, v, MaskMat::Ones(n, n), Mat(), 1.0f, 1.0f);
  REQUIRE(s2.weights.allFinite());
  REQUIRE(s2.weights(1, 3) == 1.0f);
}

TEST_CASE("engine refuses out-of-range requests with one-line messages", "[engine][input]") {
  Request r;
  auto msg = [&](Request rr) -> std::string {
    try { RunTrace(rr); } catch (const InputError& e) { return e.what(); }
    return "";
  };
  Request a = r; a.text = "";
  REQUIRE_THAT(msg(a), Catch::Contains("empty"));
  a.text = " \t\n ";
  REQUIRE_THAT(msg(a), Catch::Contains("no tokens"));
  a = r; a.model = "random"; a.heads = 5;
  REQUIRE_THAT(msg(a), Catch::Contains("does not divide d_model"));
  a = r; a.kv_heads = 3;
  REQUIRE_THAT(msg(a), Catch::Contains("kv-heads 3"));
  a = r; a.temperature = 0;
  REQUIRE_THAT(msg(a), Catch::Contains("temperature"));
  a = r; a.temperature = -1;
  REQUIRE_THAT(msg(a), Catch::Contains("temperature"));
  a = r; a.temperature = std::nanf("");
  REQUIRE_THAT(msg(a), Catch::Contains("temperature"));
  a = r; a.mask.window = 0;
  REQUIRE_THAT(msg(a), Catch::Contains("window"));
  a = r; a.d_model = 128;  // builtin has a fixed shape
  REQUIRE_THAT(msg(a), Catch::Contains("random"));
  a = r; a.text = std::string("ab\xff", 3);
  REQUIRE_THAT(msg(a), Catch::Contains("byte offset 2"));
  a = r; a.text = Words(kMaxTokens + 1);
  REQUIRE_THAT(msg(a), Catch::Contains("limit is 4096"));
  for (const std::string& m : {msg(a)}) REQUIRE(m.find('\n') == std::string::npos);
  a = r; a.model = "/no/such/dir";
  REQUIRE_THAT(msg(a), Catch::Contains("'/no/such/dir' does not exist"));
}

TEST_CASE("notes explain masks that change nothing", "[engine]") {
  Request r;
  r.text = "a b c";
  r.mask.pattern = MaskPattern::BlockSparse;
  r.mask.block = 8;
  TracePtr t = RunTrace(r);
  REQUIRE(!t->notes.empty());
  REQUIRE_THAT(t->notes[0], Catch::Contains("one block covers"));
  REQUIRE(t->mask.cast<int>().sum() == 9);
  r.mask.pattern = MaskPattern::GlobalLocal;
  r.mask.globals = {0, 9};
  t = RunTrace(r);
  REQUIRE_THAT(t->notes[0], Catch::Contains("global token 9"));
}

TEST_CASE("random model: several layers chain through the residual stream", "[engine][layers]") {
  Request r;
  r.model = "random";
  r.layers = 3;
  r.text = Words(10);
  TracePtr t = RunTrace(r);
  REQUIRE(t->layers.size() == 3);
  REQUIRE(t->config.layers == 3);
  // Layer 1 reads the layer-normalised residual stream: rows have mean 0 and unit variance.
  const Mat& x1 = t->layers[1].input;
  for (int i = 0; i < x1.rows(); ++i) {
    REQUIRE(std::abs(x1.row(i).mean()) < 1e-4);
    REQUIRE(std::abs(x1.row(i).squaredNorm() / x1.cols() - 1.0f) < 1e-3);
  }
  // Same seed, same weights: deterministic across runs.
  TracePtr u = RunTrace(r);
  REQUIRE((u->layers[2].output - t->layers[2].output).cwiseAbs().maxCoeff() == 0.0f);
  r.seed = 2;
  TracePtr v = RunTrace(r);
  REQUIRE((test::WeightsOf(*v, 0, 0) - test::WeightsOf(*t, 0, 0)).cwiseAbs().maxCoeff() > 1e-3);
}

TEST_CASE("sinusoidal table and RoPE rotation match SPEC's formulas", "[engine][positional]") {
  const Mat pe = SinusoidalEncoding(50, 16);
  REQUIRE(pe(0, 0) == 0.0f);
  REQUIRE(pe(0, 1) == 1.0f);
  REQUIRE(pe(7, 4) == Approx(std::sin(7 / std::pow(10000.0, 4.0 / 16))).margin(1e-6));
  REQUIRE(pe(49, 15) == Approx(std::cos(49 / std::pow(10000.0, 14.0 / 16))).margin(1e-6));
  Mat x = Mat::Zero(3, 4);
  x.col(0).setConstant(1.0f);  // (1, 0) in pair 0, rotated by p * 1 rad
  ApplyRope(x);
  REQUIRE(x(2, 0) == Approx(std::cos(2.0)).margin(1e-6));
  REQUIRE(x(2, 1) == Approx(std::sin(2.0)).margin(1e-6));
  REQUIRE(x(2, 2) == 0.0f);
}

TEST_CASE("no spurious empty-row note when a row has a multiple of 256 allowed keys", "[engine]") {
  // Regression: the note once summed a uint8 row, which wraps to 0 at 256 keys.
  Request r;
  r.model = "random";
  r.d_model = 8; r.heads = 1; r.kv_heads = 1;
  std::string text;
  for (int i = 0; i < 256; ++i) text += "w ";
  r.text = text;
  TracePtr t = RunTrace(r);
  REQUIRE(t->notes.empty());
  REQUIRE(t->layers[0].heads[0].empty_rows.empty());
}
