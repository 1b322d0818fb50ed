// Chapter 3's census section frame by frame on a renderer-less ImGui context:
// the built-in model's induction head tops the probe's induction ranking on
// screen, a click on a score's header re-sorts the table by it, a click on the
// source tab switches to the text, and a click on a row focuses that head.
#include <catch2/catch.hpp>

#include <cfloat>
#include <string>

#include <imgui.h>

#include "core/engine.h"
#include "tests/ui/headless-ui.h"
#include "ui/settings.h"
#include "ui/shell.h"
#include "ui/texture_service.h"
#include "ui/theme.h"

using namespace attnviz;
using namespace attnviz::ui;

namespace {

}  // namespace

TEST_CASE("chapter 3 census: rankings on screen, header and row clicks", "[chapters][census]") {
  HeadlessUi ui;
  NullTextureService textures;
  Settings s;
  s.request.mask.causal = true;  // induction is a decoder's circuit
  s.ui.chapter = 3;
  s.ui.chapter_state.emplace(3, std::string(1, '4'));   // the census section (the built-in model has an induction section before it)
  Shell shell(textures, s, TestKeys());
  shell.SetFonts(ui.fonts());
  ShellFrame f;
  f.trace = RunTrace(s.request);
  f.generation = 1;
  ui.Settle(shell, f);
  REQUIRE(shell.layout().Find("ch3.census.table") != nullptr);
  CHECK(Fact(shell, "ch3.census.source") == "probe");
  CHECK(Fact(shell, "ch3.census.top") == "L2 H0 induction");

  // A click on the "sink" header sorts by it: a first-token head leads.
  const LayoutRect* sink = shell.layout().Find("ch3.census.header.2");
  REQUIRE(sink != nullptr);
  ui.Click(shell, f, Center(*sink));
  ui.Settle(shell, f);
  CHECK(Fact(shell, "ch3.census.top").find("first-token") != std::string::npos);

  // The previous-token score's tab, then the text.
  const LayoutRect* prev = shell.layout().Find("ch3.census.score.0");
  REQUIRE(prev != nullptr);
  ui.Click(shell, f, Center(*prev));
  const LayoutRect* text = shell.layout().Find("ch3.census.source.0");
  REQUIRE(text != nullptr);
  ui.Click(shell, f, Center(*text));
  ui.Settle(shell, f);
  CHECK(Fact(shell, "ch3.census.source") == "text");
  CHECK(Fact(shell, "ch3.census.top") == "L1 H0 previous-token");

  // A click on the second row focuses its head in the chapter (layer and head).
  shell.ui().layer = 0;
  shell.ui().focused_head = 7;
  const LayoutRect* row = shell.layout().Find("ch3.census.row.0");
  REQUIRE(row != nullptr);
  ui.Click(shell, f, Center(*row));
  CHECK(shell.ui().layer == 0);
  CHECK(shell.ui().focused_head == 0);
}
