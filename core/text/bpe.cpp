// GPT-2 byte-level BPE. See bpe.h for the algorithm; this file follows
// OpenAI's encoder.py step for step, with two changes that do not change any
// result: symbols are interned as integer ids, and the "merge every occurrence
// of the best pair" loop (bpe_merge.h, shared with the tokenizer.json
// tokenizers) runs on a heap so a long piece (1 MB without a space) costs
// O(n log n) instead of the reference's O(n^2).
//
// Index
//   [SECTION] UTF-8 decoding
//   [SECTION] Pre-tokenizer (the regex, by hand)
//   [SECTION] bytes_to_unicode
//   [SECTION] Loading vocab.json and merges.txt
//   [SECTION] BPE merges
//   [SECTION] Tokenize
#include "core/text/bpe.h"

#include <algorithm>
#include <sstream>

#include "core/limits.h"
#include "core/model/json_input.h"
#include "core/text/unicode_tables.h"
#include "core/text/utf8.h"
#include "core/types.h"

namespace attnviz {
namespace {

// [SECTION] UTF-8 decoding

struct DecodedText {
  std::vector<char32_t> cps;  // (n) code points
  std::vector<int> offsets;   // (n + 1) byte offset of each code point, then the text size
};

// Strict decoding (utf8.h): overlong forms, surrogates and code points past
// U+10FFFF are errors, as in FindInvalidUtf8 (the reference works on Python
// str, which can never hold them).
DecodedText DecodeText(std::string_view text) {
  if (text.size() > kMaxTextBytes) {
    throw InputError("text: " + std::to_string(text.size()) + " bytes is more than the " +
                     std::to_string(kMaxTextBytes) + "-byte limit");
  }
  DecodedText d;
  d.cps.reserve(text.size());
  d.offsets.reserve(text.size() + 1);
  for (std::size_t i = 0; i < text.size();) {
    char32_t cp = 0;
    const int len = DecodeUtf8(text, i, &cp);
    if (len == 0) throw InputError("text: invalid UTF-8 at byte " + std::to_string(i));
    d.cps.push_back(cp);
    d.offsets.push_back(static_cast<int>(i));
    i += static_cast<std::size_t>(len);
  }
  d.offsets.push_back(static_cast<int>(text.size()));
  return d;
}

// [SECTION] Pre-tokenizer (the regex, by hand)
//
// 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
// The regex engine tries the alternatives in order at each position and the
// first that matches wins (findall). Every code point is whitespace, a letter,
// a number or "other", so some alternative always matches and the matches tile
// the text. Backtracking only matters in two places, handled explicitly:
//   - " ?X+" with a space not followed by X falls back to no space, and then
//     fails, because a space is never X;
//   - "\s+(?!\S)" gives back the last whitespace when a non-space follows, so
//     "a   b" is "a", "  ", " b": the last space goes with the next word.

enum class CharClass { Space, Letter, Number, Other };

CharClass Classify(char32_t cp) {
  if (IsUnicodeWhiteSpace(cp)) return CharClass::Space;
  if (IsUnicodeLetter(cp)) return CharClass::Letter;
  if (IsUnicodeNumber(cp)) return CharClass::Number;
  return CharClass::Other;
}

// Length in code points of the contraction at i ('s 't 're 've 'm 'll 'd,
// lower case only, ASCII apostrophe only, as the reference pattern), else 0.
int ContractionLength(const std::vector<char32_t>& cps, std::size_t i) {
  const std::size_t n = cps.size();
  if (cps[i] != U'\'' || i + 1 >= n) return 0;
  const char32_t a = cps[i + 1];
  if (a == U's' || a == U't' || a == U'm' || a == U'd') return 2;
  if (i + 2 >= n) return 0;
  const char32_t b = cps[i + 2];
  if ((a == U'r' && b == U'e') || (a == U'v' && b == U'e') || (a == U'l' && b == U'l')) return 3;
  return 0;
}

}  // namespace

std::vector<TextSpan> SplitGpt2Pieces(std::string_view text) {
  const DecodedText d = DecodeText(text);
  const std::size_t n = d.cps.size();
  std::vector<CharClass> cls(n);
  for (std::size_t i = 0; i < n; ++i) cls[i] = Classify(d.cps[i]);

  std::vector<TextSpan> spans;
  std::size_t i = 0;
  auto emit = [&](std::size_t from, std::size_t to) {
    spans.push_back({d.offsets[from], d.offsets[to]});
    i = to;
  };
  while (i < n) {
    if (const int c = ContractionLength(d.cps, i); c > 0) {
      emit(i, i + c);
      continue;
    }
    // " ?\p{L}+", " ?\p{N}+", " ?[^\s\p{L}\p{N}]+": a leading U+0020 only
    // (not any whitespace) joins the run that follows it.
    const std::size_t j = (d.cps[i] == U' ' && i + 1 < n) ? i + 1 : i;
    if (cls[j] != CharClass::Space) {
      const CharClass run = cls[j];
      std::size_t k = j;
      while (k < n && cls[k] == run) ++k;
      emit(i, k);
      continue;
    }
    // Only whitespace starts here (a space followed by whitespace, or another
    // whitespace character).
    std::size_t k = i;
    while (k < n && cls[k] == CharClass::Space) ++k;
    if (k == n || k - i == 1) {
      emit(i, k);  // "\s+(?!\S)" at the end of the text, or "\s+" for a single one
    } else {
      emit(i, k - 1);  // "\s+(?!\S)": leave the last one for the next piece
    }
  }
  return spans;
}

// [SECTION] bytes_to_unicode
//
// encoder.py: bs = printable ranges '!'..'~', '¡'..'¬', '®'..'ÿ' map to
// themselves; the other 68 bytes, in increasing order, map to 256, 257, ...
// so every byte has a visible, non-whitespace stand-in (space is 'Ġ' U+0120).
const std::array<char32_t, 256>& Gpt2ByteToCodePoint() {
  static const std::array<char32_t, 256> table = [] {
    std::array<char32_t, 256> t{};
    char32_t next = 256;
    for (int b = 0; b < 256; ++b) {
      const bool printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
      t[b] = printable ? static_cast<char32_t>(b) : next++;
    }
    return t;
  }();
  return table;
}

namespace {

// The inverse: -1 for a code point outside the byte alphabet.
int CodePointToByte(char32_t cp) {
  static const std::vector<int> inverse = [] {
    std::vector<int> inv(324, -1);  // the alphabet's largest code point is U+0143
    const auto& t = Gpt2ByteToCodePoint();
    for (int b = 0; b < 256; ++b) inv[t[b]] = b;
    return inv;
  }();
  return cp < inverse.size() ? inverse[cp] : -1;
}

// A symbol for an error message: printable, bounded.
std::string Quote(std::string_view s) {
  std::string out = "'";
  for (char ch : s.substr(0, 60)) {
    const unsigned char c = static_cast<unsigned char>(ch);
    out += c < 0x20 || c == 0x7F ? '?' : ch;
  }
  if (s.size() > 60) out += "...";
  return out + "'";
}

}  // namespace

// [SECTION] Loading vocab.json and merges.txt

BpeTokenizer BpeTokenizer::FromStrings(std::string_view vocab_json, std::string_view merges_txt,
                                       std::string_view vocab_name, std::string_view merges_name) {
  const std::string vname(vocab_name), mname(merges_name);
  BpeTokenizer t;

  // vocab.json: {"symbol": id, ...}; ids must be 0..V-1, each once, so an id
  // indexes an embedding row and decodes to exactly one symbol.
  const nlohmann::json vocab = ParseJsonInput(vocab_json, vname, /*reject_duplicate_keys=*/true);
  if (!vocab.is_object()) throw InputError(vname + ": expected a JSON object of symbol -> id");
  if (vocab.empty()) throw InputError(vname + ": the vocabulary is empty");
  const std::size_t v = vocab.size();
  t.id_to_symbol_.resize(v);
  std::vector<bool> seen(v, false);
  for (const auto& [symbol, id_value] : vocab.items()) {
    if (!id_value.is_number_integer()) {
      throw InputError(vname + ": the id of " + Quote(symbol) + " is not an integer");
    }
    const long long id = id_value.get<long long>();
    if (id < 0 || static_cast<std::size_t>(id) >= v) {
      throw InputError(vname + ": the id of " + Quote(symbol) + " is " + std::to_string(id) + "; ids must be 0.." +
                       std::to_string(v - 1) + " for " + std::to_string(v) + " entries");
    }
    if (seen[id]) {
      throw InputError(vname + ": id " + std::to_string(id) + " is used by " + Quote(t.id_to_symbol_[id]) +
                       " and " + Quote(symbol));
    }
    seen[id] = true;
    t.id_to_symbol_[id] = symbol;
    t.symbol_to_id_.emplace(symbol, static_cast<int>(id));
  }
  // Every byte must have its own symbol, or some text could not be encoded.
  const auto& byte_cp = Gpt2ByteToCodePoint();
  for (int b = 0; b < 256; ++b) {
    std::string sym;
    AppendUtf8(sym, byte_cp[b]);
    const auto it = t.symbol_to_id_.find(sym);
    if (it == t.symbol_to_id_.end()) {
      throw InputError(vname + ": no symbol for byte " + std::to_string(b) + " ('" + sym +
                       "'); a GPT-2 vocabulary has one for each of the 256 bytes");
    }
    t.byte_id_[b] = it->second;
  }

  // merges.txt: an optional "#version" line, then "left right" per line, best
  // first. Ranks are the line order. A merge whose halves are not both in the
  // vocabulary can never fire (every symbol BPE forms is a byte or a merge
  // result, both in the vocabulary), exactly as in the reference; a merge that
  // can fire but whose result is missing would make the reference fail with
  // KeyError, so it is an error here, at load time.
  std::unordered_map<std::uint64_t, int> line_of_pair;
  std::size_t pos = 0;
  int line_no = 0;
  int rank = 0;
  while (pos < merges_txt.size()) {
    std::size_t eol = merges_txt.find('\n', pos);
    if (eol == std::string_view::npos) eol = merges_txt.size();
    std::string_view line = merges_txt.substr(pos, eol - pos);
    pos = eol + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (line_no == 1 && line.rfind("#version", 0) == 0) continue;
    const std::size_t sp = line.find(' ');
    if (sp == std::string_view::npos || sp == 0 || sp + 1 == line.size() ||
        line.find(' ', sp + 1) != std::string_view::npos) {
      throw InputError(mname + " line " + std::to_string(line_no) + ": expected two symbols separated by one space, got " +
                       Quote(line));
    }
    const std::string left(line.substr(0, sp)), right(line.substr(sp + 1));
    ++t.merge_count_;
    const int this_rank = rank++;
    const auto l = t.symbol_to_id_.find(left);
    const auto r = t.symbol_to_id_.find(right);
    if (l == t.symbol_to_id_.end() || r == t.symbol_to_id_.end()) continue;  // inert, see above
    const std::uint64_t key = BpeMergeTable::Key(l->second, r->second);
    if (const auto dup = line_of_pair.find(key); dup != line_of_pair.end()) {
      throw InputError(mname + " line " + std::to_string(line_no) + ": the pair " + Quote(line) + " repeats line " +
                       std::to_string(dup->second));
    }
    line_of_pair.emplace(key, line_no);
    const auto m = t.symbol_to_id_.find(left + right);
    if (m == t.symbol_to_id_.end()) {
      throw InputError(mname + " line " + std::to_string(line_no) + ": merging " + Quote(line) + " gives " +
                       Quote(left + right) + ", which " + vname + " does not have");
    }
    t.merges_.Set(l->second, r->second, {this_rank, m->second});
  }
  return t;
}

BpeTokenizer BpeTokenizer::FromFiles(const std::string& vocab_path, const std::string& merges_path) {
  const std::string vocab = ReadInputFile(vocab_path, "vocab.json", kMaxTokenizerFileBytes);
  const std::string merges = ReadInputFile(merges_path, "merges.txt", kMaxTokenizerFileBytes);
  return FromStrings(vocab, merges, vocab_path, merges_path);
}

int BpeTokenizer::IdOf(std::string_view symbol) const {
  const auto it = symbol_to_id_.find(std::string(symbol));
  return it == symbol_to_id_.end() ? -1 : it->second;
}

std::string BpeTokenizer::DecodeBytes(int id) const {
  const std::string& sym = id_to_symbol_.at(static_cast<std::size_t>(id));
  // The symbol is valid UTF-8 (nlohmann checked it); map each code point back
  // to its byte. A code point outside the alphabet (a special token such as
  // "<|endoftext|>" is all ASCII, so this is rare) is kept as its own UTF-8.
  std::string out;
  const DecodedText d = DecodeText(sym);
  for (char32_t cp : d.cps) {
    const int b = CodePointToByte(cp);
    if (b >= 0) {
      out += static_cast<char>(b);
    } else {
      AppendUtf8(out, cp);
    }
  }
  return out;
}

// [SECTION] BPE merges
//
// The reference: while some adjacent pair has a rank, take the lowest-ranked
// pair and replace every occurrence of it, scanning left to right, without
// overlap ("a a a" with merge "a a" becomes "aa a"): bpe_merge.h's
// kRankPasses schedule, on symbols whose [start, end) are byte offsets.
void BpeTokenizer::EncodePiece(std::string_view piece, std::vector<std::pair<int, int>>* out) const {
  const int n = static_cast<int>(piece.size());
  if (n == 0) return;
  std::vector<BpeSymbol> symbols(n);
  for (int i = 0; i < n; ++i) symbols[i] = {byte_id_[static_cast<unsigned char>(piece[i])], i, i + 1};
  ApplyBpeMerges(merges_, MergeSchedule::kRankPasses, &symbols);
  for (const BpeSymbol& s : symbols) out->push_back({s.end - s.start, s.id});
}

// [SECTION] Tokenize

std::vector<Token> BpeTokenizer::Tokenize(std::string_view text) const {
  std::vector<Token> tokens;
  std::vector<std::pair<int, int>> pieces;
  // Text between special tokens: pre-tokenized and merged as usual, with byte
  // offsets kept relative to the whole text.
  auto encode_segment = [&](int seg_start, int seg_end) {
    const std::string_view seg = text.substr(seg_start, seg_end - seg_start);
    for (const TextSpan& span : SplitGpt2Pieces(seg)) {
      pieces.clear();
      EncodePiece(seg.substr(span.start, span.end - span.start), &pieces);
      int start = seg_start + span.start;
      for (const auto& [len, id] : pieces) {
        Token tok;
        tok.start = start;
        tok.end = start + len;
        tok.text = std::string(text.substr(start, len));
        tok.id = id;
        tokens.push_back(std::move(tok));
        start += len;
      }
    }
  };
  // The literal "<|endoftext|>" is one token (50256 in GPT-2), as Hugging Face's
  // GPT2Tokenizer(Fast) reads it by default (an added special token, split out
  // before the pattern, no whitespace stripped): a document separator typed or
  // pasted means what it meant in training. Only when vocab.json has it.
  const std::string_view special = kGpt2EndOfText;
  const int special_id = IdOf(special);
  std::size_t at = special_id >= 0 ? text.find(special) : std::string_view::npos;
  if (at == std::string_view::npos) {
    encode_segment(0, static_cast<int>(text.size()));
    return tokens;
  }
  // Invalid UTF-8 and over-long text are reported for the whole text first, so
  // the byte offset in the message is the offset the person sees.
  (void)SplitGpt2Pieces(text);
  std::size_t from = 0;
  while (at != std::string_view::npos) {
    if (at > from) encode_segment(static_cast<int>(from), static_cast<int>(at));
    Token tok;
    tok.start = static_cast<int>(at);
    tok.end = static_cast<int>(at + special.size());
    tok.text = std::string(special);
    tok.id = special_id;
    tokens.push_back(std::move(tok));
    from = at + special.size();
    at = text.find(special, from);
  }
  if (from < text.size()) encode_segment(static_cast<int>(from), static_cast<int>(text.size()));
  return tokens;
}

}  // namespace attnviz
