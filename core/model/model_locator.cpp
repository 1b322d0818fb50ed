// Finding a checkpoint directory for --model. See model_locator.h.
#include "core/model/model_locator.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "core/cli/options.h"
#include "core/model/json_input.h"
#include "core/text/hf_tokenizer.h"
#include "core/types.h"

namespace attnviz {
namespace fs = std::filesystem;
namespace {

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::string(v) : std::string();
}

// Hub ids: "name" or "org/name", each part letters, digits, '-', '_', '.'
// (the hub's own rule, minus the length limits), not starting with '.' or '-'.
bool IsHubIdPart(std::string_view s) {
  if (s.empty() || s.size() > 96 || s[0] == '.' || s[0] == '-') return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '_' || c == '.';
    if (!ok) return false;
  }
  return s.find("..") == std::string_view::npos;
}

bool HasConfig(const fs::path& dir) {
  std::error_code ec;
  return fs::is_regular_file(dir / "config.json", ec);
}

// The snapshot refs/main names, else the newest snapshot that has a config.json.
std::string PickSnapshot(const fs::path& repo) {
  std::error_code ec;
  std::ifstream ref(repo / "refs" / "main");
  std::string commit;
  if (ref && std::getline(ref, commit)) {
    while (!commit.empty() && (commit.back() == '\r' || commit.back() == ' ')) commit.pop_back();
    const fs::path snap = repo / "snapshots" / commit;
    if (!commit.empty() && commit.find('/') == std::string::npos && HasConfig(snap)) return snap.string();
  }
  fs::path best;
  fs::file_time_type best_time{};
  for (fs::directory_iterator it(repo / "snapshots", ec), end; !ec && it != end; it.increment(ec)) {
    if (!HasConfig(it->path())) continue;
    const auto t = fs::last_write_time(it->path() / "config.json", ec);
    if (ec) continue;
    if (best.empty() || t > best_time) {
      best = it->path();
      best_time = t;
    }
  }
  return best.string();
}

}  // namespace

std::string HuggingFaceHubCache() {
  if (std::string v = Env("HF_HUB_CACHE"); !v.empty()) return v;
  if (std::string v = Env("HF_HOME"); !v.empty()) return (fs::path(v) / "hub").string();
  if (std::string v = Env("XDG_CACHE_HOME"); !v.empty()) return (fs::path(v) / "huggingface" / "hub").string();
  return (fs::path(Env("HOME")) / ".cache" / "huggingface" / "hub").string();
}

std::vector<std::string> HubCacheFolders(std::string_view arg) {
  const std::size_t slash = arg.find('/');
  if (slash != std::string_view::npos) {
    const std::string_view org = arg.substr(0, slash), name = arg.substr(slash + 1);
    if (!IsHubIdPart(org) || !IsHubIdPart(name)) return {};
    return {"models--" + std::string(org) + "--" + std::string(name)};
  }
  if (!IsHubIdPart(arg)) return {};
  const std::string name(arg);
  return {"models--" + name, "models--openai-community--" + name, "models--distilbert--" + name};
}

LocatedModel LocateModel(std::string_view arg) {
  const std::string a(arg);
  const std::string shown = PrintableArg(arg, 200);
  std::error_code ec;
  if (fs::is_directory(a, ec)) return {a, a};
  if (fs::exists(a, ec)) {
    throw InputError("model '" + shown +
                     "' is a file; expected a checkpoint directory (config.json, model.safetensors, vocab.json, merges.txt)");
  }
  const std::vector<std::string> folders = HubCacheFolders(arg);
  if (folders.empty()) {
    throw InputError("model directory '" + shown + "' does not exist (expected builtin, random, a checkpoint "
                     "directory, or a Hugging Face model name such as gpt2)");
  }
  const fs::path cache = HuggingFaceHubCache();
  std::string looked;
  for (const std::string& f : folders) {
    looked += (looked.empty() ? "" : ", ") + f;
    const fs::path repo = cache / f;
    if (!fs::is_directory(repo, ec)) continue;
    const std::string snap = PickSnapshot(repo);
    if (snap.empty()) {
      throw InputError("model '" + shown + "': " + repo.string() +
                       " has no snapshot with a config.json (an interrupted download?); download it again");
    }
    return {snap, a};
  }
  throw InputError("model '" + shown + "' is neither a directory nor in the Hugging Face cache (looked for " + looked +
                   " in " + cache.string() + ", set by HF_HUB_CACHE or HF_HOME); pass a checkpoint directory, or "
                   "download the model once, e.g. huggingface-cli download openai-community/gpt2 --include '*.json' "
                   "'*.txt' '*.safetensors'");
}

DirectoryTokenizer InspectDirectoryTokenizer(const std::string& dir) {
  DirectoryTokenizer d;
  std::error_code ec;
  const fs::path json = fs::path(dir) / "tokenizer.json";
  if (fs::is_regular_file(json, ec)) {
    d.files = DirectoryTokenizer::Files::kTokenizerJson;
    try {
      const TokenizerJsonKind k = InspectTokenizerJson(ReadInputFile(json.string(), "tokenizer.json", kMaxTokenizerJsonBytes),
                                                       json.string());
      d.supported = k.supported;
      d.description = k.supported ? k.description + " (tokenizer.json)" : k.description;
    } catch (const InputError& e) {
      d.description = e.what();
    }
    return d;
  }
  if (fs::is_regular_file(fs::path(dir) / "vocab.json", ec) && fs::is_regular_file(fs::path(dir) / "merges.txt", ec)) {
    d.files = DirectoryTokenizer::Files::kVocabAndMerges;
    d.supported = true;
    d.description = "GPT-2 byte-level BPE (vocab.json + merges.txt)";
    return d;
  }
  d.description = "'" + dir + "' has no tokenizer.json, and no vocab.json + merges.txt";
  return d;
}

}  // namespace attnviz
