// The tiled attention kernel (ComputeAttentionBatch) against an independent
// double-precision plain loop, on every instruction-set path this CPU has.
//
// Tolerance: 1e-5 absolute on outputs and log-sum-exp. Inputs are in [-1, 1],
// so logits stay within about +-20 and outputs within [-1, 1]; float rounds
// each logit to ~20 * 6e-8 and the sums of up to 513 terms add about
// sqrt(N) ulp, a few 1e-7 in all (the largest difference seen is below 2e-6),
// while a single wrongly masked or unmasked key moves an output by ~1/N >= 2e-3.
#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "core/attention/attention_batch.h"
#include "core/attention/attention_kernel.h"
#include "core/attention/mask.h"
#include "core/attention/mask_rows.h"
#include "core/parallel/thread_pool.h"

using namespace attnviz;

namespace {

// SPEC.md "Mask patterns", written again from the table (not core's MaskAllows).
bool SpecAllowed(const MaskSpec& m, int i, int j) {
  if (m.causal && j > i) return false;
  auto sliding = [&] { return m.causal ? (i - j >= 0 && i - j < m.window) : std::abs(i - j) <= m.window / 2; };
  auto global = [&](int t) {
    for (int g : m.globals)
      if (g == t) return true;
    return false;
  };
  switch (m.pattern) {
    case MaskPattern::Full: return true;
    case MaskPattern::Sliding: return sliding();
    case MaskPattern::GlobalLocal: return sliding() || global(i) || global(j);
    case MaskPattern::BlockSparse: return i / m.block == j / m.block || j % m.block == m.block - 1;
  }
  return false;
}

MaskSpec Mask(MaskPattern p, bool causal, int window = 3, std::vector<int> globals = {0}, int block = 4) {
  MaskSpec m;
  m.pattern = p;
  m.causal = causal;
  m.window = window;
  m.globals = std::move(globals);
  m.block = block;
  return m;
}

// Deterministic values in [-1, 1] (a fixed LCG: the same numbers on every library).
struct Lcg {
  std::uint64_t s;
  float Next() {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<float>(static_cast<double>(s >> 40) / static_cast<double>(1ull << 24) * 2.0 - 1.0);
  }
};

struct Problem {
  int n = 0, dk = 0, dv = 0, heads = 0, kv_heads = 0;
  MaskSpec mask;
  bool alibi = false;
  float scale = 1.0f, temperature = 1.0f;
  std::vector<std::vector<float>> q, k, v;  // per query head (N, dk); per kv head (N, dk), (N, dv)
  std::vector<float> slopes;
  std::vector<char> allowed;  // (N, N) SpecAllowed, computed once
  bool Allowed(int i, int j) const { return allowed[static_cast<std::size_t>(i) * n + j]; }
};

Problem MakeProblem(int n, int dk, int dv, int heads, int kv_heads, const MaskSpec& mask, bool alibi, float scale,
                    float temperature, std::uint64_t seed) {
  Problem p;
  p.n = n, p.dk = dk, p.dv = dv, p.heads = heads, p.kv_heads = kv_heads;
  p.mask = mask, p.alibi = alibi, p.scale = scale, p.temperature = temperature;
  Lcg rng{seed};
  p.q.assign(heads, std::vector<float>(static_cast<std::size_t>(n) * dk));
  p.k.assign(kv_heads, std::vector<float>(static_cast<std::size_t>(n) * dk));
  p.v.assign(kv_heads, std::vector<float>(static_cast<std::size_t>(n) * dv));
  for (auto& m : p.q) for (float& x : m) x = rng.Next();
  for (auto& m : p.k) for (float& x : m) x = rng.Next();
  for (auto& m : p.v) for (float& x : m) x = rng.Next();
  for (int h = 0; h < heads; ++h) p.slopes.push_back(alibi ? std::pow(2.0f, -8.0f * (h + 1) / heads) : 0.0f);
  p.allowed.resize(static_cast<std::size_t>(n) * n);
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j) p.allowed[static_cast<std::size_t>(i) * n + j] = SpecAllowed(mask, i, j);
  return p;
}

struct Expected {
  std::vector<std::vector<double>> out, lse;  // per head (N, dv), (N)
  long pairs = 0;
};

// Plain loops in double, straight from SPEC.md "Logits, masks, weights".
Expected Reference(const Problem& p) {
  Expected e;
  const int group = p.heads / p.kv_heads;
  for (int h = 0; h < p.heads; ++h) {
    const int g = h / group;
    std::vector<double> out(static_cast<std::size_t>(p.n) * p.dv, 0.0), lse(p.n, -INFINITY), logit(p.n);
    for (int i = 0; i < p.n; ++i) {
      double mx = -INFINITY;
      for (int j = 0; j < p.n; ++j) {
        if (!p.Allowed(i, j)) continue;
        ++e.pairs;
        double dot = 0;
        for (int c = 0; c < p.dk; ++c) dot += double(p.q[h][i * p.dk + c]) * p.k[g][j * p.dk + c];
        logit[j] = (double(p.scale) * dot - double(p.slopes[h]) * std::abs(i - j)) / p.temperature;
        mx = std::max(mx, logit[j]);
      }
      if (mx == -INFINITY) continue;  // empty row: zero output, lse -inf
      double sum = 0;
      for (int j = 0; j < p.n; ++j)
        if (p.Allowed(i, j)) sum += std::exp(logit[j] - mx);
      for (int j = 0; j < p.n; ++j) {
        if (!p.Allowed(i, j)) continue;
        const double w = std::exp(logit[j] - mx) / sum;
        for (int c = 0; c < p.dv; ++c) out[i * p.dv + c] += w * p.v[g][j * p.dv + c];
      }
      lse[i] = mx + std::log(sum);
    }
    e.out.push_back(std::move(out));
    e.lse.push_back(std::move(lse));
  }
  return e;
}

struct Result {
  std::vector<std::vector<float>> out, lse;
  AttentionWork work;
  bool finite = true;
};

Result Run(Problem& p, const AttentionOptions& opt, const CancelToken* cancel = nullptr) {
  Result r;
  r.out.assign(p.heads, std::vector<float>(static_cast<std::size_t>(p.n) * p.dv, 12345.0f));  // garbage: must be overwritten
  r.lse.assign(p.heads, std::vector<float>(p.n, 12345.0f));
  AttentionBatch b;
  b.n = p.n, b.d_k = p.dk, b.d_v = p.dv;
  const int group = p.heads / p.kv_heads;
  for (int h = 0; h < p.heads; ++h) {
    b.q.push_back(p.q[h].data());
    b.k.push_back(p.k[h / group].data());  // GQA: several heads point at one K and V
    b.v.push_back(p.v[h / group].data());
    b.out.push_back(r.out[h].data());
    b.lse.push_back(r.lse[h].data());
  }
  b.alibi_slope = p.slopes;
  b.mask = p.mask;
  b.scale = p.scale;
  b.temperature = p.temperature;
  r.finite = ComputeAttentionBatch(b, opt, cancel, &r.work);
  return r;
}

std::vector<KernelIsa> SupportedPaths() {
  std::vector<KernelIsa> paths;
  for (KernelIsa isa : {KernelIsa::Avx512, KernelIsa::Avx2, KernelIsa::Portable})
    if (KernelIsaSupported(isa)) paths.push_back(isa);
  return paths;
}

constexpr double kTol = 1e-5;

// Returns the largest difference; fails the test (with the place) above kTol.
double Compare(const Problem& p, const Expected& e, const Result& r, const std::string& what) {
  double worst = 0;
  for (int h = 0; h < p.heads; ++h)
    for (int i = 0; i < p.n; ++i) {
      if (e.lse[h][i] == -INFINITY) {
        // An empty row: exactly zero, exactly -inf.
        for (int c = 0; c < p.dv; ++c)
          if (r.out[h][i * p.dv + c] != 0.0f) FAIL(what << ": empty row " << i << " of head " << h << " not zero");
        if (r.lse[h][i] != -INFINITY) FAIL(what << ": empty row " << i << " lse " << r.lse[h][i]);
        continue;
      }
      for (int c = 0; c < p.dv; ++c) {
        const double d = std::abs(r.out[h][i * p.dv + c] - e.out[h][i * p.dv + c]);
        worst = std::max(worst, d);
        if (!(d <= kTol))
          FAIL(what << ": head " << h << " row " << i << " col " << c << " kernel " << r.out[h][i * p.dv + c]
                    << " reference " << e.out[h][i * p.dv + c]);
      }
      const double dl = std::abs(r.lse[h][i] - e.lse[h][i]);
      worst = std::max(worst, dl);
      if (!(dl <= kTol)) FAIL(what << ": head " << h << " row " << i << " lse " << r.lse[h][i] << " vs " << e.lse[h][i]);
    }
  return worst;
}

long CeilDiv(long a, long b) { return (a + b - 1) / b; }

// Tiles with no allowed pair, counted pair by pair (what the kernel must skip).
long BruteEmptyTiles(const Problem& p, int tq, int tk) {
  long empty = 0;
  for (int i0 = 0; i0 < p.n; i0 += tq)
    for (int j0 = 0; j0 < p.n; j0 += tk) {
      bool any = false;
      for (int i = i0; i < std::min(p.n, i0 + tq) && !any; ++i)
        for (int j = j0; j < std::min(p.n, j0 + tk) && !any; ++j) any = p.Allowed(i, j);
      empty += !any;
    }
  return empty * p.heads;
}

std::string Describe(const Problem& p, KernelIsa isa, int tq, int tk) {
  return std::string(ToString(isa)) + " N=" + std::to_string(p.n) + " mask=" + DescribeMask(p.mask) +
         (p.alibi ? " alibi" : "") + " s=" + std::to_string(p.scale) + " T=" + std::to_string(p.temperature) +
         " tile=" + std::to_string(tq) + "x" + std::to_string(tk);
}

void CheckAllPaths(Problem& p, const std::vector<std::pair<int, int>>& tiles) {
  const Expected e = Reference(p);
  for (auto [tq, tk] : tiles) {
    const int eq = tq > 0 ? tq : kDefaultTileQ;
    const int ek = static_cast<int>(CeilDiv(tk > 0 ? tk : kDefaultTileK, 64) * 64);
    const long empty_tiles = BruteEmptyTiles(p, eq, ek);
    for (KernelIsa isa : SupportedPaths()) {
      AttentionOptions opt;
      opt.isa = isa;
      opt.tile_q = tq;
      opt.tile_k = tk;
      const Result r = Run(p, opt);
      const std::string what = Describe(p, isa, tq, tk);
      INFO(what);
      REQUIRE(r.finite);
      Compare(p, e, r, what);
      REQUIRE(r.work.pairs_allowed == e.pairs);
      REQUIRE(r.work.tiles_total == CeilDiv(p.n, eq) * CeilDiv(p.n, ek) * p.heads);
      REQUIRE(r.work.tiles_skipped == empty_tiles);
    }
  }
}

}  // namespace

TEST_CASE("kernel: mask rows equal MaskAllows and the SPEC table for every pattern", "[kernel]") {
  const std::vector<MaskSpec> specs = {
      Mask(MaskPattern::Full, false), Mask(MaskPattern::Full, true),
      Mask(MaskPattern::Sliding, true, 1), Mask(MaskPattern::Sliding, false, 1), Mask(MaskPattern::Sliding, true, 0),
      Mask(MaskPattern::Sliding, false, 6), Mask(MaskPattern::Sliding, true, 70), Mask(MaskPattern::Sliding, false, 9999),
      Mask(MaskPattern::GlobalLocal, true, 3, {0, 5, 64, 9999, -2}), Mask(MaskPattern::GlobalLocal, false, 4, {}),
      Mask(MaskPattern::GlobalLocal, false, 1, {70, 70}), Mask(MaskPattern::BlockSparse, false, 3, {0}, 1),
      Mask(MaskPattern::BlockSparse, true, 3, {0}, 4), Mask(MaskPattern::BlockSparse, false, 3, {0}, 33),
      Mask(MaskPattern::BlockSparse, true, 3, {0}, 500)};
  for (const MaskSpec& m : specs)
    for (int n : {1, 2, 7, 64, 65, 130}) {
      const MaskRows rows = BuildMaskRows(m, n);
      long pairs = 0;
      for (int i = 0; i < n; ++i)
        for (int j = 0; j < n; ++j) {
          const bool want = SpecAllowed(m, i, j);
          pairs += want;
          if (MaskRowsAllow(rows, i, j) != want || MaskAllows(m, i, j) != want)
            FAIL(DescribeMask(m) << " N=" << n << " (" << i << "," << j << ")");
        }
      REQUIRE(CountAllowedPairs(rows) == pairs);
    }
}

TEST_CASE("kernel: equals the double loop for every path, mask, ALiBi, scale/temperature, GQA, tile size and N",
          "[kernel]") {
  // dk = 8, dv = 12: odd sizes so the padded V columns and short reductions are exercised.
  // 4 query heads on 2 kv heads (grouped-query: heads 0,1 share K/V 0).
  for (int n : {1, 2, 7, 63, 64, 65, 200}) {
    const std::vector<MaskSpec> masks = {
        Mask(MaskPattern::Full, false),
        Mask(MaskPattern::Full, true),
        Mask(MaskPattern::Sliding, true, 5),
        Mask(MaskPattern::Sliding, false, 70),
        Mask(MaskPattern::GlobalLocal, true, 3, {0, 3, 130, 9999}),
        Mask(MaskPattern::GlobalLocal, false, 70, {0, 130}),
        Mask(MaskPattern::BlockSparse, true, 3, {0}, 4),
        Mask(MaskPattern::BlockSparse, false, 3, {0}, 33),
    };
    struct Logits { bool alibi; float scale, temperature; };
    const Logits variants[] = {{false, 1.0f / std::sqrt(8.0f), 1.0f}, {true, 1.0f / std::sqrt(8.0f), 1.0f},
                               {false, 1.0f, 0.5f}, {true, 1.0f, 2.5f}};
    std::uint64_t seed = 1;
    for (const MaskSpec& m : masks)
      for (const Logits& l : variants) {
        if (n == 200 && !l.alibi) continue;  // keeps the file fast under ASan; smaller N cover these
        Problem p = MakeProblem(n, 8, 12, 4, 2, m, l.alibi, l.scale, l.temperature, seed++);
        // One row per query block (tile_q = 1: every row group is one row repeated) only where N is small.
        if (n <= 65 && seed % 4 == 1) CheckAllPaths(p, {{0, 0}, {7, 64}, {50, 128}, {1, 1}});
        else CheckAllPaths(p, {{0, 0}, {7, 64}, {50, 128}});
      }
  }
}

TEST_CASE("kernel: N = 513, d = 64, dv = 80 (a 5-vector output row), multi-query heads", "[kernel]") {
  const std::vector<MaskSpec> masks = {Mask(MaskPattern::Full, true), Mask(MaskPattern::Sliding, true, 256),
                                       Mask(MaskPattern::GlobalLocal, false, 100, {0, 300}),
                                       Mask(MaskPattern::BlockSparse, false, 3, {0}, 70)};
  std::uint64_t seed = 100;
  for (const MaskSpec& m : masks) {
    Problem p = MakeProblem(513, 64, 80, 2, 1, m, seed % 2 == 0, 0.125f, seed % 2 == 0 ? 1.0f : 0.7f, seed);
    ++seed;
    CheckAllPaths(p, {{0, 0}, {100, 512}});
  }
}

TEST_CASE("kernel: rows with no allowed key are exactly zero with lse -inf", "[kernel]") {
  // A causal window of 0 allows nothing; with a global token 3, rows 0..2 stay
  // empty (3 is in their future), row 3 sees 0..3, later rows see only key 3.
  for (const MaskSpec& m : {Mask(MaskPattern::Sliding, true, 0), Mask(MaskPattern::GlobalLocal, true, 0, {3})}) {
    Problem p = MakeProblem(70, 8, 5, 2, 2, m, true, 0.3f, 1.0f, 7);
    const Expected e = Reference(p);
    REQUIRE(e.lse[0][0] == -INFINITY);
    for (KernelIsa isa : SupportedPaths()) {
      AttentionOptions opt;
      opt.isa = isa;
      const Result r = Run(p, opt);
      REQUIRE(r.finite);
      Compare(p, e, r, std::string(ToString(isa)) + " " + DescribeMask(m));
      for (int c = 0; c < p.dv; ++c) REQUIRE(r.out[1][2 * p.dv + c] == 0.0f);
      REQUIRE(r.lse[1][2] == -INFINITY);
    }
  }
}

TEST_CASE("kernel: the reference path agrees with the double loop too", "[kernel]") {
  Problem p = MakeProblem(130, 8, 12, 4, 1, Mask(MaskPattern::GlobalLocal, true, 9, {0, 64}), true, 0.35f, 0.8f, 3);
  AttentionOptions opt;
  opt.reference = true;
  const Result r = Run(p, opt);
  REQUIRE(r.finite);
  const Expected e = Reference(p);
  Compare(p, e, r, "reference");
  REQUIRE(r.work.pairs_allowed == e.pairs);
}

TEST_CASE("kernel: results are identical for 1, 2 and 3 threads", "[kernel]") {
  // Each (head, query block) is computed by one thread in a fixed order, so the
  // thread count cannot change a single bit.
  Problem p = MakeProblem(300, 16, 16, 3, 3, Mask(MaskPattern::Full, true), false, 0.25f, 1.0f, 11);
  ThreadPool three(3);
  AttentionOptions one, two, more;
  one.threads = 1;
  two.threads = 2;
  more.pool = &three;
  const Result a = Run(p, one), b = Run(p, two), c = Run(p, more);
  for (int h = 0; h < p.heads; ++h) {
    REQUIRE(std::memcmp(a.out[h].data(), b.out[h].data(), a.out[h].size() * sizeof(float)) == 0);
    REQUIRE(std::memcmp(a.out[h].data(), c.out[h].data(), a.out[h].size() * sizeof(float)) == 0);
  }
  REQUIRE(a.work.pairs_allowed == c.work.pairs_allowed);
  REQUIRE(a.work.tiles_skipped == c.work.tiles_skipped);
}

TEST_CASE("kernel: a cancelled token throws Cancelled, on every path and the reference", "[kernel]") {
  Problem p = MakeProblem(100, 8, 8, 2, 2, Mask(MaskPattern::Full, false), false, 0.3f, 1.0f, 5);
  CancelToken token;
  token.Cancel();
  for (KernelIsa isa : SupportedPaths()) {
    AttentionOptions opt;
    opt.isa = isa;
    REQUIRE_THROWS_AS(Run(p, opt, &token), Cancelled);
  }
  AttentionOptions ref;
  ref.reference = true;
  REQUIRE_THROWS_AS(Run(p, ref, &token), Cancelled);
  CancelToken live;
  AttentionOptions opt;
  REQUIRE_NOTHROW(Run(p, opt, &live));
}

TEST_CASE("kernel: overflowing inputs are reported, never a crash", "[kernel]") {
  Problem p = MakeProblem(40, 8, 8, 2, 2, Mask(MaskPattern::Full, false), false, 1.0f, 1.0f, 9);
  for (float& x : p.q[0]) x *= 1e20f;
  for (float& x : p.k[0]) x *= 1e20f;
  AttentionOptions opt;
  REQUIRE_FALSE(Run(p, opt).finite);  // logits beyond float range: the kernel hands over to the reference
  Problem pv = MakeProblem(40, 8, 8, 1, 1, Mask(MaskPattern::Full, false), false, 1.0f, 1.0f, 9);
  pv.v[0][5] = std::numeric_limits<float>::infinity();
  for (KernelIsa isa : SupportedPaths()) {
    opt.isa = isa;
    REQUIRE_FALSE(Run(pv, opt).finite);
  }
}

TEST_CASE("kernel: the vectorised exp is within 2 ulp of exp, subnormal range included", "[kernel]") {
  // ulp distance as the difference of the bit patterns of two positive floats:
  // it counts representable floats between them, subnormals included.
  auto ulps = [](float a, float b) {
    std::int32_t ia, ib;
    std::memcpy(&ia, &a, 4);
    std::memcpy(&ib, &b, 4);
    return std::abs(static_cast<long>(ia) - ib);
  };
  std::vector<float> x;
  for (double t = -110.0; t <= 89.0; t += 0.000731) x.push_back(static_cast<float>(t));
  for (float s : {0.0f, -0.0f, 1e-30f, -1e-30f, -87.33654f, -103.27893f, -103.97208f, 88.72283f, 88.72284f})
    x.push_back(s);
  const std::pair<KernelIsa, kernel::ExpArrayFn> paths[] = {{KernelIsa::Avx512, kernel::ExpArrayAvx512},
                                                            {KernelIsa::Avx2, kernel::ExpArrayAvx2},
                                                            {KernelIsa::Portable, kernel::ExpArrayPortable}};
  for (auto [isa, fn] : paths) {
    if (!KernelIsaSupported(isa)) continue;
    INFO(ToString(isa));
    std::vector<float> y(x.size());
    fn(x.data(), y.data(), static_cast<long>(x.size()));
    long worst_normal = 0, worst_subnormal = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
      const float want = static_cast<float>(std::exp(static_cast<double>(x[i])));
      const long u = ulps(y[i], want);
      if (want >= std::numeric_limits<float>::min()) worst_normal = std::max(worst_normal, u);
      else worst_subnormal = std::max(worst_subnormal, u);
    }
    INFO("worst normal " << worst_normal << " ulp, worst subnormal " << worst_subnormal << " ulp");
    CHECK(worst_normal <= 2);
    CHECK(worst_subnormal <= 1);
    // The softmax relies on these exactly.
    float special[4] = {0.0f, -INFINITY, -110.0f, INFINITY}, out[4];
    fn(special, out, 4);
    CHECK(out[0] == 1.0f);
    CHECK(out[1] == 0.0f);
    CHECK(out[2] == 0.0f);
    CHECK(out[3] == INFINITY);
  }
}

TEST_CASE("kernel: ATTNVIZ_KERNEL and the isa option choose the path; unsupported requests fall back", "[kernel]") {
  REQUIRE(KernelIsaSupported(KernelIsa::Portable));
  REQUIRE(ResolveKernelIsa(KernelIsa::Portable) == KernelIsa::Portable);
  const KernelIsa best = ResolveKernelIsa(KernelIsa::Avx512);
  REQUIRE(KernelIsaSupported(best));
  const char* old = std::getenv("ATTNVIZ_KERNEL");
  const std::string saved = old ? old : "";
  setenv("ATTNVIZ_KERNEL", "portable", 1);
  REQUIRE(ResolveKernelIsa(KernelIsa::Auto) == KernelIsa::Portable);
  REQUIRE(ResolveKernelIsa(KernelIsa::Avx2) == (KernelIsaSupported(KernelIsa::Avx2) ? KernelIsa::Avx2 : best));
  setenv("ATTNVIZ_KERNEL", "nonsense", 1);
  REQUIRE(ResolveKernelIsa(KernelIsa::Auto) == best);
  if (old) setenv("ATTNVIZ_KERNEL", saved.c_str(), 1);
  else unsetenv("ATTNVIZ_KERNEL");
}
