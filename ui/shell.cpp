// The shell (see shell.h).
//
// Index:
//   [SECTION] Construction, notices, toasts
//   [SECTION] Keyboard
//   [SECTION] Frame (Draw): the fixed layout
//   [SECTION] Header: sentence box and compute state
//   [SECTION] Token strip
//   [SECTION] Sidebar: chapters and the Playground
//   [SECTION] Controls
//   [SECTION] Chapter area
//   [SECTION] Status bar
//   [SECTION] Toasts
//   [SECTION] Export (Ctrl+E)
#include "ui/shell.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>

#include <imgui.h>
#include <imgui_internal.h>  // ClearActiveID: leave the sentence box on Esc without reverting it
#include <imgui_stdlib.h>

#include "core/figure/colormap.h"
#include "core/limits.h"
#include "core/types.h"
#include "ui/figure_export.h"
#include "ui/segmented_control.h"

namespace attnviz::ui {

namespace {

constexpr double kToastSeconds = 4.0;

ImVec4 Col(ImU32 c) { return ImGui::ColorConvertU32ToFloat4(c); }

// A small uppercase section title with a hairline under it.
void SectionTitle(const char* text) {
  const Palette& pal = CurrentPalette();
  ImGui::Dummy(ImVec2(0, ImGui::GetStyle().ItemSpacing.y * 0.6f));
  ImGui::PushStyleColor(ImGuiCol_Text, Col(pal.text_faint));
  ImGui::TextUnformatted(text);
  ImGui::PopStyleColor();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImGui::GetWindowDrawList()->AddLine(ImVec2(p.x, p.y - 2), ImVec2(p.x + ImGui::GetContentRegionAvail().x, p.y - 2),
                                      pal.separator);
  ImGui::Dummy(ImVec2(0, 2));
}

// A boxed one-paragraph message (warning or error) that wraps to the width.
void MessageBox(const std::string& text, bool error, float reserve_right = 0) {
  const Palette& pal = CurrentPalette();
  const float pad = ImGui::GetStyle().FramePadding.x;
  const float width = ImGui::GetContentRegionAvail().x;
  const float wrap = width - pad * 2 - reserve_right;
  const ImVec2 sz = ImGui::CalcTextSize(text.c_str(), nullptr, false, wrap);
  const ImVec2 p = ImGui::GetCursorScreenPos();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 q(p.x + width, p.y + sz.y + pad * 1.4f);
  dl->AddRectFilled(p, q, error ? pal.error_bg : pal.warning_bg, ImGui::GetStyle().FrameRounding);
  dl->AddRectFilled(p, ImVec2(p.x + 3, q.y), error ? pal.error : pal.warning, 1.5f);
  dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(p.x + pad, p.y + pad * 0.7f), pal.text, text.c_str(),
              nullptr, wrap);
  ImGui::Dummy(ImVec2(width, q.y - p.y));
}

// Which controls section an error from ValidateRequest is about, so it is shown there.
enum class ControlSection { Model, Positional, Mask, Softmax };
ControlSection SectionOf(const std::string& error) {
  if (error.rfind("rope", 0) == 0) return ControlSection::Positional;
  if (error.rfind("window", 0) == 0 || error.rfind("block", 0) == 0 || error.rfind("global", 0) == 0)
    return ControlSection::Mask;
  if (error.rfind("temperature", 0) == 0) return ControlSection::Softmax;
  return ControlSection::Model;
}

std::string GlobalsToText(const std::vector<int>& g) {
  std::string s;
  for (std::size_t i = 0; i < g.size(); ++i) s += (i ? "," : "") + std::to_string(g[i]);
  return s;
}

// "0, 5,9" -> {0, 5, 9}; false for anything else (the field shows it in red).
bool ParseGlobalsText(const std::string& s, std::vector<int>* out) {
  std::vector<int> g;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (s[i] == ' ' || s[i] == ',')) ++i;
    if (i >= s.size()) break;
    if (s[i] < '0' || s[i] > '9') return false;
    long v = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      v = v * 10 + (s[i] - '0');
      if (v >= kMaxTokens) return false;
      ++i;
    }
    if (i < s.size() && s[i] != ' ' && s[i] != ',') return false;
    if (std::find(g.begin(), g.end(), static_cast<int>(v)) == g.end()) g.push_back(static_cast<int>(v));
  }
  *out = g;
  return true;
}

}  // namespace

// [SECTION] Construction, notices, toasts

Shell::Shell(TextureService& textures, const Settings& initial, const ShellKeys& keys)
    : textures_(&textures), request_(initial.request), ui_(initial.ui), keys_(keys) {
  chapters_ = MakeChapters(textures);
  export_enabled_ = FigureExportAvailable();
}

Shell::~Shell() = default;

float Shell::WantedFontPixels(float content_scale) const {
  const float base = ui_.presenter ? std::max(ui_.font_size * 1.5f, 24.0f) : ui_.font_size;
  return std::round(base * std::max(content_scale, 0.5f));
}

void Shell::AddNotice(std::string text) {
  if (!text.empty()) notices_.push_back(std::move(text));
}

void Shell::Toast(std::string text, bool error) {
  toasts_.push_back({std::move(text), error, ImGui::GetCurrentContext() ? ImGui::GetTime() : 0.0});
  if (toasts_.size() > 4) toasts_.erase(toasts_.begin());
}

const char* Shell::ChapterTitle(int number) const {
  for (const auto& c : chapters_)
    if (c->number() == number) return c->title();
  return "";
}

bool Shell::ControlsOpen(float window_w) const {
  // Sidebar 15.5 em + controls 19 em + at least 40 em for the chapter.
  return ui_.show_controls && !ui_.presenter && window_w >= 75.0f * ImGui::GetFontSize();
}
bool Shell::SidebarOpen(float window_w) const {
  return ui_.show_sidebar && !ui_.presenter && window_w >= 58.0f * ImGui::GetFontSize();
}

Chapter* Shell::ChapterByNumber(int number) {
  for (auto& c : chapters_)
    if (c->number() == number) return c.get();
  return chapters_.front().get();
}

// [SECTION] Keyboard

void Shell::HandleKeys(const Trace* trace) {
  ImGuiIO& io = ImGui::GetIO();
  auto pressed = [](int key, bool repeat = false) { return key >= 0 && ImGui::IsKeyPressed(key, repeat); };
  auto pressed_map = [](ImGuiKey key, bool repeat = false) {
    return ImGui::IsKeyPressed(ImGui::GetKeyIndex(key), repeat);
  };
  // Ctrl shortcuts work even while typing in the sentence box.
  if (io.KeyCtrl && pressed(keys_.e) && export_enabled_) export_pending_ = true;
  if (io.KeyCtrl && pressed(keys_.equal, true)) ui_.font_size = std::min(ui_.font_size + 1.0f, 40.0f);
  if (io.KeyCtrl && pressed(keys_.minus, true)) ui_.font_size = std::max(ui_.font_size - 1.0f, 10.0f);
  if (pressed(keys_.f11)) ui_.presenter = !ui_.presenter;
  if (io.WantTextInput || ImGui::IsAnyItemActive()) return;

  const int n = trace ? trace->n() : 0;
  if (pressed_map(ImGuiKey_Escape)) ui_.selected_token = -1;
  if (n > 0 && pressed_map(ImGuiKey_RightArrow, true))
    ui_.selected_token = ui_.selected_token < 0 ? 0 : std::min(ui_.selected_token + 1, n - 1);
  if (n > 0 && pressed_map(ImGuiKey_LeftArrow, true))
    ui_.selected_token = ui_.selected_token < 0 ? n - 1 : std::max(ui_.selected_token - 1, 0);
  if (n > 0 && pressed_map(ImGuiKey_Home)) ui_.selected_token = 0;
  if (n > 0 && pressed_map(ImGuiKey_End)) ui_.selected_token = n - 1;
  if (trace && !trace->layers.empty() && pressed_map(ImGuiKey_Tab, true)) {
    const int heads = static_cast<int>(trace->layers[std::clamp(ui_.layer, 0, int(trace->layers.size()) - 1)].heads.size());
    if (heads > 0) ui_.focused_head = (ui_.focused_head + (io.KeyShift ? heads - 1 : 1)) % heads;
  }
  // Chapters: PgDn / PgUp walk 1..8 then the Playground; digits jump.
  auto step_chapter = [&](int dir) {
    int idx = ui_.chapter == kPlaygroundChapter ? kChapterCount + 1 : ui_.chapter;  // 1..9
    idx = std::clamp(idx + dir, 1, kChapterCount + 1);
    ui_.chapter = idx == kChapterCount + 1 ? kPlaygroundChapter : idx;
  };
  if (pressed_map(ImGuiKey_PageDown)) step_chapter(+1);
  if (pressed_map(ImGuiKey_PageUp)) step_chapter(-1);
  if (!io.KeyCtrl && !io.KeyAlt) {
    for (int d = 0; d <= kChapterCount; ++d)
      if (pressed(keys_.digit[d])) ui_.chapter = d;  // 0 = Playground
  }
}

// [SECTION] Frame (Draw): the fixed layout

void Shell::Draw(const ShellFrame& frame) {
  layout_.Clear();
  const Trace* trace = frame.trace.get();
  HandleKeys(trace);

  // Validation of the edit copy, for messages in place (cheap; redone on change).
  if (!validated_once_ || !(validated_ == request_)) {
    validated_ = request_;
    validated_once_ = true;
    try {
      ValidateRequest(request_);
      validation_error_.clear();
    } catch (const InputError& e) {
      validation_error_ = e.what();
    }
  }

  const ImGuiViewport* vp = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(vp->WorkPos);
  ImGui::SetNextWindowSize(vp->WorkSize);
  const ImGuiWindowFlags root_flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove |
                                      ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus |
                                      ImGuiWindowFlags_NoScrollWithMouse | ImGuiWindowFlags_NoNavInputs;
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::Begin("attnviz##root", nullptr, root_flags);
  ImGui::PopStyleVar();

  DrawHeader(frame);
  computing_ = frame.busy;
  DrawTokenStrip(trace);

  const float status_h = ImGui::GetFrameHeight() + ImGui::GetStyle().ItemSpacing.y;
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  const float body_h = std::max(avail.y - status_h, 10.0f);
  const float fs = ImGui::GetFontSize();
  // Narrow windows fold the panels first (without forgetting the person's choice).
  const bool sidebar = SidebarOpen(avail.x);
  const bool controls = ControlsOpen(avail.x);
  const float sidebar_w = sidebar ? std::round(15.5f * fs) : std::round(2.2f * fs);
  const float controls_w = controls ? std::round(19.0f * fs) : std::round(2.2f * fs);

  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(0, 0));
  ImGui::SetCursorPosX(0);
  // NoNavInputs everywhere: Tab cycles heads here, it must not also jump into a field.
  ImGui::BeginChild("##sidebar", ImVec2(sidebar_w, body_h), false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoNavInputs);
  ImGui::PopStyleVar();
  DrawSidebar();
  ImGui::EndChild();
  ImGui::SameLine(0, 0);

  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(0, 0));
  const float chapter_w = std::max(avail.x - sidebar_w - controls_w, 50.0f);
  ImGui::PushStyleColor(ImGuiCol_ChildBg, Col(CurrentPalette().background));
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(std::round(1.3f * fs), std::round(0.9f * fs)));
  ImGui::BeginChild("##chapter", ImVec2(chapter_w, body_h), false,
                    ImGuiWindowFlags_AlwaysUseWindowPadding | ImGuiWindowFlags_NoNavInputs);
  ImGui::PopStyleVar(2);
  DrawChapter(frame);
  ImGui::EndChild();
  ImGui::PopStyleColor();
  ImGui::SameLine(0, 0);

  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(0, 0));
  ImGui::BeginChild("##controls", ImVec2(controls_w, body_h), false, ImGuiWindowFlags_NoNavInputs);
  ImGui::PopStyleVar();
  DrawControls(trace);
  ImGui::EndChild();

  DrawStatusBar(frame);
  ImGui::End();
  DrawToasts();

  // Ctrl+E after the chapter has offered its heatmap this frame.
  if (export_pending_) {
    export_pending_ = false;
    ExportFocused();
  }

  layout_.Fact("chapter", std::to_string(ui_.chapter));
  layout_.Fact("selected_token", std::to_string(ui_.selected_token));
  layout_.Fact("focused_head", std::to_string(ui_.focused_head));
  layout_.Fact("tokens", std::to_string(trace ? trace->n() : 0));
  layout_.Fact("mask", DescribeMask(request_.mask));
  layout_.Fact("error", frame.trace_error);
  layout_.Fact("validation", validation_error_);
  layout_.Fact("notices", std::to_string(notices_.size()));
  layout_.Fact("font", fonts_.dejavu ? "dejavu" : "imgui");
  if (!last_export_.empty()) layout_.Fact("last_export", last_export_);
}

// [SECTION] Header: sentence box and compute state

void Shell::DrawSpinner(ImVec2 c, float r) {
  const Palette& pal = CurrentPalette();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float t = static_cast<float>(ImGui::GetTime());
  const float a0 = t * 6.0f;
  dl->PathArcTo(c, r, a0, a0 + 4.2f, 20);
  dl->PathStroke(pal.accent, 0, std::max(2.0f, r * 0.28f));
}

void Shell::DrawHeader(const ShellFrame& frame) {
  const Palette& pal = CurrentPalette();
  const float fs = ImGui::GetFontSize();
  const ImGuiStyle& style = ImGui::GetStyle();
  const float pad_x = std::round(1.0f * fs), pad_y = std::round(0.6f * fs);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 top = ImGui::GetCursorScreenPos();
  const float width = ImGui::GetContentRegionAvail().x;

  ImGui::SetCursorScreenPos(ImVec2(top.x + pad_x, top.y + pad_y));
  // Wordmark: a small accent diamond and the name.
  {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float h = ImGui::GetFrameHeight();
    const float r = fs * 0.36f;
    const ImVec2 c(p.x + r, p.y + h * 0.5f);
    dl->AddQuadFilled(ImVec2(c.x, c.y - r), ImVec2(c.x + r, c.y), ImVec2(c.x, c.y + r), ImVec2(c.x - r, c.y), pal.accent);
    ImGui::Dummy(ImVec2(r * 2 + fs * 0.35f, h));
    ImGui::SameLine(0, 0);
    ImGui::PushFont(fonts_.bold);
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("attnviz");
    ImGui::PopFont();
  }
  ImGui::SameLine(0, fs);

  // Right side: token count, compute state, presenter toggle.
  char count[64];
  if (frame.trace) std::snprintf(count, sizeof count, "%d tokens", frame.trace->n());
  else std::snprintf(count, sizeof count, "no trace yet");
  const char* presenter_label = ui_.presenter ? "Exit presenter" : "Presenter";
  const float right_w = ImGui::CalcTextSize(count).x + ImGui::GetFrameHeight() + fs * 0.8f +
                        ImGui::CalcTextSize(presenter_label).x + style.FramePadding.x * 2 + style.ItemSpacing.x * 3;
  const float box_w = std::max(width - (ImGui::GetCursorScreenPos().x - top.x) - right_w - pad_x, 8 * fs);

  // Esc leaves the box keeping the text: ImGui 1.86 would revert every edit made
  // since the box was clicked, which here means losing a sentence typed live.
  if (sentence_active_ && ImGui::IsKeyPressed(ImGui::GetKeyIndex(ImGuiKey_Escape), false)) ImGui::ClearActiveID();
  ImGui::SetNextItemWidth(box_w);
  ImGui::PushAllowKeyboardFocus(false);  // Tab cycles heads, it must not jump into the box
  ImGui::PushStyleVar(ImGuiStyleVar_FramePadding, ImVec2(style.FramePadding.x * 1.2f, style.FramePadding.y));
  ImGui::InputTextWithHint("##sentence", "Type a sentence; every edit recomputes", &request_.text);
  ImGui::PopStyleVar();
  ImGui::PopAllowKeyboardFocus();
  sentence_active_ = ImGui::IsItemActive();
  layout_.AddLastItem("sentence");
  if (ImGui::IsItemHovered() && !ImGui::IsItemActive())
    ImGui::SetTooltip("The sentence every chapter uses. Edits recompute live; the last result stays on screen.");

  ImGui::SameLine(0, style.ItemSpacing.x * 1.5f);
  {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    const float h = ImGui::GetFrameHeight();
    if (frame.busy) DrawSpinner(ImVec2(p.x + h * 0.5f, p.y + h * 0.5f), h * 0.3f);
    else if (frame.trace && frame.trace_error.empty())
      dl->AddCircleFilled(ImVec2(p.x + h * 0.5f, p.y + h * 0.5f), h * 0.16f, pal.ok);
    else if (!frame.trace_error.empty())
      dl->AddCircleFilled(ImVec2(p.x + h * 0.5f, p.y + h * 0.5f), h * 0.16f, pal.error);
    ImGui::Dummy(ImVec2(h, h));
    if (ImGui::IsItemHovered())
      ImGui::SetTooltip("%s", frame.busy ? "Computing the new trace; the last one stays on screen"
                              : frame.trace_error.empty() ? "Up to date" : frame.trace_error.c_str());
  }
  ImGui::SameLine(0, fs * 0.3f);
  ImGui::AlignTextToFramePadding();
  ImGui::PushStyleColor(ImGuiCol_Text, Col(pal.text_dim));
  ImGui::TextUnformatted(count);
  ImGui::PopStyleColor();
  ImGui::SameLine(0, style.ItemSpacing.x * 1.5f);
  if (ImGui::Button(presenter_label)) ui_.presenter = !ui_.presenter;
  layout_.AddLastItem("presenter");
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Large text, panels collapsed (F11)");

  ImGui::SetCursorScreenPos(ImVec2(top.x, ImGui::GetCursorScreenPos().y + pad_y * 0.4f));
  (void)width;
}

// [SECTION] Token strip

void Shell::DrawTokenStrip(const Trace* trace) {
  const Palette& pal = CurrentPalette();
  const float fs = ImGui::GetFontSize();
  const float pad_x = std::round(1.0f * fs);
  ImGui::SetCursorPosX(pad_x);
  if (!trace) {
    ImGui::PushStyleColor(ImGuiCol_Text, Col(pal.text_faint));
    ImGui::TextUnformatted(computing_ ? "Tokens appear here once the first trace is computed."
                                      : "No tokens: the sentence could not be computed (see the message below).");
    ImGui::PopStyleColor();
    ImGui::Dummy(ImVec2(0, fs * 0.3f));
    return;
  }
  TokenStripData d;
  d.tokens = trace->tokens;
  d.selected = ui_.selected_token;
  d.highlighted = ui_.hovered_token;
  if (request_.mask.pattern == MaskPattern::GlobalLocal) d.globals = request_.mask.globals;
  d.allow_global_toggle = true;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  const float avail_w = ImGui::GetContentRegionAvail().x - pad_x;
  ImGui::BeginGroup();
  ImGui::PushItemWidth(avail_w);
  // Long texts scroll inside at most three lines (two when presenting), so the
  // views keep the room; the line pitch is measured from last frame's chips.
  float strip_h = 0.0f;
  const int max_lines = ui_.presenter ? 2 : 3;
  const auto& prev = strip_.chip_rects();
  if (strip_.lines() > max_lines && prev.size() >= 2) {
    const float pitch = (prev.back().y - prev.front().y) / static_cast<float>(strip_.lines() - 1);
    strip_h = std::round(pitch * max_lines);
  }
  TokenStripResult r = strip_.Draw("##tokens", d, strip_h);
  ImGui::PopItemWidth();
  ImGui::EndGroup();
  ImGui::PopStyleVar();
  layout_.AddLastItem("token_strip");
  if (record_chips_) {
    const auto& rects = strip_.chip_rects();
    for (std::size_t i = 0; i < rects.size() && i < trace->tokens.size(); ++i)
      layout_.token_chips.push_back({trace->tokens[i].text, ImVec2(origin.x + rects[i].x, origin.y + rects[i].y),
                                     ImVec2(origin.x + rects[i].z, origin.y + rects[i].w)});
  }
  if (r.hovered >= 0) hover_this_frame_ = r.hovered;
  if (r.selection_changed) ui_.selected_token = r.selected;
  if (r.toggled_global >= 0) {
    std::vector<int>& g = request_.mask.globals;
    auto it = std::find(g.begin(), g.end(), r.toggled_global);
    if (it != g.end()) g.erase(it);
    else g.push_back(r.toggled_global);
    std::sort(g.begin(), g.end());
    globals_text_dirty_ = true;
    if (request_.mask.pattern != MaskPattern::GlobalLocal) {
      request_.mask.pattern = MaskPattern::GlobalLocal;
      Toast("Mask switched to global-local so the global tokens take effect");
    }
  }
  ImGui::Dummy(ImVec2(0, fs * 0.25f));
}

// [SECTION] Sidebar: chapters and the Playground

void Shell::DrawSidebar() {
  const Palette& pal = CurrentPalette();
  const float fs = ImGui::GetFontSize();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 wp = ImGui::GetWindowPos(), ws = ImGui::GetWindowSize();
  dl->AddRectFilled(wp, ImVec2(wp.x + ws.x, wp.y + ws.y), pal.panel);
  dl->AddLine(ImVec2(wp.x + ws.x - 1, wp.y), ImVec2(wp.x + ws.x - 1, wp.y + ws.y), pal.separator);
  const bool open = SidebarOpen(ImGui::GetMainViewport()->WorkSize.x);
  const float pad = std::round(0.7f * fs);

  if (!open) {
    ImGui::SetCursorPos(ImVec2(std::round(0.35f * fs), pad));
    if (ImGui::Button("»", ImVec2(1.5f * fs, 0))) {
      if (ui_.presenter) ui_.presenter = false;
      ui_.show_sidebar = true;
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Show the chapters");
    // The current chapter number, vertically under the button.
    ImGui::SetCursorPosX(std::round(0.35f * fs));
    ImGui::PushStyleColor(ImGuiCol_Text, Col(pal.accent));
    ImGui::Dummy(ImVec2(0, fs * 0.4f));
    ImGui::SetCursorPosX(std::round(0.35f * fs) + fs * 0.45f);
    if (ui_.chapter == kPlaygroundChapter) ImGui::TextUnformatted("P");
    else ImGui::Text("%d", ui_.chapter);
    ImGui::PopStyleColor();
    return;
  }

  ImGui::SetCursorPos(ImVec2(pad, pad));
  ImGui::PushStyleColor(ImGuiCol_Text, Col(pal.text_faint));
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("CHAPTERS");
  ImGui::PopStyleColor();
  ImGui::SameLine(ws.x - pad - 1.5f * fs);
  if (ImGui::Button("«", ImVec2(1.5f * fs, 0))) ui_.show_sidebar = false;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Hide the chapters");
  ImGui::Dummy(ImVec2(0, fs * 0.3f));

  const float item_w = ws.x - pad * 2 + 0.3f * fs;
  auto entry = [&](const Chapter& c) {
    const int num = c.number();
    const bool current = ui_.chapter == num;
    const float badge = fs * 1.45f;
    const float text_x = badge + fs * 0.55f;
    const float wrap = item_w - text_x - fs * 0.5f;
    const ImVec2 tsz = ImGui::CalcTextSize(c.title(), nullptr, false, wrap);
    const float h = std::max(badge, tsz.y) + fs * 0.55f;
    ImGui::SetCursorPosX(pad - 0.3f * fs);
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::PushID(num);
    const bool clicked = ImGui::InvisibleButton("chapter", ImVec2(item_w, h));
    const bool hovered = ImGui::IsItemHovered();
    ImGui::PopID();
    layout_.AddLastItem("sidebar." + std::to_string(num));
    if (clicked) ui_.chapter = num;
    if (current || hovered)
      dl->AddRectFilled(p, ImVec2(p.x + item_w, p.y + h), current ? pal.accent_soft : pal.chip, fs * 0.4f);
    if (current) dl->AddRectFilled(ImVec2(p.x, p.y + h * 0.22f), ImVec2(p.x + 3, p.y + h * 0.78f), pal.accent, 1.5f);
    const ImVec2 bc(p.x + fs * 0.35f + badge * 0.5f, p.y + h * 0.5f);
    char label[8];
    if (num == kPlaygroundChapter) std::snprintf(label, sizeof label, "P");
    else std::snprintf(label, sizeof label, "%d", num);
    dl->AddCircleFilled(bc, badge * 0.5f, current ? pal.accent : pal.chip_border);
    const ImVec2 ls = ImGui::CalcTextSize(label);
    dl->AddText(ImVec2(bc.x - ls.x * 0.5f, bc.y - ls.y * 0.5f), current ? pal.accent_text : pal.text, label);
    dl->AddText(ImGui::GetFont(), fs, ImVec2(p.x + fs * 0.35f + text_x, p.y + (h - tsz.y) * 0.5f),
                current ? pal.text : pal.text_dim, c.title(), nullptr, wrap);
    if (hovered) ImGui::SetTooltip("%s", c.subtitle());
  };
  for (const auto& c : chapters_)
    if (c->number() != kPlaygroundChapter) entry(*c);
  ImGui::Dummy(ImVec2(0, fs * 0.4f));
  {
    const ImVec2 p = ImGui::GetCursorScreenPos();
    dl->AddLine(ImVec2(p.x + pad, p.y), ImVec2(p.x + ws.x - pad, p.y), pal.separator);
    ImGui::Dummy(ImVec2(0, fs * 0.5f));
  }
  for (const auto& c : chapters_)
    if (c->number() == kPlaygroundChapter) entry(*c);

  // Keyboard hint at the bottom.
  const char* hint = "PgUp/PgDn or 1-8: chapters\n0: Playground   Tab: heads\n\xE2\x86\x90/\xE2\x86\x92: tokens   Esc: clear";
  const ImVec2 hs = ImGui::CalcTextSize(hint);
  if (ImGui::GetCursorPosY() + hs.y + pad * 2 < ws.y) {
    ImGui::SetCursorPos(ImVec2(pad, ws.y - hs.y - pad));
    ImGui::PushStyleColor(ImGuiCol_Text, Col(pal.text_faint));
    ImGui::TextUnformatted(hint);
    ImGui::PopStyleColor();
  }
}

// [SECTION] Controls

void Shell::DrawControls(const Trace* trace) {
  const Palette& pal = CurrentPalette();
  const float fs = ImGui::GetFontSize();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 wp = ImGui::GetWindowPos(), ws = ImGui::GetWindowSize();
  dl->AddRectFilled(wp, ImVec2(wp.x + ws.x, wp.y + ws.y + ImGui::GetScrollY()), pal.panel);
  dl->AddLine(ImVec2(wp.x, wp.y), ImVec2(wp.x, wp.y + ws.y), pal.separator);
  const bool open = ControlsOpen(ImGui::GetMainViewport()->WorkSize.x);
  const float pad = std::round(0.9f * fs);

  if (!open) {
    ImGui::SetCursorPos(ImVec2(std::round(0.35f * fs), std::round(0.7f * fs)));
    if (ImGui::Button("«", ImVec2(1.5f * fs, 0))) {
      if (ui_.presenter) ui_.presenter = false;
      ui_.show_controls = true;
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Show the controls");
    return;
  }

  ImGui::SetCursorPos(ImVec2(pad, std::round(0.7f * fs)));
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(8, std::round(0.42f * fs)));
  ImGui::BeginGroup();
  const float w = ws.x - pad * 2 - ImGui::GetStyle().ScrollbarSize * 0.5f;
  ImGui::PushItemWidth(w * 0.55f);
  ImGui::PushStyleColor(ImGuiCol_Text, Col(pal.text_faint));
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted("CONTROLS");
  ImGui::PopStyleColor();
  ImGui::SameLine(w - 1.5f * fs);
  if (ImGui::Button("»", ImVec2(1.5f * fs, 0))) ui_.show_controls = false;
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("Hide the controls");

  const ControlSection err_section = SectionOf(validation_error_);
  auto error_here = [&](ControlSection s) {
    if (!validation_error_.empty() && err_section == s) MessageBox(validation_error_, true);
  };

  // -- model
  SectionTitle("MODEL");
  {
    static const char* const kModels[] = {"built-in", "random"};
    int m = request_.model == "random" ? 1 : request_.model == "builtin" ? 0 : -1;
    if (SegmentedControl("model", kModels, 2, &m)) {
      request_.model = m == 1 ? "random" : "builtin";
      if (m == 0) {  // the built-in model has one shape
        request_.d_model = 64;
        request_.heads = 8;
        if (request_.heads % request_.kv_heads != 0) request_.kv_heads = 8;
        request_.layers = 1;
      }
    }
    layout_.AddLastItem("control.model");
    if (m == -1) {
      ImGui::TextWrapped("checkpoint: %s", request_.model.c_str());
    }
    const bool random = request_.model == "random";
    if (random) {
      ImGui::InputScalar("seed", ImGuiDataType_U64, &request_.seed, nullptr, nullptr, "%llu");
      layout_.AddLastItem("control.seed");
      ImGui::InputInt("d_model", &request_.d_model, 8, 64);
      request_.d_model = std::clamp(request_.d_model, 1, kMaxDModel);
      layout_.AddLastItem("control.d_model");
      if (ImGui::InputInt("heads", &request_.heads, 1, 4)) {
        request_.heads = std::clamp(request_.heads, 1, kMaxHeads);
        // Keep G a divisor: the nearest divisor of the new H at or below the old G.
        int g = std::min(request_.kv_heads, request_.heads);
        while (g > 1 && request_.heads % g != 0) --g;
        request_.kv_heads = g;
      }
      layout_.AddLastItem("control.heads");
      ImGui::InputInt("layers", &request_.layers, 1, 4);
      request_.layers = std::clamp(request_.layers, 1, kMaxLayers);
    } else {
      ImGui::PushStyleColor(ImGuiCol_Text, Col(pal.text_dim));
      ImGui::TextWrapped("d_model 64, 8 heads, 1 layer: the built-in model's heads are set by hand for "
                         "named roles. Choose random for other shapes.");
      ImGui::PopStyleColor();
    }
    // kv heads: the divisors of H.
    char preview[32];
    std::snprintf(preview, sizeof preview, "%d%s", request_.kv_heads,
                  request_.kv_heads == request_.heads ? " (MHA)" : request_.kv_heads == 1 ? " (MQA)" : " (GQA)");
    if (ImGui::BeginCombo("kv-heads", preview)) {
      for (int g = request_.heads; g >= 1; --g) {
        if (request_.heads % g != 0) continue;
        char item[32];
        std::snprintf(item, sizeof item, "%d%s", g, g == request_.heads ? " (MHA)" : g == 1 ? " (MQA)" : " (GQA)");
        if (ImGui::Selectable(item, g == request_.kv_heads)) request_.kv_heads = g;
      }
      ImGui::EndCombo();
    }
    layout_.AddLastItem("control.kv_heads");
    error_here(ControlSection::Model);
  }

  // -- positional
  SectionTitle("POSITION");
  {
    static const char* const kNames[] = {"none", "sinusoidal", "rope", "alibi"};
    static const Positional kValues[] = {Positional::None, Positional::Sinusoidal, Positional::Rope, Positional::Alibi};
    int cur = -1;
    for (int i = 0; i < 4; ++i)
      if (request_.positional == kValues[i]) cur = i;
    if (ImGui::Combo("positional", &cur, kNames, 4)) request_.positional = kValues[cur];
    layout_.AddLastItem("control.positional");
    if (request_.positional == Positional::Learned) ImGui::TextDisabled("learned (from the checkpoint)");
    error_here(ControlSection::Positional);
  }

  // -- mask
  SectionTitle("MASK");
  {
    static const char* const kPatterns[] = {"full", "sliding", "global-local", "block-sparse"};
    int p = static_cast<int>(request_.mask.pattern);
    if (ImGui::Combo("pattern", &p, kPatterns, 4)) request_.mask.pattern = static_cast<MaskPattern>(p);
    layout_.AddLastItem("control.pattern");
    ImGui::Checkbox("causal", &request_.mask.causal);
    layout_.AddLastItem("control.causal");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("A query sees only itself and earlier tokens (GPT); off = BERT");
    const MaskPattern pat = request_.mask.pattern;
    if (pat == MaskPattern::Sliding || pat == MaskPattern::GlobalLocal) {
      if (ImGui::InputInt("window w", &request_.mask.window, 1, 4)) request_.mask.window = std::clamp(request_.mask.window, 1, kMaxTokens);
      layout_.AddLastItem("control.window");
    }
    if (pat == MaskPattern::GlobalLocal) {
      if (globals_text_dirty_) {
        globals_text_ = GlobalsToText(request_.mask.globals);
        globals_text_dirty_ = false;
      }
      std::vector<int> parsed;
      const bool ok = ParseGlobalsText(globals_text_, &parsed);
      if (!ok) ImGui::PushStyleColor(ImGuiCol_Text, Col(pal.error));
      if (ImGui::InputTextWithHint("globals", "0,5", &globals_text_) && ParseGlobalsText(globals_text_, &parsed))
        request_.mask.globals = parsed;
      if (!ok) ImGui::PopStyleColor();
      layout_.AddLastItem("control.globals");
      ImGui::PushStyleColor(ImGuiCol_Text, Col(pal.text_faint));
      ImGui::TextWrapped("Ctrl+click a token chip to toggle it global.");
      ImGui::PopStyleColor();
      if (!ok) MessageBox("globals: token indices separated by commas, e.g. 0,5", true);
      if (trace) {
        for (int g : request_.mask.globals)
          if (g >= trace->n()) {
            MessageBox("global token " + std::to_string(g) + " is past the last token (" +
                           std::to_string(trace->n() - 1) + ") and is ignored",
                       false);
            break;
          }
      }
    } else if (globals_text_dirty_ == false) {
      globals_text_dirty_ = true;  // re-read from the Request next time the field shows
    }
    if (pat == MaskPattern::BlockSparse) {
      if (ImGui::InputInt("block b", &request_.mask.block, 1, 4)) request_.mask.block = std::clamp(request_.mask.block, 1, kMaxTokens);
      layout_.AddLastItem("control.block");
    }
    ImGui::PushStyleColor(ImGuiCol_Text, Col(pal.text_dim));
    ImGui::TextWrapped("%s", DescribeMask(request_.mask).c_str());
    ImGui::PopStyleColor();
    error_here(ControlSection::Mask);
  }

  // -- softmax
  SectionTitle("SOFTMAX");
  {
    ImGui::Checkbox("scale by 1/sqrt(d_k)", &request_.scale);
    layout_.AddLastItem("control.scale");
    ImGui::SliderFloat("temperature", &request_.temperature, kMinTemperature, kMaxTemperature, "T = %.3g",
                       ImGuiSliderFlags_Logarithmic);
    if (!(request_.temperature >= kMinTemperature)) request_.temperature = kMinTemperature;
    if (request_.temperature > kMaxTemperature) request_.temperature = kMaxTemperature;
    layout_.AddLastItem("control.temperature");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Logits are divided by T: T < 1 sharpens, T > 1 flattens");
    if (request_.temperature != 1.0f) {
      ImGui::SameLine();
      if (ImGui::SmallButton("1")) request_.temperature = 1.0f;
    }
    error_here(ControlSection::Softmax);
  }

  // -- view
  SectionTitle("VIEW");
  {
    const Colormap cur = ParseColormap(ui_.colormap).value_or(Colormap::Viridis);
    if (ImGui::BeginCombo("colormap", std::string(ToString(cur)).c_str())) {
      for (Colormap c : AllColormaps()) {
        ImGui::PushID(static_cast<int>(c));
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const bool sel = ImGui::Selectable("##cm", c == cur, 0, ImVec2(0, ImGui::GetFrameHeight()));
        // A gradient swatch and the name.
        ImDrawList* pdl = ImGui::GetWindowDrawList();
        const float sw = 4.0f * fs, sh = ImGui::GetFrameHeight() * 0.6f;
        const ImVec2 s0(p.x + 2, p.y + (ImGui::GetFrameHeight() - sh) * 0.5f);
        const int steps = 24;
        for (int i = 0; i < steps; ++i) {
          const Rgb8 a = ColormapAt(c, (i + 0.5f) / steps);
          pdl->AddRectFilled(ImVec2(s0.x + sw * i / steps, s0.y), ImVec2(s0.x + sw * (i + 1) / steps + 0.5f, s0.y + sh),
                             IM_COL32(a.r, a.g, a.b, 255));
        }
        pdl->AddText(ImVec2(s0.x + sw + fs * 0.5f, p.y + (ImGui::GetFrameHeight() - fs) * 0.5f), pal.text,
                     std::string(ToString(c)).c_str());
        if (sel) ui_.colormap = std::string(ToString(c));
        ImGui::PopID();
      }
      ImGui::EndCombo();
    }
    layout_.AddLastItem("control.colormap");
    ImGui::Checkbox("values in cells", &ui_.show_values);
    static const char* const kThemes[] = {"dark", "light"};
    int theme = ui_.theme == Theme::Light ? 1 : 0;
    if (SegmentedControl("theme", kThemes, 2, &theme)) ui_.theme = theme == 1 ? Theme::Light : Theme::Dark;
    ImGui::SliderFloat("font size", &ui_.font_size, 12.0f, 28.0f, "%.0f px");
    ui_.font_size = std::round(std::clamp(ui_.font_size, 10.0f, 40.0f));
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Ctrl+= / Ctrl+- from anywhere");
    ImGui::Checkbox("presenter mode (F11)", &ui_.presenter);
    if (!fonts_.note.empty()) MessageBox(fonts_.note, false);
  }

  // -- export
  if (export_enabled_) {
    SectionTitle("EXPORT");
    ImGui::PushStyleColor(ImGuiCol_Text, Col(pal.text_dim));
    ImGui::TextWrapped("Ctrl+E saves the heatmap under the mouse (or the first one) as PNG in %s",
                       ExportDirectory().c_str());
    ImGui::PopStyleColor();
    if (!last_export_.empty()) {
      ImGui::PushStyleColor(ImGuiCol_Text, Col(pal.text_faint));
      ImGui::TextWrapped("last: %s", last_export_.c_str());
      ImGui::PopStyleColor();
    }
  }
  ImGui::PopItemWidth();
  ImGui::EndGroup();
  ImGui::PopStyleVar();
  ImGui::Dummy(ImVec2(0, pad));
}

// [SECTION] Chapter area

void Shell::DrawChapter(const ShellFrame& frame) {
  const ImGuiStyle& style = ImGui::GetStyle();
  Chapter* chapter = ChapterByNumber(ui_.chapter);
  ui_.chapter = chapter->number();

  // Prev / Next in the top-right corner, drawn first so the chapter's title flows beside them.
  float nav_width = 0;
  {
    const ImVec2 start = ImGui::GetCursorPos();
    const float bw = ImGui::CalcTextSize("Next \xE2\x80\xBA").x + style.FramePadding.x * 2;
    const float x = ImGui::GetWindowContentRegionMax().x - bw * 2 - style.ItemSpacing.x;
    ImGui::SetCursorPos(ImVec2(x, start.y));
    nav_width = bw * 2 + style.ItemSpacing.x * 3;
    const int idx = ui_.chapter == kPlaygroundChapter ? kChapterCount + 1 : ui_.chapter;
    ImGui::BeginDisabled(idx <= 1);
    if (ImGui::Button("\xE2\x80\xB9 Prev", ImVec2(bw, 0))) {
      const int t = idx - 1;
      ui_.chapter = t;
    }
    ImGui::EndDisabled();
    layout_.AddLastItem("nav.prev");
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("Previous chapter (PgUp)");
    ImGui::SameLine();
    ImGui::BeginDisabled(idx >= kChapterCount + 1);
    if (ImGui::Button("Next \xE2\x80\xBA", ImVec2(bw, 0))) {
      const int t = idx + 1;
      ui_.chapter = t == kChapterCount + 1 ? kPlaygroundChapter : t;
    }
    ImGui::EndDisabled();
    layout_.AddLastItem("nav.next");
    if (ImGui::IsItemHovered(ImGuiHoveredFlags_AllowWhenDisabled)) ImGui::SetTooltip("Next chapter (PgDn)");
    ImGui::SetCursorPos(start);
  }

  // Errors about the text (too long, invalid UTF-8) or the model, and notices,
  // in place above the views, under the navigation row.
  const bool have_error = !frame.trace_error.empty() && frame.error_is_current;
  if (have_error || !notices_.empty()) {
    ImGui::Dummy(ImVec2(0, ImGui::GetFrameHeight()));
    if (have_error)
      MessageBox("Not computed: " + frame.trace_error + (frame.trace ? ". Showing the last good result." : ""), true);
    for (std::size_t i = 0; i < notices_.size();) {
      MessageBox(notices_[i], false, ImGui::CalcTextSize("Dismiss").x + style.FramePadding.x * 4);
      const ImVec2 after = ImGui::GetCursorPos();
      const ImVec2 box_min = ImGui::GetItemRectMin(), box_max = ImGui::GetItemRectMax();
      ImGui::SetCursorScreenPos(ImVec2(box_max.x - ImGui::CalcTextSize("Dismiss").x - style.FramePadding.x * 3,
                                       box_min.y + (box_max.y - box_min.y - ImGui::GetFrameHeight()) * 0.5f));
      ImGui::PushID(static_cast<int>(i));
      const bool dismiss = ImGui::Button("Dismiss");
      ImGui::PopID();
      layout_.AddLastItem("notice.dismiss");
      ImGui::SetCursorPos(after);
      if (dismiss) notices_.erase(notices_.begin() + static_cast<long>(i));
      else ++i;
    }
  }
  ChapterContext ctx{frame.trace.get(), frame.generation, request_, ui_, *textures_, fonts_, layout_};
  ctx.compute = &compute_;
  ctx.computing = frame.busy;
  ctx.title_reserve = nav_width;
  ImGui::PushID(chapter->number());
  chapter->Draw(ctx);
  ImGui::PopID();
  // Hover reported this frame by the strip or the views is what next frame highlights.
  ui_.hovered_token = hover_this_frame_ >= 0 ? hover_this_frame_ : ctx.hover_this_frame;
  hover_this_frame_ = -1;
  if (!ImGui::IsWindowHovered(ImGuiHoveredFlags_ChildWindows)) {
    ui_.hovered_row = ui_.hovered_col = -1;
  }
  if (ctx.export_target.Exportable()) {
    export_target_ = ctx.export_target;
    export_trace_ = frame.trace;
  } else {
    export_target_ = {};
    export_trace_.reset();
  }
  if (ctx.export_requested && export_enabled_) export_pending_ = true;
}

// [SECTION] Status bar

void Shell::DrawStatusBar(const ShellFrame& frame) {
  const Palette& pal = CurrentPalette();
  const float fs = ImGui::GetFontSize();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p = ImGui::GetCursorScreenPos();
  const float w = ImGui::GetWindowWidth();
  const float h = ImGui::GetContentRegionAvail().y;
  dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), pal.panel);
  dl->AddLine(p, ImVec2(p.x + w, p.y), pal.separator);
  std::string s;
  if (const Trace* t = frame.trace.get()) {
    const TraceConfig& c = t->config;
    char buf[256];
    std::snprintf(buf, sizeof buf, "%s  \xC2\xB7  d_model %d  \xC2\xB7  %d heads  \xC2\xB7  %d kv  \xC2\xB7  d_k %d  \xC2\xB7  %s  \xC2\xB7  ",
                  c.model.c_str(), c.d_model, c.heads, c.kv_heads, c.d_k, std::string(ToString(c.positional)).c_str());
    s = buf;
    s += DescribeMask(c.mask);
    if (!c.scale) s += "  \xC2\xB7  unscaled";
    if (c.temperature != 1.0f) {
      std::snprintf(buf, sizeof buf, "  \xC2\xB7  T %.3g", c.temperature);
      s += buf;
    }
    if (frame.compute_ms >= 0) {
      std::snprintf(buf, sizeof buf, "  \xC2\xB7  computed in %.1f ms", frame.compute_ms);
      s += buf;
    }
  } else {
    s = frame.busy ? "computing the first trace..." : "no trace";
  }
  const float ty = p.y + (h - fs) * 0.5f;
  const char* right = export_enabled_ ? "Ctrl+E export  \xC2\xB7  F11 presenter" : "F11 presenter";
  const float rw = ImGui::CalcTextSize(right).x;
  const float left_max = p.x + w - rw - 2.5f * fs;
  if (left_max > p.x + 10 * fs) dl->AddText(ImVec2(p.x + w - rw - fs, ty), pal.text_faint, right);
  dl->PushClipRect(p, ImVec2(std::max(left_max, p.x + 10 * fs), p.y + h), true);
  dl->AddText(ImVec2(p.x + fs, ty), pal.text_dim, s.c_str());
  dl->PopClipRect();
  ImGui::Dummy(ImVec2(w, h));
}

// [SECTION] Toasts

void Shell::DrawToasts() {
  if (toasts_.empty()) return;
  const Palette& pal = CurrentPalette();
  const double now = ImGui::GetTime();
  toasts_.erase(std::remove_if(toasts_.begin(), toasts_.end(),
                               [&](const ToastEntry& t) { return now - t.born > kToastSeconds; }),
                toasts_.end());
  const ImGuiViewport* vp = ImGui::GetMainViewport();
  const float fs = ImGui::GetFontSize();
  ImDrawList* dl = ImGui::GetForegroundDrawList();
  float y = vp->WorkPos.y + vp->WorkSize.y - 3.2f * fs;
  const float max_w = std::min(36.0f * fs, vp->WorkSize.x * 0.6f);
  for (auto it = toasts_.rbegin(); it != toasts_.rend(); ++it) {
    const double age = now - it->born;
    const float alpha = static_cast<float>(std::clamp((kToastSeconds - age) / 0.5, 0.0, 1.0));
    const ImVec2 ts = ImGui::CalcTextSize(it->text.c_str(), nullptr, false, max_w);
    const float pad = 0.8f * fs;
    const ImVec2 q(vp->WorkPos.x + vp->WorkSize.x - 1.2f * fs, y);
    const ImVec2 p(q.x - ts.x - pad * 2, q.y - ts.y - pad * 1.4f);
    auto fade = [&](ImU32 c) {
      ImVec4 v = ImGui::ColorConvertU32ToFloat4(c);
      v.w *= alpha;
      return ImGui::ColorConvertFloat4ToU32(v);
    };
    dl->AddRectFilled(ImVec2(p.x + 2, p.y + 3), ImVec2(q.x + 2, q.y + 3), fade(IM_COL32(0, 0, 0, 90)), fs * 0.5f);
    dl->AddRectFilled(p, q, fade(pal.panel_alt), fs * 0.5f);
    dl->AddRect(p, q, fade(it->error ? pal.error : pal.chip_border), fs * 0.5f);
    dl->AddRectFilled(ImVec2(p.x, p.y + fs * 0.4f), ImVec2(p.x + 3, q.y - fs * 0.4f), fade(it->error ? pal.error : pal.ok));
    dl->AddText(ImGui::GetFont(), fs, ImVec2(p.x + pad, p.y + pad * 0.7f), fade(pal.text), it->text.c_str(), nullptr, max_w);
    y = p.y - 0.5f * fs;
  }
}

// [SECTION] Export (Ctrl+E)

std::string Shell::ExportDirectory() { return DefaultExportDirectory(); }

void Shell::ExportFocused() {
  if (!export_target_.Exportable() || !export_trace_) {
    Toast("Nothing to export: no heatmap is on screen", true);
    return;
  }
  std::string error;
  const std::string path = ExportHeatmapPng(export_target_, *export_trace_, ExportDirectory(), &error);
  if (path.empty()) {
    Toast("Export failed: " + error, true);
    return;
  }
  last_export_ = path;
  Toast("Saved " + path);
}

}  // namespace attnviz::ui
