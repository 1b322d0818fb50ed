// Settings (de)serialization; see settings.h.
//
// Index:
//   [SECTION] Field readers
//   [SECTION] Parse / Serialize (pure)
//   [SECTION] The settings file (XDG path, atomic save, corrupt file kept aside)
#include "ui/settings.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "core/figure/colormap.h"
#include "core/limits.h"
#include "core/types.h"

namespace attnviz::ui {

namespace {

using nlohmann::json;

constexpr const char* kFormat = "attnviz-settings/1";
constexpr std::size_t kMaxChapterStateBytes = 256;  // a chapter keeps a step or a slider, not a document

// [SECTION] Field readers
// Each reader leaves the target untouched (the default) and records the key
// when the value has the wrong type or range.
struct FieldReader {
  const json& obj;
  std::string prefix;
  std::vector<std::string>* bad;

  const json* Get(const char* key) const {
    auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
  }
  void Bad(const char* key) const { bad->push_back(prefix + key); }

  void Int(const char* key, int* out, int lo, int hi) const {
    const json* v = Get(key);
    if (!v) return;
    if (v->is_number_integer() && v->get<long long>() >= lo && v->get<long long>() <= hi)
      *out = static_cast<int>(v->get<long long>());
    else
      Bad(key);
  }
  void U64(const char* key, std::uint64_t* out) const {
    const json* v = Get(key);
    if (!v) return;
    if (v->is_number_unsigned()) *out = v->get<std::uint64_t>();
    else if (v->is_number_integer() && v->get<long long>() >= 0) *out = static_cast<std::uint64_t>(v->get<long long>());
    else Bad(key);
  }
  void Float(const char* key, float* out, float lo, float hi) const {
    const json* v = Get(key);
    if (!v) return;
    if (v->is_number()) {
      double d = v->get<double>();
      if (std::isfinite(d) && d >= lo && d <= hi) {
        *out = static_cast<float>(d);
        return;
      }
    }
    Bad(key);
  }
  void Bool(const char* key, bool* out) const {
    const json* v = Get(key);
    if (!v) return;
    if (v->is_boolean()) *out = v->get<bool>();
    else Bad(key);
  }
  void String(const char* key, std::string* out, std::size_t max_bytes) const {
    const json* v = Get(key);
    if (!v) return;
    if (v->is_string() && v->get_ref<const std::string&>().size() <= max_bytes) *out = v->get<std::string>();
    else Bad(key);
  }
};

void ReadRequest(const json& j, Request* r, std::vector<std::string>* bad) {
  FieldReader f{j, "request.", bad};
  std::string text = r->text;
  f.String("text", &text, kMaxTextBytes);
  r->text = text;
  f.String("model", &r->model, 4096);
  f.U64("seed", &r->seed);
  f.Int("d_model", &r->d_model, 1, kMaxDModel);
  f.Int("heads", &r->heads, 1, kMaxHeads);
  f.Int("kv_heads", &r->kv_heads, 1, kMaxHeads);
  f.Int("layers", &r->layers, 1, kMaxLayers);
  if (const json* v = f.Get("positional")) {
    auto p = v->is_string() ? ParsePositional(v->get<std::string>()) : std::nullopt;
    if (p) r->positional = *p;
    else f.Bad("positional");
  }
  f.Bool("scale", &r->scale);
  f.Float("temperature", &r->temperature, kMinTemperature, kMaxTemperature);
  if (const json* m = f.Get("mask")) {
    if (!m->is_object()) {
      f.Bad("mask");
      return;
    }
    FieldReader fm{*m, "request.mask.", bad};
    if (const json* v = fm.Get("pattern")) {
      auto p = v->is_string() ? ParseMaskPattern(v->get<std::string>()) : std::nullopt;
      if (p) r->mask.pattern = *p;
      else fm.Bad("pattern");
    }
    fm.Bool("causal", &r->mask.causal);
    fm.Int("window", &r->mask.window, 1, kMaxTokens);
    fm.Int("block", &r->mask.block, 1, kMaxTokens);
    if (const json* v = fm.Get("globals")) {
      // The same rule as --globals and the globals field (core/request.h).
      std::vector<long long> indices;
      bool ok = v->is_array() && v->size() <= static_cast<std::size_t>(kMaxTokens);
      for (std::size_t i = 0; ok && i < v->size(); ++i) {
        ok = (*v)[i].is_number_integer();
        if (ok) indices.push_back((*v)[i].get<long long>());
      }
      const auto g = ok ? GlobalTokensFrom(indices) : std::nullopt;
      if (g) r->mask.globals = *g;
      else fm.Bad("globals");
    }
  }
}

void ReadUi(const json& j, UiSettings* u, std::vector<std::string>* bad) {
  FieldReader f{j, "ui.", bad};
  f.Int("chapter", &u->chapter, 0, kChapterCount);
  f.Int("selected_token", &u->selected_token, -1, kMaxTokens - 1);
  f.Int("focused_head", &u->focused_head, 0, kMaxHeads - 1);
  f.Int("layer", &u->layer, 0, kMaxLayers - 1);
  if (const json* v = f.Get("colormap")) {
    if (v->is_string() && ParseColormap(v->get<std::string>())) u->colormap = std::string(ToString(*ParseColormap(v->get<std::string>())));
    else f.Bad("colormap");
  }
  f.Float("font_size", &u->font_size, 10.0f, 40.0f);
  f.Bool("presenter", &u->presenter);
  f.Bool("show_sidebar", &u->show_sidebar);
  f.Bool("show_controls", &u->show_controls);
  f.Bool("show_values", &u->show_values);
  if (const json* v = f.Get("theme")) {
    if (v->is_string() && v->get<std::string>() == "dark") u->theme = Theme::Dark;
    else if (v->is_string() && v->get<std::string>() == "light") u->theme = Theme::Light;
    else f.Bad("theme");
  }
  if (const json* v = f.Get("chapter_state")) {
    // {"2": "logits"}: a chapter number and the short string that chapter saved.
    std::map<int, std::string> states;
    bool ok = v->is_object();
    for (auto it = ok ? v->begin() : v->end(); ok && it != v->end(); ++it) {
      const std::string& key = it.key();
      ok = key.size() == 1 && key[0] >= '0' && key[0] - '0' <= kChapterCount && it->is_string() &&
           it->get_ref<const std::string&>().size() <= kMaxChapterStateBytes;
      if (ok) states[key[0] - '0'] = it->get<std::string>();
    }
    if (ok) u->chapter_state = std::move(states);
    else f.Bad("chapter_state");
  }
  if (const json* v = f.Get("recent_models")) {
    // ["gpt2", "/models/distilgpt2"]: non-empty strings, no repeats, at most
    // kMaxRecentModels (more are dropped silently: an older version may keep more).
    std::vector<std::string> recent;
    bool ok = v->is_array();
    for (std::size_t i = 0; ok && i < v->size(); ++i) {
      const json& e = (*v)[i];
      ok = e.is_string() && !e.get_ref<const std::string&>().empty() && e.get_ref<const std::string&>().size() <= 4096;
      if (ok && recent.size() < static_cast<std::size_t>(kMaxRecentModels) &&
          std::find(recent.begin(), recent.end(), e.get<std::string>()) == recent.end())
        recent.push_back(e.get<std::string>());
    }
    if (ok) u->recent_models = std::move(recent);
    else f.Bad("recent_models");
  }
}

}  // namespace

// [SECTION] Parse / Serialize (pure)

SettingsParse ParseSettings(std::string_view text) {
  SettingsParse out;
  json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    out.corrupt = true;
    out.notice = "the settings file is not valid JSON; using defaults";
    return out;
  }
  auto fmt = j.find("format");
  if (fmt == j.end() || !fmt->is_string() || fmt->get<std::string>() != kFormat) {
    out.corrupt = true;
    out.notice = std::string("the settings file is not an attnviz settings file (expected \"format\": \"") + kFormat +
                 "\"); using defaults";
    return out;
  }
  std::vector<std::string> bad;
  if (auto it = j.find("request"); it != j.end()) {
    if (it->is_object()) ReadRequest(*it, &out.settings.request, &bad);
    else bad.push_back("request");
  }
  if (auto it = j.find("ui"); it != j.end()) {
    if (it->is_object()) ReadUi(*it, &out.settings.ui, &bad);
    else bad.push_back("ui");
  }
  // Each field may be fine alone and still contradict another (heads 6 with
  // d_model 64); then the model shape goes back to defaults, the text stays.
  if (const RequestProblem p = FindRequestProblem(out.settings.request)) {
    Request d;
    Request& r = out.settings.request;
    r.d_model = d.d_model;
    r.heads = d.heads;
    r.kv_heads = d.kv_heads;
    r.layers = d.layers;
    r.positional = d.positional;
    bad.push_back("model shape (" + p.message + ")");
  }
  if (!bad.empty()) {
    out.notice = "settings: using defaults for ";
    for (std::size_t i = 0; i < bad.size(); ++i) out.notice += (i ? ", " : "") + bad[i];
  }
  return out;
}

std::string SerializeSettings(const Settings& s) {
  const Request& r = s.request;
  const UiSettings& u = s.ui;
  json j;
  j["format"] = kFormat;
  j["request"] = {
      {"text", r.text},
      {"model", r.model},
      {"seed", r.seed},
      {"d_model", r.d_model},
      {"heads", r.heads},
      {"kv_heads", r.kv_heads},
      {"layers", r.layers},
      {"positional", std::string(ToString(r.positional))},
      {"scale", r.scale},
      {"temperature", r.temperature},
      {"mask",
       {{"pattern", std::string(ToString(r.mask.pattern))},
        {"causal", r.mask.causal},
        {"window", r.mask.window},
        {"globals", r.mask.globals},
        {"block", r.mask.block}}},
  };
  j["ui"] = {
      {"chapter", u.chapter},
      {"selected_token", u.selected_token},
      {"focused_head", u.focused_head},
      {"layer", u.layer},
      {"colormap", u.colormap},
      {"font_size", u.font_size},
      {"presenter", u.presenter},
      {"show_sidebar", u.show_sidebar},
      {"show_controls", u.show_controls},
      {"show_values", u.show_values},
      {"theme", u.theme == Theme::Light ? "light" : "dark"},
  };
  json states = json::object();
  for (const auto& [number, state] : u.chapter_state) states[std::to_string(number)] = state;
  j["ui"]["chapter_state"] = states;
  j["ui"]["recent_models"] = u.recent_models;
  // Text the person typed may hold invalid UTF-8 (the engine reports it); the
  // file must still be written, so such bytes are replaced rather than thrown on.
  return j.dump(2, ' ', false, json::error_handler_t::replace) + "\n";
}

// [SECTION] The settings file

std::string SettingsPath(const char* xdg_config_home, const char* home) {
  if (xdg_config_home && xdg_config_home[0] == '/') return std::string(xdg_config_home) + "/attnviz/settings.json";
  if (home && home[0] != '\0') return std::string(home) + "/.config/attnviz/settings.json";
  return {};
}

SettingsLoad LoadSettingsFile(const std::string& path) {
  SettingsLoad out;
  if (path.empty()) return out;
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno != ENOENT) out.notice = "could not read " + path + ": " + std::strerror(errno) + "; using defaults";
    return out;
  }
  std::ostringstream buf;
  buf << in.rdbuf();
  in.close();
  SettingsParse p = ParseSettings(buf.str());
  out.settings = p.settings;
  out.notice = p.notice;
  if (p.corrupt) {
    const std::string bad_path = path + ".bad";
    std::error_code ec;
    std::filesystem::rename(path, bad_path, ec);
    if (ec) out.notice += "; could not keep it as " + bad_path + " (" + ec.message() + ")";
    else out.notice += "; the old file was kept as " + bad_path;
  }
  return out;
}

std::string SaveSettingsFile(const std::string& path, const Settings& s) {
  if (path.empty()) return "no settings path (neither XDG_CONFIG_HOME nor HOME is set)";
  std::error_code ec;
  std::filesystem::path p(path);
  std::filesystem::create_directories(p.parent_path(), ec);
  if (ec) return "could not create " + p.parent_path().string() + ": " + ec.message();
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return "could not write " + tmp + ": " + std::strerror(errno);
    out << SerializeSettings(s);
    out.flush();
    if (!out) return "could not write " + tmp + ": " + std::strerror(errno);
  }
  std::filesystem::rename(tmp, path, ec);
  if (ec) return "could not replace " + path + ": " + ec.message();
  return {};
}

}  // namespace attnviz::ui
