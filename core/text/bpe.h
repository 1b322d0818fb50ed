// GPT-2 byte-level BPE (Radford et al. 2019; OpenAI's encoder.py), exactly as
// the reference implementation tokenizes:
//   1. the text is split by the pre-tokenizer pattern
//        's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//      (implemented by hand over code points; the letter/number/space classes
//      are tables generated from unicodedata, core/text/unicode_tables.h);
//   2. each piece's UTF-8 bytes are mapped one-to-one to printable code points
//      (bytes_to_unicode: a byte b becomes U+00xx for printable Latin-1, else
//      U+0100 + k), so the vocabulary is a set of ordinary strings ("Ġworld");
//   3. BPE: repeatedly merge every occurrence, left to right, of the adjacent
//      pair with the lowest rank in merges.txt, until no pair has a rank
//      (core/text/bpe_merge.h, MergeSchedule::kRankPasses).
// Every token keeps its byte span in the input. Unlike the built-in tokenizer,
// a BPE token may cover part of a code point (an emoji can be 2-4 tokens), so
// Token::text may be an incomplete UTF-8 sequence; the span is what is exact.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/text/bpe_merge.h"
#include "core/text/tokenizer.h"

namespace attnviz {

// [SECTION] Pieces of the pre-tokenizer

// One pre-tokenizer match: bytes [start, end) of the input.
struct TextSpan {
  int start = 0;
  int end = 0;
};

// Splits UTF-8 text by GPT-2's pattern. The spans tile the text: every byte is
// in exactly one span, in order. Throws InputError naming the byte offset for
// invalid UTF-8 and for text past kMaxTextBytes.
std::vector<TextSpan> SplitGpt2Pieces(std::string_view text);

// bytes_to_unicode(): the code point byte b is written as in vocab.json/merges.txt.
const std::array<char32_t, 256>& Gpt2ByteToCodePoint();

// [SECTION] The tokenizer

class BpeTokenizer {
 public:
  // Parses the two files' contents. `vocab_name` and `merges_name` appear in
  // error messages (usually the paths). Throws InputError with one line naming
  // the file, the line or byte offset, and what is wrong, for: invalid JSON,
  // a vocab entry that is not a string -> non-negative integer, ids that repeat
  // or leave holes, a missing single-byte symbol, a merges line that is not two
  // symbols, a symbol outside the byte alphabet, a repeated pair, or a merge
  // whose result vocab.json lacks (so Tokenize can never meet an unknown symbol).
  static BpeTokenizer FromStrings(std::string_view vocab_json, std::string_view merges_txt,
                                  std::string_view vocab_name = "vocab.json",
                                  std::string_view merges_name = "merges.txt");
  // Reads both files (each at most kMaxTokenizerFileBytes) and calls FromStrings.
  static BpeTokenizer FromFiles(const std::string& vocab_path, const std::string& merges_path);

  // Tokens with ids and byte spans. The literal text kGpt2EndOfText becomes
  // that one token when the vocabulary has it (Hugging Face's default); the
  // text around it is tokenized as if it were separate texts. Throws
  // InputError for invalid UTF-8 and text past kMaxTextBytes (the engine
  // applies the token limit).
  std::vector<Token> Tokenize(std::string_view text) const;

  int VocabSize() const { return static_cast<int>(id_to_symbol_.size()); }
  int MergeCount() const { return static_cast<int>(merge_count_); }
  // The vocabulary string of an id ("Ġworld"); id must be in [0, VocabSize()).
  const std::string& Symbol(int id) const { return id_to_symbol_[id]; }
  // The bytes an id stands for (the inverse of bytes_to_unicode on its symbol).
  std::string DecodeBytes(int id) const;
  // -1 when the vocabulary has no such symbol.
  int IdOf(std::string_view symbol) const;

 private:
  BpeTokenizer() = default;
  // BPE on one pre-tokenizer piece: appends (byte length, id) per token.
  void EncodePiece(std::string_view piece_bytes, std::vector<std::pair<int, int>>* out) const;

  std::vector<std::string> id_to_symbol_;
  std::unordered_map<std::string, int> symbol_to_id_;
  // Symbols are interned as their ids; (left id, right id) -> (rank, merged id).
  BpeMergeTable merges_;
  std::size_t merge_count_ = 0;
  std::array<int, 256> byte_id_{};  // id of the single-byte symbol of each byte
};

// GPT-2's one special token (id 50256): the document separator of its training data.
inline constexpr const char* kGpt2EndOfText = "<|endoftext|>";

// vocab.json (GPT-2: ~1 MB) and merges.txt (~450 KB) larger than this are refused.
inline constexpr std::size_t kMaxTokenizerFileBytes = std::size_t(64) << 20;

}  // namespace attnviz
