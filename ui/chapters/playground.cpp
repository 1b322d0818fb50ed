// The Playground: the sentence's heatmaps and arcs for any layer and head with
// every view control, for inspecting a model rather than following a lesson.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <memory>
#include <string>

#include <imgui.h>

#include "core/compute/compute_service.h"
#include "core/figure/pool.h"
#include "core/parallel/thread_pool.h"

#include "ui/chapters/attention_view.h"
#include "ui/chapters/chapters.h"
#include "ui/segmented_control.h"
#include "ui/theme.h"
#include "ui/widgets/heatmap_texture.h"

namespace attnviz::ui {

namespace {

// Every head of the layer as a small weights thumbnail (max-pooled to at most
// kThumbTexels per side); click one to focus it. The pooling runs on a compute
// worker, one block row of one head at a time (Trace::MatrixRows), so no
// head's N x N matrix is ever whole: at N = 4096 with 8 heads that is 512 MB
// never allocated, and the window keeps drawing the last thumbnails meanwhile.
struct PooledHeads {
  std::vector<PooledMatrix> heads;  // one per head of the layer, each at most kThumbTexels per side
};

class HeadThumbnails {
 public:
  explicit HeadThumbnails(TextureService& t) : textures_(&t) {}
  ~HeadThumbnails() { Clear(); }
  HeadThumbnails(const HeadThumbnails&) = delete;
  HeadThumbnails& operator=(const HeadThumbnails&) = delete;

  void Draw(ChapterContext& ctx) {
    const Trace& t = *ctx.trace;
    const int layer = std::clamp(ctx.ui.layer, 0, static_cast<int>(t.layers.size()) - 1);
    const LayerTrace& l = t.layers[layer];
    const Colormap cmap = ParseColormap(ctx.ui.colormap).value_or(Colormap::Viridis);
    Computed<PooledHeads> pooled;
    if (ctx.compute && ctx.trace_owner) {
      const std::shared_ptr<const Trace> owner = ctx.trace_owner;
      const std::string key = std::to_string(ctx.generation) + "/" + std::to_string(layer);
      pooled = ctx.compute->Ask<PooledHeads>("playground/thumbnails", key, [owner, layer](const CancelToken& c) {
        const Trace& tr = *owner;
        const int n = tr.n();
        const int f = PoolFactorFor(n, kThumbTexels);
        auto out = std::make_shared<PooledHeads>();
        const int heads = static_cast<int>(tr.layers[layer].heads.size());
        out->heads.resize(heads);
        // Heads in parallel on the shared pool; a cancelled head stops at its next block row.
        std::atomic<bool> cancelled{false};
        ParallelFor(heads, [&](int h) {
          try {
            const MatrixRowSource rows = [&tr, layer, h, &c](int row0, int count, float* dst) {
              c.ThrowIfCancelled();
              tr.MatrixRows(layer, h, HeadMatrix::Weights, row0, count, dst);
            };
            out->heads[h] = PoolMatrix(rows, tr.mask.data(), n, n, f, f, PoolMode::Max);
          } catch (const Cancelled&) {
            cancelled = true;
          }
        });
        if (cancelled) throw Cancelled();
        return std::shared_ptr<const PooledHeads>(std::move(out));
      });
    }
    // New pooled values (or another colormap): bake and upload, 96 x 96 texels a head.
    if (pooled.value && (pooled.generation != baked_ || cmap != cmap_)) {
      Clear();
      for (const PooledMatrix& p : pooled.value->heads) {
        const std::vector<std::uint8_t> rgba = BakeHeatmapRgba(p, cmap, 0.0f, 1.0f);
        ids_.push_back(textures_->Create(p.cols, p.rows, rgba.data()));
      }
      baked_ = pooled.generation;
      cmap_ = cmap;
    }
    const Palette& pal = CurrentPalette();
    const float fs = ImGui::GetFontSize();
    const float side = std::round(4.2f * fs);
    const float label_h = ImGui::GetTextLineHeight();
    const float cell_w = side + 0.6f * fs;
    ImGui::BeginChild("##thumbs", ImVec2(0, side + label_h + 0.9f * fs), false, ImGuiWindowFlags_HorizontalScrollbar | ImGuiWindowFlags_NoNavInputs);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    // One cell per head of this trace's layer; a head whose thumbnail is not
    // pooled yet (the first trace, or a layer with more heads) shows its frame only.
    for (std::size_t h = 0; h < l.heads.size(); ++h) {
      if (h > 0) ImGui::SameLine(0, 0);
      ImGui::PushID(static_cast<int>(h));
      const ImVec2 p = ImGui::GetCursorScreenPos();
      if (ImGui::InvisibleButton("thumb", ImVec2(cell_w, side + label_h + 0.3f * fs))) ctx.ui.focused_head = static_cast<int>(h);
      const bool hovered = ImGui::IsItemHovered();
      const bool focused = ctx.ui.focused_head == static_cast<int>(h);
      const ImVec2 a(p.x, p.y), b(p.x + side, p.y + side);
      if (h < ids_.size()) dl->AddImage(ids_[h], a, b);
      else dl->AddRectFilled(a, b, pal.separator);
      dl->AddRect(ImVec2(a.x - 1, a.y - 1), ImVec2(b.x + 1, b.y + 1), focused ? pal.accent : hovered ? pal.text_dim : pal.separator,
                  0, 0, focused ? 2.0f : 1.0f);
      const Rgb8 c = HeadColor(static_cast<int>(h));
      dl->AddCircleFilled(ImVec2(a.x + 0.3f * fs, b.y + 0.25f * fs + label_h * 0.5f), 0.22f * fs, IM_COL32(c.r, c.g, c.b, 255));
      char label[24];
      std::snprintf(label, sizeof label, "H%d", static_cast<int>(h));
      dl->AddText(ImVec2(a.x + 0.65f * fs, b.y + 0.25f * fs), focused ? pal.text : pal.text_dim, label);
      if (hovered) {
        const std::string& role = l.heads[h].role;
        ImGui::SetTooltip("Head %zu%s%s: click to inspect", h, role.empty() ? "" : ", ", role.c_str());
      }
      ImGui::PopID();
    }
    ImGui::EndChild();
  }

 private:
  static constexpr int kThumbTexels = 96;
  void Clear() {
    for (ImTextureID id : ids_) textures_->Destroy(id);
    ids_.clear();
    baked_ = ~0ul;
  }
  TextureService* textures_;
  std::vector<ImTextureID> ids_;
  unsigned long baked_ = ~0ul;  // Computed::generation of the pooled heads baked into ids_
  Colormap cmap_ = Colormap::Viridis;
};

class Playground final : public Chapter {
 public:
  explicit Playground(TextureService& t) : view_(t), thumbs_(t) {}
  int number() const override { return 0; }
  const char* title() const override { return "Playground"; }
  const char* subtitle() const override { return "Every head, every matrix, every control"; }

  void Draw(ChapterContext& ctx) override {
    DrawChapterIntro(ctx, 0, title(),
                     "Any layer, any head, any of its matrices. Hover a cell for exact values; drag to pan and "
                     "scroll to zoom the heatmap; toggle heads in the arcs.");
    static const char* const kMatrices[] = {"weights", "logits", "scores", "bias", "mask"};
    SegmentedControl("matrix", kMatrices, 5, &matrix_);
    ctx.layout.AddLastItem("playground.matrix");
    ImGui::SameLine(0, ImGui::GetFontSize());
    ImGui::Checkbox("values in cells", &ctx.ui.show_values);
    ImGui::SameLine();
    if (ImGui::Button("Reset view")) {
      view_.heatmap_view().zoom = 1.0f;
      view_.heatmap_view().center_x = view_.heatmap_view().center_y = 0.5f;
    }
    if (ctx.trace && !ctx.trace->layers.empty()) {
      const LayerTrace& l = ctx.trace->layers[std::min<int>(ctx.ui.layer, ctx.trace->layers.size() - 1)];
      const int h = std::min<int>(ctx.ui.focused_head, l.heads.size() - 1);
      if (h >= 0 && !l.heads[h].empty_rows.empty())
        FactBadge("empty rows", std::to_string(l.heads[h].empty_rows.size()) + " (no allowed key: zero weights)", true);
      for (const std::string& note : ctx.trace->notes) FactBadge("note", note, true);
    }
    if (ctx.trace && !ctx.trace->layers.empty()) {
      DrawLayerPicker(ctx);
      thumbs_.Draw(ctx);
    }
    AttentionViewOptions o;
    o.head_picker = false;  // the thumbnails pick the head
    o.matrix = static_cast<ShownMatrix>(matrix_);
    o.arcs_head_chips = true;
    o.id = "playground";
    view_.Draw(ctx, o);
  }

 private:
  AttentionView view_;
  HeadThumbnails thumbs_;
  int matrix_ = 0;
};

}  // namespace

std::unique_ptr<Chapter> MakePlayground(TextureService& t) { return std::make_unique<Playground>(t); }

}  // namespace attnviz::ui
