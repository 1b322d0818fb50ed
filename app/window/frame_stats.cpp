// Frame statistics (see frame_stats.h).
#include "app/window/frame_stats.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

namespace attnviz::app {

namespace {

void MedianP95(std::vector<double> s, double* median, double* p95) {
  std::sort(s.begin(), s.end());
  *median = s[s.size() / 2];
  *p95 = s[std::min(s.size() - 1, static_cast<std::size_t>(0.95 * static_cast<double>(s.size())))];
}

}  // namespace

double NowMs() {
  using namespace std::chrono;
  return duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

void FrameStats::Add(double frame_ms, double ui_ms, int vertices) {
  if (first_frame_ms_ < 0) {
    first_frame_ms_ = NowMs() - start_ms_;
    if (std::getenv("ATTNVIZ_TRACE_STARTUP"))
      std::fprintf(stderr, "attnviz: startup: window + GL %.1f ms, ImGui + fonts %.1f ms, first frame drawn at %.1f ms\n",
                   gl_ms_ - start_ms_, fonts_ms_ - gl_ms_, first_frame_ms_);
  }
  frame_ms_.push_back(frame_ms);
  ui_ms_.push_back(ui_ms);
  last_vertices_ = vertices;
  max_vertices_ = std::max(max_vertices_, vertices);
}

void FrameStats::Print(int tokens) const {
  if (frame_ms_.empty()) {
    std::printf("frame-stats: no frames\n");
    return;
  }
  double fm, fp, um, up;
  MedianP95(frame_ms_, &fm, &fp);
  MedianP95(ui_ms_, &um, &up);
  std::printf("frame-stats: %zu frames, %d tokens: frame median %.2f ms, p95 %.2f ms; "
              "UI alone median %.2f ms, p95 %.2f ms; vertices %d (last frame), %d (max); "
              "first frame at %.0f ms\n",
              frame_ms_.size(), tokens, fm, fp, um, up, last_vertices_, max_vertices_, first_frame_ms_);
}

}  // namespace attnviz::app
