// The `sinks` lesson (chapter 6): attention sinks and StreamingLLM (Xiao et al. 2023).
//
// A cache cannot grow forever. The obvious cut, a sliding window of the last w
// tokens, breaks trained models as soon as the first tokens fall out of it:
// many heads park the weight they do not need on the first token (a "sink"),
// and once it is gone the softmax must hand that weight to the tokens that
// remain. StreamingLLM keeps the first few tokens for ever plus the recent
// window, which as a mask is global-local with the sinks as the globals,
// causal: token i reads j < s or i - w < j <= i.
//
// The lesson runs the engine three ways, all causal: full attention, sinks +
// window, and the window alone, and compares every row of each head with full
// attention (the share of attention that moved). It also measures how much of
// full attention each head puts on the sink tokens.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/cancel.h"
#include "core/request.h"
#include "core/trace.h"

namespace attnviz {
class Engine;
}

namespace attnviz::lessons {

struct SinksParams {
  int sinks = 1;    // s: first tokens kept (StreamingLLM uses 4)
  int window = 4;   // w: recent tokens kept (the token itself included)
  int layer = 0;
  int head = 0;     // whose per-row changes are returned
};

struct SinksHead {
  int head = 0;
  std::string role;
  double sink_mass = 0;        // full attention's mean weight on the sinks, rows that can drop something
  double tv_streaming = 0;     // attention moved by sinks + window, mean over those rows
  double tv_window = 0;        // ... by the window alone
  double output_err_streaming = 0;  // ||out - out_full|| / max(||out||, ||out_full||) over those rows
  double output_err_window = 0;
};

struct SinksLesson {
  int n = 0, sinks = 0, window = 0, layer = 0, head = 0;
  int first_affected_row = 0;        // rows below this keep every key in both variants (w)
  TracePtr full, streaming, window_only;
  std::vector<SinksHead> heads;      // H of `layer`
  std::vector<double> row_tv_streaming, row_tv_window;  // (N) for `head`
  std::vector<double> row_sink_mass;                    // (N) full attention's weight on the sinks, `head`
};

SinksLesson RunSinksLesson(Engine& engine, const Request& request, const SinksParams& p, const CancelToken* cancel = nullptr);

nlohmann::json ToJson(const SinksLesson& l);

}  // namespace attnviz::lessons
