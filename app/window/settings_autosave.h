// Settings autosave: what is on screen (the Request and the saved part of
// UiState) is written one second after the last change, and at exit when it
// differs from the file. Runs that only take a screenshot or count frames
// (--screenshot, --frames) never write it.
#pragma once
#include <string>

#include "ui/settings.h"

namespace attnviz::ui {
class Shell;
}

namespace attnviz::app {

class SettingsAutosave {
 public:
  // `saved` is what the file holds now; enabled = false never writes.
  SettingsAutosave(std::string path, ui::Settings saved, bool enabled)
      : path_(std::move(path)), saved_(std::move(saved)), enabled_(enabled) {}

  // Once per frame; a failed save becomes a toast.
  void Poll(ui::Shell& shell, double now_ms);
  // At exit; a failed save is reported on stderr.
  void Flush(const ui::Shell& shell);

 private:
  bool Differs(const ui::Shell& shell) const;

  std::string path_;
  ui::Settings saved_;
  bool enabled_;
  double changed_at_ = -1;  // when what is on screen first differed from the file, -1 = it does not
};

}  // namespace attnviz::app
