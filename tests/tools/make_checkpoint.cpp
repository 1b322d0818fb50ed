// attnviz_make_checkpoint DIR [--preset NAME] [--dtype f32|f16|bf16] [--seed S]
//
// Writes a GPT-2 checkpoint with random weights (GPT-2's own initialisation)
// in the Hugging Face layout: config.json, model.safetensors, vocab.json and
// merges.txt (a synthetic but valid byte-level BPE vocabulary of the preset's
// size). For benchmarks and manual checks; nothing is downloaded.
//   gpt2-small   768 wide, 12 heads, 12 layers, 1024 positions, 50257 tokens (default)
//   gpt2-medium  1024 wide, 16 heads, 24 layers
//   distilgpt2   768 wide, 12 heads, 6 layers
//   tiny         32 wide, 4 heads, 2 layers, 64 positions, 300 tokens
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "tests/support/gpt2_checkpoint_writer.h"

using namespace attnviz::test;

namespace {

int Usage(const char* msg) {
  std::fprintf(stderr, "attnviz_make_checkpoint: %s\n"
               "usage: attnviz_make_checkpoint DIR [--preset gpt2-small|gpt2-medium|distilgpt2|tiny] "
               "[--dtype f32|f16|bf16] [--seed S]\n", msg);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir, preset = "gpt2-small", dtype = "f32";
  std::uint64_t seed = 1;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string { return i + 1 < argc ? argv[++i] : ""; };
    if (a == "--preset") preset = value();
    else if (a == "--dtype") dtype = value();
    else if (a == "--seed") seed = std::strtoull(value().c_str(), nullptr, 10);
    else if (a == "--help" || a == "-h") return Usage("writes a random GPT-2 checkpoint"), 0;
    else if (!a.empty() && a[0] != '-' && dir.empty()) dir = a;
    else return Usage(("unknown argument '" + a + "'").c_str());
  }
  if (dir.empty()) return Usage("missing DIR");
  Gpt2Sizes s;
  if (preset == "gpt2-small") s = {768, 12, 12, 1024, 50257, 0, 1e-5};
  else if (preset == "gpt2-medium") s = {1024, 16, 24, 1024, 50257, 0, 1e-5};
  else if (preset == "distilgpt2") s = {768, 12, 6, 1024, 50257, 0, 1e-5};
  else if (preset == "tiny") s = {32, 4, 2, 64, 300, 0, 1e-5};
  else return Usage(("unknown preset '" + preset + "'").c_str());
  CheckpointOptions o;
  if (dtype == "f32") o.dtype = StoreDtype::F32;
  else if (dtype == "f16") o.dtype = StoreDtype::F16;
  else if (dtype == "bf16") o.dtype = StoreDtype::BF16;
  else return Usage(("unknown dtype '" + dtype + "'").c_str());

  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Usage(("cannot create '" + dir + "': " + ec.message()).c_str());
  const VocabAndMerges vocab = SyntheticGpt2Vocab(s.vocab_size);
  Gpt2Weights w = RandomGpt2Weights(s, seed, WeightScale::kGpt2Init);
  WriteGpt2Checkpoint(dir, w, vocab.VocabJson(), vocab.MergesTxt(), o);
  std::uint64_t params = 0;
  for (const NamedTensor& t : w.tensors) params += t.values.size();
  std::printf("%s: %s, %d layers x %d heads, d_model %d, %d positions, %d tokens, %.1f M parameters, %s\n",
              dir.c_str(), preset.c_str(), s.n_layer, s.n_head, s.n_embd, s.n_positions, s.vocab_size, params / 1e6,
              DtypeName(o.dtype));
  return 0;
}
