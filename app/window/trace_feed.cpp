// The window's link to the TraceWorker (see trace_feed.h).
#include "app/window/trace_feed.h"

namespace attnviz::app {

TraceFeed::TraceFeed(const Request& first, double now_ms, const MatrixPrewarm& prewarm)
    : posted_(first), posted_at_(now_ms) {
  worker_.Post(first, prewarm);
}

bool TraceFeed::Sync(const Request& edited, double now_ms, ui::ShellFrame* frame, const MatrixPrewarm& prewarm) {
  bool posted = false;
  if (!(edited == posted_)) {
    posted_ = edited;
    posted_while_idle_ = !worker_.Busy();
    worker_.Post(posted_, prewarm);
    posted_at_ = now_ms;
    posted = true;
  }
  const unsigned long gen = worker_.Generation();
  frame->busy = worker_.Busy();
  if (gen != seen_generation_) {
    seen_generation_ = gen;
    TracePtr latest = worker_.Latest();
    if (latest != frame->trace) frame->generation = gen;
    frame->trace = latest;
    frame->trace_error = worker_.LatestError();
    frame->error_is_current = !frame->busy;
    frame->compute_ms =
        (!frame->busy && posted_while_idle_ && frame->trace_error.empty()) ? now_ms - posted_at_ : -1;
  }
  return posted;
}

}  // namespace attnviz::app
