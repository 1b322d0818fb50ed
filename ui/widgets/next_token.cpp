// Next-token panel (see next_token.h).
#include "ui/widgets/next_token.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ui/theme.h"
#include "ui/widgets/fit_text.h"

namespace attnviz::ui {

namespace {

constexpr int kRowsPerColumn = 5;

float RowHeight() { return std::round(ImGui::GetFontSize() * 1.2f); }

bool SameCandidates(const std::vector<NextToken>& a, const std::vector<NextToken>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (a[i].id != b[i].id || a[i].text != b[i].text) return false;
  return true;
}

}  // namespace

float NextTokenPanel::WantedHeight(int count) {
  const int rows = std::min(std::max(count, 1), kRowsPerColumn);
  return ImGui::GetTextLineHeightWithSpacing() + rows * RowHeight();
}

int NextTokenPanel::Draw(const char* id, const std::vector<NextToken>& next, ImVec2 size, bool stale) {
  const Palette& pal = CurrentPalette();
  const float fs = ImGui::GetFontSize();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  ImGui::PushID(id);
  if (!SameCandidates(next, cached_)) {
    cached_ = next;
    labels_.clear();
    for (const NextToken& t : next) labels_.push_back(LabelTokenBytes(t.text));
  }
  const int alpha = stale ? 140 : 255;
  auto faded = [&](ImU32 c) { return (c & 0x00FFFFFFu) | (static_cast<ImU32>(((c >> 24) & 0xFF) * alpha / 255) << 24); };

  // Title.
  dl->AddText(p0, faded(pal.text_faint), "NEXT TOKEN");
  const float title_h = ImGui::GetTextLineHeightWithSpacing();
  const int n = static_cast<int>(next.size());
  const int columns = n > kRowsPerColumn ? 2 : 1;
  const float gap = std::round(fs * 0.8f);
  const float col_w = std::floor((size.x - gap * (columns - 1)) / columns);
  const float row_h = RowHeight();
  const float pct_w = ImGui::CalcTextSize("100.0%").x;
  const float text_w = std::round(col_w * 0.46f);
  const float bar_w = std::max(col_w - text_w - pct_w - fs * 0.6f, fs);
  const float top_prob = n > 0 ? std::max(next[0].prob, 1e-30f) : 1.0f;
  const float space_w = ImGui::CalcTextSize("\xE2\x90\xA3").x;  // "␣"

  int hovered = -1;
  for (int i = 0; i < n; ++i) {
    const int col = i / kRowsPerColumn, row = i % kRowsPerColumn;
    const ImVec2 r0(p0.x + col * (col_w + gap), p0.y + title_h + row * row_h);
    const ImVec2 r1(r0.x + col_w, r0.y + row_h);
    if (r1.y > p0.y + size.y + 1) break;  // never past the box
    ImGui::SetCursorScreenPos(r0);
    ImGui::PushID(i);
    ImGui::InvisibleButton("##cand", ImVec2(col_w, row_h));
    const bool hot = ImGui::IsItemHovered();
    ImGui::PopID();
    if (hot) {
      hovered = i;
      dl->AddRectFilled(r0, r1, pal.chip_hover, fs * 0.2f);
    }
    const TokenLabel& label = labels_[i];
    const float ty = r0.y + (row_h - fs) * 0.5f;
    float tx = r0.x + fs * 0.15f;
    // The leading space: a faint ␣ before the word, so " the" and "the" differ
    // without the space looking like part of the text.
    if (label.leading_space) {
      dl->AddText(ImVec2(tx, ty), faded(pal.text_faint), "\xE2\x90\xA3");
      tx += space_w;
    }
    const std::string shown = FitTextToWidth(label.text, r0.x + text_w - tx);
    dl->AddText(ImVec2(tx, ty), faded(label.partial ? pal.text_dim : pal.text), shown.c_str());
    // The bar, scaled to the top candidate.
    const float bx = r0.x + text_w, bh = std::round(row_h * 0.42f);
    const float by = r0.y + (row_h - bh) * 0.5f;
    const float frac = std::clamp(next[i].prob / top_prob, 0.0f, 1.0f);
    dl->AddRectFilled(ImVec2(bx, by), ImVec2(bx + bar_w, by + bh), faded(pal.chip), 2.0f);
    if (frac > 0) dl->AddRectFilled(ImVec2(bx, by), ImVec2(bx + std::max(bar_w * frac, 1.0f), by + bh), faded(pal.accent), 2.0f);
    char pct[32];
    const double pc = 100.0 * next[i].prob;
    if (pc >= 10) std::snprintf(pct, sizeof pct, "%.0f%%", pc);
    else if (pc >= 0.1) std::snprintf(pct, sizeof pct, "%.1f%%", pc);
    else std::snprintf(pct, sizeof pct, "%.3f%%", pc);
    const float pw = ImGui::CalcTextSize(pct).x;
    dl->AddText(ImVec2(r1.x - pw, ty), faded(pal.text_dim), pct);
    if (hot) {
      ImGui::BeginTooltip();
      ImGui::Text("#%d  token %d: %s%s", i + 1, next[i].id, label.leading_space ? "space + " : "", label.text.c_str());
      if (!label.group_text.empty()) ImGui::TextUnformatted(label.group_text.c_str());
      if (label.partial) ImGui::TextUnformatted("part of a character: its bytes, not yet a whole letter");
      ImGui::Text("probability %.4g (%.3g%%)", next[i].prob, pc);
      ImGui::TextDisabled("Bars are scaled to the most likely token.");
      ImGui::EndTooltip();
    }
  }
  ImGui::SetCursorScreenPos(p0);
  ImGui::Dummy(size);
  ImGui::PopID();
  return hovered;
}

}  // namespace attnviz::ui
