// The controls panel on the right: model, positional encoding, mask, softmax,
// view settings and export. Every control edits the Request copy (or the
// UiState); invalid combinations are explained in place, under their section.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "ui/shell.h"
#include "ui/shell/shell_style.h"
#include <imgui_stdlib.h>

#include "core/figure/colormap.h"
#include "core/limits.h"
#include "core/cli/options.h"
#include "ui/segmented_control.h"
#include "ui/theme.h"

namespace attnviz::ui {

namespace {

// The controls section that shows a problem with a Request field.
enum class ControlSection { None, Model, Positional, Mask, Softmax };
ControlSection SectionOf(RequestField f) {
  switch (f) {
    case RequestField::None: return ControlSection::None;
    case RequestField::DModel:
    case RequestField::Heads:
    case RequestField::KvHeads:
    case RequestField::Layers: return ControlSection::Model;
    case RequestField::Positional: return ControlSection::Positional;
    case RequestField::Window:
    case RequestField::Block:
    case RequestField::Globals: return ControlSection::Mask;
    case RequestField::Temperature: return ControlSection::Softmax;
  }
  return ControlSection::Model;
}

}  // namespace

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

  const bool checkpoint = IsCheckpointModel(request_.model);
  const ControlSection err_section = SectionOf(validation_.field);
  auto error_here = [&](ControlSection s) {
    if (err_section != s) return;
    MessageBox(validation_.message, true);
    layout_.AddLastItem("control.problem");
  };

  // -- model (model_load.cpp)
  SectionTitle("MODEL");
  DrawModelControls(trace);
  error_here(ControlSection::Model);

  // -- positional
  SectionTitle("POSITION");
  {
    static const char* const kNames[] = {"none", "sinusoidal", "rope", "alibi"};
    static const Positional kValues[] = {Positional::None, Positional::Sinusoidal, Positional::Rope, Positional::Alibi};
    int cur = -1;
    for (int i = 0; i < 4; ++i)
      if (request_.positional == kValues[i]) cur = i;
    if (checkpoint) {
      // A trained model reads positions only the way it was trained.
      ImGui::BeginDisabled();
      if (ImGui::BeginCombo("positional", "learned")) ImGui::EndCombo();
      ImGui::EndDisabled();
      layout_.AddLastItem("control.positional");
      DisabledReason("GPT-2 uses its learned positions (wpe)");
    } else {
      if (ImGui::Combo("positional", &cur, kNames, 4)) request_.positional = kValues[cur];
      layout_.AddLastItem("control.positional");
      if (request_.positional == Positional::Learned) ImGui::TextDisabled("learned (from the checkpoint)");
    }
    error_here(ControlSection::Positional);
  }

  // -- mask
  SectionTitle("MASK");
  {
    static const char* const kPatterns[] = {"full", "sliding", "global-local", "block-sparse"};
    int p = static_cast<int>(request_.mask.pattern);
    if (ImGui::Combo("pattern", &p, kPatterns, 4)) request_.mask.pattern = static_cast<MaskPattern>(p);
    layout_.AddLastItem("control.pattern");
    ImGui::BeginDisabled(checkpoint);
    ImGui::Checkbox("causal", &request_.mask.causal);
    ImGui::EndDisabled();
    layout_.AddLastItem("control.causal");
    if (checkpoint) DisabledReason("GPT-2 was trained causal: a pattern is ANDed with its causal mask");
    else if (ImGui::IsItemHovered()) ImGui::SetTooltip("A query sees only itself and earlier tokens (GPT); off = BERT");
    const MaskPattern pat = request_.mask.pattern;
    if (pat == MaskPattern::Sliding || pat == MaskPattern::GlobalLocal) {
      if (ImGui::InputInt("window w", &request_.mask.window, 1, 4)) request_.mask.window = std::clamp(request_.mask.window, 1, kMaxTokens);
      layout_.AddLastItem("control.window");
    }
    if (pat == MaskPattern::GlobalLocal) {
      if (globals_text_dirty_) {
        globals_text_ = FormatGlobalTokens(request_.mask.globals);
        globals_text_dirty_ = false;
      }
      const bool ok = ParseGlobalTokens(globals_text_).has_value();
      if (!ok) ImGui::PushStyleColor(ImGuiCol_Text, Col(pal.error));
      if (ImGui::InputTextWithHint("globals", "0,5", &globals_text_))
        if (const auto parsed = ParseGlobalTokens(globals_text_)) request_.mask.globals = *parsed;
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

}  // namespace attnviz::ui
