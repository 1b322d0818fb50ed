// Property test: thousands of random configurations through the engine, each
// checked against invariants that hold for every input (SPEC.md "Logits,
// masks, weights"):
//   P1  no NaN or infinity anywhere in the trace (every matrix of every layer);
//   P2  the mask equals an independent evaluation of SPEC.md's table;
//   P3  each weights row with an allowed key sums to 1 (tolerance below) and is
//       exactly 0 where masked; a row with no allowed key is listed in
//       empty_rows and its weights and output are exactly 0;
//   P4  each weights row equals a double-precision softmax of its logits;
//   P5  the tiled (online-softmax) kernel gives the reference output.
// Configurations: N 1..96 (a few up to 300), d_model, heads, kv-heads (every
// divisor), layers 1..2, every mask pattern with random window / globals /
// block (including values past N), causal or not, every positional kind,
// scaling on/off, temperature 0.01..100 (log-uniform, plus exactly 0.05 and the
// limits), and embeddings scaled by 1e-30 .. 1e30 through a Model that
// wraps the random model ("extreme input values").
// Outcome rule for extremes: up to 1e12 the trace must be computed; past that,
// float range can be exceeded (scores ~ scale^2), and the engine must then
// refuse with its one-line overflow message instead of returning NaN.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <random>
#include <sstream>

#include "core/attention/head.h"
#include "core/attention/mask.h"
#include "core/attention/tiled.h"
#include "core/engine.h"
#include "core/limits.h"
#include "core/model/random_model.h"
#include "core/request.h"
#include "core/types.h"
#include "tests/unit/head-matrices.h"

using namespace attnviz;

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr int kConfigs = 800;  // ASan is ~4x slower; the sanitizer run checks memory, the release run the numbers
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr int kConfigs = 800;
#else
constexpr int kConfigs = 3000;
#endif
#else
constexpr int kConfigs = 3000;
#endif

// Embeddings scaled by a factor: the random model's weights, extreme inputs.
class ScaledEmbeddings final : public ModelVariant {
 public:
  ScaledEmbeddings(ModelPtr inner, float factor) : ModelVariant(std::move(inner)), factor_(factor) {}
  Mat Embed(const std::vector<Token>& tokens) const override { return Base()->Embed(tokens) * factor_; }

 private:
  float factor_;
};

// SPEC.md's mask table, written again from the table (not from mask.cpp).
bool SpecAllows(const MaskSpec& m, int i, int j) {
  bool ok = true;
  switch (m.pattern) {
    case MaskPattern::Full: ok = true; break;
    case MaskPattern::Sliding:
    case MaskPattern::GlobalLocal: {
      const bool in_window = m.causal ? (0 <= i - j && i - j < m.window) : (std::abs(i - j) <= m.window / 2);
      bool global = false;
      if (m.pattern == MaskPattern::GlobalLocal) {
        for (int g : m.globals) global = global || g == i || g == j;
      }
      ok = in_window || global;
      break;
    }
    case MaskPattern::BlockSparse: ok = (i / m.block == j / m.block) || (j % m.block == m.block - 1); break;
  }
  return ok && (!m.causal || j <= i);
}

const char* kWords[] = {"the", "cat", "sat", "on", "mat", "because", "it", "was", "tired", ".", ",", "!",
                        "caf\u00e9", "\u4e2d\u6587", "\U0001F600", "don't", "42", "x", "Attention", "is", "all"};

struct Config {
  Request r;
  float factor = 1;
  int tile = 64;
  std::string Describe() const {
    std::ostringstream s;
    s << "d_model=" << r.d_model << " heads=" << r.heads << " kv=" << r.kv_heads << " layers=" << r.layers
      << " pe=" << ToString(r.positional) << " mask=" << DescribeMask(r.mask) << " window=" << r.mask.window
      << " block=" << r.mask.block << " globals=" << r.mask.globals.size() << " scale=" << r.scale
      << " T=" << r.temperature << " factor=" << factor << " tile=" << tile << " seed=" << r.seed
      << " text_bytes=" << r.text.size();
    return s.str();
  }
};

Config RandomConfig(std::mt19937_64& rng) {
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  auto chance = [&](double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; };
  Config c;
  Request& r = c.r;
  r.model = "random";
  r.seed = rng();
  // Heads first, then a d_model it divides (up to 128 wide).
  r.heads = chance(0.05) ? uni(9, 32) : uni(1, 8);
  const int dk = uni(1, std::max(1, 128 / r.heads));
  r.d_model = r.heads * dk;
  std::vector<int> divisors;
  for (int g = 1; g <= r.heads; ++g)
    if (r.heads % g == 0) divisors.push_back(g);
  r.kv_heads = divisors[uni(0, static_cast<int>(divisors.size()) - 1)];
  r.layers = chance(0.25) ? 2 : 1;
  const Positional kinds[] = {Positional::None, Positional::Sinusoidal, Positional::Rope, Positional::Alibi};
  r.positional = kinds[uni(0, 3)];
  if (r.positional == Positional::Rope && dk % 2 != 0) r.positional = Positional::Sinusoidal;
  r.scale = chance(0.7);
  // Temperature: log-uniform over the allowed range, with the edges and 0.05 often.
  const int t = uni(0, 9);
  r.temperature = t == 0 ? 0.05f : t == 1 ? kMinTemperature : t == 2 ? kMaxTemperature
                : static_cast<float>(std::exp(std::uniform_real_distribution<double>(std::log(0.01), std::log(100.0))(rng)));

  // Text: N words, N mostly small, sometimes a few hundred.
  const int words = chance(0.01) ? uni(100, 300) : chance(0.2) ? uni(49, 96) : uni(1, 48);
  for (int w = 0; w < words; ++w) {
    if (w) r.text += ' ';
    r.text += kWords[uni(0, static_cast<int>(std::size(kWords)) - 1)];
  }

  const MaskPattern patterns[] = {MaskPattern::Full, MaskPattern::Sliding, MaskPattern::GlobalLocal, MaskPattern::BlockSparse};
  r.mask.pattern = patterns[uni(0, 3)];
  r.mask.causal = chance(0.5);
  r.mask.window = chance(0.2) ? uni(1, 400) : uni(1, 6);  // sometimes past N
  r.mask.block = chance(0.2) ? uni(1, 400) : uni(1, 8);
  r.mask.globals.clear();
  for (int g = uni(0, 3); g > 0; --g) r.mask.globals.push_back(chance(0.2) ? uni(0, 500) : uni(0, 10));

  const float factors[] = {1e-30f, 1e-3f, 1e3f, 1e6f, 1e12f, 1e20f, 1e30f};
  c.factor = chance(0.6) ? 1.0f : factors[uni(0, 6)];
  const int tiles[] = {1, 2, 3, 7, 16, 64};
  c.tile = tiles[uni(0, 5)];
  if (c.tile == 1 && words > 48) c.tile = 2;  // tile 1 costs an allocation per pair
  return c;
}

bool Finite(const Mat& m) { return m.size() == 0 || m.allFinite(); }
bool Finite(const RowVec& v) { return v.size() == 0 || v.allFinite(); }

// Returns "" when the trace satisfies P1..P5, else what failed first.
std::string CheckTrace(const Config& c, const Trace& t, double* worst_tiled_rel) {
  const Request& r = c.r;
  const int n = t.n();
  std::ostringstream err;
  // P2
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      if ((t.mask(i, j) != 0) != SpecAllows(r.mask, i, j)) {
        err << "mask(" << i << "," << j << ") = " << int(t.mask(i, j)) << ", SPEC says " << SpecAllows(r.mask, i, j);
        return err.str();
      }
  // P1
  if (!Finite(t.positional_encoding)) return "positional encoding not finite";
  const float scale_factor = r.scale ? 1.0f / std::sqrt(static_cast<float>(t.config.d_k)) : 1.0f;
  for (std::size_t l = 0; l < t.layers.size(); ++l) {
    const LayerTrace& lt = t.layers[l];
    if (!Finite(lt.input) || !Finite(lt.concat) || !Finite(lt.output) || !Finite(lt.W_o()) || !Finite(lt.b_o()))
      return "layer " + std::to_string(l) + ": input/concat/output not finite";
    for (std::size_t g = 0; g < lt.kv_heads.size(); ++g) {
      const KvHeadTrace& k = lt.kv_heads[g];
      const int gi = static_cast<int>(g);
      if (!Finite(k.K) || !Finite(k.V) || !Finite(lt.W_k(gi)) || !Finite(lt.W_v(gi)) || !Finite(lt.b_k(gi)) ||
          !Finite(lt.b_v(gi)))
        return "layer " + std::to_string(l) + ": K/V not finite";
    }
    for (std::size_t h = 0; h < lt.heads.size(); ++h) {
      const HeadTrace& ht = lt.heads[h];
      const test::HeadMats hm = test::MatsOf(t, static_cast<int>(l), static_cast<int>(h));
      const std::string where = "layer " + std::to_string(l) + " head " + std::to_string(h) + ": ";
      if (!Finite(ht.Q) || !Finite(hm.scores) || !Finite(hm.bias) || !Finite(hm.logits) || !Finite(hm.weights) ||
          !Finite(ht.output))
        return where + "a matrix is not finite";
      // P3, P4
      std::vector<int> empty;
      for (int i = 0; i < n; ++i) {
        bool any = false;
        double max_logit = -INFINITY;
        for (int j = 0; j < n; ++j)
          if (t.mask(i, j)) {
            any = true;
            max_logit = std::max(max_logit, double(hm.logits(i, j)));
          }
        if (!any) {
          empty.push_back(i);
          if ((hm.weights.row(i).array() != 0).any() || (ht.output.row(i).array() != 0).any())
            return where + "empty row " + std::to_string(i) + " has non-zero weights or output";
          continue;
        }
        // A float sum of n values in [0, 1] that are each within a few ulps of
        // their exact value, normalised by one multiply: |sum - 1| grows like
        // n * 2^-24. 1e-5 + n * 2.4e-7 is that bound with a 4x margin.
        double sum = 0, exact_sum = 0;
        for (int j = 0; j < n; ++j) {
          const float w = hm.weights(i, j);
          if (!t.mask(i, j) && w != 0.0f) return where + "masked weight is not exactly 0";
          if (w < 0.0f || w > 1.0f) return where + "weight outside [0, 1]";
          sum += w;
          if (t.mask(i, j)) exact_sum += std::exp(double(hm.logits(i, j)) - max_logit);
        }
        if (std::abs(sum - 1.0) > 1e-5 + n * 2.4e-7)
          return where + "row " + std::to_string(i) + " sums to " + std::to_string(sum);
        // P4: exp in float (Eigen's vectorised exp, a few ulps) against double:
        // 2e-6 absolute covers the ulps of exp plus the normalisation.
        for (int j = 0; j < n; ++j) {
          if (!t.mask(i, j)) continue;
          const double exact = std::exp(double(hm.logits(i, j)) - max_logit) / exact_sum;
          if (std::abs(exact - hm.weights(i, j)) > 2e-6 + 1e-5 * exact) {
            err << where << "weights(" << i << "," << j << ") = " << hm.weights(i, j) << ", double softmax " << exact;
            return err.str();
          }
        }
      }
      if (empty != ht.empty_rows) return where + "empty_rows differ from the rows with no allowed key";
      // P5: the tiled kernel on the same Q, K (after RoPE), V, mask and bias.
      const KvHeadTrace& kv = t.KvOf(static_cast<int>(l), static_cast<int>(h));
      const Mat tiled = TiledAttentionOutput(ht.Q, kv.K, kv.V, r.mask, scale_factor, r.temperature, ht.alibi_slope, c.tile);
      // Both outputs are convex combinations of V rows, so the error is
      // measured relative to the largest |V|. Two sources: (a) summation order
      // and the online rescaling, a few ulps per key: 3e-5 covers N up to 300;
      // (b) the two kernels compute each logit with a different dot-product
      // order, and a logit whose terms reach magnitude L (before cancelling)
      // can differ by ~dk * 2^-24 * L, which changes its exp() relatively by
      // the same amount. L is bounded by s * |Q| |K|^T / T + |bias| / T.
      const double vmax = std::max(1e-30, double(kv.V.cwiseAbs().maxCoeff()));
      const double diff = (tiled - ht.output).cwiseAbs().maxCoeff() / vmax;
      const double logit_terms =
          (double(scale_factor) * (ht.Q.cwiseAbs() * kv.K.cwiseAbs().transpose()).maxCoeff() +
           double(hm.bias.cwiseAbs().maxCoeff())) / double(r.temperature);
      const double tol = 3e-5 + 4.0 * (t.config.d_k + 2) * 6e-8 * logit_terms;
      *worst_tiled_rel = std::max(*worst_tiled_rel, diff / tol);
      if (!(diff <= tol)) {
        err << where << "tiled differs from reference by " << diff << " of max|V| (tolerance " << tol << ")";
        return err.str();
      }
      for (int i : empty)
        if ((tiled.row(i).array() != 0).any()) return where + "tiled output of empty row " + std::to_string(i) + " is not 0";
    }
  }
  return "";
}

}  // namespace

TEST_CASE("Property: random configurations keep every invariant", "[property]") {
  std::mt19937_64 rng(0xA77E'2026);
  int computed = 0, refused = 0, empty_rows = 0;
  double worst_tiled = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int k = 0; k < kConfigs; ++k) {
    const Config c = RandomConfig(rng);
    INFO("config " << k << ": " << c.Describe());
    const auto inner = MakeRandomModel(c.r.seed, c.r.d_model, c.r.heads, c.r.layers);
    const auto source = std::make_shared<const ScaledEmbeddings>(inner, c.factor);
    TracePtr t;
    try {
      t = RunTraceWith(c.r, source);
    } catch (const InputError& e) {
      INFO("refused: " << e.what());
      // Only extreme magnitudes may be refused, and only for overflow, in one line.
      CHECK(c.factor >= 1e20f);
      CHECK(std::string(e.what()).find("overflow") != std::string::npos);
      CHECK(std::string(e.what()).find('\n') == std::string::npos);
      ++refused;
      continue;
    }
    ++computed;
    for (const HeadTrace& h : t->layers[0].heads) empty_rows += static_cast<int>(h.empty_rows.size());
    const std::string err = CheckTrace(c, *t, &worst_tiled);
    CHECK(err == "");
    if (!err.empty()) break;  // the first failure with its config says more than a thousand
  }
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // Not a timing assertion: printed so the size of the run is visible in the log.
  WARN("property: " << kConfigs << " configurations, " << computed << " computed, " << refused
                    << " refused for overflow, " << empty_rows << " empty rows seen, worst tiled/reference "
                    << worst_tiled << " of its tolerance, " << secs << " s");
  // The run must actually exercise both outcomes. (Every SPEC pattern allows
  // the diagonal, so a Request never makes an empty row: the next test does.)
  CHECK(computed > kConfigs / 2);
  CHECK(refused > 0);
}

// Empty rows and arbitrary masks, which no Request produces: ComputeHeadSteps
// on random Q, K, V (magnitudes 1e-20..1e15) and random masks with some rows
// forced empty, against a straightforward double-precision computation.
TEST_CASE("Property: head steps on arbitrary masks, including empty rows", "[property]") {
  std::mt19937_64 rng(0x5EED'0001);
  auto uni = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  std::normal_distribution<float> normal(0.0f, 1.0f);
  int empty_seen = 0;
  for (int k = 0; k < kConfigs / 3; ++k) {
    const int n = uni(1, 40), dk = uni(1, 16);
    const float mags[] = {1e-20f, 1e-3f, 1.0f, 1e3f, 1e9f, 1e15f};
    const float mag = mags[uni(0, 5)];
    const float temperature = k % 4 == 0 ? 0.05f : k % 4 == 1 ? kMinTemperature : 1.0f;
    Mat q(n, dk), kk(n, dk), v(n, dk);
    for (Mat* m : {&q, &kk, &v})
      for (int i = 0; i < n; ++i)
        for (int j = 0; j < dk; ++j) (*m)(i, j) = mag * normal(rng);
    // Keep scores finite: with mag 1e15 products reach 1e30 * dk, fine in float.
    const double density = std::uniform_real_distribution<double>(0, 1)(rng);
    MaskMat mask(n, n);
    for (int i = 0; i < n; ++i) {
      const bool force_empty = uni(0, 4) == 0;
      for (int j = 0; j < n; ++j) mask(i, j) = !force_empty && std::uniform_real_distribution<double>(0, 1)(rng) < density;
    }
    const float scale = 1.0f / std::sqrt(static_cast<float>(dk));
    INFO("case " << k << ": n=" << n << " dk=" << dk << " magnitude=" << mag << " T=" << temperature);
    const HeadSteps s = ComputeHeadSteps(q, kk, v, mask, Mat(), scale, temperature);
    REQUIRE(s.weights.allFinite());
    REQUIRE(s.output.allFinite());
    std::vector<int> empty;
    for (int i = 0; i < n; ++i) {
      // Straightforward double computation from Q, K, V.
      std::vector<double> logit(n);
      double mx = -INFINITY;
      for (int j = 0; j < n; ++j) {
        if (!mask(i, j)) continue;
        double dot = 0;
        for (int d = 0; d < dk; ++d) dot += double(q(i, d)) * double(kk(j, d));
        logit[j] = double(scale) * dot / double(temperature);
        mx = std::max(mx, logit[j]);
      }
      if (mx == -INFINITY) {
        empty.push_back(i);
        CHECK((s.weights.row(i).array() == 0).all());
        CHECK((s.output.row(i).array() == 0).all());
        continue;
      }
      double z = 0;
      for (int j = 0; j < n; ++j)
        if (mask(i, j)) z += std::exp(logit[j] - mx);
      double worst = 0;
      for (int j = 0; j < n; ++j) {
        const double w = mask(i, j) ? std::exp(logit[j] - mx) / z : 0.0;
        if (!mask(i, j)) CHECK(s.weights(i, j) == 0.0f);
        // Logits themselves are float: a logit of magnitude L carries an
        // absolute error of ~L * 2^-23, which moves exp() by that much
        // relative. Only compare where that error is small (|L| < 1e4);
        // huge logits make the softmax one-hot in both computations anyway.
        if (std::abs(logit[j] - mx) < 1e4 && std::abs(mx) < 1e4) worst = std::max(worst, std::abs(w - s.weights(i, j)));
      }
      CHECK(worst < 1e-4);
    }
    CHECK(empty == s.empty_rows);
    empty_seen += static_cast<int>(empty.size());
  }
  CHECK(empty_seen > 0);
}
