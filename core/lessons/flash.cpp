#include "core/lessons/flash.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>

#include "core/attention/mask.h"
#include "core/engine.h"
#include "core/lessons/lesson.h"
#include "core/lessons/weights_difference.h"

namespace attnviz::lessons {

FlashLesson ComputeFlashLesson(int n, int d_k, int heads, int bytes_per_value) {
  FlashLesson f;
  f.n = n;
  f.d_k = d_k;
  f.heads = heads;
  f.bytes_per_value = bytes_per_value;
  f.weights_bytes_per_head = static_cast<double>(n) * n * bytes_per_value;
  f.tiled_state_bytes_per_head = static_cast<double>(n) * (d_k + 2) * bytes_per_value;
  f.ratio = f.tiled_state_bytes_per_head > 0 ? f.weights_bytes_per_head / f.tiled_state_bytes_per_head : 1.0;
  return f;
}

// [SECTION] The stepper

namespace {
constexpr double kNegInf = -std::numeric_limits<double>::infinity();
}

FlashStepper RunFlashStepper(const Mat& q, const Mat& k, const Mat& v, const MaskSpec& mask, float scale,
                             float temperature, float alibi_slope, int block_q, int block_k, int step, int row) {
  FlashStepper S;
  const int n = static_cast<int>(q.rows()), dv = static_cast<int>(v.cols());
  S.n = n;
  S.d_k = static_cast<int>(q.cols());
  S.d_v = dv;
  S.block_q = std::clamp(block_q, 1, std::max(1, n));
  S.block_k = std::clamp(block_k, 1, std::max(1, n));
  S.tiles_q = (n + S.block_q - 1) / S.block_q;
  S.tiles_k = (n + S.block_k - 1) / S.block_k;
  S.row = row < 0 ? n - 1 : std::min(row, n - 1);

  // Logits of every pair (the lesson shows them; the algorithm reads a tile at a time).
  const MaskMat allowed = BuildMask(mask, n);
  Mat logits = q * k.transpose();
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < n; ++j)
      logits(i, j) = allowed(i, j)
                         ? (scale * logits(i, j) - alibi_slope * static_cast<float>(std::abs(i - j))) / temperature
                         : 0.0f;

  S.skipped = MaskMat::Zero(S.tiles_q, S.tiles_k);
  for (int a = 0; a < S.tiles_q; ++a)
    for (int b = 0; b < S.tiles_k; ++b) {
      const int i0 = a * S.block_q, i1 = std::min(n, i0 + S.block_q), j0 = b * S.block_k, j1 = std::min(n, j0 + S.block_k);
      bool any = false;
      for (int i = i0; i < i1 && !any; ++i)
        for (int j = j0; j < j1 && !any; ++j) any = allowed(i, j) != 0;
      if (!any) {
        S.skipped(a, b) = 1;
        ++S.tiles_skipped;
      } else {
        S.tiles.push_back({a, b, i0, i1, j0, j1});
      }
    }
  const int total = static_cast<int>(S.tiles.size());
  S.step = step < 0 ? total : std::min(step, total);

  std::vector<double> m(n, kNegInf), l(n, 0.0);
  Eigen::MatrixXd o = Eigen::MatrixXd::Zero(n, dv);
  S.seen = MaskMat::Zero(n, n);
  auto snapshot = [&] {
    S.m = m;
    S.l = l;
    S.known = Mat::Zero(n, n);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j)
        if (S.seen(i, j) && l[i] > 0) S.known(i, j) = static_cast<float>(std::exp(logits(i, j) - m[i]) / l[i]);
  };
  for (int s = 0; s < total; ++s) {
    if (s == S.step) snapshot();
    const FlashTile& t = S.tiles[s];
    for (int i = t.i0; i < t.i1; ++i) {
      double block_max = kNegInf;
      for (int j = t.j0; j < t.j1; ++j)
        if (allowed(i, j)) block_max = std::max(block_max, static_cast<double>(logits(i, j)));
      double rescale = 1;
      if (block_max > kNegInf) {
        const double m_new = std::max(m[i], block_max);
        rescale = std::exp(m[i] - m_new);  // 0 on the row's first block (exp(-inf))
        l[i] *= rescale;
        o.row(i) *= rescale;
        for (int j = t.j0; j < t.j1; ++j) {
          if (!allowed(i, j)) continue;
          const double p = std::exp(logits(i, j) - m_new);
          l[i] += p;
          o.row(i) += p * v.row(j).cast<double>();
          if (s < S.step) S.seen(i, j) = 1;
        }
        m[i] = m_new;
      }
      if (i == S.row) {
        FlashRowStep r;
        r.step = s;
        r.k_tile = t.k_tile;
        r.m = m[i];
        r.l = l[i];
        r.rescale = rescale;
        r.output.resize(dv, 0.0);
        if (l[i] > 0)
          for (int c = 0; c < dv; ++c) r.output[c] = o(i, c) / l[i];
        S.row_history.push_back(std::move(r));
      }
    }
  }
  if (S.step == total) snapshot();
  S.output = Mat::Zero(n, dv);
  for (int i = 0; i < n; ++i)
    if (l[i] > 0) S.output.row(i) = (o.row(i) / l[i]).cast<float>();
  return S;
}

double StandardAttentionTraffic(double n, double d) { return 4 * n * n + 4 * n * d; }

double TiledAttentionTraffic(double n, double d, double block_q) {
  return 2 * n * d + 2 * n * d * std::ceil(n / std::max(1.0, block_q)) + n;
}

int FlashBlockRows(double m_values, int d) {
  return std::max(1, static_cast<int>(std::floor(m_values / (4.0 * std::max(1, d)))));
}

FlashStepLesson RunFlashLesson(Engine& engine, const Request& request, const FlashParams& p, const CancelToken* cancel) {
  FlashStepLesson L;
  L.trace = engine.Run(request, cancel);
  const Trace& t = *L.trace;
  L.memory = ComputeFlashLesson(t.n(), t.config.d_k, t.config.heads, p.bytes_per_value);
  L.layer = std::clamp(p.layer, 0, static_cast<int>(t.layers.size()) - 1);
  L.head = std::clamp(p.head, 0, static_cast<int>(t.layers[L.layer].heads.size()) - 1);
  const HeadTrace& h = t.layers[L.layer].heads[L.head];
  const KvHeadTrace& kv = t.KvOf(L.layer, L.head);
  const float scale = t.config.scale ? 1.0f / std::sqrt(static_cast<float>(t.config.d_k)) : 1.0f;
  ThrowIfCancelled(cancel);
  L.stepper = RunFlashStepper(h.Q, kv.K, kv.V, t.config.mask, scale, t.config.temperature, h.alibi_slope, p.block_q,
                              p.block_k, p.step, p.row);
  L.max_abs_diff = MaxAbsDifference(L.stepper.output, h.output);

  // The engine's own kernel on this head with the same block sizes.
  AttentionBatch b;
  b.n = t.n();
  b.d_k = b.d_v = t.config.d_k;
  b.mask = t.config.mask;
  b.scale = scale;
  b.temperature = t.config.temperature;
  L.kernel_output.resize(t.n(), t.config.d_k);
  b.q = {h.Q.data()};
  b.k = {kv.K.data()};
  b.v = {kv.V.data()};
  b.out = {L.kernel_output.data()};
  b.alibi_slope = {h.alibi_slope};
  AttentionOptions o;
  o.tile_q = L.stepper.block_q;
  o.tile_k = L.stepper.block_k;
  ComputeAttentionBatch(b, o, cancel, &L.kernel_work);
  L.kernel_max_abs_diff = MaxAbsDifference(L.kernel_output, h.output);

  // Traffic: this sentence with these blocks (empty tiles read nothing), and curves.
  const double n = t.n(), d = t.config.d_k;
  L.traffic_standard = StandardAttentionTraffic(n, d);
  double kv_reads = 0;
  for (const FlashTile& tile : L.stepper.tiles) kv_reads += 2.0 * (tile.j1 - tile.j0) * d;
  L.traffic_tiled = 2 * n * d + kv_reads + n;
  L.sram_values = p.sram_kib * 1024 / p.bytes_per_value;
  L.block_rows_for_m = FlashBlockRows(L.sram_values, t.config.d_k);
  for (double x = 128; x <= (1 << 20); x *= 2) {
    L.curve_n.push_back(x);
    L.curve_standard.push_back(StandardAttentionTraffic(x, d));
    L.curve_tiled.push_back(TiledAttentionTraffic(x, d, L.block_rows_for_m));
  }
  return L;
}

nlohmann::json ToJson(const FlashLesson& f) {
  return {{"lesson", "flash"},
          {"n", f.n},
          {"d_k", f.d_k},
          {"heads", f.heads},
          {"bytes_per_value", f.bytes_per_value},
          {"memory",
           {{"weights_bytes_per_head", static_cast<std::int64_t>(f.weights_bytes_per_head)},
            {"tiled_state_bytes_per_head", static_cast<std::int64_t>(f.tiled_state_bytes_per_head)},
            {"ratio", f.ratio}}}};
}

nlohmann::json ToJson(const FlashStepLesson& f) {
  nlohmann::json j = ToJson(f.memory);
  const FlashStepper& s = f.stepper;
  nlohmann::json history = nlohmann::json::array();
  for (const FlashRowStep& r : s.row_history)
    history.push_back({{"step", r.step},
                       {"k_tile", r.k_tile},
                       {"m", FiniteOrNull(r.m)},
                       {"l", r.l},
                       {"rescale", r.rescale},
                       {"output", r.output}});
  nlohmann::json mj = nlohmann::json::array();
  for (double x : s.m) mj.push_back(FiniteOrNull(x));
  j["layer"] = f.layer;
  j["head"] = f.head;
  j["tiling"] = {{"block_q", s.block_q},
                 {"block_k", s.block_k},
                 {"tiles_q", s.tiles_q},
                 {"tiles_k", s.tiles_k},
                 {"tiles_computed", s.tiles.size()},
                 {"tiles_skipped", s.tiles_skipped},
                 {"step", s.step}};
  j["state"] = {{"m", mj}, {"l", s.l}};
  j["row"] = s.row;
  j["row_history"] = history;
  j["max_abs_diff"] = f.max_abs_diff;
  j["kernel"] = {{"tiles_total", f.kernel_work.tiles_total},
                 {"tiles_skipped", f.kernel_work.tiles_skipped},
                 {"pairs_allowed", f.kernel_work.pairs_allowed},
                 {"max_abs_diff", f.kernel_max_abs_diff}};
  j["traffic"] = {{"standard", f.traffic_standard},
                  {"tiled", f.traffic_tiled},
                  {"sram_values", f.sram_values},
                  {"block_rows_for_sram", f.block_rows_for_m},
                  {"curve_n", f.curve_n},
                  {"curve_standard", f.curve_standard},
                  {"curve_tiled", f.curve_tiled}};
  return j;
}

}  // namespace attnviz::lessons
