// Engine: Request -> immutable Trace through the one forward pass
// (core/forward.h: RunLayer for every layer, with hooks when a caller gives
// them), keeping what every view needs. The per-head N x N matrices are not
// computed here: Trace::Matrix computes the one a view shows, when it shows it
// (core/trace.h).
#include "core/engine.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>

#include "core/attention/mask.h"
#include "core/forward.h"
#include "core/limits.h"
#include "core/model/builtin.h"

namespace attnviz {
namespace {

std::string SourceKey(const Request& r) {
  // The built-in model has a design per positional kind (builtin.h).
  if (r.model == "builtin") return BuiltinDesignKey(r.positional);
  if (r.model == "random")
    return "random/" + std::to_string(r.seed) + "/" + std::to_string(r.d_model) + "/" + std::to_string(r.heads) + "/" +
           std::to_string(r.layers);
  return r.model;
}

void CheckShape(const Request& r, const ModelShape& shape) {
  if (r.model == "random") return;
  if (r.d_model != shape.d_model || r.heads != shape.heads) {
    throw InputError("model " + shape.name + " has d_model " + std::to_string(shape.d_model) + " and " +
                     std::to_string(shape.heads) + " heads; --d-model and --heads choose sizes only for --model random");
  }
  if (shape.kv_heads % r.kv_heads != 0) {
    throw InputError("kv-heads " + std::to_string(r.kv_heads) + " must divide the model's " +
                     std::to_string(shape.kv_heads) + " key/value heads (groups are formed by mean-pooling)");
  }
  if (r.layers != 1 && r.layers != shape.layers) {
    throw InputError("model " + shape.name + " has " + std::to_string(shape.layers) +
                     " layer(s); --layers chooses a depth only for --model random");
  }
}

// Refuses an oversized random model before its weights are drawn (48 layers
// of d_model 1024 take seconds to generate; the refusal should not).
void CheckRandomBudget(const Request& r) {
  if (r.model != "random") return;
  const std::size_t n = TokenizeWords(r.text).size();
  const std::size_t bytes = EstimateTraceBytes(static_cast<int>(std::min<std::size_t>(n, kMaxTokens)), r.d_model,
                                               r.heads, r.kv_heads, r.layers);
  if (n <= static_cast<std::size_t>(kMaxTokens) && bytes > kMaxTraceBytes)
    throw InputError("a trace of " + std::to_string(n) + " tokens x " + std::to_string(r.heads) + " heads x " +
                     std::to_string(r.layers) + " layers needs " + std::to_string(bytes >> 20) + " MiB; the limit is " +
                     std::to_string(kMaxTraceBytes >> 20) + " MiB: shorten the text or use fewer heads/layers");
}

}  // namespace

std::vector<Token> TokenizeChecked(const Model& model, const std::string& text) {
  std::vector<Token> tokens = model.Tokenize(text);
  if (tokens.empty()) {
    throw InputError(text.empty() ? "text is empty: type a sentence (at least one token)"
                                  : "text has no tokens (only whitespace): type a sentence");
  }
  if (tokens.size() > static_cast<std::size_t>(kMaxTokens)) {
    throw InputError("text has " + std::to_string(tokens.size()) + " tokens; the limit is " + std::to_string(kMaxTokens) +
                     " (the most a view can show exactly)");
  }
  return tokens;
}

std::size_t EstimateTraceBytes(int n, int d_model, int heads, int kv_heads, int layers) {
  // What a trace stores: the mask (N^2 bytes), per layer the input, concat and
  // output (N x D each), per query head Q, output and lse, per kv head K and V.
  const std::size_t N = n, dk = d_model / std::max(1, heads), f = sizeof(float);
  const std::size_t per_layer = 3 * N * d_model * f + heads * (2 * N * dk + N) * f + kv_heads * 2 * N * dk * f;
  return N * N + layers * per_layer;
}

namespace {

TracePtr BuildTrace(const Request& request, ModelPtr model, std::vector<Token> tokens, const CancelToken* cancel,
                    ForwardHooks* hooks) {
  ValidateRequest(request);
  const ModelShape& shape = model->Shape();
  CheckShape(request, shape);
  auto trace = std::make_shared<Trace>();
  Trace& t = *trace;
  t.text = request.text;
  t.tokens = std::move(tokens);
  const int n = t.n();
  const ForwardSettings s = SettingsFor(request, shape, n, &t.notes);
  const int layers = shape.layers;
  const int H = shape.heads, G = s.kv_groups, dk = shape.d_k, D = shape.d_model;
  const std::size_t bytes = EstimateTraceBytes(n, D, H, G, layers);
  if (bytes > kMaxTraceBytes) {
    throw InputError("a trace of " + std::to_string(n) + " tokens x " + std::to_string(H) + " heads x " +
                     std::to_string(layers) + " layers needs " + std::to_string(bytes >> 20) +
                     " MiB; the limit is " + std::to_string(kMaxTraceBytes >> 20) + " MiB: shorten the text or use fewer heads/layers");
  }

  t.model = model;
  t.config.model = shape.name;
  t.config.d_model = D;
  t.config.heads = H;
  t.config.kv_heads = G;
  t.config.d_k = dk;
  t.config.layers = layers;
  t.config.positional = s.positional;
  t.config.scale = request.scale;
  t.config.temperature = request.temperature;
  t.config.mask = s.mask;
  t.config.seed = request.model == "random" ? request.seed : 0;

  const MaskSpec& ms = s.mask;
  for (int g : ms.globals)
    if (g >= n && ms.pattern == MaskPattern::GlobalLocal)
      t.notes.push_back("global token " + std::to_string(g) + " is past the last token (" + std::to_string(n - 1) + ") and is ignored");
  if (ms.pattern == MaskPattern::BlockSparse && ms.block >= n)
    t.notes.push_back("block " + std::to_string(ms.block) + " >= N = " + std::to_string(n) +
                      ": one block covers the whole text, so block-sparse equals " + (ms.causal ? "causal" : "full") + " attention");
  if ((ms.pattern == MaskPattern::Sliding || ms.pattern == MaskPattern::GlobalLocal) &&
      (ms.causal ? ms.window >= n : ms.window / 2 >= n - 1))
    t.notes.push_back("window " + std::to_string(ms.window) + " covers the whole text of " + std::to_string(n) +
                      " tokens: the sliding window changes nothing");
  if (G < shape.kv_heads)
    t.notes.push_back("K and V of each group of " + std::to_string(shape.kv_heads / G) +
                      " heads are mean-pooled (" + std::to_string(H) + " query heads share " + std::to_string(G) + " key/value heads)");

  t.mask = BuildMask(ms, n);
  std::vector<int> empty_rows;
  for (int i = 0; i < n; ++i)
    if (!(t.mask.row(i).array() != 0).any()) empty_rows.push_back(i);  // (a uint8 sum would wrap at 256)
  if (!empty_rows.empty())
    t.notes.push_back("some queries may attend to no key under this mask; their weights and outputs are zero");

  Mat residual = EmbedTokens(*model, t.tokens, s, 1, &t.positional_encoding);
  t.layers.resize(layers);
  for (int l = 0; l < layers; ++l) {
    LayerTrace& lt = t.layers[l];
    lt.weights = EffectiveWeights(*model, l, G);
    RunLayer(*model, l, *lt.weights, s, residual, hooks, &lt, cancel);
    for (HeadTrace& ht : lt.heads) ht.empty_rows = empty_rows;
  }
  ThrowIfCancelled(cancel);
  t.final_residual = std::move(residual);
  if (shape.predicts_tokens())
    t.next_token = TopTokens(*model, NextTokenDistribution(*model, t.final_residual, hooks), 10);
  return trace;
}

}  // namespace

TracePtr RunTraceWith(const Request& request, ModelPtr model, const CancelToken* cancel, ForwardHooks* hooks) {
  ValidateRequest(request);
  std::vector<Token> tokens = TokenizeChecked(*model, request.text);
  return BuildTrace(request, std::move(model), std::move(tokens), cancel, hooks);
}

TracePtr RunTraceOnTokens(const Request& request, ModelPtr model, std::vector<Token> tokens, const CancelToken* cancel,
                          ForwardHooks* hooks) {
  if (tokens.empty()) throw InputError("no tokens to run: type a sentence (at least one token)");
  if (tokens.size() > static_cast<std::size_t>(kMaxTokens))
    throw InputError(std::to_string(tokens.size()) + " tokens; the limit is " + std::to_string(kMaxTokens));
  return BuildTrace(request, std::move(model), std::move(tokens), cancel, hooks);
}

TracePtr Engine::Run(const Request& r, const CancelToken* cancel) {
  ValidateRequest(r);
  CheckRandomBudget(r);
  ModelPtr source;
  {
    std::lock_guard<std::mutex> lock(mu_);
    const std::string key = SourceKey(r);
    if (key != cached_key_ || !cached_source_) {
      cached_source_ = MakeModel(r);
      cached_key_ = key;
    }
    source = cached_source_;
  }
  return RunTraceWith(r, std::move(source), cancel);
}

ModelPtr Engine::ModelFor(const Request& r) {
  ValidateRequest(r);
  std::lock_guard<std::mutex> lock(mu_);
  const std::string key = SourceKey(r);
  if (key != cached_key_ || !cached_source_) {
    cached_source_ = MakeModel(r);
    cached_key_ = key;
  }
  return cached_source_;
}

TracePtr RunTrace(const Request& r) {
  ValidateRequest(r);
  CheckRandomBudget(r);
  return RunTraceWith(r, MakeModel(r));
}

}  // namespace attnviz
