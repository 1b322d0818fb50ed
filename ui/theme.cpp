#include "ui/theme.h"

#include <cstdio>
#include <sys/stat.h>

namespace attnviz::ui {

namespace {

constexpr const char* kDejaVuDir = "/usr/share/fonts/truetype/dejavu/";

ImVec4 Hex(unsigned rgb, float a = 1.0f) {
  return ImVec4(((rgb >> 16) & 0xff) / 255.0f, ((rgb >> 8) & 0xff) / 255.0f, (rgb & 0xff) / 255.0f, a);
}
ImU32 U32(unsigned rgb, unsigned a = 255) {
  return IM_COL32((rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff, a);
}

Palette DarkPalette() {
  Palette p;
  p.background = U32(0x14161b);
  p.panel = U32(0x1a1d23);
  p.panel_alt = U32(0x20242c);
  p.separator = U32(0x2a2f38);
  p.text = U32(0xe4e7ec);
  p.text_dim = U32(0x9aa3b2);
  p.text_faint = U32(0x626b7a);
  p.accent = U32(0x7aa2f7);
  p.accent_soft = U32(0x7aa2f7, 60);
  p.accent_text = U32(0x0f1320);
  p.chip = U32(0x262b35);
  p.chip_hover = U32(0x313846);
  p.chip_border = U32(0x3a4150);
  p.warning = U32(0xe0af68);
  p.warning_bg = U32(0x3a2f1c);
  p.error = U32(0xf7768e);
  p.error_bg = U32(0x3b1f27);
  p.ok = U32(0x9ece6a);
  return p;
}

Palette LightPalette() {
  Palette p;
  p.background = U32(0xf4f5f7);
  p.panel = U32(0xfbfbfc);
  p.panel_alt = U32(0xeceef2);
  p.separator = U32(0xd9dce3);
  p.text = U32(0x1d2330);
  p.text_dim = U32(0x5a6272);
  p.text_faint = U32(0x8e95a3);
  p.accent = U32(0x3b6fe0);
  p.accent_soft = U32(0x3b6fe0, 45);
  p.accent_text = U32(0xffffff);
  p.chip = U32(0xe8ebf0);
  p.chip_hover = U32(0xdbe1ea);
  p.chip_border = U32(0xc8ced8);
  p.warning = U32(0x9a6200);
  p.warning_bg = U32(0xfff1d6);
  p.error = U32(0xc0213d);
  p.error_bg = U32(0xfde4e8);
  p.ok = U32(0x3d7a16);
  return p;
}

Palette g_palette = DarkPalette();

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

}  // namespace

const Palette& CurrentPalette() { return g_palette; }

void ApplyTheme(Theme theme, float scale) {
  g_palette = theme == Theme::Light ? LightPalette() : DarkPalette();
  ImGuiStyle style;
  if (theme == Theme::Light) ImGui::StyleColorsLight(&style);
  else ImGui::StyleColorsDark(&style);

  style.WindowPadding = ImVec2(14, 12);
  style.FramePadding = ImVec2(9, 5);
  style.CellPadding = ImVec2(6, 4);
  style.ItemSpacing = ImVec2(8, 7);
  style.ItemInnerSpacing = ImVec2(6, 5);
  style.IndentSpacing = 18;
  style.ScrollbarSize = 12;
  style.GrabMinSize = 10;
  style.WindowBorderSize = 0;
  style.ChildBorderSize = 1;
  style.PopupBorderSize = 1;
  style.FrameBorderSize = 0;
  style.WindowRounding = 0;
  style.ChildRounding = 8;
  style.FrameRounding = 6;
  style.PopupRounding = 8;
  style.ScrollbarRounding = 8;
  style.GrabRounding = 6;
  style.TabRounding = 6;
  style.SelectableTextAlign = ImVec2(0, 0.5f);
  style.WindowMenuButtonPosition = ImGuiDir_None;

  ImVec4* c = style.Colors;
  if (theme == Theme::Dark) {
    c[ImGuiCol_Text] = Hex(0xe4e7ec);
    c[ImGuiCol_TextDisabled] = Hex(0x6b7483);
    c[ImGuiCol_WindowBg] = Hex(0x14161b);
    c[ImGuiCol_ChildBg] = Hex(0x1a1d23);
    c[ImGuiCol_PopupBg] = Hex(0x1e2229, 0.98f);
    c[ImGuiCol_Border] = Hex(0x2a2f38);
    c[ImGuiCol_BorderShadow] = Hex(0x000000, 0);
    c[ImGuiCol_FrameBg] = Hex(0x252a33);
    c[ImGuiCol_FrameBgHovered] = Hex(0x2d333e);
    c[ImGuiCol_FrameBgActive] = Hex(0x343b48);
    c[ImGuiCol_TitleBg] = Hex(0x14161b);
    c[ImGuiCol_TitleBgActive] = Hex(0x1a1d23);
    c[ImGuiCol_MenuBarBg] = Hex(0x1a1d23);
    c[ImGuiCol_ScrollbarBg] = Hex(0x000000, 0);
    c[ImGuiCol_ScrollbarGrab] = Hex(0x343a46);
    c[ImGuiCol_ScrollbarGrabHovered] = Hex(0x414958);
    c[ImGuiCol_ScrollbarGrabActive] = Hex(0x4d5668);
    c[ImGuiCol_CheckMark] = Hex(0x7aa2f7);
    c[ImGuiCol_SliderGrab] = Hex(0x7aa2f7, 0.85f);
    c[ImGuiCol_SliderGrabActive] = Hex(0x9bbaff);
    c[ImGuiCol_Button] = Hex(0x262b35);
    c[ImGuiCol_ButtonHovered] = Hex(0x313846);
    c[ImGuiCol_ButtonActive] = Hex(0x3b4456);
    c[ImGuiCol_Header] = Hex(0x7aa2f7, 0.20f);
    c[ImGuiCol_HeaderHovered] = Hex(0x7aa2f7, 0.13f);
    c[ImGuiCol_HeaderActive] = Hex(0x7aa2f7, 0.28f);
    c[ImGuiCol_Separator] = Hex(0x2a2f38);
    c[ImGuiCol_SeparatorHovered] = Hex(0x7aa2f7, 0.6f);
    c[ImGuiCol_SeparatorActive] = Hex(0x7aa2f7);
    c[ImGuiCol_ResizeGrip] = Hex(0x000000, 0);
    c[ImGuiCol_Tab] = Hex(0x20242c);
    c[ImGuiCol_TabHovered] = Hex(0x313846);
    c[ImGuiCol_TabActive] = Hex(0x2b3240);
    c[ImGuiCol_TableHeaderBg] = Hex(0x20242c);
    c[ImGuiCol_TableBorderStrong] = Hex(0x2a2f38);
    c[ImGuiCol_TableBorderLight] = Hex(0x23272f);
    c[ImGuiCol_TableRowBg] = Hex(0x000000, 0);
    c[ImGuiCol_TableRowBgAlt] = Hex(0xffffff, 0.025f);
    c[ImGuiCol_TextSelectedBg] = Hex(0x7aa2f7, 0.35f);
    c[ImGuiCol_NavHighlight] = Hex(0x7aa2f7);
    c[ImGuiCol_PlotLines] = Hex(0x7aa2f7);
    c[ImGuiCol_PlotHistogram] = Hex(0x7aa2f7);
    c[ImGuiCol_ModalWindowDimBg] = Hex(0x000000, 0.5f);
  } else {
    c[ImGuiCol_Text] = Hex(0x1d2330);
    c[ImGuiCol_TextDisabled] = Hex(0x8e95a3);
    c[ImGuiCol_WindowBg] = Hex(0xf4f5f7);
    c[ImGuiCol_ChildBg] = Hex(0xfbfbfc);
    c[ImGuiCol_PopupBg] = Hex(0xffffff, 0.98f);
    c[ImGuiCol_Border] = Hex(0xd9dce3);
    c[ImGuiCol_FrameBg] = Hex(0xe9ecf1);
    c[ImGuiCol_FrameBgHovered] = Hex(0xdfe4eb);
    c[ImGuiCol_FrameBgActive] = Hex(0xd4dae4);
    c[ImGuiCol_Button] = Hex(0xe8ebf0);
    c[ImGuiCol_ButtonHovered] = Hex(0xdbe1ea);
    c[ImGuiCol_ButtonActive] = Hex(0xcdd5e1);
    c[ImGuiCol_CheckMark] = Hex(0x3b6fe0);
    c[ImGuiCol_SliderGrab] = Hex(0x3b6fe0, 0.85f);
    c[ImGuiCol_SliderGrabActive] = Hex(0x2d5bc4);
    c[ImGuiCol_Header] = Hex(0x3b6fe0, 0.16f);
    c[ImGuiCol_HeaderHovered] = Hex(0x3b6fe0, 0.10f);
    c[ImGuiCol_HeaderActive] = Hex(0x3b6fe0, 0.24f);
    c[ImGuiCol_Separator] = Hex(0xd9dce3);
    c[ImGuiCol_ScrollbarBg] = Hex(0x000000, 0);
    c[ImGuiCol_TableRowBgAlt] = Hex(0x000000, 0.03f);
    c[ImGuiCol_TextSelectedBg] = Hex(0x3b6fe0, 0.30f);
  }
  style.ScaleAllSizes(scale);
  ImGui::GetStyle() = style;
}

Fonts BuildFonts(ImFontAtlas* atlas, float pixel_size) {
  Fonts f;
  f.pixel_size = pixel_size;
  atlas->Clear();
  // Text: Latin + Latin Extended, Greek (math symbols), Cyrillic, phonetic
  // extensions (the superscript T of Kᵀ), punctuation, super/subscripts,
  // arrows, math operators, box drawing and geometric shapes. Headings and
  // numbers need less; fewer glyphs keep the atlas quick to build at startup.
  // Control pictures (␣ marks a token's leading space) and ⟨ ⟩ (the bytes of a
  // split character, core/text/token_label.h) label GPT-2 tokens.
  // U+FFFD is there so ImGui draws it (not '?') for glyphs DejaVu lacks, e.g. emoji.
  static const ImWchar kTextRanges[] = {0x0020, 0x024F, 0x0370, 0x03FF, 0x0400, 0x04FF, 0x1D00, 0x1DBF,
                                        0x2000, 0x206F, 0x2070, 0x209F, 0x2190, 0x21FF, 0x2200, 0x22FF,
                                        0x2400, 0x243F, 0x2500, 0x25FF, 0x27E8, 0x27E9, 0xFFFD, 0xFFFD, 0};
  static const ImWchar kHeadingRanges[] = {0x0020, 0x017F, 0x0370, 0x03FF, 0x1D00, 0x1DBF, 0x2000, 0x206F,
                                           0x2070, 0x209F, 0x2190, 0x21FF, 0x2200, 0x22FF, 0xFFFD, 0xFFFD, 0};
  static const ImWchar kMonoRanges[] = {0x0020, 0x00FF, 0x2200, 0x22FF, 0};
  const std::string sans = std::string(kDejaVuDir) + "DejaVuSans.ttf";
  const std::string bold = std::string(kDejaVuDir) + "DejaVuSans-Bold.ttf";
  const std::string mono = std::string(kDejaVuDir) + "DejaVuSansMono.ttf";
  ImFontConfig cfg;
  // No horizontal oversampling: glyphs are snapped to whole pixels anyway, and
  // it halves the atlas work at startup.
  cfg.OversampleH = 1;
  cfg.OversampleV = 1;
  cfg.PixelSnapH = true;
  if (FileExists(sans)) {
    f.regular = atlas->AddFontFromFileTTF(sans.c_str(), pixel_size, &cfg, kTextRanges);
    const std::string& b = FileExists(bold) ? bold : sans;
    f.bold = atlas->AddFontFromFileTTF(b.c_str(), pixel_size, &cfg, kHeadingRanges);
    f.title = atlas->AddFontFromFileTTF(b.c_str(), pixel_size * 1.45f, &cfg, kHeadingRanges);
    const std::string& m = FileExists(mono) ? mono : sans;
    f.mono = atlas->AddFontFromFileTTF(m.c_str(), pixel_size * 0.95f, &cfg, kMonoRanges);
  }
  if (f.regular && f.bold && f.title && f.mono) {
    f.dejavu = true;
    return f;
  }
  // Fallback: ImGui's embedded ProggyClean, scaled (blurry past 13 px, but readable).
  atlas->Clear();
  f.note = "DejaVu Sans not found in " + std::string(kDejaVuDir) +
           " (install fonts-dejavu-core); using ImGui's built-in font";
  ImFontConfig def;
  def.SizePixels = pixel_size;
  f.regular = atlas->AddFontDefault(&def);
  f.bold = f.regular;
  def.SizePixels = pixel_size * 1.45f;
  f.title = atlas->AddFontDefault(&def);
  f.mono = f.regular;
  return f;
}

}  // namespace attnviz::ui
