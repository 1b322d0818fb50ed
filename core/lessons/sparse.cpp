#include "core/lessons/sparse.h"

#include <algorithm>
#include <cmath>

#include "core/attention/mask.h"
#include "core/attention/tiled.h"
#include "core/engine.h"
#include "core/forward.h"
#include "core/lessons/weights_difference.h"

namespace attnviz::lessons {

double CountAllowedPairs(const MaskSpec& m, long n) {
  if (n <= 0) return 0;
  std::vector<long> globals;
  if (m.pattern == MaskPattern::GlobalLocal)
    for (int g : m.globals)
      if (g >= 0 && g < n) globals.push_back(g);
  std::sort(globals.begin(), globals.end());
  globals.erase(std::unique(globals.begin(), globals.end()), globals.end());
  const long half = m.window / 2;
  double total = 0;
  for (long i = 0; i < n; ++i) {
    const long last = m.causal ? i : n - 1;  // keys 0..last are candidates
    long row = 0;
    switch (m.pattern) {
      case MaskPattern::Full: row = last + 1; break;
      case MaskPattern::Sliding:
      case MaskPattern::GlobalLocal: {
        // The window: causal [i - w + 1, i], bidirectional [i - w/2, i + w/2].
        const long lo = std::max(0L, m.causal ? i - m.window + 1 : i - half);
        const long hi = std::min(last, m.causal ? i : i + half);
        row = hi - lo + 1;
        if (m.pattern == MaskPattern::GlobalLocal) {
          if (std::binary_search(globals.begin(), globals.end(), i)) {
            row = last + 1;  // a global query reads every candidate key
          } else {
            for (long g : globals) row += (g <= last && (g < lo || g > hi)) ? 1 : 0;
          }
        }
        break;
      }
      case MaskPattern::BlockSparse: {
        const long b = m.block, start = (i / b) * b;
        const long in_block = std::min(last, start + b - 1) - start + 1;  // own block's keys
        // Summary keys j = b-1, 2b-1, ... outside the own block and <= last.
        long summaries = last >= b - 1 ? (last - (b - 1)) / b + 1 : 0;
        if (start + b - 1 <= last) --summaries;  // the own block's summary was counted in the block
        row = in_block + summaries;
        break;
      }
    }
    total += static_cast<double>(row);
  }
  return total;
}

namespace {

AttentionWork RunKernel(const Trace& t, int layer, const CancelToken* cancel) {
  const LayerTrace& L = t.layers[layer];
  const int n = t.n(), dk = t.config.d_k, H = static_cast<int>(L.heads.size());
  AttentionBatch b;
  b.n = n;
  b.d_k = b.d_v = dk;
  b.mask = t.config.mask;
  b.scale = t.config.scale ? 1.0f / std::sqrt(static_cast<float>(dk)) : 1.0f;
  b.temperature = t.config.temperature;
  std::vector<Mat> out(H, Mat(n, dk));
  for (int h = 0; h < H; ++h) {
    b.q.push_back(L.heads[h].Q.data());
    b.k.push_back(t.KvOf(layer, h).K.data());
    b.v.push_back(t.KvOf(layer, h).V.data());
    b.out.push_back(out[h].data());
    b.alibi_slope.push_back(L.heads[h].alibi_slope);
  }
  AttentionWork w;
  ComputeAttentionBatch(b, AttentionOptions{}, cancel, &w);
  return w;
}

}  // namespace

double KlDivergence(const std::vector<double>& p, const std::vector<double>& q) {
  double kl = 0;
  for (std::size_t v = 0; v < p.size() && v < q.size(); ++v) {
    if (p[v] <= 0) continue;  // 0 ln 0 = 0
    // q_v is a softmax in double: it underflows to 0 only 745 nats below the
    // top logit; the floor keeps the sum finite where it would be +inf.
    kl += p[v] * (std::log(p[v]) - std::log(std::max(q[v], 1e-300)));
  }
  return std::max(0.0, kl);
}

SparseLesson RunSparseLesson(Engine& engine, const Request& request, const SparseParams& p, const CancelToken* cancel) {
  SparseLesson L;
  Request full = request;
  full.mask.pattern = MaskPattern::Full;
  L.full = engine.Run(full, cancel);
  L.n = L.full->n();
  L.causal = L.full->config.mask.causal;
  L.layer = std::clamp(p.layer, 0, static_cast<int>(L.full->layers.size()) - 1);
  const int H = static_cast<int>(L.full->layers[L.layer].heads.size());
  L.head = std::clamp(p.head, 0, H - 1);
  L.tile = std::max(1, p.tile);
  L.full_kernel = RunKernel(*L.full, L.layer, cancel);
  // The next-token distributions (loaded models only).
  const ModelPtr source = engine.ModelFor(request);
  const int top = std::clamp(p.top, 1, 50);
  std::vector<double> p_full;
  if (source->Shape().predicts_tokens()) {
    p_full = NextTokenDistribution(*source, L.full->final_residual);
    L.next_available = !p_full.empty();
  }
  for (MaskPattern pattern : {MaskPattern::Sliding, MaskPattern::GlobalLocal, MaskPattern::BlockSparse}) {
    ThrowIfCancelled(cancel);
    SparsePattern sp;
    Request r = request;
    r.mask.pattern = pattern;
    sp.trace = engine.Run(r, cancel);
    const Trace& t = *sp.trace;
    sp.name = std::string(ToString(pattern));
    sp.mask = t.config.mask;
    sp.pairs_allowed = CountAllowedPairs(sp.mask, L.n);
    sp.pairs_total = static_cast<double>(L.n) * L.n;
    sp.density = sp.pairs_allowed / sp.pairs_total;
    sp.kernel = RunKernel(t, L.layer, cancel);
    // The readable tiled reference on the head on screen, with its own counts.
    const HeadTrace& ht = t.layers[L.layer].heads[L.head];
    const KvHeadTrace& kv = t.KvOf(L.layer, L.head);
    TileStats stats;
    const float scale = t.config.scale ? 1.0f / std::sqrt(static_cast<float>(t.config.d_k)) : 1.0f;
    const Mat out = TiledAttentionOutput(ht.Q, kv.K, kv.V, sp.mask, scale, t.config.temperature, ht.alibi_slope, L.tile, &stats);
    sp.tile = L.tile;
    sp.tiles_total = stats.tiles_total;
    sp.tiles_skipped = stats.tiles_skipped;
    sp.tiled_max_abs_diff = MaxAbsDifference(out, ht.output);
    for (int h = 0; h < H; ++h) {
      SparseHeadChange c;
      c.head = h;
      c.role = t.layers[L.layer].heads[h].role;
      const WeightsDifference d = CompareHeadWeights(*L.full, t, L.layer, h, {}, false, cancel);
      c.max_abs_diff = d.max_abs;
      c.mean_tv = d.mean_tv;
      sp.heads.push_back(c);
    }
    if (L.next_available) {
      ThrowIfCancelled(cancel);
      const std::vector<double> q = NextTokenDistribution(*source, t.final_residual);
      sp.kl = KlDivergence(p_full, q);
      double tv = 0;
      for (std::size_t v = 0; v < q.size(); ++v) tv += std::abs(p_full[v] - q[v]);
      sp.top_changed = tv / 2;
      for (const NextToken& nt : TopTokens(*source, q, top))
        sp.top.push_back({nt.id, DisplayToken(nt.text), p_full[nt.id], q[nt.id]});
      if (L.full_top.empty())
        for (const NextToken& nt : TopTokens(*source, p_full, top))
          L.full_top.push_back({nt.id, DisplayToken(nt.text), p_full[nt.id], 0.0});
      // Full attention's favourites, and what the pattern leaves them.
      for (const SparseNextToken& f : L.full_top) sp.before.push_back({f.id, f.text, f.p_full, q[f.id]});
    }
    L.patterns.push_back(std::move(sp));
  }
  return L;
}

nlohmann::json ToJson(const SparseLesson& l) {
  auto work = [](const AttentionWork& w) {
    return nlohmann::json{{"tiles_total", w.tiles_total}, {"tiles_skipped", w.tiles_skipped}, {"pairs_allowed", w.pairs_allowed}};
  };
  nlohmann::json patterns = nlohmann::json::array();
  for (const SparsePattern& p : l.patterns) {
    nlohmann::json heads = nlohmann::json::array();
    for (const SparseHeadChange& h : p.heads)
      heads.push_back({{"head", h.head}, {"role", h.role}, {"max_abs_diff", h.max_abs_diff}, {"mean_tv", h.mean_tv}});
    patterns.push_back({{"pattern", p.name},
                        {"mask", DescribeMask(p.mask)},
                        {"pairs_allowed", p.pairs_allowed},
                        {"pairs_total", p.pairs_total},
                        {"density", p.density},
                        {"kernel", work(p.kernel)},
                        {"tiled_reference",
                         {{"tile", p.tile}, {"tiles_total", p.tiles_total}, {"tiles_skipped", p.tiles_skipped},
                          {"max_abs_diff", p.tiled_max_abs_diff}}},
                        {"heads", heads}});
    if (l.next_available) {
      nlohmann::json top = nlohmann::json::array();
      for (const SparseNextToken& t : p.top)
        top.push_back({{"id", t.id}, {"text", t.text}, {"p_full", t.p_full}, {"p_sparse", t.p_sparse}});
      nlohmann::json before = nlohmann::json::array();
      for (const SparseNextToken& t : p.before)
        before.push_back({{"id", t.id}, {"text", t.text}, {"p_full", t.p_full}, {"p_sparse", t.p_sparse}});
      patterns.back()["next_token"] = {{"kl", p.kl}, {"total_variation", p.top_changed}, {"top", top}, {"full_top", before}};
    }
  }
  nlohmann::json next;
  next["available"] = l.next_available;
  if (l.next_available) {
    nlohmann::json top = nlohmann::json::array();
    for (const SparseNextToken& t : l.full_top) top.push_back({{"id", t.id}, {"text", t.text}, {"p_full", t.p_full}});
    next["full_top"] = top;
  } else {
    next["note"] = "the KL of the next-token distribution needs a loaded model (--model DIR): this model predicts no next token";
  }
  return {{"lesson", "sparse"}, {"n", l.n},        {"layer", l.layer},
          {"head", l.head},     {"causal", l.causal}, {"full_kernel", work(l.full_kernel)},
          {"next_token", next}, {"patterns", patterns}};
}

}  // namespace attnviz::lessons
