// --frame-stats: per frame, the whole frame from the start of its work (after
// waiting for events) to the end of SwapBuffers, and the UI part alone
// (NewFrame through Render: what attnviz computes; the rest is the GL driver
// rasterising, which under Xvfb is the llvmpipe software renderer), plus the
// vertices ImGui made. ATTNVIZ_TRACE_STARTUP=1 prints where start-up time goes.
#pragma once
#include <vector>

namespace attnviz::app {

// Milliseconds on a steady clock.
double NowMs();

class FrameStats {
 public:
  explicit FrameStats(double start_ms) : start_ms_(start_ms) {}
  // Start-up milestones, for ATTNVIZ_TRACE_STARTUP.
  void MarkGlReady() { gl_ms_ = NowMs(); }
  void MarkFontsReady() { fonts_ms_ = NowMs(); }

  // One frame swapped: its whole time, the UI part and the vertex count.
  void Add(double frame_ms, double ui_ms, int vertices);
  // A new trace was drawn (the view's heatmap with it) in a frame swapped at
  // now_ms, for a request posted at posted_ms; and later, complete: every
  // chapter job for it (thumbnails, lessons) done and drawn. The first trace
  // is also timed from start-up.
  void AddTraceShown(double posted_ms, double now_ms);
  void AddTraceComplete(double posted_ms, double now_ms);
  // One line on stdout: median and p95 of both, the longest frame, vertices,
  // first frame, first complete trace, request-to-screen times of the later
  // traces (edits), and the process's peak resident memory.
  void Print(int tokens) const;

 private:
  double start_ms_, gl_ms_ = 0, fonts_ms_ = 0;
  double first_frame_ms_ = -1;  // start to the first frame swapped
  double first_trace_ms_ = -1;     // start to the first frame showing a trace
  double first_complete_ms_ = -1;  // start to the first frame showing it complete
  std::vector<double> trace_ms_, complete_ms_;  // request posted -> on screen / complete, traces after the first
  std::vector<double> frame_ms_, ui_ms_;
  int last_vertices_ = 0, max_vertices_ = 0;
};

}  // namespace attnviz::app
