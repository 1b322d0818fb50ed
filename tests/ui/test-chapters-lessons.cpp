// Chapters 1-4 frame by frame on a renderer-less ImGui context: chapter 2's
// numbers are the trace's (the wiring: what the panel writes equals the
// engine's matrices, formatted independently here), every section of every
// lesson chapter draws its figure at N = 1,024, and a click on a section tab
// switches it.
#include <catch2/catch.hpp>

#include <cfloat>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

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

// "%.4f" with a typographic minus: how the chapter writes a number, written again here.
std::string Four(float v) {
  char b[32];
  std::snprintf(b, sizeof b, "%.4f", static_cast<double>(v));
  std::string s = b;
  return s[0] == '-' ? "\xE2\x88\x92" + s.substr(1) : s;
}

}  // namespace

TEST_CASE("chapter 2: the numbers on screen are the trace's weights, scores and logits", "[chapters][wiring]") {
  HeadlessUi ui;
  NullTextureService textures;
  Settings s;
  s.request.text = "The cat sat on the mat because it was tired.";
  s.request.mask.causal = true;
  s.request.temperature = 0.8f;
  s.ui.chapter = 2;
  s.ui.selected_token = 6;
  s.ui.focused_head = 3;
  Shell shell(textures, s, TestKeys());
  shell.SetFonts(ui.fonts());
  ShellFrame f;
  f.trace = RunTrace(s.request);
  f.generation = 1;
  ui.Settle(shell, f);
  REQUIRE(Fact(shell, "ch2.query") == "6");
  REQUIRE(Fact(shell, "ch2.head") == "3");
  const Trace& t = *f.trace;
  const Mat W = *t.Matrix(0, 3, HeadMatrix::Weights), S = *t.Matrix(0, 3, HeadMatrix::Scores), L = *t.Matrix(0, 3, HeadMatrix::Logits);
  std::vector<std::string> weights, scores, logits;
  std::istringstream ws(Fact(shell, "ch2.weights")), ss(Fact(shell, "ch2.scores")), ls(Fact(shell, "ch2.logits"));
  for (std::string x; ws >> x;) weights.push_back(x);
  for (std::string x; ss >> x;) scores.push_back(x);
  for (std::string x; ls >> x;) logits.push_back(x);
  REQUIRE(weights.size() == static_cast<std::size_t>(t.n()));
  REQUIRE(scores.size() == weights.size());
  REQUIRE(logits.size() == weights.size());
  for (int j = 0; j < t.n(); ++j) {
    CHECK(weights[j] == Four(W(6, j)));
    CHECK(scores[j] == Four(S(6, j)));
    // Causal: keys after the query are −∞ on screen, their weight exactly 0.
    CHECK(logits[j] == (j <= 6 ? Four(L(6, j)) : std::string("\xE2\x88\x92\xE2\x88\x9E")));
    if (j > 6) CHECK(weights[j] == "0.0000");
  }
  // Selecting another token and head moves the numbers with them.
  shell.ui().selected_token = 2;
  shell.ui().focused_head = 0;
  ui.Settle(shell, f);
  const Mat W0 = *t.Matrix(0, 0, HeadMatrix::Weights);
  std::istringstream w2(Fact(shell, "ch2.weights"));
  int j = 0;
  for (std::string x; w2 >> x; ++j) CHECK(x == Four(W0(2, j)));
  CHECK(j == t.n());
}

TEST_CASE("chapters 1-4: every section draws its figure at N = 1,024, and a click on a tab switches it",
          "[chapters][sections]") {
  HeadlessUi ui;
  NullTextureService textures;
  Settings s;
  std::string text;
  while (text.size() < 4200) text += "the cat sat on the mat . ";
  s.request.text = text;
  s.ui.selected_token = 500;
  Shell shell(textures, s, TestKeys());
  shell.SetFonts(ui.fonts());
  ShellFrame f;
  f.trace = RunTrace(s.request);
  f.generation = 1;
  REQUIRE(f.trace->n() >= 1024);
  // Chapter 3's fourth section (induction) exists for the built-in model's induction head; the fifth is the census.
  const int sections[] = {4, 2, 5, 3};
  for (int c = 1; c <= 4; ++c) {
    shell.ui().chapter = c;
    ui.Settle(shell, f);
    const std::string prefix = "ch" + std::to_string(c);
    for (int k = 0; k < sections[c - 1]; ++k) {
      const LayoutRect* tab = shell.layout().Find(prefix + ".section." + std::to_string(k));
      INFO("chapter " << c << " section " << k);
      REQUIRE(tab != nullptr);
      ui.Click(shell, f, Center(*tab));
      ui.Settle(shell, f);
      const LayoutRect* fig = shell.layout().Find(prefix + ".figure");
      REQUIRE(fig != nullptr);
      CHECK(fig->max.x - fig->min.x > 100);
      CHECK(fig->max.y - fig->min.y > 60);
    }
  }
}
