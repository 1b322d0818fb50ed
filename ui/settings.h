// Settings: the Request and the saved part of UiState (UiSettings) as JSON.
// Parse/Serialize are pure (string <-> data), with no GL, GLFW or file access,
// so they can be fuzzed. The file helpers below them only add the XDG path,
// atomic writes and keeping a corrupt file aside.
#pragma once
#include <string>
#include <string_view>

#include "core/request.h"
#include "ui/ui_state.h"

namespace attnviz::ui {

struct Settings {
  Request request;
  UiSettings ui;
};

struct SettingsParse {
  Settings settings;   // defaults for anything missing or invalid
  std::string notice;  // empty when the text was fully valid; else one line for a person
  bool corrupt = false;  // not JSON / not an object / wrong format: everything is default
};

// Never throws. Unknown keys are ignored (newer versions may add some); a known
// key with a bad type or out-of-range value falls back to its default and is
// named in the notice; text that is not a settings object gives all defaults.
SettingsParse ParseSettings(std::string_view text);
std::string SerializeSettings(const Settings& s);

// $XDG_CONFIG_HOME/attnviz/settings.json when XDG_CONFIG_HOME is set and
// absolute (the XDG spec says relative values are to be ignored), else
// $HOME/.config/attnviz/settings.json; empty when neither is usable.
std::string SettingsPath(const char* xdg_config_home, const char* home);

struct SettingsLoad {
  Settings settings;
  std::string notice;   // shown in the window once (corrupt file, unreadable file, bad values)
};
// Reads the file (missing = defaults, no notice). A corrupt file is renamed to
// settings.json.bad (an older .bad is replaced) so the next save cannot
// silently overwrite what the person had; the notice names where it went.
SettingsLoad LoadSettingsFile(const std::string& path);
// Creates the directory if needed and writes through a temporary file + rename,
// so a crash mid-write never leaves a half file. Returns "" or an error line.
std::string SaveSettingsFile(const std::string& path, const Settings& s);

}  // namespace attnviz::ui
