// Where `--model NAME|DIR` points: a checkpoint directory as given, or a model
// the Hugging Face hub client already downloaded into its cache, found by name
// ("gpt2", "openai-community/gpt2") without any network access.
//
// The cache layout (huggingface_hub's file_download.py):
//   <cache>/models--<org>--<name>/refs/main          the commit "main" points at
//   <cache>/models--<org>--<name>/snapshots/<commit>/ the files of that commit
//                                                     (symlinks into blobs/)
// <cache> is $HF_HUB_CACHE, else $HF_HOME/hub, else $XDG_CACHE_HOME/huggingface/hub,
// else ~/.cache/huggingface/hub: the order huggingface_hub's constants.py uses.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace attnviz {

struct LocatedModel {
  std::string directory;  // the checkpoint directory to read
  std::string name;       // what titles and the trace config show: the argument as given
};

// Throws InputError with one line: a path that is not a directory, or a name
// not in the cache (listing the cache directory and the folders looked for).
LocatedModel LocateModel(std::string_view arg);

// The hub cache directory LocateModel searches (whether it exists or not).
std::string HuggingFaceHubCache();

// The cache folders a name may live in, most likely first: "gpt2" ->
// models--gpt2, models--openai-community--gpt2, models--distilbert--gpt2 (the
// GPT-2 family moved from bare names to those organisations in 2023, and old
// downloads keep the bare folder); "org/name" -> models--org--name.
// Empty when `arg` cannot be a hub model id.
std::vector<std::string> HubCacheFolders(std::string_view arg);

// Which tokenizer a checkpoint directory holds, said without building it (for
// the loader's choice and its one-line errors): tokenizer.json when present
// (the Llama family's; its kind read by InspectTokenizerJson, so a WordPiece or
// Unigram file is named as such), else GPT-2's vocab.json + merges.txt.
struct DirectoryTokenizer {
  enum class Files { kNone, kTokenizerJson, kVocabAndMerges } files = Files::kNone;
  bool supported = false;
  // "byte-level BPE (tokenizer.json)", "GPT-2 byte-level BPE (vocab.json +
  // merges.txt)", or the reason it cannot be used, one line naming the file.
  std::string description;
};
DirectoryTokenizer InspectDirectoryTokenizer(const std::string& dir);

}  // namespace attnviz
