// The settings file's parser (ui/settings.h) on arbitrary bytes. ParseSettings
// never throws; what it returns must serialize to a file that parses back
// cleanly (no notice, not corrupt) to the very same settings.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_invariant.h"
#include "ui/settings.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const attnviz::ui::SettingsParse first = attnviz::ui::ParseSettings(text);
  FUZZ_CHECK(first.notice.find('\n') == std::string::npos);
  FUZZ_CHECK(!first.corrupt || !first.notice.empty());
  const std::string saved = attnviz::ui::SerializeSettings(first.settings);
  const attnviz::ui::SettingsParse again = attnviz::ui::ParseSettings(saved);
  FUZZ_CHECK(!again.corrupt);
  FUZZ_CHECK(again.notice.empty());
  FUZZ_CHECK(attnviz::ui::SerializeSettings(again.settings) == saved);
  return 0;
}
