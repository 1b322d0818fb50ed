// Widgets on a renderer-less ImGui context: real input (mouse position and
// buttons set between frames, as a backend would), real layout, and checks
// against independent computations.
//
// Index:
//   [SECTION] Frame harness
//   [SECTION] Cell numbers
//   [SECTION] Colorbar ticks
//   [SECTION] Heatmap
//   [SECTION] Attention arcs
//   [SECTION] Token strip
//   [SECTION] Matrix table
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include <imgui.h>

#include "core/figure/colormap.h"
#include "core/figure/raster_surface.h"
#include "ui/texture_service.h"
#include "ui/widgets/arcs.h"
#include "ui/widgets/colorbar.h"
#include "ui/widgets/head_grid.h"
#include "ui/widgets/heatmap.h"
#include "ui/widgets/heatmap_internal.h"
#include "ui/widgets/matrix.h"
#include "ui/widgets/token_strip.h"

using namespace attnviz;
using namespace attnviz::ui;

namespace {

// [SECTION] Frame harness

// A texture service that records what it was asked, to check the cache.
class CountingTextureService final : public TextureService {
 public:
  ImTextureID Create(int w, int h, const std::uint8_t* rgba) override {
    ++creates;
    Keep(w, h, rgba);
    return reinterpret_cast<ImTextureID>(static_cast<std::uintptr_t>(++next));
  }
  void Update(ImTextureID, int w, int h, const std::uint8_t* rgba) override {
    ++updates;
    Keep(w, h, rgba);
  }
  void Destroy(ImTextureID) override { ++destroys; }
  void Keep(int w, int h, const std::uint8_t* rgba) {
    last_w = w;
    last_h = h;
    last_rgba.assign(rgba, rgba + static_cast<std::size_t>(w) * h * 4);
  }
  int creates = 0, updates = 0, destroys = 0, last_w = 0, last_h = 0;
  std::vector<std::uint8_t> last_rgba;  // what the heatmap uploaded last
  std::uintptr_t next = 0;
};

// One ImGui context per test, with the default font; frames run a callback
// inside a full-screen window. Input is set before NewFrame, as a backend does.
struct ImGuiHarness {
  ImGuiHarness(float w = 1280, float h = 900) {
    IMGUI_CHECKVERSION();
    ctx = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(w, h);
    io.DeltaTime = 1.0f / 60.0f;
    unsigned char* pixels;
    int tw, th;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &tw, &th);
    io.MousePos = ImVec2(-1, -1);
  }
  ~ImGuiHarness() { ImGui::DestroyContext(ctx); }

  void Frame(const std::function<void()>& body) {
    ImGui::NewFrame();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImGui::GetIO().DisplaySize);
    ImGui::Begin("test", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings);
    body();
    ImGui::End();
    ImGui::Render();
    // Clear one-frame inputs.
    ImGui::GetIO().MouseWheel = 0.0f;
  }
  // Mouse helpers: state for the next frame.
  void MoveTo(ImVec2 p) { ImGui::GetIO().MousePos = p; }
  void Down(bool d) { ImGui::GetIO().MouseDown[0] = d; }
  void Ctrl(bool c) { ImGui::GetIO().KeyCtrl = c; }

  ImGuiContext* ctx;
};

// Row-softmax of random logits: a plausible attention matrix.
std::vector<float> RandomAttention(int n, unsigned seed, float sharpness) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> nd(0.0f, sharpness);
  std::vector<float> w(static_cast<std::size_t>(n) * n);
  for (int i = 0; i < n; ++i) {
    float mx = -1e30f;
    for (int j = 0; j < n; ++j) mx = std::max(mx, w[i * n + j] = nd(rng));
    double sum = 0;
    for (int j = 0; j < n; ++j) sum += (w[i * n + j] = std::exp(w[i * n + j] - mx));
    for (int j = 0; j < n; ++j) w[i * n + j] = static_cast<float>(w[i * n + j] / sum);
  }
  return w;
}

std::vector<Token> MakeTokens(int n) {
  std::vector<Token> t(n);
  int pos = 0;
  for (int i = 0; i < n; ++i) {
    t[i].text = "tok" + std::to_string(i % 37);
    t[i].start = pos;
    t[i].end = pos + static_cast<int>(t[i].text.size());
    pos = t[i].end + 1;
  }
  return t;
}

ImVec2 CellCentre(const HeatmapResult& r, int rows, int cols, int row, int col) {
  // At zoom 1 the matrix fills the plot exactly.
  const float cw = (r.plot_max.x - r.plot_min.x) / cols, ch = (r.plot_max.y - r.plot_min.y) / rows;
  return ImVec2(r.plot_min.x + (col + 0.5f) * cw, r.plot_min.y + (row + 0.5f) * ch);
}

}  // namespace

// [SECTION] Cell numbers

TEST_CASE("CompactCellNumber shortens without lying", "[widgets][heatmap]") {
  CHECK(CompactCellNumber("0.97", 0.97f) == ".97");
  CHECK(CompactCellNumber("-0.50", -0.5f) == "-.5");    // -0.5 exactly: trailing zero dropped too
  CHECK(CompactCellNumber("-0.50", -0.498f) == "-.50"); // not exact: keeps its precision
  CHECK(CompactCellNumber("1.00", 1.0f) == "1");
  CHECK(CompactCellNumber("1.00", 0.998f) == "1.00");
  CHECK(CompactCellNumber("0.00", 0.0f) == "0");
  CHECK(CompactCellNumber("0.00", 0.004f) == ".00");   // rounds to zero but is not zero
  CHECK(CompactCellNumber("12", 12.0f) == "12");
  CHECK(CompactCellNumber("1e-05", 1e-5f) == "1e-05");
}

// [SECTION] Colorbar ticks

TEST_CASE("NiceTicks are round, evenly spaced and inside the range", "[widgets][colorbar]") {
  float t[16];
  int n = NiceTicks(0.0f, 1.0f, 6, t);
  REQUIRE(n == 6);
  for (int i = 0; i < n; ++i) CHECK(t[i] == Approx(0.2 * i).margin(1e-6));
  n = NiceTicks(-1.0f, 1.0f, 5, t);
  REQUIRE(n == 5);
  CHECK(t[2] == 0.0f);
  for (float lo : {-3.7f, 0.013f, -120.0f})
    for (float hi : {4.2f, 0.9f, 330.0f}) {
      if (hi <= lo) continue;
      for (int max_ticks : {2, 5, 11}) {
        n = NiceTicks(lo, hi, max_ticks, t);
        CHECK(n >= 1);
        CHECK(n <= max_ticks);
        for (int i = 0; i < n; ++i) {
          CHECK(t[i] >= lo - 1e-4f * (hi - lo));
          CHECK(t[i] <= hi + 1e-4f * (hi - lo));
          if (i > 1) CHECK(t[i] - t[i - 1] == Approx(t[1] - t[0]).epsilon(1e-3));
        }
      }
    }
  CHECK(NiceTicks(1.0f, 1.0f, 5, t) == 1);  // degenerate range: one label, no division by zero
}

TEST_CASE("DrawColorbar reports the value under the mouse", "[widgets][colorbar]") {
  ImGuiHarness h;
  ImVec2 pos;
  float got = 0;
  const ColorScale scale{Colormap::Viridis, 0.0f, 10.0f};
  for (int f = 0; f < 3; ++f) {
    h.Frame([&] {
      pos = ImGui::GetCursorScreenPos();
      got = DrawColorbar("##cb", scale, ColorbarOrientation::Horizontal, ImVec2(400, 0));
    });
    h.MoveTo(ImVec2(pos.x + 200, pos.y + 5));  // the middle of the bar
  }
  // Bar spans [pad, 400 - pad] with symmetric label padding, so the middle is 5.
  CHECK(got == Approx(5.0f).margin(0.1f));
}

// [SECTION] Heatmap

TEST_CASE("Heatmap hover reports the cell under the mouse and a click selects its row", "[widgets][heatmap]") {
  ImGuiHarness h;
  NullTextureService textures;
  Heatmap heatmap(textures);
  HeatmapView view;
  const int n = 16;
  const auto w = RandomAttention(n, 3, 1.0f);
  const auto tokens = MakeTokens(n);
  HeatmapData d;
  d.values = w.data();
  d.rows = d.cols = n;
  d.row_tokens = d.col_tokens = tokens;
  HeatmapResult r;
  auto frame = [&] { h.Frame([&] { r = heatmap.Draw("##hm", d, view, ImVec2(600, 600)); }); };
  frame();
  REQUIRE(r.plot_max.x > r.plot_min.x + 100);
  CHECK(r.pool_rows == 1);
  CHECK(r.pool_cols == 1);

  for (auto [row, col] : {std::pair{5, 9}, std::pair{0, 0}, std::pair{15, 15}, std::pair{12, 3}}) {
    h.MoveTo(CellCentre(r, n, n, row, col));
    frame();
    CHECK(r.hovered_row == row);
    CHECK(r.hovered_col == col);
    CHECK(r.focused);
    CHECK(r.clicked_row == -1);
  }

  h.MoveTo(CellCentre(r, n, n, 7, 2));
  frame();
  h.Down(true);
  frame();
  CHECK(r.clicked_row == -1);  // press alone does not select
  h.Down(false);
  frame();
  CHECK(r.clicked_row == 7);
  frame();
  CHECK(r.clicked_row == -1);  // once

  // Outside the widget: nothing hovered, not focused.
  h.MoveTo(ImVec2(1200, 880));
  frame();
  CHECK(r.hovered_row == -1);
  CHECK_FALSE(r.focused);
}

TEST_CASE("Heatmap zooms around the cursor, pans by dragging (no click) and fits on double-click", "[widgets][heatmap]") {
  ImGuiHarness h;
  NullTextureService textures;
  Heatmap heatmap(textures);
  HeatmapView view;
  const int n = 64;
  const auto w = RandomAttention(n, 4, 1.0f);
  HeatmapData d;
  d.values = w.data();
  d.rows = d.cols = n;
  HeatmapResult r;
  auto frame = [&] { h.Frame([&] { r = heatmap.Draw("##hm", d, view, ImVec2(700, 700)); }); };
  frame();
  const ImVec2 p = CellCentre(r, n, n, 40, 20);
  h.MoveTo(p);
  frame();
  REQUIRE(r.hovered_row == 40);
  REQUIRE(r.hovered_col == 20);
  ImGui::GetIO().MouseWheel = 3.0f;
  frame();
  CHECK(view.zoom == Approx(std::pow(1.2f, 3.0f)).epsilon(1e-4));
  frame();
  // The cell under the cursor stays under the cursor.
  CHECK(r.hovered_row == 40);
  CHECK(r.hovered_col == 20);

  // Drag 60 px left: the view moves right, and the release is not a click.
  const float cx = view.center_x;
  h.Down(true);
  frame();
  for (int i = 1; i <= 6; ++i) {
    h.MoveTo(ImVec2(p.x - 10.0f * i, p.y));
    frame();
  }
  h.Down(false);
  frame();
  CHECK(r.clicked_row == -1);
  CHECK(view.center_x > cx);
  // Cell width at this zoom is 700/64*1.728 px: 60 px is 60/cw columns of 64.
  const float cw = (r.plot_max.x - r.plot_min.x) / (n / view.zoom);
  CHECK(view.center_x - cx == Approx(60.0f / cw / n).epsilon(0.02));

  // Double-click fits again.
  for (int k = 0; k < 2; ++k) {
    h.Down(true);
    frame();
    h.Down(false);
    frame();
  }
  CHECK(view.zoom == 1.0f);
  CHECK(view.center_x == 0.5f);
  CHECK(view.center_y == 0.5f);
}

TEST_CASE("Heatmap rebuilds its texture only when contents, colormap or range change", "[widgets][heatmap]") {
  ImGuiHarness h;
  CountingTextureService textures;
  HeatmapView view;
  const int n = 32;
  auto w = RandomAttention(n, 5, 1.0f);
  HeatmapData d;
  d.values = w.data();
  d.rows = d.cols = n;
  {
    Heatmap heatmap(textures);
    auto frame = [&] { h.Frame([&] { heatmap.Draw("##hm", d, view, ImVec2(500, 500)); }); };
    for (int i = 0; i < 5; ++i) frame();
    CHECK(heatmap.texture_builds() == 1);
    CHECK(textures.last_w == n);
    CHECK(textures.last_h == n);
    d.scale.map = Colormap::Magma;
    frame();
    frame();
    CHECK(heatmap.texture_builds() == 2);
    d.scale.vmax = 0.5f;
    frame();
    CHECK(heatmap.texture_builds() == 3);
    d.generation = 9;
    frame();
    CHECK(heatmap.texture_builds() == 4);
    // Same address, new contents, same generation: the sampled cells still notice.
    w = RandomAttention(n, 6, 1.0f);
    d.values = w.data();
    frame();
    CHECK(heatmap.texture_builds() == 5);
    CHECK(textures.creates == 1);  // same size: updated in place
    CHECK(textures.updates == 4);
  }
  CHECK(textures.destroys == 1);  // the widget frees its texture
}

TEST_CASE("Heatmap max-pools when the matrix has more cells than pixels and says by how much", "[widgets][heatmap]") {
  ImGuiHarness h;
  CountingTextureService textures;
  Heatmap heatmap(textures);
  HeatmapView view;
  const int n = 1024;
  const auto w = RandomAttention(n, 8, 2.0f);
  HeatmapData d;
  d.values = w.data();
  d.rows = d.cols = n;
  HeatmapResult r;
  auto frame = [&] { h.Frame([&] { r = heatmap.Draw("##hm", d, view, ImVec2(500, 500)); }); };
  frame();
  const int px = static_cast<int>(r.plot_max.y - r.plot_min.y);
  const int px_w = static_cast<int>(r.plot_max.x - r.plot_min.x);
  REQUIRE(px < n);
  // A square matrix gets square blocks: the factor the tighter axis needs.
  CHECK(r.pool_rows == std::max(PoolFactorFor(n, px), PoolFactorFor(n, px_w)));
  CHECK(r.pool_cols == r.pool_rows);
  CHECK(r.pool_rows > 1);
  CHECK(textures.last_h == (n + r.pool_rows - 1) / r.pool_rows);
  CHECK(textures.last_h <= px);  // never more texels than pixels: nothing is dropped by sampling
  CHECK(textures.last_w <= px_w);
  // Zooming in needs less pooling, and the texture follows.
  ImGui::GetIO().MouseWheel = 10.0f;
  h.MoveTo(ImVec2((r.plot_min.x + r.plot_max.x) / 2, (r.plot_min.y + r.plot_max.y) / 2));
  const int builds = heatmap.texture_builds();
  const int initial_pool = r.pool_rows;
  frame();
  frame();
  CHECK(view.zoom > 4.0f);
  // Right after the zoom the coarser texture stays (honest, just pooled more than needed)...
  CHECK(heatmap.texture_builds() == builds);
  CHECK(r.pool_rows == initial_pool);
  // ...and once the zoom rests (0.2 s) the finer one is built, once.
  for (int i = 0; i < 20; ++i) frame();
  CHECK(heatmap.texture_builds() == builds + 1);
  CHECK(r.pool_rows == std::max(PoolFactorFor(n, static_cast<int>(px * view.zoom)),
                                PoolFactorFor(n, static_cast<int>(px_w * view.zoom))));
  CHECK(r.pool_rows < PoolFactorFor(n, px));
}

TEST_CASE("Heatmap survives masked rows, non-finite values and empty input", "[widgets][heatmap]") {
  ImGuiHarness h;
  CountingTextureService textures;
  Heatmap heatmap(textures);
  HeatmapView view;
  const int n = 8;
  std::vector<float> w(n * n, 0.125f);
  std::vector<std::uint8_t> allowed(n * n, 1);
  for (int j = 0; j < n; ++j) allowed[3 * n + j] = 0;  // an empty query row
  w[5 * n + 5] = std::numeric_limits<float>::quiet_NaN();
  const std::vector<float> scores(n * n, 1.5f);
  HeatmapData d;
  d.values = w.data();
  d.allowed = allowed.data();
  d.rows = d.cols = n;
  d.extras = {{"score", scores.data()}};
  HeatmapResult r;
  h.Frame([&] { r = heatmap.Draw("##hm", d, view, ImVec2(400, 400)); });
  // The empty row and the NaN cell are drawn as masked; every other cell has its colour.
  REQUIRE(textures.last_w == n);
  REQUIRE(textures.last_h == n);
  for (int row = 0; row < n; ++row)
    for (int col = 0; col < n; ++col) {
      const std::uint8_t* t = &textures.last_rgba[(row * n + col) * 4];
      const bool grey = Rgb8{t[0], t[1], t[2]} == kMaskedCellColor;
      INFO("cell " << row << ", " << col);
      CHECK(grey == (row == 3 || (row == 5 && col == 5)));
    }
  // Hover the masked row and the NaN cell: tooltips must build without trouble.
  for (auto [row, col] : {std::pair{3, 2}, std::pair{5, 5}}) {
    h.MoveTo(CellCentre(r, n, n, row, col));
    h.Frame([&] { r = heatmap.Draw("##hm", d, view, ImVec2(400, 400)); });
    CHECK(r.hovered_row == row);
    CHECK(r.hovered_col == col);
  }
  HeatmapData empty;
  h.Frame([&] { r = heatmap.Draw("##empty", empty, view); });
  CHECK(r.hovered_row == -1);
}

// [SECTION] Attention arcs

namespace {
struct ArcsFixture {
  explicit ArcsFixture(int n, int heads = 8, float sharpness = 3.0f) : tokens(MakeTokens(n)) {
    for (int hd = 0; hd < heads; ++hd) weights.push_back(RandomAttention(n, 100 + hd, sharpness));
    for (auto& w : weights) ptrs.push_back(w.data());
    data.tokens = tokens;
    data.heads = heads;
    data.weights = ArcsWeightsFromMatrices(ptrs, n);
  }
  std::vector<Token> tokens;
  std::vector<std::vector<float>> weights;
  std::vector<const float*> ptrs;
  ArcsData data;
};
}  // namespace

TEST_CASE("Arcs draw exactly the arcs above the threshold of the shown heads", "[widgets][arcs]") {
  ImGuiHarness h;
  ArcsFixture fx(24);
  ArcsView view;
  view.min_weight = 0.05f;
  fx.data.selected_query = 7;
  ArcsResult r;
  auto frame = [&] { h.Frame([&] { r = DrawAttentionArcs("##arcs", fx.data, view, ImVec2(900, 700)); }); };
  auto expected = [&](auto visible) {
    int count = 0;
    for (int hd = 0; hd < 8; ++hd)
      if (visible(hd))
        for (int k = 0; k < 24; ++k) count += fx.weights[hd][7 * 24 + k] >= view.min_weight;
    return count;
  };
  frame();
  CHECK(r.arcs_drawn == expected([](int) { return true; }));
  CHECK(r.arcs_drawn > 0);
  view.hidden_heads = 0b10110010;
  frame();
  CHECK(r.arcs_drawn == expected([&](int hd) { return !((view.hidden_heads >> hd) & 1); }));
  view.all_heads = false;
  view.solo_head = 3;
  frame();
  CHECK(r.arcs_drawn == expected([](int hd) { return hd == 3; }));
  fx.data.selected_query = -1;
  frame();
  CHECK(r.arcs_drawn == 0);
}

TEST_CASE("Arcs: hovering the query column reports tokens in order and a click selects", "[widgets][arcs]") {
  ImGuiHarness h;
  ArcsFixture fx(10);
  ArcsView view;
  fx.data.show_head_chips = false;  // the arcs area starts at the cursor
  ArcsResult r;
  ImVec2 origin;
  auto frame = [&] {
    h.Frame([&] {
      origin = ImGui::GetCursorScreenPos();
      r = DrawAttentionArcs("##arcs", fx.data, view, ImVec2(800, 600));
    });
  };
  frame();
  std::vector<int> seen;
  for (float y = origin.y; y < origin.y + 600; y += 3.0f) {
    h.MoveTo(ImVec2(origin.x + 8.0f, y));
    frame();
    if (r.hovered_token >= 0 && (seen.empty() || seen.back() != r.hovered_token)) seen.push_back(r.hovered_token);
  }
  std::vector<int> want(10);
  for (int i = 0; i < 10; ++i) want[i] = i;
  CHECK(seen == want);
  // Hovering a query previews its arcs even with nothing selected.
  CHECK(r.arcs_drawn == 0);  // the last position is below the tokens
  float y6 = 0;
  for (float y = origin.y; y < origin.y + 600; y += 3.0f) {
    h.MoveTo(ImVec2(origin.x + 8.0f, y));
    frame();
    if (r.hovered_token == 6) {
      y6 = y;
      break;
    }
  }
  REQUIRE(r.hovered_token == 6);
  CHECK(r.arcs_drawn > 0);
  h.MoveTo(ImVec2(origin.x + 8.0f, y6));
  h.Down(true);
  frame();
  h.Down(false);
  frame();
  CHECK(r.clicked_token == 6);
}

TEST_CASE("Arcs stay bounded at N = 1024 and report vertex counts", "[widgets][arcs][perf]") {
  for (int n : {16, 256, 1024}) {
    ImGuiHarness h;
    // Low sharpness: nearly uniform rows, the worst case for "how many arcs pass the threshold".
    ArcsFixture fx(n, 8, 0.5f);
    ArcsView view;
    view.min_weight = 0.001f;  // the lowest the slider allows
    fx.data.selected_query = n / 2;
    ArcsResult r;
    h.Frame([&] { r = DrawAttentionArcs("##arcs", fx.data, view, ImVec2(1000, 800)); });
    h.Frame([&] { r = DrawAttentionArcs("##arcs", fx.data, view, ImVec2(1000, 800)); });
    INFO("n = " << n << ": " << r.arcs_drawn << " arcs, " << r.vertices << " vertices");
    WARN("arcs n=" << n << " min_w=0.001: " << r.arcs_drawn << " arcs, " << r.vertices << " vertices");
    CHECK(r.arcs_drawn <= 768);
    CHECK(r.vertices < 65536);  // one 16-bit-indexed draw list is enough
    view.min_weight = 0.01f;
    h.Frame([&] { r = DrawAttentionArcs("##arcs", fx.data, view, ImVec2(1000, 800)); });
    WARN("arcs n=" << n << " min_w=0.01: " << r.arcs_drawn << " arcs, " << r.vertices << " vertices");
    CHECK(r.arcs_drawn <= 8 * 100);  // a softmax row has at most 1/0.01 weights >= 0.01
    view.layout = ArcsLayout::OneLine;
    h.Frame([&] { r = DrawAttentionArcs("##arcs", fx.data, view, ImVec2(1000, 800)); });
    WARN("arcs one-line n=" << n << " min_w=0.01: " << r.arcs_drawn << " arcs, " << r.vertices << " vertices");
    CHECK(r.vertices < 65536);
  }
}

// [SECTION] Token strip

TEST_CASE("Token strip: click selects, click again clears, Ctrl+click toggles a global", "[widgets][tokens]") {
  ImGuiHarness h;
  TokenStrip strip;
  const auto tokens = MakeTokens(30);
  std::vector<int> globals{0};
  TokenStripData d;
  d.tokens = tokens;
  d.globals = globals;
  d.allow_global_toggle = true;
  TokenStripResult r;
  auto frame = [&] { h.Frame([&] { r = strip.Draw("##strip", d); }); };
  frame();
  auto centre = [&](int i) {
    const ImVec4 rc = strip.chip_rects()[i];
    return ImVec2(strip.origin().x + (rc.x + rc.z) / 2, strip.origin().y + (rc.y + rc.w) / 2);
  };
  auto click = [&](int i) {
    h.MoveTo(centre(i));
    frame();
    h.Down(true);
    frame();
    h.Down(false);
    frame();
  };
  h.MoveTo(centre(4));
  frame();
  CHECK(r.hovered == 4);
  click(12);
  CHECK(r.selection_changed);
  CHECK(r.selected == 12);
  d.selected = r.selected;
  click(12);
  CHECK(r.selection_changed);
  CHECK(r.selected == -1);
  d.selected = -1;
  click(3);
  CHECK(r.selected == 3);
  d.selected = 3;
  h.Ctrl(true);
  click(9);
  h.Ctrl(false);
  CHECK(r.toggled_global == 9);
  CHECK_FALSE(r.selection_changed);
  CHECK(r.selected == 3);
  // Without the global-local mask a Ctrl+click does nothing.
  d.allow_global_toggle = false;
  h.Ctrl(true);
  click(9);
  h.Ctrl(false);
  CHECK(r.toggled_global == -1);
  CHECK_FALSE(r.selection_changed);
}

TEST_CASE("Token strip at N = 4096 draws only the visible lines", "[widgets][tokens][perf]") {
  ImGuiHarness h;
  TokenStrip strip;
  const auto tokens = MakeTokens(4096);
  TokenStripData d;
  d.tokens = tokens;
  h.Frame([&] { strip.Draw("##strip", d); });
  h.Frame([&] { strip.Draw("##strip", d); });
  CHECK(strip.lines() > 50);
  CHECK(strip.chip_rects().size() == 4096);
  // 8 lines are visible (plus one margin line each side): at most 10 lines of chips.
  CHECK(strip.chips_drawn_last_frame() > 0);
  CHECK(strip.chips_drawn_last_frame() < 4096 / 5);
  WARN("token strip n=4096: " << strip.lines() << " lines, " << strip.chips_drawn_last_frame() << " chips drawn");
  // Chips never overlap and stay inside the strip's width.
  const auto& rc = strip.chip_rects();
  for (std::size_t i = 1; i < rc.size(); ++i) {
    if (rc[i].y == rc[i - 1].y) CHECK(rc[i].x >= rc[i - 1].z);
    else CHECK(rc[i].y > rc[i - 1].y);
  }
}

// [SECTION] Matrix table

TEST_CASE("Matrix table hover reports row and column", "[widgets][matrix]") {
  ImGuiHarness h;
  const int rows = 6, cols = 4;
  std::vector<float> m(rows * cols);
  for (int i = 0; i < rows * cols; ++i) m[i] = std::sin(static_cast<float>(i));
  const auto tokens = MakeTokens(rows);
  MatrixData d;
  d.values = m.data();
  d.rows = rows;
  d.cols = cols;
  d.row_tokens = tokens;
  d.scale = {Colormap::Diverging, -1.0f, 1.0f};
  MatrixResult r;
  ImVec2 origin;
  auto frame = [&] {
    h.Frame([&] {
      origin = ImGui::GetCursorScreenPos();
      r = DrawMatrixTable("##m", d, ImVec2(600, 400));
    });
  };
  frame();
  // Scan a vertical line through the last column: rows appear in order.
  std::vector<int> seen;
  for (float y = origin.y; y < origin.y + 400; y += 2.0f) {
    h.MoveTo(ImVec2(origin.x + 20, y));
    frame();
    if (r.hovered_row >= 0 && (seen.empty() || seen.back() != r.hovered_row)) seen.push_back(r.hovered_row);
  }
  CHECK(seen == std::vector<int>{0, 1, 2, 3, 4, 5});
}

TEST_CASE("Screen and slide agree: the exported figure shows the window texture's pooled blocks, value for value",
          "[widgets][heatmap][pool]") {
  // The same matrix in the window's heatmap and in core/figure's raster cells, on a plot
  // of the same size in pixels. Each figure pixel must show the texel of the window's
  // texture under the pixel's centre (nearest sampling, as the GPU does), found here
  // from plain geometry; every texel must be shown by some pixel (no block dropped).
  struct Case {
    int rows, cols;
    Colormap map;
    PoolMode pool;
  };
  for (const Case& k : {Case{700, 700, Colormap::Viridis, PoolMode::Max}, Case{901, 333, Colormap::Magma, PoolMode::Max},
                        Case{613, 613, Colormap::Diverging, PoolMode::MaxAbs}}) {
    INFO(k.rows << " x " << k.cols);
    ImGuiHarness h;
    CountingTextureService textures;
    Heatmap heatmap(textures);
    HeatmapView view;
    view.show_values = false;
    std::vector<float> v = RandomAttention(std::max(k.rows, k.cols), 3, 2.0f);
    v.resize(static_cast<std::size_t>(k.rows) * k.cols);
    std::vector<std::uint8_t> allowed(v.size());
    for (int r = 0; r < k.rows; ++r)
      for (int c = 0; c < k.cols; ++c) {
        const std::size_t i = static_cast<std::size_t>(r) * k.cols + c;
        allowed[i] = c <= r + 5;  // a causal-like triangle, so some blocks are all masked
        if (k.pool == PoolMode::MaxAbs) v[i] = (v[i] - 0.002f) * 100.0f;  // signed
      }
    HeatmapData d;
    d.values = v.data();
    d.allowed = allowed.data();
    d.rows = k.rows;
    d.cols = k.cols;
    d.scale = {k.map, k.pool == PoolMode::MaxAbs ? -1.0f : 0.0f, k.pool == PoolMode::MaxAbs ? 1.0f : 0.1f};
    d.pool = k.pool;
    HeatmapResult r;
    h.Frame([&] { r = heatmap.Draw("##h", d, view, ImVec2(560, 520)); });
    REQUIRE(r.pool_rows * r.pool_cols > 1);  // the case this test is about
    const int W = static_cast<int>(r.plot_max.x - r.plot_min.x), H = static_cast<int>(r.plot_max.y - r.plot_min.y);
    const int tw = textures.last_w, th = textures.last_h;
    REQUIRE(tw == (k.cols + r.pool_cols - 1) / r.pool_cols);
    REQUIRE(th == (k.rows + r.pool_rows - 1) / r.pool_rows);

    figure::RasterSurface surface(static_cast<float>(W), static_cast<float>(H), 1.0f, false);
    figure::CellsSpec cells;
    cells.w = static_cast<float>(W);
    cells.h = static_cast<float>(H);
    cells.values = v.data();
    cells.mask = allowed.data();
    cells.rows = k.rows;
    cells.cols = k.cols;
    cells.colormap = k.map;
    cells.vmin = d.scale.vmin;
    cells.vmax = d.scale.vmax;
    CHECK(surface.Cells(cells));
    const RasterImage& img = surface.image();
    std::vector<std::uint8_t> shown(static_cast<std::size_t>(tw) * th, 0);
    long mismatches = 0, compared = 0;
    for (int py = 0; py < H - 1; ++py)      // the last pixel row and column may also fold in a
      for (int px = 0; px < W - 1; ++px) {  // narrow last block; they are checked below
        const int cell_r = static_cast<int>((py + 0.5) * k.rows / H), cell_c = static_cast<int>((px + 0.5) * k.cols / W);
        const std::size_t t = static_cast<std::size_t>(cell_r / r.pool_rows) * tw + cell_c / r.pool_cols;
        shown[t] = 1;
        const std::uint8_t* want = &textures.last_rgba[t * 4];
        const std::uint8_t* got = &img.rgba[(static_cast<std::size_t>(py) * img.width + px) * 4];
        const Rgb8 g{got[0], got[1], got[2]};
        const bool masked = Rgb8{want[0], want[1], want[2]} == kMaskedCellColor;
        ++compared;
        if (masked) mismatches += !(g == kMaskedCellColor || g == kMaskedHatchColor);
        else mismatches += got[0] != want[0] || got[1] != want[1] || got[2] != want[2];
      }
    CHECK(compared > 100000);
    CHECK(mismatches == 0);
    // Every block but those of the last texel row / column was shown by an inner pixel;
    // those the last pixel row and column show (or fold in).
    long unseen = 0;
    for (int ty = 0; ty < th - 1; ++ty)
      for (int tx = 0; tx < tw - 1; ++tx) unseen += !shown[static_cast<std::size_t>(ty) * tw + tx];
    CHECK(unseen == 0);
  }
}

TEST_CASE("Heatmap vertex count does not grow with N (causal mask, every zoom)", "[widgets][heatmap][perf]") {
  for (int n : {16, 256, 1024}) {
    ImGuiHarness h;
    NullTextureService textures;
    Heatmap heatmap(textures);
    HeatmapView view;
    const auto w = RandomAttention(n, 11, 1.0f);
    std::vector<std::uint8_t> allowed(static_cast<std::size_t>(n) * n);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) allowed[i * n + j] = j <= i;
    const auto tokens = MakeTokens(n);
    HeatmapData d;
    d.values = w.data();
    d.allowed = allowed.data();
    d.rows = d.cols = n;
    d.row_tokens = d.col_tokens = tokens;
    d.selected_row = n / 3;
    d.highlight_row = d.highlight_col = n / 2;
    int max_vtx = 0;
    HeatmapResult r;
    for (float zoom : {1.0f, 4.0f, 16.0f, 64.0f}) {
      view.zoom = zoom;
      view.center_x = view.center_y = 0.3f;
      int vtx = 0;
      for (int f = 0; f < 15; ++f)  // past the 0.2 s after which a zoom-in gets its finer texture
        h.Frame([&] {
          ImDrawList* dl = ImGui::GetWindowDrawList();
          const int before = dl->VtxBuffer.Size;
          r = heatmap.Draw("##hm", d, view, ImVec2(800, 800));
          vtx = dl->VtxBuffer.Size - before;
        });
      WARN("heatmap n=" << n << " zoom=" << view.zoom << ": " << vtx << " vertices, pool " << r.pool_rows);
      max_vtx = std::max(max_vtx, vtx);
    }
    CHECK(max_vtx < 40000);
  }
}

TEST_CASE("Heatmap Export button reports export_requested and focus", "[widgets][heatmap]") {
  ImGuiHarness h;
  NullTextureService textures;
  Heatmap heatmap(textures);
  HeatmapView view;
  const auto w = RandomAttention(8, 21, 1.0f);
  HeatmapData d;
  d.values = w.data();
  d.rows = d.cols = 8;
  HeatmapResult r;
  ImVec2 origin;
  const ImVec2 size(500, 500);
  auto frame = [&] {
    h.Frame([&] {
      origin = ImGui::GetCursorScreenPos();
      r = heatmap.Draw("##hm", d, view, size);
    });
  };
  frame();
  // The Export button is the last thing on the header line, flush with the right edge.
  const ImVec2 button(origin.x + size.x - ImGui::GetStyle().FramePadding.x - 4.0f, origin.y + ImGui::GetFrameHeight() * 0.5f);
  h.MoveTo(button);
  frame();
  CHECK_FALSE(r.export_requested);
  h.Down(true);
  frame();
  h.Down(false);
  frame();
  CHECK(r.export_requested);
  CHECK(r.focused);
  CHECK(r.clicked_row == -1);
  frame();
  CHECK_FALSE(r.export_requested);
  d.show_export_button = false;
  h.Down(true);
  frame();
  h.Down(false);
  frame();
  CHECK_FALSE(r.export_requested);
}

TEST_CASE("Heatmap hatches masked cells when they are big enough, and only then", "[widgets][heatmap]") {
  ImGuiHarness h;
  NullTextureService textures;
  auto vertices = [&](int n, const std::uint8_t* allowed, ImVec2 size) {
    Heatmap heatmap(textures);
    HeatmapView view;
    view.show_values = false;
    const auto w = RandomAttention(n, 5, 1.0f);
    HeatmapData d;
    d.values = w.data();
    d.rows = d.cols = n;
    d.allowed = allowed;
    int vtx = 0;
    for (int f = 0; f < 2; ++f)
      h.Frame([&] {
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const int before = dl->VtxBuffer.Size;
        heatmap.Draw("##hm", d, view, size);
        vtx = dl->VtxBuffer.Size - before;
      });
    return vtx;
  };
  for (int n : {12, 400}) {
    std::vector<std::uint8_t> causal(static_cast<std::size_t>(n) * n);
    for (int i = 0; i < n; ++i)
      for (int j = 0; j < n; ++j) causal[i * n + j] = j <= i;
    const int plain = vertices(n, nullptr, ImVec2(600, 600));
    const int masked = vertices(n, causal.data(), ImVec2(600, 600));
    INFO("n = " << n << ": " << plain << " vertices unmasked, " << masked << " causal");
    if (n == 12) CHECK(masked > plain + 200);  // ~40 px cells: hatch lines over the upper triangle
    else CHECK(masked == plain);              // ~1 px cells: plain grey, no hatch
  }
}

TEST_CASE("Arcs one-line layout: hovering along the line reports tokens in order", "[widgets][arcs]") {
  ImGuiHarness h;
  ArcsFixture fx(12);
  ArcsView view;
  view.layout = ArcsLayout::OneLine;
  fx.data.show_head_chips = false;
  ArcsResult r;
  ImVec2 origin;
  const ImVec2 size(900, 400);
  auto frame = [&] {
    h.Frame([&] {
      origin = ImGui::GetCursorScreenPos();
      r = DrawAttentionArcs("##arcs", fx.data, view, size);
    });
  };
  frame();
  std::vector<int> seen;
  const float y = origin.y + size.y - ImGui::GetTextLineHeight() * 0.8f;  // the token band at the bottom
  for (float x = origin.x; x < origin.x + size.x; x += 4.0f) {
    h.MoveTo(ImVec2(x, y));
    frame();
    if (r.hovered_token >= 0 && (seen.empty() || seen.back() != r.hovered_token)) seen.push_back(r.hovered_token);
  }
  std::vector<int> want(12);
  for (int i = 0; i < 12; ++i) want[i] = i;
  CHECK(seen == want);
  // Above the line, over the arcs, nothing is hovered.
  h.MoveTo(ImVec2(origin.x + size.x / 2, origin.y + 20));
  frame();
  CHECK(r.hovered_token == -1);
}

TEST_CASE("Widgets survive tiny sizes, odd shapes and non-finite input without asserting", "[widgets]") {
  ImGuiHarness h;
  NullTextureService textures;
  Heatmap heatmap(textures);
  HeatmapView view;
  ArcsView arcs_view;
  TokenStrip strip;
  const float nan = std::numeric_limits<float>::quiet_NaN();
  std::vector<float> w = RandomAttention(6, 1, 1.0f);
  w[7] = nan;
  w[8] = std::numeric_limits<float>::infinity();
  const std::vector<float> row(1 * 300, 0.5f);
  const auto tokens = MakeTokens(6);
  std::vector<const float*> heads{w.data(), w.data()};
  for (ImVec2 size : {ImVec2(1, 1), ImVec2(40, 20), ImVec2(3000, 2000)}) {
    for (int f = 0; f < 3; ++f) {
      h.MoveTo(ImVec2(10.0f + f * 7, 10.0f + f * 5));
      h.Frame([&] {
        HeatmapData d;
        d.values = w.data();
        d.rows = d.cols = 6;
        d.row_tokens = d.col_tokens = tokens;
        d.scale = {Colormap::Diverging, nan, nan};  // a range nobody should produce
        heatmap.Draw("##a", d, view, size);
        HeatmapData one;  // a 1 x 300 strip
        one.values = row.data();
        one.rows = 1;
        one.cols = 300;
        heatmap.Draw("##b", one, view, size);
        ArcsData ad;
        ad.tokens = tokens;
        ad.heads = static_cast<int>(heads.size());
        ad.weights = ArcsWeightsFromMatrices(heads, static_cast<int>(tokens.size()));
        ad.selected_query = 1;
        DrawAttentionArcs("##arcs", ad, arcs_view, size);
        TokenStripData td;
        td.tokens = tokens;
        strip.Draw("##strip", td, size.y);
        MatrixData md;
        md.values = w.data();
        md.rows = md.cols = 6;
        DrawMatrixTable("##m", md, size);
        DrawColorbar("##cb", {Colormap::Magma, 1.0f, 1.0f}, ColorbarOrientation::Vertical, size);
      });
    }
  }
  view.zoom = nan;
  view.center_x = std::numeric_limits<float>::infinity();
  h.Frame([&] {
    HeatmapData d;
    d.values = w.data();
    d.rows = d.cols = 6;
    heatmap.Draw("##a", d, view);
  });
  CHECK(view.zoom == 1.0f);
  CHECK(std::isfinite(view.center_x));
}

TEST_CASE("Arcs head chips toggle heads, or pick the one head", "[widgets][arcs]") {
  ImGuiHarness h;
  ArcsFixture fx(10, 4);
  ArcsView view;
  fx.data.selected_query = 2;
  ArcsResult r;
  ImVec2 origin;
  auto frame = [&] {
    h.Frame([&] {
      origin = ImGui::GetCursorScreenPos();
      r = DrawAttentionArcs("##arcs", fx.data, view, ImVec2(1000, 500));
    });
  };
  frame();
  // Toolbar: one line of buttons and the slider (a frame high), then the chips.
  const ImGuiStyle& style = ImGui::GetStyle();
  const float chips_y = origin.y + ImGui::GetFrameHeight() + style.ItemSpacing.y + (ImGui::GetTextLineHeight() + style.FramePadding.y) * 0.5f;
  auto click = [&](ImVec2 p) {
    h.MoveTo(p);
    frame();
    h.Down(true);
    frame();
    h.Down(false);
    frame();
  };
  click(ImVec2(origin.x + 4.0f, chips_y));
  CHECK(r.view_changed);
  CHECK(view.hidden_heads == 0b0001);
  click(ImVec2(origin.x + 4.0f, chips_y));
  CHECK(view.hidden_heads == 0);
  view.all_heads = false;
  const float chip_w = std::max(ImGui::CalcTextSize("0").x + style.FramePadding.x * 2,
                                (ImGui::GetTextLineHeight() + style.FramePadding.y) * 1.4f);
  click(ImVec2(origin.x + chip_w + style.ItemSpacing.x * 0.5f + 4.0f, chips_y));  // chip of head 1
  CHECK(view.solo_head == 1);
  CHECK(view.hidden_heads == 0);
}

// [SECTION] Head grid (chapter 3's model view)

TEST_CASE("Head grid: layers x heads cells from one atlas, masked texels grey, a click focuses (layer, head)",
          "[widgets][head-grid]") {
  ImGuiHarness h(1600, 1000);
  CountingTextureService textures;
  HeadGrid grid(textures);
  // GPT-2 small's shape: 12 layers x 12 heads, thumbnails of 6 x 6 texels,
  // each head's value its own index (so the atlas's layout is checkable).
  const int L = 12, H = 12, t = 6;
  std::vector<std::vector<float>> values(L * H, std::vector<float>(t * t));
  std::vector<std::vector<std::uint8_t>> valid(L * H, std::vector<std::uint8_t>(t * t, 1));
  for (int k = 0; k < L * H; ++k) std::fill(values[k].begin(), values[k].end(), static_cast<float>(k) / (L * H));
  valid[5 * H + 7][1] = 0;  // layer 5, head 7: texel (0, 1) masked
  HeadGridData d;
  d.layers = L;
  d.heads = H;
  d.thumb = t;
  d.values = [&](int l, int hd) { return values[l * H + hd].data(); };
  d.valid = [&](int l, int hd) { return valid[l * H + hd].data(); };
  d.tooltip = [](int l, int hd) {
    char b[32];
    std::snprintf(b, sizeof b, "L%d H%d", l + 1, hd);
    return std::string(b);
  };
  d.scale = {Colormap::Viridis, 0.0f, 1.0f};
  d.generation = 1;
  HeadGridResult r;
  const ImVec2 size(760, 780);
  auto frame = [&] { h.Frame([&] { r = grid.Draw("##grid", d, size); }); };
  frame();
  CHECK(r.cells_drawn == L * H);
  CHECK(r.cell == HeadGrid::CellSize(L, H, false, size));
  CHECK(r.cell >= 40);  // readable: each thumbnail gets at least 40 px a side here
  // The atlas: head (l, h) at texels [h t, (h+1) t) x [l t, (l+1) t).
  REQUIRE(textures.last_w == H * t);
  REQUIRE(textures.last_h == L * t);
  auto texel = [&](int l, int hd, int row, int col) {
    const std::size_t o = (static_cast<std::size_t>(l * t + row) * (H * t) + hd * t + col) * 4;
    return Rgb8{textures.last_rgba[o], textures.last_rgba[o + 1], textures.last_rgba[o + 2]};
  };
  const Rgb8 a = texel(3, 4, 2, 2), want = ColormapColor(Colormap::Viridis, static_cast<float>(3 * H + 4) / (L * H), 0, 1);
  CHECK((a.r == want.r && a.g == want.g && a.b == want.b));
  const Rgb8 m = texel(5, 7, 0, 1);
  CHECK((m.r == kMaskedCellColor.r && m.g == kMaskedCellColor.g && m.b == kMaskedCellColor.b));
  // Every cell is where the result says, and a click on it focuses exactly it.
  for (auto [l, hd] : {std::pair{0, 0}, std::pair{7, 3}, std::pair{11, 11}, std::pair{5, 10}}) {
    const ImVec2 c(r.first_cell.x + hd * r.pitch.x + r.cell * 0.5f, r.first_cell.y + l * r.pitch.y + r.cell * 0.5f);
    h.MoveTo(c);
    frame();
    CHECK(r.hovered_layer == l);
    CHECK(r.hovered_head == hd);
    h.Down(true);
    frame();
    h.Down(false);
    CHECK(r.clicked_layer == l);
    CHECK(r.clicked_head == hd);
    frame();
    CHECK(r.clicked_head == -1);  // one click, one focus
  }
  // The built-in model's shape (2 layers) fills its cells too; no texture is rebuilt while nothing changes.
  const int creates = textures.creates + textures.updates;
  frame();
  CHECK(textures.creates + textures.updates == creates);
  d.layers = 2;
  d.generation = 2;
  frame();
  CHECK(r.cells_drawn == 2 * H);
  CHECK(textures.last_h == 2 * t);
}
