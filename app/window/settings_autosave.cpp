// Settings autosave (see settings_autosave.h).
#include "app/window/settings_autosave.h"

#include <cstdio>

#include "ui/shell.h"

namespace attnviz::app {

bool SettingsAutosave::Differs(const ui::Shell& shell) const {
  const ui::Settings now = shell.settings();
  return !(now.request == saved_.request) || !(now.ui == saved_.ui);
}

void SettingsAutosave::Poll(ui::Shell& shell, double now_ms) {
  if (!enabled_ || !Differs(shell)) return;
  if (changed_at_ < 0) changed_at_ = now_ms;
  if (now_ms - changed_at_ <= 1000.0) return;
  saved_ = shell.settings();
  const std::string err = ui::SaveSettingsFile(path_, saved_);
  if (!err.empty()) shell.Toast("Settings not saved: " + err, true);
  changed_at_ = -1;
}

void SettingsAutosave::Flush(const ui::Shell& shell) {
  if (!enabled_ || !Differs(shell)) return;
  const std::string err = ui::SaveSettingsFile(path_, shell.settings());
  if (!err.empty()) std::fprintf(stderr, "attnviz: settings not saved: %s\n", err.c_str());
}

}  // namespace attnviz::app
