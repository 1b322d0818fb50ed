#include "core/model/weight_source.h"

#include <filesystem>
#include <map>
#include <mutex>

#include "core/model/builtin.h"
#include "core/model/gpt2_model.h"
#include "core/model/model_locator.h"
#include "core/model/random_model.h"

namespace attnviz {

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

std::shared_ptr<const WeightSource> SharedCheckpoint(const LocatedModel& located) {
  // One load at a time: a second engine asking for the same checkpoint while
  // it loads waits for it instead of reading it again.
  static std::mutex mu;
  static std::map<std::string, std::weak_ptr<const Gpt2Model>> loaded;
  std::lock_guard<std::mutex> lock(mu);
  const std::string key = CheckpointKey(located.directory) + '\x1f' + located.name;
  for (auto it = loaded.begin(); it != loaded.end();) {  // forget freed models
    if (it->second.expired()) it = loaded.erase(it);
    else ++it;
  }
  if (auto it = loaded.find(key); it != loaded.end())
    if (auto alive = it->second.lock()) return alive;
  std::shared_ptr<const Gpt2Model> model = Gpt2Model::Load(located.directory, located.name);
  loaded[key] = model;
  return model;
}

}  // namespace

std::shared_ptr<const WeightSource> MakeWeightSource(const Request& r) {
  if (r.model == "builtin") return MakeBuiltinModel(r.positional);
  if (r.model == "random") return MakeRandomModel(r.seed, r.d_model, r.heads, r.layers);
  // Anything else is a GPT-2 checkpoint: a directory, or a name in the Hugging
  // Face cache (core/model/model_locator.h), shared while alive (see above).
  return SharedCheckpoint(LocateModel(r.model));
}

}  // namespace attnviz
