// The row of token chips under the header: hover and click select a token,
// Ctrl+click toggles a global token (switching the mask to global-local).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include <imgui.h>

#include "ui/shell.h"
#include "ui/shell/shell_style.h"

#include "core/text/token_label.h"
#include "ui/theme.h"

namespace attnviz::ui {

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
  // Chips read as a person reads them: a byte-level token's leading space is
  // left to the gap between chips, bytes of a split character show as ⟨E2 80⟩.
  if (labelled_trace_ != trace || labelled_text_ != trace->text || chip_labels_.size() != trace->tokens.size()) {
    labelled_trace_ = trace;
    labelled_text_ = trace->text;
    chip_labels_.clear();
    for (const TokenLabel& l : LabelTokens(trace->tokens, trace->text)) chip_labels_.push_back(l.text);
  }
  TokenStripData d;
  d.tokens = trace->tokens;
  d.labels = chip_labels_;
  d.selected = ui_.selected_token;
  d.highlighted = ui_.hovered_token;
  if (request_.mask.pattern == MaskPattern::GlobalLocal) d.globals = request_.mask.globals;
  d.allow_global_toggle = true;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  const float avail_w = ImGui::GetContentRegionAvail().x - pad_x - header_reserve_;
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
  TokenStripResult r = strip_.Draw("##tokens", d, strip_h, header_reserve_ > 0 ? avail_w : 0.0f);
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

}  // namespace attnviz::ui
