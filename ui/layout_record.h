// LayoutRecord: where things were drawn this frame, in window pixels, so GUI
// tests can click a real token chip or checkbox with xdotool (--layout-dump).
// Recording is a few vector pushes per frame; the JSON is built only on request.
#pragma once
#include <string>
#include <vector>

#include <imgui.h>

namespace attnviz::ui {

struct LayoutRect {
  std::string name;
  ImVec2 min, max;
};

struct LayoutRecord {
  std::vector<LayoutRect> rects;           // named widgets ("sentence", "heatmap", "control.causal", ...)
  std::vector<LayoutRect> token_chips;     // one per token in the strip, name = token text
  std::vector<std::pair<std::string, std::string>> facts;  // state worth asserting on ("selected_token", "3")

  void Clear() {
    rects.clear();
    token_chips.clear();
    facts.clear();
  }
  void Add(std::string name, ImVec2 min, ImVec2 max) { rects.push_back({std::move(name), min, max}); }
  // The last item ImGui submitted.
  void AddLastItem(std::string name) { Add(std::move(name), ImGui::GetItemRectMin(), ImGui::GetItemRectMax()); }
  void Fact(std::string key, std::string value) { facts.emplace_back(std::move(key), std::move(value)); }
  const LayoutRect* Find(const std::string& name) const {
    for (const auto& r : rects)
      if (r.name == name) return &r;
    return nullptr;
  }
  // {"rects": {"name": [x0, y0, x1, y1], ...}, "tokens": [{"text": .., "rect": [..]}, ..], "facts": {..}}
  std::string ToJson() const;
};

}  // namespace attnviz::ui
