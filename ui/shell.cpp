// The shell (see shell.h): construction and the frame's layout. Each part of
// the frame lives in ui/shell/:
//   header.cpp        wordmark, sentence box, compute state, presenter toggle
//   token_row.cpp     the token chips under the header
//   sidebar.cpp       chapters and the Playground
//   chapter_area.cpp  Prev / Next, errors and notices, the chapter
//   controls.cpp      the controls panel
//   status_bar.cpp    the status bar
//   notifications.*   notices and toasts
//   keys.cpp          keyboard shortcuts
//   export.cpp        Ctrl+E
//
// Index:
//   [SECTION] Construction
//   [SECTION] Frame (Draw): the fixed layout
#include "ui/shell.h"

#include <algorithm>
#include <cmath>

#include <imgui.h>

#include "core/cli/options.h"
#include "core/model/builtin.h"
#include "ui/figure_export.h"
#include "ui/shell/shell_style.h"

namespace attnviz::ui {

// [SECTION] Construction

Shell::Shell(TextureService& textures, const Settings& initial, const ShellKeys& keys)
    : textures_(&textures), request_(initial.request), keys_(keys) {
  static_cast<UiSettings&>(ui_) = initial.ui;
  chapters_ = MakeChapters(textures);
  for (auto& c : chapters_)
    if (auto it = ui_.chapter_state.find(c->number()); it != ui_.chapter_state.end()) c->RestoreState(it->second);
  export_enabled_ = FigureExportAvailable();
  // A checkpoint (--model DIR, or the one the settings remember) is loaded off
  // the UI thread like one typed in the path box; the window opens on the
  // built-in model meanwhile, and stays on it if the load fails.
  if (IsCheckpointModel(request_.model)) {
    const std::string name = request_.model;
    request_.model = "builtin";
    ApplyBuiltinShape(request_);
    if (request_.positional == Positional::Learned) request_.positional = Request{}.positional;
    model_box_ = name;
    LoadModel(name);
  }
}

Shell::~Shell() = default;

float Shell::WantedFontPixels(float content_scale) const {
  const float base = ui_.presenter ? std::max(ui_.font_size * 1.5f, 24.0f) : ui_.font_size;
  return std::round(base * std::max(content_scale, 0.5f));
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

// [SECTION] Frame (Draw): the fixed layout

void Shell::Draw(const ShellFrame& frame) {
  layout_.Clear();
  const Trace* trace = frame.trace.get();
  PollModelLoad();
  // The layer and head asked for before a load (--layer L) come back with the
  // new model's first trace (the previous model's views had clamped them).
  if (wanted_layer_ >= 0 && trace && trace->config.model == request_.model) {
    ui_.layer = std::min(wanted_layer_, std::max(trace->config.layers - 1, 0));
    ui_.focused_head = std::min(wanted_head_, std::max(trace->config.heads - 1, 0));
    wanted_layer_ = wanted_head_ = -1;
  }
  HandleKeys(trace);

  // Validation of the edit copy, for messages in place (cheap; redone on change).
  if (!validated_once_ || !(validated_ == request_)) {
    validated_ = request_;
    validated_once_ = true;
    validation_ = FindRequestProblem(request_);
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

  // A model that predicts (a checkpoint) gets the next-token panel on the
  // right of the sentence and the token strip; the others keep the full width.
  const float root_w = ImGui::GetContentRegionAvail().x;
  const bool next_panel = trace && !trace->next_token.empty() && root_w > 50.0f * ImGui::GetFontSize();
  header_reserve_ = next_panel ? std::round(std::min(25.0f * ImGui::GetFontSize(), root_w * 0.34f)) : 0.0f;
  const ImVec2 header_top = ImGui::GetCursorScreenPos();
  computing_ = frame.busy;
  DrawHeader(frame);
  DrawTokenStrip(trace);
  if (next_panel) DrawNextToken(trace, header_top, root_w);

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
  notes_.DrawToasts();

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
  layout_.Fact("validation", validation_.message);
  layout_.Fact("notices", std::to_string(notes_.notice_count()));
  layout_.Fact("font", fonts_.dejavu ? "dejavu" : "imgui");
  layout_.Fact("model", request_.model);
  layout_.Fact("trace_model", trace ? trace->config.model : "");
  layout_.Fact("model_loading", loading_model_);
  layout_.Fact("model_error", model_error_);
  layout_.Fact("next_tokens", std::to_string(trace ? trace->next_token.size() : 0));
  if (!last_export_.empty()) layout_.Fact("last_export", last_export_);
}

}  // namespace attnviz::ui
