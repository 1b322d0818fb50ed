// The controls' MODEL section and model loading: the built-in / random
// switch, the path box (a checkpoint directory or a Hugging Face cache name),
// the recent models, and what the sizes of each model are.
//
// A checkpoint is read on the chapters' compute service, never on the UI
// thread; the Request keeps the model it had until the load is complete, so a
// failed load (missing file, bad JSON, truncated tensor, pytorch_model.bin
// only...) leaves the previous trace on screen with one line naming the
// problem. A loaded model is held here while it is the Request's model: the
// engines (the main trace's, the chapters') then share that one copy
// (core/model/model.h) instead of each reading it again.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include <imgui.h>
#include <imgui_stdlib.h>

#include "core/cli/options.h"
#include "core/limits.h"
#include "core/model/builtin.h"
#include "core/model/model.h"
#include "ui/segmented_control.h"
#include "ui/shell.h"
#include "ui/shell/shell_style.h"
#include "ui/theme.h"

namespace attnviz::ui {

namespace {

// What a load job hands back. The source moves to the shell once (so the
// compute service's result cache never keeps a model alive by itself).
struct ModelLoad {
  ModelShape shape;
  mutable ModelPtr source;
};

std::string Trimmed(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return {};
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

}  // namespace

// [SECTION] Loading

void Shell::LoadModel(const std::string& typed) {
  const std::string name = Trimmed(typed);
  if (name.empty()) return;
  if (name == "builtin" || name == "built-in" || name == "random") {
    loading_model_.clear();
    model_error_.clear();
    SwitchToOwnModel(name == "random" ? "random" : "builtin");
    return;
  }
  loading_model_ = name;
  model_error_.clear();
  load_layer_ = ui_.layer;
  load_head_ = ui_.focused_head;
  load_key_ = "model-load\x1f" + name + "\x1f" + std::to_string(++load_attempts_);
  PollModelLoad();  // starts the job now, not a frame later
}

void Shell::PollModelLoad() {
  if (loading_model_.empty()) return;
  const std::string name = loading_model_;
  const Computed<ModelLoad> r = compute_.Ask<ModelLoad>("shell/model-load", load_key_, [name](const CancelToken&) {
    Request q;
    q.model = name;
    auto out = std::make_shared<ModelLoad>();
    out->source = MakeModel(q);  // throws InputError naming the file and the problem
    out->shape = out->source->Shape();
    return std::shared_ptr<const ModelLoad>(std::move(out));
  });
  if (r.pending) return;
  loading_model_.clear();
  if (!r.error.empty()) {
    model_error_ = r.error;
    Toast("Could not load " + name + "; the model on screen stays", true);
    return;
  }
  if (!r.current || !r.value) return;
  const ModelShape shape = r.value->shape;
  // Remember the built-in / random model's settings, to give them back later.
  if (!IsCheckpointModel(request_.model)) {
    own_model_ = request_;
    have_own_model_ = true;
  }
  held_model_ = std::move(r.value->source);
  TraceOptions fit;  // nothing "typed": the checkpoint brings every size
  fit.request = request_;
  fit.request.model = name;
  FitRequestToModel(shape, &fit);
  fit.request.layers = shape.layers;
  request_ = fit.request;
  wanted_layer_ = std::clamp(load_layer_, 0, std::max(shape.layers - 1, 0));
  wanted_head_ = std::clamp(load_head_, 0, std::max(shape.heads - 1, 0));
  auto& recent = ui_.recent_models;
  recent.erase(std::remove(recent.begin(), recent.end(), name), recent.end());
  recent.insert(recent.begin(), name);
  if (recent.size() > static_cast<std::size_t>(kMaxRecentModels)) recent.resize(kMaxRecentModels);
  model_box_ = name;
}

void Shell::SwitchToOwnModel(const std::string& model) {
  const bool from_checkpoint = IsCheckpointModel(request_.model);
  if (from_checkpoint) {
    // The checkpoint's fit (768 wide, learned positions, causal) does not suit
    // the built-in or random model: give back what they had.
    const Request own = have_own_model_ ? own_model_ : Request{};
    request_.seed = own.seed;
    request_.d_model = own.d_model;
    request_.heads = own.heads;
    request_.kv_heads = own.kv_heads;
    request_.layers = own.layers;
    request_.positional = own.positional == Positional::Learned ? Positional::Sinusoidal : own.positional;
    request_.mask.causal = own.mask.causal;
    held_model_.reset();
  }
  wanted_layer_ = wanted_head_ = -1;
  request_.model = model;
  if (model == "builtin") ApplyBuiltinShape(request_);  // the built-in model has one shape
}

// [SECTION] The MODEL section of the controls

void Shell::DrawModelControls(const Trace* trace) {
  const Palette& pal = CurrentPalette();
  const float fs = ImGui::GetFontSize();
  const bool checkpoint = IsCheckpointModel(request_.model);
  static const char* const kModels[] = {"built-in", "random"};
  int m = request_.model == "random" ? 1 : request_.model == "builtin" ? 0 : -1;
  if (SegmentedControl("model", kModels, 2, &m)) LoadModel(m == 1 ? "random" : "builtin");
  layout_.AddLastItem("control.model");

  // The path box: Enter or Load reads it.
  const float load_w = ImGui::CalcTextSize("Load").x + ImGui::GetStyle().FramePadding.x * 2;
  const float box_w = ImGui::GetContentRegionAvail().x - load_w - ImGui::GetStyle().ItemSpacing.x -
                      ImGui::GetStyle().ScrollbarSize * 0.5f;
  ImGui::SetNextItemWidth(std::max(box_w, 4 * fs));
  const bool enter = ImGui::InputTextWithHint("##model_path", "folder or name (gpt2)", &model_box_,
                                              ImGuiInputTextFlags_EnterReturnsTrue);
  layout_.AddLastItem("control.model_path");
  if (ImGui::IsItemHovered() && !ImGui::IsItemActive())
    ImGui::SetTooltip("A GPT-2 checkpoint folder (config.json, model.safetensors, vocab.json, merges.txt)\n"
                      "or a model name already in the Hugging Face cache (gpt2, distilgpt2). Enter loads it.");
  ImGui::SameLine();
  const bool load = ImGui::Button("Load");
  layout_.AddLastItem("control.model_load");
  if (enter || load) LoadModel(model_box_);

  if (!ui_.recent_models.empty()) {
    ImGui::SetNextItemWidth(std::max(box_w, 4 * fs));
    if (ImGui::BeginCombo("##recent", "recent models", ImGuiComboFlags_HeightLarge)) {
      std::string chosen;
      if (ImGui::Selectable("built-in", request_.model == "builtin")) chosen = "builtin";
      for (const std::string& name : ui_.recent_models)
        if (ImGui::Selectable(name.c_str(), name == request_.model)) chosen = name;
      ImGui::EndCombo();
      if (!chosen.empty()) {
        model_box_ = chosen == "builtin" ? "" : chosen;
        LoadModel(chosen);
      }
    }
    layout_.AddLastItem("control.recent");
  }

  if (!loading_model_.empty()) {
    const float h = ImGui::GetTextLineHeight();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float a0 = static_cast<float>(ImGui::GetTime()) * 6.0f;
    dl->PathArcTo(ImVec2(p.x + h * 0.5f, p.y + h * 0.5f), h * 0.35f, a0, a0 + 4.2f, 16);
    dl->PathStroke(pal.accent, 0, std::max(1.5f, h * 0.1f));
    ImGui::Dummy(ImVec2(h, h));
    ImGui::SameLine();
    ImGui::PushStyleColor(ImGuiCol_Text, Col(pal.text_dim));
    ImGui::TextWrapped("loading model %s\xE2\x80\xA6 (the current one stays until it is ready)", loading_model_.c_str());
    ImGui::PopStyleColor();
    layout_.AddLastItem("control.model_loading");
  }
  if (!model_error_.empty()) {
    MessageBox(model_error_, true);
    layout_.AddLastItem("control.model_error");
  }

  if (checkpoint) {
    ImGui::PushStyleColor(ImGuiCol_Text, Col(pal.text_dim));
    const bool shown = trace && trace->config.model == request_.model;
    ImGui::TextWrapped("%s: GPT-2, %d layers \xC3\x97 %d heads, d_model %d. Its sizes come from its config.json.",
                       request_.model.c_str(), shown ? trace->config.layers : request_.layers,
                       request_.heads, request_.d_model);
    ImGui::PopStyleColor();
    layout_.AddLastItem("control.checkpoint");
    ImGui::BeginDisabled();
    int d = request_.d_model, h = request_.heads, l = request_.layers;
    ImGui::InputInt("d_model", &d, 0, 0);
    ImGui::InputInt("heads", &h, 0, 0);
    ImGui::InputInt("layers", &l, 0, 0);
    ImGui::EndDisabled();
  } else if (request_.model == "random") {
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
    ImGui::TextWrapped("%s: the built-in model's heads are set by hand for named roles. Choose random for "
                       "other shapes.", DescribeBuiltinShape().c_str());
    ImGui::PopStyleColor();
  }

  // kv heads: the divisors of H (a checkpoint keeps its own: one K/V per head).
  char preview[32];
  std::snprintf(preview, sizeof preview, "%d%s", request_.kv_heads,
                request_.kv_heads == request_.heads ? " (MHA)" : request_.kv_heads == 1 ? " (MQA)" : " (GQA)");
  ImGui::BeginDisabled(checkpoint);
  if (ImGui::BeginCombo("kv-heads", preview)) {
    for (int g = request_.heads; g >= 1; --g) {
      if (request_.heads % g != 0) continue;
      char item[32];
      std::snprintf(item, sizeof item, "%d%s", g, g == request_.heads ? " (MHA)" : g == 1 ? " (MQA)" : " (GQA)");
      if (ImGui::Selectable(item, g == request_.kv_heads)) request_.kv_heads = g;
    }
    ImGui::EndCombo();
  }
  ImGui::EndDisabled();
  layout_.AddLastItem("control.kv_heads");
  if (checkpoint) DisabledReason("GPT-2 was trained with one K and V per head");
}

}  // namespace attnviz::ui
