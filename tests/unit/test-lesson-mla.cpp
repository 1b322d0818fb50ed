// The `mla` lesson: singular values against Eigen's SVD of the stacked
// projections, the full rank reproducing the model, a rank-r factorisation
// that caches r numbers, and the CLI.
#include <catch2/catch.hpp>

#include "core/engine.h"
#include "core/lessons/mla.h"
#include "core/model/model.h"
#include "tests/unit/lesson-json.h"

using namespace attnviz;
using namespace attnviz::lessons;

TEST_CASE("mla: the basis is the SVD of the stacked K and V projections", "[lesson][mla]") {
  Request r;
  r.model = "random";
  r.d_model = 32;
  r.heads = 4;
  r.kv_heads = 4;
  r.layers = 2;
  const auto source = MakeModel(r);
  const MlaBasis b = ComputeMlaBasis(*source);
  REQUIRE(b.layers.size() == 2);
  for (int l = 0; l < 2; ++l) {
    const MlaLayerBasis& lb = b.layers[l];
    REQUIRE(lb.W.rows() == 32);
    REQUIRE(lb.W.cols() == 2 * 4 * 8);
    const Eigen::JacobiSVD<Eigen::MatrixXd> svd(lb.W);
    for (int i = 0; i < 32; ++i) REQUIRE(lb.singular[i] == Approx(svd.singularValues()(i)).epsilon(1e-8));
    REQUIRE(lb.rank == 32);  // a random 32 x 64 matrix has full rank
    // At r = D the factorisation returns W itself.
    const auto full = LowRankKvWeights(*source->Layer(l), lb, 32);
    for (int g = 0; g < 4; ++g) {
      REQUIRE((full->kv_heads[g].W_k - source->Layer(l)->kv_heads[g].W_k).cwiseAbs().maxCoeff() < 1e-5);
      REQUIRE((full->kv_heads[g].W_v - source->Layer(l)->kv_heads[g].W_v).cwiseAbs().maxCoeff() < 1e-5);
    }
    // At r < D it is the rank-r truncation: rebuilt W has rank r.
    const auto low = LowRankKvWeights(*source->Layer(l), lb, 5);
    Eigen::MatrixXd w(32, 64);
    for (int g = 0; g < 4; ++g) {
      w.middleCols(g * 8, 8) = low->kv_heads[g].W_k.cast<double>();
      w.middleCols((4 + g) * 8, 8) = low->kv_heads[g].W_v.cast<double>();
    }
    const Eigen::JacobiSVD<Eigen::MatrixXd> s2(w);
    REQUIRE(s2.singularValues()(4) > 1e-3);
    REQUIRE(s2.singularValues()(5) < 1e-4);
  }
}

TEST_CASE("mla: full rank reproduces the model, lower ranks move attention", "[lesson][mla]") {
  Engine engine;
  Request r;
  r.model = "random";
  r.layers = 2;
  r.text = "latent attention caches one short vector per token and layer";
  MlaParams p;
  p.rank = 64;
  p.layer = 1;
  const MlaLesson L = RunMlaLesson(engine, r, p);
  REQUIRE(L.kv_values == 128);
  REQUIRE(L.max_rank == 64);
  REQUIRE(L.at.rank == 64);
  REQUIRE(L.at.max_abs_diff < 1e-4);
  REQUIRE(L.at.output_rel_error < 1e-4);
  REQUIRE(L.at.cache_saved == 0.5);  // caching x itself (D = 64) beats K and V (128)
  REQUIRE(L.curve.front().rank == 1);
  REQUIRE(L.curve.front().mean_tv > L.curve.back().mean_tv);
  REQUIRE(L.curve.back().mean_tv < 1e-5);
  for (std::size_t i = 1; i < L.energy.size(); ++i) REQUIRE(L.energy[i] >= L.energy[i - 1]);
  REQUIRE(L.energy.back() == Approx(1.0));
  // The built-in model's projections are sparse: rank below D, and at that rank nothing moves.
  Request b;
  b.text = r.text;
  MlaParams pb;
  pb.curve = false;
  const MlaLesson B = RunMlaLesson(engine, b, pb);
  REQUIRE(B.full_rank[0] < 64);
  pb.rank = B.full_rank[0];
  const MlaLesson B2 = RunMlaLesson(engine, b, pb);
  REQUIRE(B2.at.max_abs_diff < 1e-4);
}

TEST_CASE("mla: attnviz lesson prints core's numbers", "[lesson][mla][cli]") {
  const nlohmann::json j = test::LessonJson({"mla", "--rank", "12", "--text", "a b c d e f"});
  Engine engine;
  Request r;
  r.text = "a b c d e f";
  MlaParams p;
  p.rank = 12;
  const MlaLesson L = RunMlaLesson(engine, r, p);
  REQUIRE(j["at"]["rank"] == 12);
  REQUIRE(j["at"]["mean_tv"].get<double>() == L.at.mean_tv);
  REQUIRE(j["full_rank"].get<std::vector<int>>() == L.full_rank);
  REQUIRE(j["curve"].size() == L.curve.size());
}
