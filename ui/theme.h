// Theme and fonts: one dark and one light palette, DejaVu fonts at the
// requested pixel size (ImGui's own font when DejaVu is missing).
#pragma once
#include <string>

#include <imgui.h>

#include "ui/ui_state.h"

namespace attnviz::ui {

// Colours the shell draws with beyond ImGui's style (chips, badges, banners).
struct Palette {
  ImU32 background, panel, panel_alt, separator;
  ImU32 text, text_dim, text_faint;
  ImU32 accent, accent_soft, accent_text;
  ImU32 chip, chip_hover, chip_border;
  ImU32 warning, warning_bg, error, error_bg, ok;
};
const Palette& CurrentPalette();

// Sets ImGui's style for the theme; sizes scale with `scale` (1 = 17 px text).
void ApplyTheme(Theme theme, float scale);

struct Fonts {
  ImFont* regular = nullptr;
  ImFont* bold = nullptr;     // headings
  ImFont* title = nullptr;    // chapter titles (1.45x)
  ImFont* mono = nullptr;     // numbers in tables
  float pixel_size = 0;       // of `regular`, in framebuffer pixels
  bool dejavu = false;        // false: ImGui's built-in font (DejaVu not installed)
  std::string note;           // why DejaVu was not used, for a one-time notice
};

// Clears the atlas and adds the fonts at pixel_size (framebuffer pixels). The
// caller (the renderer) uploads the atlas afterwards. Covers Latin, Greek and
// Cyrillic plus the math symbols chapter text uses.
Fonts BuildFonts(ImFontAtlas* atlas, float pixel_size);

}  // namespace attnviz::ui
