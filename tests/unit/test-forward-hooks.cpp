// The forward pass's hook points (core/forward.h): what a hook reads is what
// the trace records, what it replaces changes the rest of the pass exactly as
// an independent computation with that value replaced says, a pass restarted
// from a recorded residual ends where the whole pass ended, and a batch of
// sequences gives each sequence's own result.
//
// The independent computation is tests/support/gpt2_reference.h: GPT-2's
// forward pass in double with plain loops, with its own head-output edit.
#include <catch2/catch.hpp>

#include <cmath>
#include <filesystem>
#include <unistd.h>

#include "core/engine.h"
#include "core/forward.h"
#include "core/model/builtin.h"
#include "core/model/model.h"
#include "tests/support/gpt2_checkpoint_writer.h"
#include "tests/support/gpt2_reference.h"
#include "tests/unit/process.h"

using namespace attnviz;
using namespace attnviz::test;
namespace fs = std::filesystem;

namespace {

struct TinyGpt2 {
  fs::path dir;
  Gpt2Weights w;
  ModelPtr model;
  TinyGpt2() {
    char tmpl[] = "/tmp/attnviz-hooks-test-XXXXXX";
    dir = mkdtemp(tmpl);
    Gpt2Sizes s;
    s.n_embd = 32;
    s.n_head = 4;
    s.n_layer = 3;
    s.n_positions = 64;
    s.vocab_size = 296;  // tests/data/gpt2/tiny_vocab.json
    w = RandomGpt2Weights(s, 11, WeightScale::kTestScale);
    const std::string data = std::string(ATTNVIZ_TEST_DATA_DIR) + "/gpt2/";
    WriteGpt2Checkpoint(dir.string(), w, ReadWhole(data + "tiny_vocab.json"), ReadWhole(data + "tiny_merges.txt"));
    model = LoadCheckpoint(dir.string(), "tiny");
  }
  ~TinyGpt2() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  Request RequestFor(const std::string& text) const {
    Request r;
    r.model = dir.string();
    r.text = text;
    const ModelShape& s = model->Shape();
    r.d_model = s.d_model;
    r.heads = s.heads;
    r.kv_heads = s.kv_heads;
    r.positional = Positional::Learned;
    r.mask.causal = true;
    return r;
  }
};

// Records every hook call.
class Recorder final : public ForwardHooks {
 public:
  std::vector<Mat> resid_pre, attn_out, mlp_out;
  std::vector<std::vector<Mat>> z;
  std::vector<float> final_scale;
  void ResidPre(int layer, Mat& r) override { At(resid_pre, layer) = r; }
  void Z(int layer, int head, Mat& v) override {
    if (static_cast<int>(z.size()) <= layer) z.resize(layer + 1);
    At(z[layer], head) = v;
  }
  void AttnOut(int layer, Mat& v) override { At(attn_out, layer) = v; }
  void MlpOut(int layer, Mat& v) override { At(mlp_out, layer) = v; }
  void FinalScale(const std::vector<float>& s) override { final_scale = s; }

 private:
  static Mat& At(std::vector<Mat>& v, int i) {
    if (static_cast<int>(v.size()) <= i) v.resize(i + 1);
    return v[i];
  }
};

class ZeroHead final : public ForwardHooks {
 public:
  ZeroHead(int layer, int head) : layer_(layer), head_(head) {}
  void Z(int layer, int head, Mat& z) override {
    if (layer == layer_ && head == head_) z.setZero();
  }

 private:
  int layer_, head_;
};

const char* kText = "When Mary and John went to the store, John gave a drink to";

}  // namespace

TEST_CASE("hooks read what the trace records, at every point", "[forward][hooks]") {
  const TinyGpt2 g;
  Recorder rec;
  const TracePtr t = RunTraceWith(g.RequestFor(kText), g.model, nullptr, &rec);
  const int L = static_cast<int>(t->layers.size());
  REQUIRE(L == 3);
  REQUIRE(static_cast<int>(rec.resid_pre.size()) == L);
  for (int l = 0; l < L; ++l) {
    const LayerTrace& lt = t->layers[l];
    CHECK(rec.resid_pre[l] == lt.residual);
    CHECK(rec.attn_out[l] == lt.output);
    CHECK(rec.mlp_out[l] == lt.mlp_out);
    for (int h = 0; h < 4; ++h) CHECK(rec.z[l][h] == lt.heads[h].output);
    // The residual stream adds up: h_{l+1} = h_l + attn_out + mlp_out.
    const Mat next = l + 1 < L ? t->layers[l + 1].residual : t->final_residual;
    CHECK((lt.residual + lt.output + lt.mlp_out - next).cwiseAbs().maxCoeff() == 0.0f);
  }
  // The final norm's scale: each row's sqrt(var + eps) of h_L.
  REQUIRE(static_cast<int>(rec.final_scale.size()) == 1);  // the next token reads the last row only
  const RowVec last = t->final_residual.bottomRows(1);
  const double mean = last.mean();
  const double var = (last.array() - static_cast<float>(mean)).square().mean();
  CHECK(std::abs(rec.final_scale[0] - std::sqrt(var + 1e-5)) < 1e-4 * std::sqrt(var + 1e-5));
}

TEST_CASE("the residual entering each layer matches the reference", "[forward][hooks]") {
  // Tolerance 1e-4: float32 against double after up to three layers of d 32
  // (measured ~1e-6); a wrong residual add or a misplaced MLP is ~1e-1.
  const TinyGpt2 g;
  const TracePtr t = RunTraceWith(g.RequestFor(kText), g.model);
  std::vector<int> ids;
  for (const Token& tok : t->tokens) ids.push_back(tok.id);
  const Reference ref = ReferenceForward(g.w, ids);
  for (int l = 0; l < 3; ++l)
    for (int i = 0; i < t->n(); ++i)
      for (int d = 0; d < 32; ++d) REQUIRE(std::abs(t->layers[l].residual(i, d) - ref.resid_pre[l][i][d]) < 1e-4);
}

TEST_CASE("zeroing a head's output changes the prediction as the reference with that head zeroed says", "[forward][hooks]") {
  // Tolerance 1e-5 on probabilities, as the GPT-2 loader's test: float32
  // against double; ablating the wrong head or at the wrong point moves them
  // by 1e-3 or more (checked below: the ablation does move them).
  const TinyGpt2 g;
  const Request r = g.RequestFor(kText);
  const TracePtr clean = RunTraceWith(r, g.model);
  std::vector<int> ids;
  for (const Token& tok : clean->tokens) ids.push_back(tok.id);
  for (const auto& [layer, head] : std::vector<std::pair<int, int>>{{0, 1}, {1, 3}, {2, 0}}) {
    INFO("L" << layer << " H" << head);
    ZeroHead hook(layer, head);
    const TracePtr ablated = RunTraceWith(r, g.model, nullptr, &hook);
    CHECK(ablated->layers[layer].heads[head].output.cwiseAbs().maxCoeff() == 0.0f);
    const Reference ref = ReferenceForward(g.w, ids, [](int i, int j) { return j <= i; },
                                           [&](int l, int h, Rows& z) {
                                             if (l == layer && h == head)
                                               for (auto& row : z) std::fill(row.begin(), row.end(), 0.0);
                                           });
    const std::vector<double> p = NextTokenDistribution(*g.model, ablated->final_residual);
    const std::vector<double> p_clean = NextTokenDistribution(*g.model, clean->final_residual);
    REQUIRE(p.size() == ref.probs.size());
    double worst = 0, moved = 0;
    for (std::size_t v = 0; v < p.size(); ++v) {
      worst = std::max(worst, std::abs(p[v] - ref.probs[v]));
      moved = std::max(moved, std::abs(p[v] - p_clean[v]));
    }
    CHECK(worst < 1e-5);
    CHECK(moved > 1e-4);
  }
}

TEST_CASE("a pass restarted from a recorded residual ends where the whole pass ended", "[forward][hooks]") {
  const TinyGpt2 g;
  const Request r = g.RequestFor(kText);
  const TracePtr clean = RunTraceWith(r, g.model);
  const ForwardSettings s = SettingsFor(r, g.model->Shape(), clean->n(), nullptr);
  for (int start = 0; start < 3; ++start) {
    Mat x = clean->layers[start].residual;
    for (int l = start; l < 3; ++l) RunLayer(*g.model, l, *EffectiveWeights(*g.model, l, s.kv_groups), s, x, nullptr, nullptr);
    CHECK(x == clean->final_residual);
  }
}

TEST_CASE("a batch of sequences gives each sequence its own result", "[forward][hooks]") {
  const TinyGpt2 g;
  const Request r = g.RequestFor(kText);
  const TracePtr clean = RunTraceWith(r, g.model);
  const int n = clean->n();
  ForwardSettings s = SettingsFor(r, g.model->Shape(), n, nullptr);
  s.batch = 3;
  // Three copies; the hook zeroes head 2 of layer 1 in the middle copy only.
  class ZeroMiddle final : public ForwardHooks {
   public:
    explicit ZeroMiddle(int n) : n_(n) {}
    void Z(int layer, int head, Mat& z) override {
      if (layer == 1 && head == 2) z.middleRows(n_, n_).setZero();
    }

   private:
    int n_;
  } hook(n);
  Mat x = EmbedTokens(*g.model, clean->tokens, s, 3);
  for (int l = 0; l < 3; ++l) RunLayer(*g.model, l, *EffectiveWeights(*g.model, l, s.kv_groups), s, x, &hook, nullptr);
  ZeroHead single(1, 2);
  const TracePtr ablated = RunTraceWith(r, g.model, nullptr, &single);
  // Same products over more rows may round differently in the last bit:
  // 1e-5 relative to the residual's scale.
  const double scale = clean->final_residual.cwiseAbs().maxCoeff();
  CHECK((x.topRows(n) - clean->final_residual).cwiseAbs().maxCoeff() <= 1e-5 * scale);
  CHECK((x.middleRows(n, n) - ablated->final_residual).cwiseAbs().maxCoeff() <= 1e-5 * scale);
  CHECK((x.bottomRows(n) - clean->final_residual).cwiseAbs().maxCoeff() <= 1e-5 * scale);
}

TEST_CASE("a pattern hook replaces a head's weights, and z follows them", "[forward][hooks]") {
  // On the built-in model: layer 0's previous-token head made uniform over
  // the allowed keys gives z = the mean of the allowed values, row by row.
  Request r;
  r.text = "the cat sat on the mat and the cat ran";
  r.mask.causal = true;
  class Uniform final : public ForwardHooks {
   public:
    bool WantsPattern(int layer, int head) const override { return layer == 0 && head == 0; }
    void Pattern(int, int, int, Mat& w) override {
      for (int i = 0; i < w.rows(); ++i) w.row(i).head(i + 1).setConstant(1.0f / static_cast<float>(i + 1));
      seen = true;
    }
    bool seen = false;
  } hook;
  const TracePtr t = RunTraceWith(r, MakeBuiltinModel(), nullptr, &hook);
  REQUIRE(hook.seen);
  const HeadTrace& ht = t->layers[0].heads[0];
  CHECK(ht.pattern_replaced);
  const Mat& V = t->KvOf(0, 0).V;
  for (int i = 0; i < t->n(); ++i) {
    const RowVec mean = V.topRows(i + 1).colwise().mean();
    CHECK((ht.output.row(i) - mean).cwiseAbs().maxCoeff() < 1e-5);
  }
}
