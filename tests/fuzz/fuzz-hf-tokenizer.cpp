// tokenizer.json tokenizers (core/text/hf_tokenizer.h) on arbitrary bytes.
// The first byte picks what is fuzzed:
//   0..4  the text, through one of the small committed files (tests/data/
//         tokenizers/tiny_*.json: byte-level with a Split pattern, NFC,
//         Digits, SentencePiece with byte fallback, Metaspace with unk);
//   5..   the file itself: the input is "<tokenizer.json>\n\0\n<text>", so the
//         JSON, its patterns, merges and added tokens are all mutated.
// Invariants: no crash and no sanitizer report on any bytes; a refusal is an
// InputError; ids are in [0, VocabSize()); the text's tokens are in order,
// without overlap, inside the text, and (for the committed files, which remove
// nothing) tile it exactly; Token::text is TokenBytes(id) for every token (the
// template's have an empty span at 0 or at the end).
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/limits.h"
#include "core/text/hf_tokenizer.h"
#include "core/text/utf8.h"
#include "core/types.h"
#include "fuzz_invariant.h"

namespace {

using attnviz::HfTokenizer;

const std::vector<std::unique_ptr<HfTokenizer>>& Committed() {
  static const std::vector<std::unique_ptr<HfTokenizer>> list = [] {
    std::vector<std::unique_ptr<HfTokenizer>> v;
    for (const char* name : {"tiny_byte_level", "tiny_nfc", "tiny_digits", "tiny_sentencepiece", "tiny_metaspace"}) {
      std::ifstream in(std::string(ATTNVIZ_TEST_DATA_DIR) + "/tokenizers/" + name + ".json", std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      v.push_back(std::make_unique<HfTokenizer>(HfTokenizer::FromJson(ss.str(), "", name)));
    }
    return v;
  }();
  return list;
}

void Check(const HfTokenizer& t, std::string_view text, bool must_tile) {
  const long invalid = attnviz::FindInvalidUtf8(text);
  std::vector<attnviz::Token> tokens;
  try {
    tokens = t.Tokenize(text);
  } catch (const attnviz::InputError&) {
    // Invalid UTF-8, or a pattern over its backtracking budget (only a fuzzed
    // file's pattern can be that expensive).
    FUZZ_CHECK(invalid >= 0 || !must_tile);
    return;
  }
  FUZZ_CHECK(invalid == -1);
  const int size = static_cast<int>(text.size());
  int at = 0;
  bool any_text_token = false;
  for (const attnviz::Token& tok : tokens) {
    FUZZ_CHECK(tok.id >= 0 && tok.id < t.VocabSize());
    FUZZ_CHECK(tok.start >= 0 && tok.start <= tok.end && tok.end <= size);
    FUZZ_CHECK(tok.text == t.TokenBytes(tok.id));
    const bool framed = tok.start == tok.end && (tok.start == 0 || tok.start == size) && t.IsSpecial(tok.id);
    if (framed && !(any_text_token && tok.start == 0)) continue;
    FUZZ_CHECK(tok.start >= at);
    if (must_tile) FUZZ_CHECK(tok.start == at);
    at = tok.end;
    any_text_token = true;
  }
  if (must_tile) FUZZ_CHECK(at == size);
  for (int id : {0, t.VocabSize() - 1, t.VocabSize(), -1}) (void)t.TokenBytes(id);
  (void)t.Describe();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto& committed = Committed();
  if (data[0] < committed.size()) {
    Check(*committed[data[0]], rest, /*must_tile=*/true);
    return 0;
  }
  const std::string_view sep("\n\0\n", 3);
  const std::size_t cut = rest.find(sep);
  const std::string_view json = rest.substr(0, cut);
  const std::string_view text = cut == std::string_view::npos ? std::string_view() : rest.substr(cut + sep.size());
  try {
    const HfTokenizer t = HfTokenizer::FromJson(json, "", "fuzz.json");
    Check(t, text, /*must_tile=*/false);
  } catch (const attnviz::InputError&) {
    // A refused file: one line, nothing else to check.
  }
  (void)attnviz::InspectTokenizerJson(json, "fuzz.json");
  return 0;
}
