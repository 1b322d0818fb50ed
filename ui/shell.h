// The shell: everything around the chapters. Sentence box, token strip,
// chapter sidebar, controls panel, status bar, toasts, keyboard shortcuts and
// presenter mode. It edits a copy of the Request; the app swaps the copy in
// once per frame before NewFrame and posts it to the TraceWorker (app/window).
//
//   +--------------------------------------------------------------+
//   | attnviz   [ sentence ........................... ]  spinner  |
//   | [The] [cat] [sat] ...  token strip                           |
//   +----------+--------------------------------+------------------+
//   | chapters | chapter title, intro, views    | controls         |
//   +----------+--------------------------------+------------------+
//   | status: model, shape, mask, positional, N, compute state     |
//   +--------------------------------------------------------------+
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/compute/compute_service.h"
#include "core/request.h"
#include "core/trace.h"
#include "ui/chapters/chapter.h"
#include "ui/layout_record.h"
#include "ui/settings.h"
#include "ui/shell/notifications.h"
#include "ui/texture_service.h"
#include "ui/theme.h"
#include "ui/widgets/next_token.h"
#include "ui/widgets/token_strip.h"

namespace attnviz::ui {

// Keys ImGui 1.86 has no enum for, as the platform backend numbers them in
// io.KeysDown (the app fills these from GLFW_KEY_*; tests pick any free index).
struct ShellKeys {
  int digit[10] = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1};  // '0'..'9' on the main row
  int e = -1;       // Ctrl+E: export the focused heatmap
  int f11 = -1;     // presenter mode
  int equal = -1;   // Ctrl+= bigger text
  int minus = -1;   // Ctrl+- smaller text
};

// What the app hands the shell each frame.
struct ShellFrame {
  TracePtr trace;              // newest complete trace (null before the first)
  unsigned long generation = 0;
  std::string trace_error;     // error of the newest finished request ("" = ok)
  bool busy = false;           // a newer request is computing
  bool error_is_current = false;  // trace_error belongs to the request on screen (not an older one)
  double compute_ms = -1;      // how long the last trace took, when known
};

class Shell {
 public:
  Shell(TextureService& textures, const Settings& initial, const ShellKeys& keys);
  ~Shell();

  // The Request as edited this frame; the app compares it with what it posted.
  const Request& request() const { return request_; }
  UiState& ui() { return ui_; }
  const UiState& ui() const { return ui_; }
  Settings settings() const { return {request_, ui_}; }

  // Fonts the app built for the shell (after BuildFonts). The shell asks for a
  // new size through WantedFontPixels(); the app rebuilds before NewFrame.
  void SetFonts(const Fonts& fonts) { fonts_ = fonts; }
  float WantedFontPixels(float content_scale) const;
  // The theme the shell wants; the app applies it (with the font scale) before NewFrame.
  Theme WantedTheme() const { return ui_.theme; }

  // Loads a model by what a person types in the path box: a checkpoint
  // directory or a Hugging Face cache name is read off the UI thread (the
  // chapters' compute service) and swapped in when complete, its shape filled
  // into the Request (FitRequestToModel); until then, and for good when the load
  // fails, the model on screen stays. "builtin"/"built-in" and "random" switch at once.
  void LoadModel(const std::string& name);
  // The checkpoint being loaded ("" = none), and the last load's error ("" = none).
  const std::string& loading_model() const { return loading_model_; }
  const std::string& model_error() const { return model_error_; }

  // A message that stays until dismissed (e.g. a corrupt settings file).
  void AddNotice(std::string text) { notes_.AddNotice(std::move(text)); }
  // A toast that fades after a few seconds (e.g. "Saved ~/Pictures/...png").
  void Toast(std::string text, bool error = false) { notes_.Toast(std::move(text), error); }

  // Whether Ctrl+E / the Export button can write figures (core/figure present).
  void EnableExport(bool on) { export_enabled_ = on; }
  // Where exported figures go: ~/Pictures/attnviz when ~/Pictures exists, else
  // the current directory. Exposed so the app and tests agree.
  static std::string ExportDirectory();

  // True while something on screen moves by itself (toasts fading) or a
  // chapter's computation is under way (its result appears when it lands).
  // Something on screen moves by itself (a toast fading in or out).
  bool Animating() const { return notes_.Animating(); }
  // A chapter's computation is under way (screenshots wait for it).
  bool ComputeBusy() const { return compute_.Busy(); }
  // Blocks until the chapters' computations are done (tests).
  void WaitForCompute() { compute_.WaitIdle(); }

  // Draws the whole window for one frame (between NewFrame and Render).
  void Draw(const ShellFrame& frame);

  // Filled during Draw: where things are, for --layout-dump. Token chip rects
  // are recorded only when asked (4096 chips are not free).
  const LayoutRecord& layout() const { return layout_; }
  void set_record_chips(bool on) { record_chips_ = on; }
  // The eight chapters plus the Playground.
  int chapter_count() const { return static_cast<int>(chapters_.size()); }
  const char* ChapterTitle(int number) const;
  // Last path written by an export ("" if none): tests check it.
  const std::string& last_export() const { return last_export_; }

 private:
  // One part of the frame each, in ui/shell/<part>.cpp (the list is in shell.cpp).
  void HandleKeys(const Trace* trace);            // keys.cpp
  void DrawHeader(const ShellFrame& frame);       // header.cpp
  void DrawSpinner(ImVec2 center, float radius);  // header.cpp
  void DrawTokenStrip(const Trace* trace);        // token_row.cpp
  void DrawSidebar();                             // sidebar.cpp
  void DrawChapter(const ShellFrame& frame);      // chapter_area.cpp
  void DrawControls(const Trace* trace);          // controls.cpp
  void DrawModelControls(const Trace* trace);     // model_load.cpp: the MODEL section
  void PollModelLoad();                           // model_load.cpp: a finished load swaps the model in
  void SwitchToOwnModel(const std::string& model);// model_load.cpp: builtin / random, undoing a checkpoint's fit
  void DrawNextToken(const Trace* trace, ImVec2 header_top, float root_w);  // header.cpp: beside sentence and strip
  void DrawStatusBar(const ShellFrame& frame);    // status_bar.cpp
  void ExportFocused();                           // export.cpp
  Chapter* ChapterByNumber(int number);
  bool ControlsOpen(float window_w) const;
  bool SidebarOpen(float window_w) const;

  TextureService* textures_;
  ComputeService compute_{2};         // the chapters' off-thread work (persistent workers)
  Request request_;
  UiState ui_;
  ShellKeys keys_;
  Fonts fonts_;
  std::vector<std::unique_ptr<Chapter>> chapters_;
  TokenStrip strip_;
  NextTokenPanel next_panel_;
  std::vector<std::string> chip_labels_;  // the strip's chips as a person reads them (core/text/token_label.h)
  const Trace* labelled_trace_ = nullptr; // the trace chip_labels_ are for (with its text, against address reuse)
  std::string labelled_text_;
  LayoutRecord layout_;
  Notifications notes_;
  bool export_enabled_ = false;
  bool export_pending_ = false;       // Ctrl+E pressed: export after the chapter offered its heatmap
  ExportableHeatmap export_target_;
  TracePtr export_trace_;             // keeps export_target_'s pointers alive
  std::string last_export_;
  RequestProblem validation_;         // of the edit copy, shown in place under its control
  Request validated_;                 // the request validation_ is about
  bool validated_once_ = false;
  std::string globals_text_;          // the globals field as typed
  bool globals_text_dirty_ = true;
  bool record_chips_ = false;
  bool sentence_active_ = false;      // the sentence box had the keyboard last frame
  bool computing_ = false;            // this frame's ShellFrame::busy
  int hover_this_frame_ = -1;         // the strip's hover; the views report theirs through ChapterContext
  // Model loading (model_load.cpp).
  std::string model_box_;             // the path box as typed
  std::string loading_model_;         // the name being loaded ("" = none)
  std::string load_key_;              // its compute-service key (one per attempt: a retry reads the files again)
  unsigned long load_attempts_ = 0;
  int load_layer_ = 0, load_head_ = 0;  // the layer and head wanted when the load began (--layer L): the
                                        // model shown meanwhile may have fewer, and views clamp to it,
  int wanted_layer_ = -1, wanted_head_ = -1;  // so they are given back once the new model's trace is on screen
  std::string model_error_;           // the last failed load, shown under the path box
  std::shared_ptr<const void> held_model_;  // the checkpoint in request_, kept alive so every engine shares it
  Request own_model_;                 // shape fields of the built-in/random model before a checkpoint replaced them
  bool have_own_model_ = false;
  float header_reserve_ = 0;          // width kept on the header's right for the next-token panel (0 = none)
};

}  // namespace attnviz::ui
