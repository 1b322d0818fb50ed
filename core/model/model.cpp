// The model interface's shared pieces (norms, names) and MakeModel: which
// model a request names, with loaded checkpoints shared across engines.
#include "core/model/model.h"

#include <cmath>
#include <filesystem>
#include <map>
#include <mutex>

#include "core/model/builtin.h"
#include "core/model/gpt2_model.h"
#include "core/model/model_locator.h"
#include "core/model/random_model.h"

namespace attnviz {

// [SECTION] Norms

std::string_view ToString(NormKind k) {
  switch (k) {
    case NormKind::None: return "none";
    case NormKind::LayerNorm: return "layernorm";
    case NormKind::RmsNorm: return "rmsnorm";
  }
  return "none";
}

std::string_view ToString(MlpKind k) {
  switch (k) {
    case MlpKind::None: return "none";
    case MlpKind::GeluTanh: return "gelu";
    case MlpKind::SwiGlu: return "swiglu";
  }
  return "none";
}

void ApplyNorm(const NormSpec& norm, const float* x, int rows, int d, float* out, float* scale) {
  const float* g = norm.weight.size() == d ? norm.weight.data() : nullptr;
  const float* b = norm.bias.size() == d ? norm.bias.data() : nullptr;
  for (int i = 0; i < rows; ++i) {
    const float* xi = x + static_cast<long>(i) * d;
    float* oi = out + static_cast<long>(i) * d;
    float mean = 0, divisor = 1;
    if (norm.kind == NormKind::LayerNorm) {
      // Two passes (mean, then the mean of squared deviations): no cancellation
      // from E[x^2] - E[x]^2 when the residual stream has a large mean.
      for (int j = 0; j < d; ++j) mean += xi[j];
      mean /= static_cast<float>(d);
      float var = 0;
      for (int j = 0; j < d; ++j) var += (xi[j] - mean) * (xi[j] - mean);
      divisor = std::sqrt(var / static_cast<float>(d) + norm.eps);
    } else if (norm.kind == NormKind::RmsNorm) {
      float ms = 0;
      for (int j = 0; j < d; ++j) ms += xi[j] * xi[j];
      divisor = std::sqrt(ms / static_cast<float>(d) + norm.eps);
    }
    if (scale) scale[i] = divisor;
    const float inv = 1.0f / divisor;
    for (int j = 0; j < d; ++j) {
      float v = norm.kind == NormKind::None ? xi[j] : (xi[j] - mean) * inv;
      if (g) v *= g[j];
      if (b) v += b[j];
      oi[j] = v;
    }
  }
}

Mat ApplyNorm(const NormSpec& norm, const Mat& x, std::vector<float>* scale) {
  Mat out(x.rows(), x.cols());
  if (scale) scale->assign(x.rows(), 1.0f);
  ApplyNorm(norm, x.data(), static_cast<int>(x.rows()), static_cast<int>(x.cols()), out.data(),
            scale ? scale->data() : nullptr);
  return out;
}

namespace {

// [SECTION] Loaded checkpoints, shared across engines
// The window has more than one engine (the main trace's worker, the chapters'
// compute service), and each caches the source it last used. Without sharing,
// each would load its own copy of a checkpoint: GPT-2 small twice is 1 GB and
// twice the wait. So a checkpoint that is still alive anywhere is handed out
// again instead of being read; the registry holds weak pointers only, so a
// model nobody uses any more is freed as before.
//
// The key is the directory plus the size and modification time of its files:
// a checkpoint rewritten in place (tests write corrupt ones into one folder)
// is read again, never served stale.
std::string CheckpointKey(const std::string& directory) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::string key = fs::weakly_canonical(directory, ec).string();
  if (ec) key = directory;
  for (const char* file : {"config.json", "model.safetensors", "vocab.json", "merges.txt"}) {
    const fs::path p = fs::path(directory) / file;
    const auto size = fs::file_size(p, ec);
    const auto time = ec ? fs::file_time_type{} : fs::last_write_time(p, ec);
    key += '\x1f';
    if (!ec) key += std::to_string(size) + "@" + std::to_string(time.time_since_epoch().count());
  }
  return key;
}

ModelPtr SharedCheckpoint(const LocatedModel& located) {
  // One load at a time: a second engine asking for the same checkpoint while
  // it loads waits for it instead of reading it again.
  static std::mutex mu;
  static std::map<std::string, std::weak_ptr<const Model>> loaded;
  std::lock_guard<std::mutex> lock(mu);
  const std::string key = CheckpointKey(located.directory) + '\x1f' + located.name;
  for (auto it = loaded.begin(); it != loaded.end();) {  // forget freed models
    if (it->second.expired()) it = loaded.erase(it);
    else ++it;
  }
  if (auto it = loaded.find(key); it != loaded.end())
    if (auto alive = it->second.lock()) return alive;
  ModelPtr model = LoadCheckpoint(located.directory, located.name);
  loaded[key] = model;
  return model;
}

}  // namespace

ModelPtr LoadCheckpoint(const std::string& directory, const std::string& name) {
  return Gpt2Model::Load(directory, name);
}

ModelPtr MakeModel(const Request& r) {
  if (r.model == "builtin") return MakeBuiltinModel(r.positional);
  if (r.model == "random") return MakeRandomModel(r.seed, r.d_model, r.heads, r.layers);
  // Anything else is a GPT-2 checkpoint: a directory, or a name in the Hugging
  // Face cache (core/model/model_locator.h), shared while alive (see above).
  return SharedCheckpoint(LocateModel(r.model));
}

}  // namespace attnviz
