#include "core/lessons/heads.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include "core/engine.h"
#include "core/figure/pool.h"
#include "core/parallel/thread_pool.h"

namespace attnviz::lessons {

namespace {

double RowEntropy(const float* w, int n) {
  double h = 0;
  for (int j = 0; j < n; ++j)
    if (w[j] > 0) h -= static_cast<double>(w[j]) * std::log(static_cast<double>(w[j]));
  return std::max(0.0, h);
}

}  // namespace

int ThumbFactor(int n, int thumb) { return PoolFactorFor(std::max(1, n), std::clamp(thumb, 1, 256)); }

HeadsLesson ComputeHeadsLesson(const Trace& t, const HeadsParams& p, const CancelToken* cancel) {
  const int n = t.n();
  if (t.layers.empty() || n == 0) throw InputError("the trace has no layers or no tokens");
  if (p.thumb < 4 || p.thumb > 256) throw InputError("thumbnail size " + std::to_string(p.thumb) + " is out of range; allowed 4..256");
  const int L = static_cast<int>(t.layers.size());
  if (p.layer < 0 || p.layer >= L)
    throw InputError("layer " + std::to_string(p.layer + 1) + " is out of range; the model has " + std::to_string(L));
  const int query = p.query < 0 ? n - 1 : p.query;
  if (query >= n) throw InputError("token " + std::to_string(query) + " is out of range; the sentence has " + std::to_string(n));
  const int H = static_cast<int>(t.layers[0].heads.size());

  HeadsLesson r;
  r.n = n;
  r.layers = L;
  r.heads = H;
  r.d_model = t.config.d_model;
  r.d_k = t.config.d_k;
  for (const Token& tok : t.tokens) r.tokens.push_back(DisplayToken(tok.text));
  r.summary.resize(static_cast<std::size_t>(L) * H);
  r.layer = p.layer;
  r.query = query;
  // Each head's strongest key for every query of the chosen layer (sentence-level targets).
  std::vector<int> argmax(static_cast<std::size_t>(H) * n, -1);

  // One head per task. Its rows stream through PoolMatrix one block row (f
  // rows) at a time: the statistics are taken from the same rows on their way
  // to the pool, so nothing is computed twice and never the whole N x N kept
  // (nor cached: the window's cache is for the heads on screen).
  const int factor = ThumbFactor(n, p.thumb);
  ParallelFor(
      L * H,
      [&](int task) {
        const int l = task / H, h = task % H;
        if (!p.summaries && l != p.layer) return;
        HeadSummary& s = r.summary[task];
        s.layer = l;
        s.head = h;
        s.role = t.layers[l].heads[h].role;
        double ent = 0, dist = 0, self = 0, prev = 0, first = 0;
        int rows_used = 0, prev_rows = 0;
        const MatrixRowSource rows = [&](int r0, int count, float* out) {
          ThrowIfCancelled(cancel);
          t.MatrixRows(l, h, HeadMatrix::Weights, r0, count, out);
          for (int a = 0; a < count; ++a) {
            const int i = r0 + a;
            const float* w = out + static_cast<std::size_t>(a) * n;
            float best = -1;
            int arg = -1;
            double di = 0, total = 0;
            for (int j = 0; j < n; ++j) {
              di += static_cast<double>(w[j]) * std::abs(i - j);
              total += w[j];
              if (w[j] > best) best = w[j], arg = j;
            }
            if (total <= 0) continue;  // an empty row says nothing about the head
            ++rows_used;
            ent += RowEntropy(w, n);
            dist += di;
            self += w[i];
            if (i >= 1) prev += w[i - 1], ++prev_rows;
            first += w[0];
            if (l == p.layer) argmax[static_cast<std::size_t>(h) * n + i] = arg;
          }
        };
        PooledMatrix pm = PoolMatrix(rows, t.mask.data(), n, n, factor, factor, PoolMode::Max);
        s.thumb_rows = pm.rows;
        s.thumb_cols = pm.cols;
        s.thumb_factor = factor;
        // Invalid texels (every cell masked) hold 0, never a stale value.
        for (std::size_t k = 0; k < pm.values.size(); ++k)
          if (!pm.valid[k]) pm.values[k] = 0.0f;
        s.thumb = std::move(pm.values);
        s.thumb_valid = std::move(pm.valid);
        if (rows_used > 0) {
          s.entropy = ent / rows_used;
          s.distance = dist / rows_used;
          s.self = self / rows_used;
          s.first = first / rows_used;
          s.previous = prev_rows > 0 ? prev / prev_rows : 0.0;
        }
      },
      p.threads);

  // -- one against several at (layer, query)
  r.rows.resize(H, n);
  r.top_key.assign(H, -1);
  r.top_weight.assign(H, 0.0f);
  r.mean_row.assign(n, 0.0f);
  double hent = 0;
  // The query's row read from its 64-row block, as Trace::Matrix computes it,
  // so these numbers equal the heatmap's to the last bit.
  const int b0 = query / 64 * 64, brows = std::min(64, n - b0);
  std::vector<float> block(static_cast<std::size_t>(brows) * n);
  for (int h = 0; h < H; ++h) {
    t.MatrixRows(p.layer, h, HeadMatrix::Weights, b0, brows, block.data());
    std::copy(block.begin() + static_cast<std::ptrdiff_t>(query - b0) * n,
              block.begin() + static_cast<std::ptrdiff_t>(query - b0 + 1) * n, &r.rows(h, 0));
    float best = 0;
    for (int j = 0; j < n; ++j) {
      r.mean_row[j] += r.rows(h, j) / H;
      if (r.rows(h, j) > best) best = r.rows(h, j), r.top_key[h] = j;
    }
    r.top_weight[h] = best;
    hent += RowEntropy(&r.rows(h, 0), n);
  }
  r.head_entropy = hent / H;
  r.mean_row_entropy = RowEntropy(r.mean_row.data(), n);
  r.mean_row_max = *std::max_element(r.mean_row.begin(), r.mean_row.end());
  for (int h = 0; h < H; ++h) {
    const int k = r.top_key[h];
    if (k < 0) continue;
    auto it = std::find_if(r.targets.begin(), r.targets.end(), [k](const HeadTarget& x) { return x.key == k; });
    if (it == r.targets.end()) {
      HeadTarget tg;
      tg.key = k;
      tg.best_head = h;
      tg.best_weight = r.rows(h, k);
      tg.mean_weight = r.mean_row[k];
      r.targets.push_back(tg);
      it = r.targets.end() - 1;
    }
    it->heads.push_back(h);
    if (r.rows(h, k) > it->best_weight) it->best_weight = r.rows(h, k), it->best_head = h;
  }
  std::sort(r.targets.begin(), r.targets.end(), [](const HeadTarget& a, const HeadTarget& b) { return a.key < b.key; });

  // Sentence level: distinct strongest keys per token at this layer.
  double total = 0;
  int counted = 0;
  std::vector<int> keys;
  for (int i = 0; i < n; ++i) {
    keys.clear();
    for (int h = 0; h < H; ++h) {
      const int k = argmax[static_cast<std::size_t>(h) * n + i];
      if (k >= 0 && std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
    }
    if (keys.empty()) continue;
    total += static_cast<double>(keys.size());
    ++counted;
  }
  r.sentence_targets = counted > 0 ? total / counted : 0;
  return r;
}

HeadsLesson RunHeadsLesson(Engine& engine, const Request& request, const HeadsParams& p, const CancelToken* cancel) {
  const TracePtr t = engine.Run(request, cancel);
  return ComputeHeadsLesson(*t, p, cancel);
}

nlohmann::json ToJson(const HeadsLesson& r) {
  nlohmann::json j;
  j["lesson"] = "heads";
  j["n"] = r.n;
  j["layers"] = r.layers;
  j["heads"] = r.heads;
  j["d_model"] = r.d_model;
  j["d_k"] = r.d_k;
  j["tokens"] = r.tokens;
  nlohmann::json s = nlohmann::json::array();
  for (const HeadSummary& h : r.summary)
    s.push_back({{"layer", h.layer},
                 {"head", h.head},
                 {"role", h.role},
                 {"entropy", h.entropy},
                 {"distance", h.distance},
                 {"self", h.self},
                 {"previous", h.previous},
                 {"first", h.first}});
  j["summary"] = std::move(s);
  if (!r.summary.empty())
    j["thumb"] = {{"rows", r.summary[0].thumb_rows}, {"cols", r.summary[0].thumb_cols}, {"factor", r.summary[0].thumb_factor}};
  nlohmann::json rows = nlohmann::json::array();
  for (int h = 0; h < r.rows.rows(); ++h)
    rows.push_back(std::vector<float>(&r.rows(h, 0), &r.rows(h, 0) + r.rows.cols()));
  nlohmann::json targets = nlohmann::json::array();
  for (const HeadTarget& t : r.targets)
    targets.push_back({{"key", t.key},
                       {"best_head", t.best_head},
                       {"best_weight", t.best_weight},
                       {"mean_weight", t.mean_weight},
                       {"heads", t.heads}});
  j["query"] = {{"layer", r.layer},
                {"token", r.query},
                {"weights", std::move(rows)},
                {"top_key", r.top_key},
                {"top_weight", r.top_weight},
                {"mean_row", r.mean_row},
                {"targets", std::move(targets)},
                {"mean_row_max", r.mean_row_max},
                {"mean_row_entropy", r.mean_row_entropy},
                {"head_entropy", r.head_entropy}};
  j["sentence_targets"] = r.sentence_targets;
  return j;
}

HeadGridFigure MakeModelViewFigure(std::shared_ptr<const HeadsLesson> lesson, Colormap map, float vmax,
                                   std::string subtitle) {
  const HeadsLesson& l = *lesson;
  HeadGridFigure g;
  g.columns = l.heads;  // a row of panels per layer, as on screen
  g.title = "Every head of every layer \xC2\xB7 attention weights, max-pooled";
  g.subtitle = std::move(subtitle);
  g.labels = false;
  for (const HeadSummary& s : l.summary) {
    HeatmapFigure p;
    p.values = s.thumb.data();
    p.mask = s.thumb_valid.data();
    p.rows = s.thumb_rows;
    p.cols = s.thumb_cols;
    p.title = "L" + std::to_string(s.layer + 1) + " \xC2\xB7 H" + std::to_string(s.head) + (s.role.empty() ? "" : " " + s.role);
    p.row_caption.clear();
    p.col_caption.clear();
    p.colorbar_caption = "weight (block max)";
    p.colormap = map;
    p.vmin = 0.0f;
    p.vmax = vmax;
    p.cell_values = CellValues::Hide;
    p.labels = false;
    p.colorbar = false;
    p.keep_alive = lesson;
    g.panels.push_back(std::move(p));
  }
  return g;
}

}  // namespace attnviz::lessons
