// Messages for the person. Notices stay until dismissed (a corrupt settings
// file, a missing font) and sit above the chapter's views; toasts fade after a
// few seconds in the bottom-right corner ("Saved ~/Pictures/...png").
#pragma once
#include <string>
#include <vector>

#include "ui/layout_record.h"

namespace attnviz::ui {

class Notifications {
 public:
  void AddNotice(std::string text);  // "" is ignored
  void Toast(std::string text, bool error = false);

  bool has_notices() const { return !notices_.empty(); }
  std::size_t notice_count() const { return notices_.size(); }
  // True while a toast is on screen (it fades by itself: keep drawing frames).
  bool Animating() const { return !toasts_.empty(); }

  // Each notice as a boxed message with a Dismiss button, at the cursor.
  void DrawNotices(LayoutRecord& layout);
  // The toasts, newest lowest, over everything (call after the root window).
  void DrawToasts();

 private:
  struct ToastEntry {
    std::string text;
    bool error = false;
    double born = 0;
  };
  std::vector<std::string> notices_;
  std::vector<ToastEntry> toasts_;
};

}  // namespace attnviz::ui
