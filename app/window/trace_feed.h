// The window's link to the TraceWorker: once per frame, before NewFrame, the
// Request the shell edited is posted if it changed, and the newest finished
// trace (or error) comes back as the ShellFrame the shell draws.
#pragma once
#include "core/request.h"
#include "core/trace_worker.h"
#include "ui/shell.h"

namespace attnviz::app {

class TraceFeed {
 public:
  // Posts the first request at once (the window opens while it computes).
  TraceFeed(const Request& first, double now_ms, const MatrixPrewarm& prewarm = {});

  // Returns true when `edited` differed from the last posted request and was posted.
  // `prewarm` names the head matrix the window draws first (computed with the trace, off this thread).
  bool Sync(const Request& edited, double now_ms, ui::ShellFrame* frame, const MatrixPrewarm& prewarm = {});
  // When the newest request was posted (NowMs); its trace's time to the screen starts here.
  double posted_at() const { return posted_at_; }

 private:
  TraceWorker worker_;
  Request posted_;
  double posted_at_ = 0;           // when posted_ was posted (compute time = its result's arrival - this)
  bool posted_while_idle_ = true;  // no older request was computing then, so the time is honest
  unsigned long seen_generation_ = 0;
};

}  // namespace attnviz::app
