// Frame statistics (see frame_stats.h).
#include "app/window/frame_stats.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include <sys/resource.h>

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

void FrameStats::AddTraceShown(double posted_ms, double now_ms) {
  if (first_trace_ms_ < 0) first_trace_ms_ = now_ms - start_ms_;
  else trace_ms_.push_back(now_ms - posted_ms);
}

void FrameStats::AddTraceComplete(double posted_ms, double now_ms) {
  if (first_complete_ms_ < 0) first_complete_ms_ = now_ms - start_ms_;
  else complete_ms_.push_back(now_ms - posted_ms);
}

void FrameStats::Print(int tokens) const {
  if (frame_ms_.empty()) {
    std::printf("frame-stats: no frames\n");
    return;
  }
  double fm, fp, um, up;
  MedianP95(frame_ms_, &fm, &fp);
  MedianP95(ui_ms_, &um, &up);
  const double longest = *std::max_element(frame_ms_.begin(), frame_ms_.end());
  std::printf("frame-stats: %zu frames, %d tokens: frame median %.2f ms, p95 %.2f ms, longest %.1f ms; "
              "UI alone median %.2f ms, p95 %.2f ms; vertices %d (last frame), %d (max); "
              "first frame at %.0f ms",
              frame_ms_.size(), tokens, fm, fp, longest, um, up, last_vertices_, max_vertices_, first_frame_ms_);
  if (first_trace_ms_ >= 0) std::printf("; first trace on screen at %.0f ms", first_trace_ms_);
  else std::printf("; no trace on screen");
  if (first_complete_ms_ >= 0) std::printf(", complete at %.0f ms", first_complete_ms_);
  if (!trace_ms_.empty()) {
    double em, ep;
    MedianP95(trace_ms_, &em, &ep);
    std::printf("; %zu edits: request to screen median %.0f ms, max %.0f ms", trace_ms_.size(), em,
                *std::max_element(trace_ms_.begin(), trace_ms_.end()));
  }
  if (!complete_ms_.empty()) {
    double cm, cp;
    MedianP95(complete_ms_, &cm, &cp);
    std::printf(", to complete median %.0f ms, max %.0f ms", cm, *std::max_element(complete_ms_.begin(), complete_ms_.end()));
  }
  rusage ru{};
  if (getrusage(RUSAGE_SELF, &ru) == 0) std::printf("; peak memory %.0f MiB", static_cast<double>(ru.ru_maxrss) / 1024.0);
  std::printf("\n");
}

}  // namespace attnviz::app
