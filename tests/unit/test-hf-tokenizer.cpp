// Tokenizers from tokenizer.json (core/text/hf_tokenizer.h).
//
// Where the expected ids come from (never from attnviz itself):
//  - tests/data/tokenizers/expected/*.json: Hugging Face's tokenizers library
//    (Rust core, npm package "tokenizers" 0.23.2), encode(text,
//    add_special_tokens=true), for the 130 texts of expected/texts.json and the
//    400 random ones of expected/random_texts.json, written
//    by tests/tools/hf_tokenizer_expectations.js; for the real Mistral 7B and
//    Qwen2.5 files (README.md there says where they come from) and for the
//    small hand-designed files (make_tiny_tokenizers.py).
//  - the published Mistral ids: the mistral-tokenizer-js README's
//    "Hello world!" and a vLLM log's "Hello my name is" (Mistral 7B).
//  - the edge-case sections: reasoned by hand from the library's rules, each
//    stated next to its check.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "core/limits.h"
#include "core/model/model_locator.h"
#include "core/text/code_point_regex.h"
#include "core/text/hf_tokenizer.h"
#include "core/text/token_label.h"
#include "core/text/unicode_normalize.h"
#include "core/text/utf8.h"
#include "core/types.h"

using namespace attnviz;
using Ids = std::vector<int>;

namespace {

std::string DataPath(const std::string& name) { return std::string(ATTNVIZ_TEST_DATA_DIR) + "/tokenizers/" + name; }

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The committed real files are xz-compressed (Debian's xz-utils decompresses
// them; nothing is downloaded).
std::string ReadXz(const std::string& path) {
  const std::string cmd = "xz -dc '" + path + "'";
  std::unique_ptr<FILE, int (*)(FILE*)> p(popen(cmd.c_str(), "r"), pclose);
  REQUIRE(p != nullptr);
  std::string out;
  char buf[1 << 16];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p.get())) > 0) out.append(buf, n);
  REQUIRE(!out.empty());
  return out;
}

const HfTokenizer& Tiny(const std::string& name) {
  static std::map<std::string, std::unique_ptr<HfTokenizer>> cache;
  auto& slot = cache[name];
  if (!slot) slot = std::make_unique<HfTokenizer>(HfTokenizer::FromJson(ReadFile(DataPath(name + ".json")), "", name + ".json"));
  return *slot;
}

const HfTokenizer& Real(const std::string& name) {
  static std::map<std::string, std::unique_ptr<HfTokenizer>> cache;
  auto& slot = cache[name];
  if (!slot) {
    slot = std::make_unique<HfTokenizer>(
        HfTokenizer::FromJson(ReadXz(DataPath(name + ".tokenizer.json.xz")), "", name + "/tokenizer.json"));
  }
  return *slot;
}

Ids IdsOf(const std::vector<Token>& tokens) {
  Ids ids;
  for (const Token& t : tokens) ids.push_back(t.id);
  return ids;
}

Ids Encode(const HfTokenizer& t, std::string_view text) { return IdsOf(t.Tokenize(text)); }

std::string Error(const std::function<void()>& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "(no error)";
}

// Invariants every tokenization keeps: ids in range; the text's tokens in
// order, without overlap, inside the text, and (with no normalizer or Split
// that removes text) covering it exactly; the template's tokens empty-spanned.
void CheckSpans(const HfTokenizer& t, const std::string& text, const std::vector<Token>& tokens) {
  int at = 0;
  bool first_text_token = true;
  for (const Token& tok : tokens) {
    INFO("text " << text << " token '" << tok.text << "' [" << tok.start << "," << tok.end << ")");
    REQUIRE(tok.id >= 0);
    REQUIRE(tok.id < t.VocabSize());
    if (tok.start == tok.end && (tok.start == 0 || tok.start == static_cast<int>(text.size())) &&
        t.IsSpecial(tok.id) && tok.text == t.TokenString(tok.id)) {
      continue;  // a post-processor's special token (or an empty-spanned special)
    }
    if (first_text_token) CHECK(tok.start == 0);
    first_text_token = false;
    CHECK(tok.start == at);
    CHECK(tok.end >= tok.start);
    at = tok.end;
  }
  CHECK(at == static_cast<int>(text.size()));
}

struct Expected {
  std::vector<std::pair<std::string, Ids>> cases;
};

// expected/<name>.json: the 130 chosen texts; expected/random_<name>.json:
// 400 random texts over a pool of letters, digits, whitespace, CJK, Hangul
// jamo, combining marks, emoji, special-token strings and control characters.
Expected LoadExpected(const std::string& name) {
  const nlohmann::json j = nlohmann::json::parse(ReadFile(DataPath("expected/" + name + ".json")));
  Expected e;
  for (const auto& c : j.at("cases")) e.cases.push_back({c[0].get<std::string>(), c[1].get<Ids>()});
  REQUIRE(e.cases.size() == (name.rfind("random_", 0) == 0 ? 400u : 130u));
  return e;
}

// Compares every case; returns how many match (all must).
int MatchAll(const HfTokenizer& t, const std::string& expected_name, bool spans_tile = true) {
  const Expected e = LoadExpected(expected_name);
  int matched = 0;
  for (const auto& [text, ids] : e.cases) {
    INFO(expected_name << ": " << text);
    const std::vector<Token> tokens = t.Tokenize(text);
    CHECK(IdsOf(tokens) == ids);
    matched += IdsOf(tokens) == ids;
    if (spans_tile) CheckSpans(t, text, tokens);
  }
  return matched;
}

}  // namespace

// [SECTION] The real files, against Hugging Face's library

TEST_CASE("tokenizer.json: Qwen2.5 (byte-level, NFC, no BOS) gives Hugging Face's ids", "[hf-tokenizer][real]") {
  const HfTokenizer& t = Real("qwen2_5");
  CHECK(t.Describe() == "byte-level BPE, 151665 tokens, no BOS");
  CHECK(MatchAll(t, "qwen2_5") == 130);
  CHECK(MatchAll(t, "random_qwen2_5") == 400);
}

TEST_CASE("tokenizer.json: Mistral 7B (SentencePiece-style, byte fallback, BOS) gives Hugging Face's ids", "[hf-tokenizer][real]") {
  // Llama 2, TinyLlama and Mistral share this file's shape (Prepend + Replace
  // normalizer, byte fallback, <s> template); only the vocabularies differ.
  const HfTokenizer& t = Real("mistral");
  CHECK(t.Describe() == "SentencePiece-style BPE with byte fallback, 32000 tokens, BOS <s>");
  CHECK(MatchAll(t, "mistral") == 130);
  CHECK(MatchAll(t, "random_mistral") == 400);
}

TEST_CASE("tokenizer.json: published Mistral ids", "[hf-tokenizer][real]") {
  // The mistral-tokenizer-js README's examples. (Llama 3's published ids need
  // Llama 3's own file, which is not committed: its licence asks for the
  // agreement to travel with it. tiny_byte_level.json has Llama 3's shape:
  // its pattern, ignore_merges, [a, b] merges and BOS template, checked
  // against the library above.)
  CHECK(Encode(Real("mistral"), "Hello world!") == Ids{1, 22557, 1526, 28808});
  CHECK(Encode(Real("mistral"), "Hello my name is") == Ids{1, 22557, 586, 1141, 349});
}

TEST_CASE("tokenizer.json: token bytes decode as Hugging Face's decoders do", "[hf-tokenizer][real]") {
  // Byte-level (Qwen2.5's file): the vocabulary's strings are bytes mapped
  // to printable code points (GPT-2's bytes_to_unicode).
  const HfTokenizer& bl = Real("qwen2_5");
  const int space_hello = *bl.IdOf("\u0120Hello");
  CHECK(bl.TokenBytes(space_hello) == " Hello");
  CHECK(bl.TokenBytes(*bl.IdOf("\u010A")) == "\n");
  CHECK(bl.TokenBytes(*bl.IdOf("\u013D")) == "\x9B");  // a byte-level piece of a character is that byte
  CHECK(bl.IsSpecial(*bl.IdOf("<|endoftext|>")));
  CHECK_FALSE(bl.IsSpecial(space_hello));
  CHECK_FALSE(bl.IdOf("no such token").has_value());
  CHECK(bl.VocabSize() == 151665);
  CHECK(bl.Kind() == HfTokenizerKind::kByteLevelBpe);

  const HfTokenizer& l2 = Real("mistral");
  CHECK(l2.TokenString(22557) == "\u2581Hello");
  CHECK(l2.TokenBytes(22557) == " Hello");      // '▁' reads as a space
  CHECK(l2.TokenBytes(235) == "\xE8");          // "<0xE8>" is the byte
  CHECK(l2.TokenString(235) == "<0xE8>");
  CHECK(l2.TokenBytes(1) == "<s>");
  CHECK(l2.Kind() == HfTokenizerKind::kSentencePieceBpe);

  const HfTokenizer& q = Real("qwen2_5");
  CHECK_FALSE(q.BosId().has_value());
  CHECK(q.IdOf("<|im_start|>") == 151644);
  // A text's tokens, concatenated, are its NFC form (the normalizer's output).
  std::string joined;
  for (const Token& tok : q.Tokenize("cafe\u0301 \u212B")) joined += tok.text;
  CHECK(joined == "caf\u00e9 \u00c5");
}

// [SECTION] Hand-designed files: edge cases

TEST_CASE("tokenizer.json: the small files give Hugging Face's ids", "[hf-tokenizer]") {
  for (const char* name : {"tiny_byte_level", "tiny_nfc", "tiny_digits", "tiny_sentencepiece", "tiny_metaspace"}) {
    INFO(name);
    CHECK(MatchAll(Tiny(name), name) == 130);
    CHECK(MatchAll(Tiny(name), std::string("random_") + name) == 400);
  }
  // Characters the vocabulary lacks, with neither byte fallback nor an
  // unknown token, are dropped (as the library does): the spans have gaps.
  CHECK(MatchAll(Tiny("tiny_merges_array"), "tiny_merges_array", /*spans_tile=*/false) == 130);
  CHECK(MatchAll(Tiny("tiny_merges_array"), "random_tiny_merges_array", /*spans_tile=*/false) == 400);
}

TEST_CASE("tokenizer.json: empty and whitespace-only text", "[hf-tokenizer]") {
  // Empty text: the model sees nothing; only a template's BOS is left, with an empty span at 0.
  const std::vector<Token> bl = Tiny("tiny_byte_level").Tokenize("");
  REQUIRE(bl.size() == 1);
  CHECK(bl[0].text == "<|begin_of_text|>");
  CHECK(bl[0].start == 0);
  CHECK(bl[0].end == 0);
  CHECK(Tiny("tiny_nfc").Tokenize("").empty());  // Qwen's shape adds nothing
  CHECK(Encode(Tiny("tiny_sentencepiece"), "") == Ids{1});  // Prepend adds no '▁' to an empty text
  CHECK(Tiny("tiny_sentencepiece").Tokenize("", /*add_special_tokens=*/false).empty());
  // Whitespace only: tokens of whitespace, covering it.
  const std::vector<Token> ws = Tiny("tiny_byte_level").Tokenize("   ");
  CHECK(ws.size() >= 2);
  CheckSpans(Tiny("tiny_byte_level"), "   ", ws);
  // Llama 2's shape: "   " -> "▁▁▁▁" -> "▁▁▁▁" is one merged token (merges "▁ ▁", "▁▁ ▁▁").
  const HfTokenizer& sp = Tiny("tiny_sentencepiece");
  const std::vector<Token> sp_ws = sp.Tokenize("   ");
  REQUIRE(sp_ws.size() == 2);
  CHECK(sp.TokenString(sp_ws[1].id) == "▁▁▁▁");
  CHECK(sp_ws[1].text == "    ");
  CHECK(sp_ws[1].start == 0);
  CHECK(sp_ws[1].end == 3);
}

TEST_CASE("tokenizer.json: invalid UTF-8 and over-long text are refused with the byte offset", "[hf-tokenizer]") {
  const HfTokenizer& t = Tiny("tiny_byte_level");
  CHECK(Error([&] { t.Tokenize("abc\xC3(def"); }) == "text is not valid UTF-8: bad byte 0xC3 at byte offset 3");
  CHECK(Error([&] { t.Tokenize("\xED\xA0\x80"); }) == "text is not valid UTF-8: bad byte 0xED at byte offset 0");
  CHECK_THAT(Error([&] { t.Tokenize(std::string(kMaxTextBytes + 1, 'a')); }), Catch::Contains("the limit is"));
}

TEST_CASE("tokenizer.json: added tokens are matched before the model, with their flags", "[hf-tokenizer]") {
  const HfTokenizer& t = Tiny("tiny_byte_level");
  const int bos = *t.IdOf("<|begin_of_text|>"), ell = *t.IdOf("ell"), mask = *t.IdOf("<mask>"), dog = *t.IdOf("dog");
  const int h = *t.IdOf("h"), o = *t.IdOf("o"), a = *t.IdOf("a"), b = *t.IdOf("b");
  // "ell" (not special, normalized) overlaps the word: it is cut out first, and
  // the model never sees "hello" whole.
  CHECK(Encode(t, "hello") == Ids{bos, h, ell, o});
  // lstrip + rstrip: "<mask>" takes the whitespace around it into its span.
  const std::vector<Token> m = t.Tokenize("a <mask> b");
  CHECK(IdsOf(m) == Ids{bos, a, mask, b});
  CHECK(m[2].start == 1);
  CHECK(m[2].end == 9);
  CHECK(m[2].text == "<mask>");
  // single_word: "dog" only where no word character touches it; in "hotdog"
  // and "dog_" the model spells it out byte by byte.
  CHECK(Encode(t, "dog") == Ids{bos, dog});
  const Ids hotdog = Encode(t, "hotdog dog_ a dog");
  CHECK(std::count(hotdog.begin(), hotdog.end(), dog) == 1);
  // Special tokens typed in the text are the special tokens (the library's default).
  const std::vector<Token> sp = t.Tokenize("<|begin_of_text|>hi<|eot_id|>");
  CHECK(IdsOf(sp) == Ids{bos, bos, *t.IdOf("h"), *t.IdOf("i"), *t.IdOf("<|eot_id|>")});
  CHECK(sp[1].start == 0);
  CHECK(sp[1].end == 17);
  CHECK(Encode(t, "<|begin_of_text|>hi<|eot_id|>").size() == 5);
  // Without special tokens: no BOS, the typed ones stay.
  CHECK(IdsOf(t.Tokenize("hi<|eot_id|>", false)) == Ids{*t.IdOf("h"), *t.IdOf("i"), *t.IdOf("<|eot_id|>")});
}

TEST_CASE("tokenizer.json: ignore_merges takes a whole piece that is in the vocabulary", "[hf-tokenizer]") {
  // "abc" is in the vocabulary but no merge makes it (only "a b" -> "ab"):
  // with ignore_merges the piece "abc" is one token, "abcd" goes through the merges.
  const HfTokenizer& t = Tiny("tiny_byte_level");
  CHECK(Encode(t, "abc") == Ids{*t.BosId(), *t.IdOf("abc")});
  CHECK(Encode(t, "abcd") == Ids{*t.BosId(), *t.IdOf("ab"), *t.IdOf("c"), *t.IdOf("d")});
}

TEST_CASE("tokenizer.json: NFC makes composed and decomposed text one", "[hf-tokenizer]") {
  const HfTokenizer& t = Tiny("tiny_nfc");
  const std::vector<Token> composed = t.Tokenize("caf\u00e9");
  const std::vector<Token> decomposed = t.Tokenize("cafe\u0301");
  CHECK(IdsOf(composed) == IdsOf(decomposed));
  REQUIRE(decomposed.size() == 1);  // "caf" + "é" merge into one token
  CHECK(decomposed[0].text == "caf\u00e9");
  CHECK(decomposed[0].end == 6);  // the span is the original bytes, "e" + U+0301 included
}

TEST_CASE("tokenizer.json: chips of normalized text read as its characters", "[hf-tokenizer][token-label]") {
  // "s" + U+0323 + U+0307 is NFC's U+1E69 (3 UTF-8 bytes) that tiny_nfc's
  // vocabulary has only as bytes: three tokens, all from the same 5 input
  // bytes, grouped on their own bytes into the character they make.
  const std::string text = "s\u0323\u0307";
  const std::vector<Token> t = Tiny("tiny_nfc").Tokenize(text);
  REQUIRE(t.size() == 3);
  CHECK(t[0].start == 0);
  CHECK(t[2].end == 5);
  const std::vector<TokenLabel> l = LabelTokens(t, text);
  CHECK(l[0].text == "\u27E8E1\u27E9");
  CHECK(l[1].partial);
  CHECK(DescribeTokenGroup(l[2]) == "3 tokens make \u1E69");
}

TEST_CASE("tokenizer.json: what tokenizer a directory has", "[hf-tokenizer][locator]") {
  namespace fs = std::filesystem;
  const fs::path root = fs::temp_directory_path() / ("attnviz-tok-" + std::to_string(::getpid()));
  fs::create_directories(root / "llama");
  fs::create_directories(root / "bert");
  fs::create_directories(root / "gpt2");
  fs::create_directories(root / "none");
  fs::copy_file(DataPath("tiny_byte_level.json"), root / "llama" / "tokenizer.json", fs::copy_options::overwrite_existing);
  fs::copy_file(DataPath("refused_wordpiece.json"), root / "bert" / "tokenizer.json", fs::copy_options::overwrite_existing);
  std::ofstream(root / "gpt2" / "vocab.json") << "{}";
  std::ofstream(root / "gpt2" / "merges.txt") << "";
  const DirectoryTokenizer llama = InspectDirectoryTokenizer((root / "llama").string());
  CHECK(llama.files == DirectoryTokenizer::Files::kTokenizerJson);
  CHECK(llama.supported);
  CHECK(llama.description == "byte-level BPE (tokenizer.json)");
  const DirectoryTokenizer bert = InspectDirectoryTokenizer((root / "bert").string());
  CHECK_FALSE(bert.supported);
  CHECK(bert.description == (root / "bert" / "tokenizer.json").string() +
                                ": model type WordPiece (BERT-style) is not supported");
  CHECK(InspectDirectoryTokenizer((root / "gpt2").string()).files == DirectoryTokenizer::Files::kVocabAndMerges);
  const DirectoryTokenizer none = InspectDirectoryTokenizer((root / "none").string());
  CHECK(none.files == DirectoryTokenizer::Files::kNone);
  CHECK_THAT(none.description, Catch::Contains("has no tokenizer.json"));
  fs::remove_all(root);
}

TEST_CASE("tokenizer.json: SentencePiece-style byte fallback and unknown tokens", "[hf-tokenizer]") {
  const HfTokenizer& sp = Tiny("tiny_sentencepiece");
  // "楽" is not in the vocabulary: its three UTF-8 bytes become <0xE6> <0xA5> <0xBD>,
  // each spanning its own byte of the text and standing for that byte.
  const std::vector<Token> t = sp.Tokenize("the 楽");
  REQUIRE(t.size() == 6);
  CHECK(sp.TokenString(t[1].id) == "▁the");
  CHECK(t[1].text == " the");
  CHECK(sp.TokenString(t[2].id) == "▁");
  CHECK(sp.TokenString(t[3].id) == "<0xE6>");
  CHECK(t[3].text == "\xE6");
  CHECK(t[3].start == 4);
  CHECK(t[3].end == 5);
  CHECK(t[5].text == "\xBD");
  CHECK(t[5].end == 7);
  // The chips read ⟨E6⟩ ⟨A5⟩ ⟨BD⟩, "3 tokens make 楽", and "the" with a leading space gap.
  const std::vector<TokenLabel> labels = LabelTokens(t, "the 楽");
  CHECK(labels[1].text == "the");
  CHECK(labels[1].leading_space);
  CHECK(labels[3].text == "\u27E8E6\u27E9");
  CHECK(DescribeTokenGroup(labels[4]) == "3 tokens make 楽");
  CHECK(labels[0].text == "<s>");

  // No byte fallback (Mistral v0.3's shape here): unknown characters are the
  // unknown token, and a run of them is one (fuse_unk).
  const HfTokenizer& ms = Tiny("tiny_metaspace");
  const std::vector<Token> u = ms.Tokenize("the ÿÿ cat");
  const Ids ids = IdsOf(u);
  CHECK(std::count(ids.begin(), ids.end(), 0) == 1);
  for (const Token& tok : u) {
    if (tok.id == 0) {
      CHECK(tok.start == 4);
      CHECK(tok.end == 8);
    }
  }
}

TEST_CASE("tokenizer.json: merges in both forms, spaces inside tokens", "[hf-tokenizer]") {
  // [left, right] pairs can hold spaces: "a" + " " -> "a ", "a " + "b" -> "a b".
  const HfTokenizer& t = Tiny("tiny_merges_array");
  CHECK(Encode(t, "a b") == Ids{4});
  CHECK(Encode(t, "x y") == Ids{8});
  // The string form must be two tokens around one space (the library refuses the rest).
  CHECK_THAT(Error([] { HfTokenizer::FromJson(ReadFile(DataPath("refused_merges_string_spaces.json")), "", "m.json"); }),
             Catch::Contains("m.json: model.merges[0] 'a  b' is not two tokens separated by one space"));
}

TEST_CASE("tokenizer.json: kinds that are not supported are refused, naming the kind", "[hf-tokenizer]") {
  auto refusal = [](const std::string& file) {
    return Error([&] { HfTokenizer::FromJson(ReadFile(DataPath(file)), "", file); });
  };
  CHECK(refusal("refused_wordpiece.json") ==
        "refused_wordpiece.json: model type WordPiece (BERT-style) is not supported; attnviz reads BPE tokenizers "
        "(byte-level or SentencePiece-style)");
  CHECK_THAT(refusal("refused_unigram.json"), Catch::StartsWith("refused_unigram.json: model type Unigram"));
  CHECK_THAT(refusal("refused_wordlevel.json"), Catch::StartsWith("refused_wordlevel.json: model type WordLevel"));
  for (const char* f : {"refused_wordpiece.json", "refused_unigram.json", "refused_wordlevel.json"}) {
    const TokenizerJsonKind k = InspectTokenizerJson(ReadFile(DataPath(f)), f);
    CHECK_FALSE(k.supported);
    CHECK_THAT(k.description, Catch::Contains("is not supported"));
  }
  const TokenizerJsonKind ok = InspectTokenizerJson(ReadFile(DataPath("tiny_sentencepiece.json")), "x");
  CHECK(ok.supported);
  CHECK(ok.description == "SentencePiece-style BPE with byte fallback");
}

TEST_CASE("tokenizer.json: malformed files give one line naming the file and the problem", "[hf-tokenizer]") {
  const nlohmann::json base = nlohmann::json::parse(ReadFile(DataPath("tiny_byte_level.json")));
  auto with = [&](const std::function<void(nlohmann::json&)>& edit) {
    nlohmann::json j = base;
    edit(j);
    return Error([&] { HfTokenizer::FromJson(j.dump(), "", "/models/x/tokenizer.json"); });
  };
  CHECK_THAT(Error([] { HfTokenizer::FromJson("{\"model\": ", "", "t.json"); }),
             Catch::StartsWith("t.json: not valid JSON at byte"));
  CHECK(Error([] { HfTokenizer::FromJson("[1, 2]", "", "t.json"); }) == "t.json: the top level is not a JSON object");
  CHECK(with([](auto& j) { j.erase("model"); }) == "/models/x/tokenizer.json: the top level has no \"model\"");
  CHECK(with([](auto& j) { j["model"]["merges"].push_back("h zz"); }) ==
        "/models/x/tokenizer.json: model.merges[18] merges 'zz', which is not in model.vocab");
  CHECK(with([](auto& j) { j["model"]["vocab"].erase("he"); }) ==
        "/models/x/tokenizer.json: model.merges[0] gives 'he', which is not in model.vocab");
  CHECK(with([](auto& j) { j["model"]["vocab"]["h"] = -1; }) ==
        "/models/x/tokenizer.json: model.vocab['h'] is not a non-negative integer id");
  CHECK(with([](auto& j) { j["model"]["vocab"]["h"] = 0; }) ==
        "/models/x/tokenizer.json: model.vocab gives id 0 to both 'h' and '\u0100'");
  CHECK_THAT(with([](auto& j) { j["model"]["dropout"] = 0.1; }), Catch::Contains("model.dropout is 0.1"));
  CHECK(with([](auto& j) { j["normalizer"] = {{"type", "Precompiled"}}; }) ==
        "/models/x/tokenizer.json: normalizer type 'Precompiled' is not supported (attnviz reads the normalizers "
        "NFC, NFD, Prepend, Replace, Strip and Sequence)");
  CHECK_THAT(with([](auto& j) { j["pre_tokenizer"]["pretokenizers"][1] = {{"type", "Whitespace"}}; }),
             Catch::Contains("pre_tokenizer.pretokenizers[1] type 'Whitespace' is not supported"));
  CHECK_THAT(with([](auto& j) { j["post_processor"] = {{"type", "BertProcessing"}}; }),
             Catch::Contains("post_processor type 'BertProcessing' is not supported"));
  CHECK(with([](auto& j) { j["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"] = "(?<=a)b"; }) ==
        "/models/x/tokenizer.json: pre_tokenizer.pretokenizers[0].pattern: lookbehind (?<=...) / (?<!...) is not "
        "supported at character 0 of the pattern");
  CHECK_THAT(with([](auto& j) {
               j["post_processor"]["processors"][1]["special_tokens"]["<|begin_of_text|>"]["ids"] = {999};
             }),
             Catch::Contains("special token '<|begin_of_text|>' has id 999, which neither model.vocab nor added_tokens has"));
  CHECK(with([](auto& j) { j["model"]["type"] = "CharBPE"; }) ==
        "/models/x/tokenizer.json: model type 'CharBPE' is not supported; attnviz reads BPE tokenizers (byte-level or "
        "SentencePiece-style)");
  // A template that names a token by one string and gives another's id: the
  // token is the id's (found by fuzz-hf-tokenizer, regress-template-name).
  {
    nlohmann::json j = nlohmann::json::parse(ReadFile(DataPath("tiny_metaspace.json")));
    j["post_processor"]["special_tokens"]["<s>"]["ids"] = {0};
    const HfTokenizer t = HfTokenizer::FromJson(j.dump(), "", "t.json");
    const std::vector<Token> tokens = t.Tokenize("the");
    REQUIRE(tokens.size() == 2);
    CHECK(tokens[0].id == 0);
    CHECK(tokens[0].text == "<unk>");
  }
  // tokenizer_config.json problems name that file.
  CHECK(Error([&] { HfTokenizer::FromJson(base.dump(), "{\"eos_token\": 3}", "/m/tokenizer.json"); }) ==
        "/m/tokenizer_config.json: eos_token is not a string, an object with \"content\", or null");
  const HfTokenizer with_config =
      HfTokenizer::FromJson(base.dump(), R"({"eos_token": {"content": "<|eot_id|>"}})", "/m/tokenizer.json");
  CHECK(with_config.EosId() == with_config.IdOf("<|eot_id|>"));
  CHECK_THAT(Error([] { HfTokenizer::FromDirectory("/nonexistent/model"); }),
             Catch::Contains("cannot open '/nonexistent/model/tokenizer.json'"));
}

// [SECTION] The pieces: regex engine and NFC

TEST_CASE("code point regex: the constructs tokenizer.json patterns use", "[hf-tokenizer][regex]") {
  auto find = [](const char* pattern, const std::u32string& text) {
    std::vector<std::u32string> out;
    for (const auto& m : CodePointRegex::Compile(pattern, "p").FindAll(text)) out.push_back(text.substr(m.start, m.end - m.start));
    return out;
  };
  using V = std::vector<std::u32string>;
  // Leftmost-first alternation, greedy classes, and \s+(?!\S) giving back the
  // last space to the next word (Oniguruma's backtracking).
  CHECK(find("'s|\\p{L}+|\\s+(?!\\S)|\\s+", U"it's   ok") == V{U"it", U"'s", U"  ", U" ", U"ok"});
  // (?i:...) compares case folds: 'S, 'Re, and the long s (U+017F) folds to s.
  CHECK(find("(?i:'s|'re)", U"'S 'Re '\u017F") == V{U"'S", U"'Re", U"'\u017F"});
  // Bounded repeats: Llama 3's \p{N}{1,3}.
  CHECK(find("\\p{N}{1,3}", U"1234567") == V{U"123", U"456", U"7"});
  // Negated classes with categories and escapes: Llama 3's [^\r\n\p{L}\p{N}]?\p{L}+.
  CHECK(find("[^\\r\\n\\p{L}\\p{N}]?\\p{L}+", U" hello\nworld") == V{U" hello", U"world"});
  // \p{M}, \p{Lu}, \P{..}, lazy quantifiers, lookahead.
  CHECK(find("\\p{Lu}\\p{Ll}*", U"HeLLo") == V{U"He", U"L", U"Lo"});
  CHECK(find("e\\p{M}+", U"e\u0301\u0302x") == V{U"e\u0301\u0302"});
  CHECK(find("a+?", U"aaa") == V{U"a", U"a", U"a"});
  CHECK(find("a(?=b)", U"ab ac") == V{U"a"});
  CHECK(find("\\x{1F642}|\\u00e9", U"\U0001F642\u00e9") == V{U"\U0001F642", U"\u00e9"});
  // What is not supported is refused by name.
  CHECK(Error([] { CodePointRegex::Compile("\\p{Han}+", "p"); }) ==
        "p: \\p{han} is not a general category (scripts and other properties are not supported) at character 0 of "
        "the pattern");
  CHECK(Error([] { CodePointRegex::Compile("a++", "p"); }) ==
        "p: possessive quantifier '+' after a quantifier is not supported at character 2 of the pattern");
  CHECK(Error([] { CodePointRegex::Compile("(a", "p"); }) == "p: unterminated group '(' at character 0 of the pattern");
  CHECK(Error([] { CodePointRegex::Compile("\\1", "p"); }) == "p: back-references are not supported at character 0 of the pattern");
  CHECK(Error([] { CodePointRegex::Compile(std::string(5000, 'a'), "p"); }) ==
        "p: the pattern is 5000 characters; the limit is 4000");
  CHECK(find("abc|ab", U"xabcab") == V{U"abc", U"ab"});  // literals joined into one node still alternate
  // A pattern that backtracks exponentially stops with a message, not a hang.
  CHECK_THAT(Error([] { CodePointRegex::Compile("(?:a|a)*b", "p").FindAll(std::u32string(40, U'a')); }),
             Catch::Contains("backtracking steps"));
}

TEST_CASE("NFC: composition, canonical order, Hangul, singletons and exclusions", "[hf-tokenizer][nfc]") {
  auto nfc = [](const std::u32string& s) {
    std::vector<SourcedCodePoint> in;
    for (std::size_t i = 0; i < s.size(); ++i) in.push_back({s[i], static_cast<int>(i), static_cast<int>(i) + 1});
    std::u32string out;
    for (const SourcedCodePoint& c : NormalizeNfc(in)) out.push_back(c.cp);
    return out;
  };
  CHECK(nfc(U"e\u0301") == U"\u00e9");
  // Marks of different classes commute into canonical order, then compose:
  // a + dot below (220) + circumflex (230) in either order is U+1EAD.
  CHECK(nfc(U"a\u0323\u0302") == U"\u1ead");
  CHECK(nfc(U"a\u0302\u0323") == U"\u1ead");
  CHECK(nfc(U"\u1100\u1161\u11a8") == U"\uac01");  // Hangul L V T -> one syllable
  CHECK(nfc(U"\u212b") == U"\u00c5");              // ANGSTROM SIGN is a singleton: Å
  CHECK(nfc(U"\u0958") == U"\u0915\u093c");        // a composition exclusion stays decomposed
  CHECK(nfc(U"\u0301a") == U"\u0301a");            // a mark with no starter before it stays
  CHECK(nfc(U"abc") == U"abc");
}
