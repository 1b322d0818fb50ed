// GPT-2's byte-level rules as a person meets them, and how its tokens read on
// chips (core/text/token_label.h). The pre-tokenizer expectations below are
// worked out by hand from GPT-2's pattern
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// (test-bpe.cpp compares 459 texts with the reference implementation; these
// are the cases a reader of a trace will ask about).
#include <catch2/catch.hpp>

#include "core/text/bpe.h"
#include "core/text/token_label.h"

using namespace attnviz;

namespace {

using V = std::vector<std::string>;

V Pieces(std::string_view text) {
  V out;
  for (const TextSpan& s : SplitGpt2Pieces(text)) out.emplace_back(text.substr(s.start, s.end - s.start));
  return out;
}

const BpeTokenizer& Tiny() {
  static const BpeTokenizer t = BpeTokenizer::FromFiles(std::string(ATTNVIZ_TEST_DATA_DIR) + "/gpt2/tiny_vocab.json",
                                                        std::string(ATTNVIZ_TEST_DATA_DIR) + "/gpt2/tiny_merges.txt");
  return t;
}

V Texts(const std::vector<TokenLabel>& labels) {
  V out;
  for (const TokenLabel& l : labels) out.push_back(l.text);
  return out;
}

// Tokens with spans from the given cut points of `text` (as a BPE would cut it).
std::vector<Token> Cut(std::string_view text, const std::vector<int>& ends) {
  std::vector<Token> out;
  int start = 0;
  for (int end : ends) {
    out.push_back({std::string(text.substr(start, end - start)), start, end, -1});
    start = end;
  }
  return out;
}

bool HasReplacementChar(const std::string& s) { return s.find("\xEF\xBF\xBD") != std::string::npos; }

}  // namespace

TEST_CASE("GPT-2 byte-level rules: spaces, contractions, digits, punctuation, newlines, non-ASCII, emoji", "[bpe][token-label]") {
  // A space belongs to the word after it; a run of spaces leaves its last one to that word.
  CHECK(Pieces("the  cat") == V{"the", " ", " cat"});
  // Contractions split off, whatever the subject.
  CHECK(Pieces("I'll") == V{"I", "'ll"});
  CHECK(Pieces("don't you'd") == V{"don", "'t", " you", "'d"});
  // Digits: one piece per run of digits (GPT-2 does not split numbers into groups of 3).
  CHECK(Pieces("in 2024, 3.14") == V{"in", " 2024", ",", " 3", ".", "14"});
  // Punctuation runs stay together, with a space before them if there is one.
  CHECK(Pieces("Wait... what?!") == V{"Wait", "...", " what", "?!"});
  CHECK(Pieces("hello!!!") == V{"hello", "!!!"});
  // Newlines: never part of a word; a run keeps its last newline for the next piece.
  CHECK(Pieces("x\n\n\ny") == V{"x", "\n\n", "\n", "y"});
  CHECK(Pieces("a \nb") == V{"a", " ", "\n", "b"});
  // Non-ASCII letters are letters; an emoji is "other" and joins punctuation.
  CHECK(Pieces("na\xC3\xAFve caf\xC3\xA9") == V{"na\xC3\xAFve", " caf\xC3\xA9"});
  CHECK(Pieces("I \xF0\x9F\x99\x82 you") == V{"I", " \xF0\x9F\x99\x82", " you"});
  CHECK(Pieces("ok\xF0\x9F\x99\x82\xF0\x9F\x99\x82!") == V{"ok", "\xF0\x9F\x99\x82\xF0\x9F\x99\x82!"});
  // Through the BPE: the emoji's piece is its bytes when no merge joins them.
  const std::vector<Token> t = Tiny().Tokenize("I \xF0\x9F\x99\x82");
  REQUIRE(t.size() == 6);  // "I", " ", F0, 9F, 99, 82
  CHECK(t[1].text == " ");
  CHECK(t[2].text == "\xF0");
  CHECK(t[5].end == 6);
}

TEST_CASE("Token labels: leading space, invisible characters, whole words", "[token-label]") {
  const std::string text = "Hello world\n\t  don't";
  const std::vector<Token> tokens = Tiny().Tokenize(text);
  const std::vector<TokenLabel> l = LabelTokens(tokens, text);
  REQUIRE(l.size() == tokens.size());
  // "\n\t " is one piece (the last space goes to " don"), three byte tokens here.
  CHECK(Texts(l) == V{"Hello", "world", "\u21B5", "\u21E5", "\u2423", "don", "'t"});
  CHECK(!l[0].leading_space);
  CHECK(l[1].leading_space);  // " world": the marker, not a space character, shows the space
  CHECK(!l[4].leading_space);  // a token of whitespace only shows every character
  CHECK(l[5].leading_space);
  for (const TokenLabel& x : l) {
    CHECK(!x.partial);
    CHECK(x.group_text.empty());
  }
  CHECK(LabelTokenBytes("\x1B[0m").text == "\\u{1B}[0m");
}

TEST_CASE("Token labels: tokens that are part of a character show bytes and their group, never U+FFFD", "[token-label]") {
  // " 🙂" cut as GPT-2's vocabulary cuts it: " \xF0\x9F", "\x99", "\x82".
  const std::string text = "I \xF0\x9F\x99\x82 ok";
  const std::vector<TokenLabel> l = LabelTokens(Cut(text, {1, 4, 5, 6, 9}), text);
  CHECK(Texts(l) == V{"I", "\u27E8F0 9F\u27E9", "\u27E899\u27E9", "\u27E882\u27E9", "ok"});
  CHECK(l[1].leading_space);
  for (int i : {1, 2, 3}) {
    INFO(i);
    CHECK(l[i].partial);
    CHECK(l[i].group_first == 1);
    CHECK(l[i].group_last == 3);
    CHECK(l[i].group_text == "\xF0\x9F\x99\x82");
  }
  CHECK(DescribeTokenGroup(l[2]) == "3 tokens make \xF0\x9F\x99\x82");
  CHECK(!l[0].partial);
  CHECK(!l[4].partial);
  CHECK(l[4].leading_space);
  CHECK(DescribeTokenGroup(l[4]).empty());
  // Two CJK characters (3 bytes each) cut across both: one group of three tokens.
  const std::string cjk = "\xE4\xB8\xAD\xE6\x96\x87";  // 中文
  const std::vector<TokenLabel> c = LabelTokens(Cut(cjk, {2, 4, 6}), cjk);
  CHECK(Texts(c) == V{"\u27E8E4 B8\u27E9", "\u27E8AD E6\u27E9", "\u27E896 87\u27E9"});
  CHECK(DescribeTokenGroup(c[0]) == "3 tokens make \xE4\xB8\xAD\xE6\x96\x87");
  // A whole character then part of the next: the whole one reads as itself.
  const std::vector<TokenLabel> m = LabelTokens(Cut(cjk, {4, 6}), cjk);
  CHECK(m[0].text == "\xE4\xB8\xAD\u27E8E6\u27E9");
  // Every byte token alone (next-token candidates): readable, never U+FFFD.
  for (int id = 0; id < Tiny().VocabSize(); ++id) {
    const TokenLabel x = LabelTokenBytes(Tiny().DecodeBytes(id));
    INFO(id);
    CHECK(!HasReplacementChar(x.text));
    CHECK(FindInvalidUtf8(x.text) == -1);
  }
  CHECK(LabelTokenBytes("\xE2\x80").partial);
  CHECK(LabelTokenBytes("\xE2\x80").text == "\u27E8E2 80\u27E9");
  CHECK(LabelTokenBytes(" \xF0\x9F").leading_space);
  CHECK(EscapeInvalidUtf8("a\xE2\x80 b\xFF") == "a\u27E8E2 80\u27E9 b\u27E8FF\u27E9");
  CHECK(EscapeInvalidUtf8("caf\xC3\xA9") == "caf\xC3\xA9");
}
