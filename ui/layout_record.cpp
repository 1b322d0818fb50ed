#include "ui/layout_record.h"

#include <nlohmann/json.hpp>

namespace attnviz::ui {

std::string LayoutRecord::ToJson() const {
  using nlohmann::json;
  auto box = [](const LayoutRect& r) { return json::array({r.min.x, r.min.y, r.max.x, r.max.y}); };
  json j;
  j["rects"] = json::object();
  for (const auto& r : rects) j["rects"][r.name] = box(r);
  j["tokens"] = json::array();
  for (const auto& t : token_chips) j["tokens"].push_back({{"text", t.name}, {"rect", box(t)}});
  j["facts"] = json::object();
  for (const auto& [k, v] : facts) j["facts"][k] = v;
  return j.dump(1, ' ', false, json::error_handler_t::replace) + "\n";
}

}  // namespace attnviz::ui
