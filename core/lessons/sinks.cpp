#include "core/lessons/sinks.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "core/engine.h"
#include "core/limits.h"
#include "core/lessons/weights_difference.h"

namespace attnviz::lessons {

namespace {

// ||a - ref|| / max(||a||, ||ref||) over rows >= first: symmetric, so a head
// whose full output is zero (a sink head writes nothing) still shows a change.
double RowsRelError(const Mat& a, const Mat& ref, int first) {
  if (first >= ref.rows()) return 0;
  const int rows = static_cast<int>(ref.rows()) - first;
  const double norm = std::max(ref.bottomRows(rows).norm(), a.bottomRows(rows).norm());
  return norm > 0 ? (a.bottomRows(rows) - ref.bottomRows(rows)).norm() / norm : 0.0;
}

}  // namespace

SinksLesson RunSinksLesson(Engine& engine, const Request& request, const SinksParams& p, const CancelToken* cancel) {
  SinksLesson L;
  L.sinks = std::clamp(p.sinks, 0, kMaxTokens);
  L.window = std::clamp(p.window, 1, kMaxTokens);
  Request full = request;
  full.mask = MaskSpec{};
  full.mask.causal = true;
  Request streaming = full;
  streaming.mask.pattern = MaskPattern::GlobalLocal;
  streaming.mask.window = L.window;
  streaming.mask.globals.resize(L.sinks);
  std::iota(streaming.mask.globals.begin(), streaming.mask.globals.end(), 0);
  Request window = full;
  window.mask.pattern = MaskPattern::Sliding;
  window.mask.window = L.window;
  L.full = engine.Run(full, cancel);
  L.streaming = engine.Run(streaming, cancel);
  L.window_only = engine.Run(window, cancel);
  L.n = L.full->n();
  L.layer = std::clamp(p.layer, 0, static_cast<int>(L.full->layers.size()) - 1);
  const int H = static_cast<int>(L.full->layers[L.layer].heads.size());
  L.head = std::clamp(p.head, 0, H - 1);
  L.first_affected_row = std::min(L.n, L.window);  // the window alone starts dropping keys here
  const int affected = L.n - L.first_affected_row;
  std::vector<float> row(L.n);
  for (int h = 0; h < H; ++h) {
    ThrowIfCancelled(cancel);
    SinksHead sh;
    sh.head = h;
    sh.role = L.full->layers[L.layer].heads[h].role;
    const WeightsDifference ds = CompareHeadWeights(*L.full, *L.streaming, L.layer, h, {}, true, cancel);
    const WeightsDifference dw = CompareHeadWeights(*L.full, *L.window_only, L.layer, h, {}, true, cancel);
    std::vector<double> sink_rows(L.n, 0.0);
    for (int i = 0; i < L.n; ++i) {
      L.full->MatrixRows(L.layer, h, HeadMatrix::Weights, i, 1, row.data());
      for (int j = 0; j < std::min(L.sinks, L.n); ++j) sink_rows[i] += row[j];
    }
    for (int i = L.first_affected_row; i < L.n; ++i) {
      sh.tv_streaming += ds.row_tv[i] / affected;
      sh.tv_window += dw.row_tv[i] / affected;
      sh.sink_mass += sink_rows[i] / affected;
    }
    const Mat& ref = L.full->layers[L.layer].heads[h].output;
    sh.output_err_streaming = RowsRelError(L.streaming->layers[L.layer].heads[h].output, ref, L.first_affected_row);
    sh.output_err_window = RowsRelError(L.window_only->layers[L.layer].heads[h].output, ref, L.first_affected_row);
    if (h == L.head) {
      L.row_tv_streaming = ds.row_tv;
      L.row_tv_window = dw.row_tv;
      L.row_sink_mass = sink_rows;
    }
    L.heads.push_back(sh);
  }
  return L;
}

nlohmann::json ToJson(const SinksLesson& l) {
  nlohmann::json heads = nlohmann::json::array();
  for (const SinksHead& h : l.heads)
    heads.push_back({{"head", h.head},
                     {"role", h.role},
                     {"sink_mass", h.sink_mass},
                     {"tv_streaming", h.tv_streaming},
                     {"tv_window", h.tv_window},
                     {"output_err_streaming", h.output_err_streaming},
                     {"output_err_window", h.output_err_window}});
  return {{"lesson", "sinks"},
          {"n", l.n},
          {"sinks", l.sinks},
          {"window", l.window},
          {"layer", l.layer},
          {"head", l.head},
          {"first_affected_row", l.first_affected_row},
          {"heads", heads},
          {"row_tv_streaming", l.row_tv_streaming},
          {"row_tv_window", l.row_tv_window},
          {"row_sink_mass", l.row_sink_mass}};
}

}  // namespace attnviz::lessons
