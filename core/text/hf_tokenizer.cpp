// Tokenizers from tokenizer.json. See hf_tokenizer.h for what is supported
// and the order of the steps; the rules of each step below follow the
// tokenizers library's Rust sources (named per section), since the exact ids
// depend on details no documentation states (which parts of a text a
// normalizer sees, when ByteLevel adds its prefix space, how a Split behaves).
//
// Index
//   [SECTION] Text as sourced code points
//   [SECTION] JSON reading helpers
//   [SECTION] Normalizers
//   [SECTION] Pre-tokenizers
//   [SECTION] Added tokens
//   [SECTION] The BPE model
//   [SECTION] Post-processors
//   [SECTION] Loading
//   [SECTION] Tokenize
//   [SECTION] Queries
//
// A text travels through the pipeline as SourcedCodePoint lists: each code
// point remembers the bytes of the original text it stands for, so a token's
// span is known however the text was normalized (NFC composed it, '▁' replaced
// a space, a prefix space was added) and byte-level pieces of a character map
// back to its individual bytes.
#include "core/text/hf_tokenizer.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "core/limits.h"
#include "core/model/json_input.h"
#include "core/text/bpe.h"
#include "core/text/bpe_merge.h"
#include "core/text/code_point_regex.h"
#include "core/text/unicode_normalize.h"
#include "core/text/unicode_tables.h"
#include "core/text/utf8.h"
#include "core/types.h"

namespace attnviz {

using Json = nlohmann::json;
using Units = std::vector<SourcedCodePoint>;

namespace {

// [SECTION] Text as sourced code points

constexpr char32_t kMetaspace = U'\u2581';  // '▁', SentencePiece's visible space
// Ids past this are refused: an embedding with more rows than this is not a
// language model anyone ships (the largest vocabularies have ~260,000), and it
// bounds what a hostile file can make us allocate.
constexpr long long kMaxTokenId = (1LL << 21) - 1;

std::u32string CodePoints(const Units& u) {
  std::u32string s;
  s.reserve(u.size());
  for (const SourcedCodePoint& c : u) s.push_back(c.cp);
  return s;
}

std::string Utf8Of(const Units& u) {
  std::string s;
  s.reserve(u.size());
  for (const SourcedCodePoint& c : u) AppendUtf8(s, c.cp);
  return s;
}

std::u32string DecodeValid(std::string_view s) {  // s is valid UTF-8 (nlohmann checked it)
  std::u32string out;
  for (std::size_t i = 0; i < s.size();) {
    char32_t cp;
    const int len = DecodeUtf8(s, i, &cp);
    if (len == 0) {
      ++i;
      continue;
    }
    out.push_back(cp);
    i += static_cast<std::size_t>(len);
  }
  return out;
}

// The code points of text[from, to) (valid UTF-8) with their own spans.
Units DecodeRange(std::string_view text, int from, int to) {
  Units u;
  for (int i = from; i < to;) {
    char32_t cp;
    const int len = DecodeUtf8(text, static_cast<std::size_t>(i), &cp);
    u.push_back({cp, i, i + len});
    i += len;
  }
  return u;
}

// The span of byte k (of n) of c's UTF-8 form: that byte of the original text
// when c is unchanged from it, else all of c's source (a composed or replaced
// character cannot be cut finer).
std::pair<int, int> ByteSource(const SourcedCodePoint& c, int k, int n, std::string_view text) {
  if (c.end - c.start == n) {
    std::string enc;
    AppendUtf8(enc, c.cp);
    if (text.substr(static_cast<std::size_t>(c.start), static_cast<std::size_t>(n)) == enc) {
      return {c.start + k, c.start + k + 1};
    }
  }
  return {c.start, c.end};
}

// "'abc'" for messages: printable, bounded.
std::string Quote(std::string_view s) {
  std::string out = "'";
  std::size_t n = 0;
  for (char ch : s) {
    if (++n > 60) {
      out += "...";
      break;
    }
    const unsigned char c = static_cast<unsigned char>(ch);
    out += c < 0x20 || c == 0x7F ? '?' : ch;
  }
  return out + "'";
}

// [SECTION] JSON reading helpers
//
// Every problem in a file becomes "<file>: <where> <what>" on one line.

struct Reader {
  std::string file;

  [[noreturn]] void Fail(const std::string& where, const std::string& what) const {
    throw InputError(file + ": " + where + " " + what);
  }
  const Json& Object(const Json& v, const std::string& where) const {
    if (!v.is_object()) Fail(where, "is not a JSON object");
    return v;
  }
  const Json* Find(const Json& obj, const char* key) const {
    const auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
  }
  const Json& Need(const Json& obj, const char* key, const std::string& where) const {
    const Json* v = Find(obj, key);
    if (!v) Fail(where, std::string("has no \"") + key + "\"");
    return *v;
  }
  std::string String(const Json& obj, const char* key, const std::string& where) const {
    const Json& v = Need(obj, key, where);
    if (!v.is_string()) Fail(where + "." + key, "is not a string");
    return v.get<std::string>();
  }
  std::optional<std::string> OptString(const Json& obj, const char* key, const std::string& where) const {
    const Json* v = Find(obj, key);
    if (!v || v->is_null()) return std::nullopt;
    if (!v->is_string()) Fail(where + "." + key, "is not a string or null");
    return v->get<std::string>();
  }
  bool Bool(const Json& obj, const char* key, bool fallback, const std::string& where) const {
    const Json* v = Find(obj, key);
    if (!v || v->is_null()) return fallback;
    if (!v->is_boolean()) Fail(where + "." + key, "is not true or false");
    return v->get<bool>();
  }
  int Id(const Json& v, const std::string& where) const {
    if (!v.is_number_integer() || v.get<long long>() < 0) Fail(where, "is not a non-negative integer id");
    const long long id = v.get<long long>();
    if (id > kMaxTokenId) Fail(where, "is " + std::to_string(id) + ", past the largest id attnviz accepts (" + std::to_string(kMaxTokenId) + ")");
    return static_cast<int>(id);
  }
  std::string Type(const Json& v, const std::string& where) const {
    Object(v, where);
    return String(v, "type", where);
  }
};

// [SECTION] Normalizers (tokenizers/src/normalizers/*.rs)

struct NormalizerStep {
  enum Kind { Nfc, Nfd, Prepend, Replace, Strip } kind;
  std::u32string text;                       // Prepend: the prefix; Replace: the content
  std::shared_ptr<const CodePointRegex> pattern;  // Replace
  bool left = false, right = false;          // Strip
};

void ParseNormalizer(const Reader& r, const Json& v, const std::string& where, std::vector<NormalizerStep>* out) {
  if (v.is_null()) return;
  const std::string type = r.Type(v, where);
  if (type == "Sequence") {
    const Json& list = r.Need(v, "normalizers", where);
    if (!list.is_array()) r.Fail(where + ".normalizers", "is not an array");
    for (std::size_t i = 0; i < list.size(); ++i) {
      ParseNormalizer(r, list[i], where + ".normalizers[" + std::to_string(i) + "]", out);
    }
  } else if (type == "NFC") {
    out->push_back({NormalizerStep::Nfc, {}, nullptr});
  } else if (type == "NFD") {
    out->push_back({NormalizerStep::Nfd, {}, nullptr});
  } else if (type == "Prepend") {
    out->push_back({NormalizerStep::Prepend, DecodeValid(r.String(v, "prepend", where)), nullptr});
  } else if (type == "Replace") {
    const Json& pattern = r.Object(r.Need(v, "pattern", where), where + ".pattern");
    std::shared_ptr<const CodePointRegex> re;
    if (const Json* s = r.Find(pattern, "String")) {
      if (!s->is_string()) r.Fail(where + ".pattern.String", "is not a string");
      re = std::make_shared<CodePointRegex>(CodePointRegex::Literal(DecodeValid(s->get<std::string>())));
    } else if (const Json* x = r.Find(pattern, "Regex")) {
      if (!x->is_string()) r.Fail(where + ".pattern.Regex", "is not a string");
      re = std::make_shared<CodePointRegex>(CodePointRegex::Compile(x->get<std::string>(), r.file + ": " + where + ".pattern"));
    } else {
      r.Fail(where + ".pattern", "has neither \"String\" nor \"Regex\"");
    }
    out->push_back({NormalizerStep::Replace, DecodeValid(r.String(v, "content", where)), re});
  } else if (type == "Strip") {
    NormalizerStep s{NormalizerStep::Strip, {}, nullptr};
    s.left = r.Bool(v, "strip_left", false, where);
    s.right = r.Bool(v, "strip_right", false, where);
    out->push_back(s);
  } else {
    r.Fail(where, "type '" + type + "' is not supported (attnviz reads the normalizers NFC, NFD, Prepend, Replace, "
                  "Strip and Sequence)");
  }
}

// Replace every match of `re` in u by `content`; a replacement stands for all
// of the text its match stood for.
Units ReplaceAll(const Units& u, const CodePointRegex& re, const std::u32string& content) {
  const std::u32string cps = CodePoints(u);
  const std::vector<CodePointRegex::Match> matches = re.FindAll(cps);
  if (matches.empty()) return u;
  Units out;
  out.reserve(u.size());
  int at = 0;
  for (const CodePointRegex::Match& m : matches) {
    for (; at < m.start; ++at) out.push_back(u[at]);
    int s, e;
    if (m.end > m.start) {
      s = u[m.start].start;
      e = u[m.end - 1].end;
    } else if (m.start < static_cast<int>(u.size())) {
      s = e = u[m.start].start;
    } else {
      s = e = u.empty() ? 0 : u.back().end;
    }
    for (char32_t c : content) out.push_back({c, s, e});
    at = m.end;
  }
  for (; at < static_cast<int>(u.size()); ++at) out.push_back(u[at]);
  return out;
}

Units Normalize(const std::vector<NormalizerStep>& steps, Units u) {
  for (const NormalizerStep& s : steps) {
    switch (s.kind) {
      case NormalizerStep::Nfc: u = NormalizeNfc(u); break;
      case NormalizerStep::Nfd: u = NormalizeNfd(u); break;
      case NormalizerStep::Prepend:
        // normalizers/prepend.rs: only a non-empty text gets the prefix, which
        // stands for the first character's source.
        if (!u.empty()) {
          Units p;
          for (char32_t c : s.text) p.push_back({c, u[0].start, u[0].end});
          u.insert(u.begin(), p.begin(), p.end());
        }
        break;
      case NormalizerStep::Replace: u = ReplaceAll(u, *s.pattern, s.text); break;
      case NormalizerStep::Strip: {
        // normalizers/strip.rs: Rust's char::is_whitespace is White_Space.
        std::size_t a = 0, b = u.size();
        if (s.left) while (a < b && IsUnicodeWhiteSpace(u[a].cp)) ++a;
        if (s.right) while (b > a && IsUnicodeWhiteSpace(u[b - 1].cp)) --b;
        u = Units(u.begin() + static_cast<long>(a), u.begin() + static_cast<long>(b));
        break;
      }
    }
  }
  return u;
}

// [SECTION] Pre-tokenizers (tokenizers/src/pre_tokenizers/*.rs)

enum class SplitBehavior { Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous };

struct PreTokenizerStep {
  enum Kind { Split, ByteLevel, Metaspace, Digits } kind;
  std::shared_ptr<const CodePointRegex> pattern;  // Split; ByteLevel with use_regex
  SplitBehavior behavior = SplitBehavior::Isolated;
  bool invert = false;
  bool add_prefix_space = false;  // ByteLevel
  char32_t replacement = kMetaspace;  // Metaspace
  enum class Prepend { Always, First, Never } prepend = Prepend::Always;
  bool split = true;                  // Metaspace
  bool individual_digits = false;     // Digits
};

const std::shared_ptr<const CodePointRegex>& Gpt2Pattern() {
  // pre_tokenizers/byte_level.rs: the GPT-2 pattern, run by Oniguruma.
  static const std::shared_ptr<const CodePointRegex> re = std::make_shared<CodePointRegex>(CodePointRegex::Compile(
      "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+", "ByteLevel pattern"));
  return re;
}

SplitBehavior ParseBehavior(const Reader& r, const Json& v, const std::string& where) {
  const std::string b = r.String(v, "behavior", where);
  if (b == "Removed") return SplitBehavior::Removed;
  if (b == "Isolated") return SplitBehavior::Isolated;
  if (b == "MergedWithPrevious") return SplitBehavior::MergedWithPrevious;
  if (b == "MergedWithNext") return SplitBehavior::MergedWithNext;
  if (b == "Contiguous") return SplitBehavior::Contiguous;
  r.Fail(where + ".behavior", Quote(b) + " is not one of Removed, Isolated, MergedWithPrevious, MergedWithNext, Contiguous");
}

void ParsePreTokenizer(const Reader& r, const Json& v, const std::string& where, std::vector<PreTokenizerStep>* out) {
  if (v.is_null()) return;
  const std::string type = r.Type(v, where);
  PreTokenizerStep s{PreTokenizerStep::Split, nullptr};
  if (type == "Sequence") {
    const Json& list = r.Need(v, "pretokenizers", where);
    if (!list.is_array()) r.Fail(where + ".pretokenizers", "is not an array");
    for (std::size_t i = 0; i < list.size(); ++i) {
      ParsePreTokenizer(r, list[i], where + ".pretokenizers[" + std::to_string(i) + "]", out);
    }
    return;
  }
  if (type == "Split") {
    const Json& pattern = r.Object(r.Need(v, "pattern", where), where + ".pattern");
    if (const Json* str = r.Find(pattern, "String")) {
      if (!str->is_string()) r.Fail(where + ".pattern.String", "is not a string");
      s.pattern = std::make_shared<CodePointRegex>(CodePointRegex::Literal(DecodeValid(str->get<std::string>())));
    } else if (const Json* x = r.Find(pattern, "Regex")) {
      if (!x->is_string()) r.Fail(where + ".pattern.Regex", "is not a string");
      s.pattern = std::make_shared<CodePointRegex>(CodePointRegex::Compile(x->get<std::string>(), r.file + ": " + where + ".pattern"));
    } else {
      r.Fail(where + ".pattern", "has neither \"String\" nor \"Regex\"");
    }
    s.behavior = ParseBehavior(r, v, where);
    s.invert = r.Bool(v, "invert", false, where);
  } else if (type == "ByteLevel") {
    s.kind = PreTokenizerStep::ByteLevel;
    s.add_prefix_space = r.Bool(v, "add_prefix_space", true, where);
    if (r.Bool(v, "use_regex", true, where)) s.pattern = Gpt2Pattern();
  } else if (type == "Metaspace") {
    s.kind = PreTokenizerStep::Metaspace;
    const std::u32string rep = DecodeValid(r.String(v, "replacement", where));
    if (rep.size() != 1) r.Fail(where + ".replacement", "is not one character");
    s.replacement = rep[0];
    // Files before tokenizers 0.15 have add_prefix_space instead of prepend_scheme.
    if (const auto scheme = r.OptString(v, "prepend_scheme", where)) {
      if (*scheme == "always") s.prepend = PreTokenizerStep::Prepend::Always;
      else if (*scheme == "first") s.prepend = PreTokenizerStep::Prepend::First;
      else if (*scheme == "never") s.prepend = PreTokenizerStep::Prepend::Never;
      else r.Fail(where + ".prepend_scheme", Quote(*scheme) + " is not always, first or never");
    } else {
      s.prepend = r.Bool(v, "add_prefix_space", true, where) ? PreTokenizerStep::Prepend::Always
                                                             : PreTokenizerStep::Prepend::Never;
    }
    s.split = r.Bool(v, "split", true, where);
  } else if (type == "Digits") {
    s.kind = PreTokenizerStep::Digits;
    s.individual_digits = r.Bool(v, "individual_digits", false, where);
  } else {
    r.Fail(where, "type '" + type + "' is not supported (attnviz reads the pre-tokenizers Split, ByteLevel, "
                  "Metaspace, Digits and Sequence)");
  }
  out->push_back(std::move(s));
}

// NormalizedString::split (tokenizers/src/tokenizer/normalizer.rs): the
// matches and the text between them, as (start, end, is_match) in code
// points, cover the piece; the behavior decides what becomes a piece.
struct Slice {
  int start, end;
  bool is_match;
};

std::vector<Units> SplitBy(const Units& u, const std::vector<Slice>& matches_in, SplitBehavior behavior, bool invert) {
  std::vector<Slice> matches = matches_in;
  if (invert) for (Slice& m : matches) m.is_match = !m.is_match;
  std::vector<Slice> pieces;  // is_match here means "remove"
  switch (behavior) {
    case SplitBehavior::Removed: pieces = matches; break;
    case SplitBehavior::Isolated:
      for (const Slice& m : matches) pieces.push_back({m.start, m.end, false});
      break;
    case SplitBehavior::Contiguous: {
      bool previous = false;
      for (const Slice& m : matches) {
        if (m.is_match == previous && !pieces.empty()) pieces.back().end = m.end;
        else pieces.push_back({m.start, m.end, false});
        previous = m.is_match;
      }
      break;
    }
    case SplitBehavior::MergedWithPrevious: {
      bool previous = false;
      for (const Slice& m : matches) {
        if (m.is_match && !previous && !pieces.empty()) pieces.back().end = m.end;
        else pieces.push_back({m.start, m.end, false});
        previous = m.is_match;
      }
      break;
    }
    case SplitBehavior::MergedWithNext: {
      bool previous = false;
      for (auto it = matches.rbegin(); it != matches.rend(); ++it) {
        if (it->is_match && !previous && !pieces.empty()) pieces.back().start = it->start;
        else pieces.push_back({it->start, it->end, false});
        previous = it->is_match;
      }
      std::reverse(pieces.begin(), pieces.end());
      break;
    }
  }
  std::vector<Units> out;
  for (const Slice& p : pieces) {
    // PreTokenizedString::split drops empty pieces.
    if (p.is_match || p.end <= p.start) continue;
    out.emplace_back(u.begin() + p.start, u.begin() + p.end);
  }
  return out;
}

// Pattern::find_matches for a regex (pattern.rs): matches and the gaps between.
std::vector<Slice> RegexSlices(const Units& u, const CodePointRegex& re) {
  const int n = static_cast<int>(u.size());
  if (n == 0) return {{0, 0, false}};
  std::vector<Slice> out;
  int prev = 0;
  for (const CodePointRegex::Match& m : re.FindAll(CodePoints(u))) {
    if (m.start != prev) out.push_back({prev, m.start, false});
    out.push_back({m.start, m.end, true});
    prev = m.end;
  }
  if (prev != n) out.push_back({prev, n, false});
  return out;
}

// Pattern::find_matches for a character predicate: each matching character is
// its own match; runs of the others are one gap.
template <class Pred>
std::vector<Slice> CharSlices(const Units& u, Pred pred) {
  const int n = static_cast<int>(u.size());
  if (n == 0) return {{0, 0, false}};
  std::vector<Slice> out;
  int last = 0;
  for (int i = 0; i < n; ++i) {
    if (!pred(u[i].cp)) continue;
    if (last < i) out.push_back({last, i, false});
    out.push_back({i, i + 1, true});
    last = i + 1;
  }
  if (last < n) out.push_back({last, n, false});
  return out;
}

bool IsNumericChar(char32_t c) {  // Rust char::is_numeric: general category Nd, Nl or No
  return IsUnicodeNumber(c);
}

// pre_tokenizers/byte_level.rs: each byte of the piece becomes its GPT-2 stand-in.
Units ToByteLevel(const Units& u, std::string_view text) {
  const auto& table = Gpt2ByteToCodePoint();
  Units out;
  out.reserve(u.size() * 2);
  for (const SourcedCodePoint& c : u) {
    std::string enc;
    AppendUtf8(enc, c.cp);
    const int n = static_cast<int>(enc.size());
    for (int k = 0; k < n; ++k) {
      const auto [s, e] = ByteSource(c, k, n, text);
      out.push_back({table[static_cast<unsigned char>(enc[k])], s, e});
    }
  }
  return out;
}

std::vector<Units> PreTokenize(const std::vector<PreTokenizerStep>& steps, Units whole, std::string_view text) {
  std::vector<Units> pieces;
  if (!whole.empty()) pieces.push_back(std::move(whole));
  for (const PreTokenizerStep& s : steps) {
    std::vector<Units> next;
    for (Units& p : pieces) {
      switch (s.kind) {
        case PreTokenizerStep::Split:
          for (Units& q : SplitBy(p, RegexSlices(p, *s.pattern), s.behavior, s.invert)) next.push_back(std::move(q));
          break;
        case PreTokenizerStep::Digits:
          for (Units& q : SplitBy(p, CharSlices(p, IsNumericChar),
                                  s.individual_digits ? SplitBehavior::Isolated : SplitBehavior::Contiguous, false)) {
            next.push_back(std::move(q));
          }
          break;
        case PreTokenizerStep::Metaspace: {
          // pre_tokenizers/metaspace.rs: spaces become the replacement; the
          // prefix goes before every piece (always) or only before the one that
          // starts the text (first), unless it already starts with one.
          for (SourcedCodePoint& c : p) if (c.cp == U' ') c.cp = s.replacement;
          const bool prepend = !p.empty() && p[0].cp != s.replacement &&
                               (s.prepend == PreTokenizerStep::Prepend::Always ||
                                (s.prepend == PreTokenizerStep::Prepend::First && p[0].start == 0));
          if (prepend) p.insert(p.begin(), {s.replacement, p[0].start, p[0].end});
          if (s.split) {
            const char32_t rep = s.replacement;
            for (Units& q : SplitBy(p, CharSlices(p, [rep](char32_t c) { return c == rep; }),
                                    SplitBehavior::MergedWithNext, false)) {
              next.push_back(std::move(q));
            }
          } else {
            next.push_back(std::move(p));
          }
          break;
        }
        case PreTokenizerStep::ByteLevel: {
          // The prefix space and the regex split happen per piece, then every
          // resulting piece is mapped to bytes.
          if (s.add_prefix_space && !p.empty() && p[0].cp != U' ') p.insert(p.begin(), {U' ', p[0].start, p[0].end});
          if (s.pattern) {
            for (Units& q : SplitBy(p, RegexSlices(p, *s.pattern), SplitBehavior::Isolated, false)) {
              next.push_back(ToByteLevel(q, text));
            }
          } else if (!p.empty()) {
            next.push_back(ToByteLevel(p, text));
          }
          break;
        }
      }
    }
    pieces = std::move(next);
  }
  return pieces;
}

// [SECTION] Added tokens (tokenizers/src/tokenizer/added_vocabulary.rs)

struct AddedToken {
  int id = 0;
  std::string content;
  bool single_word = false, lstrip = false, rstrip = false, normalized = true, special = false;
};

// A part of a text: an added token (token >= 0, an index into the added
// tokens) or text for the next step, [start, end) in bytes of what was searched.
struct Part {
  int token;
  int start;
  int end;
};

// Leftmost-longest search over the contents (the library builds an
// Aho-Corasick automaton with MatchKind::LeftmostLongest: at the first position
// where any content matches, the longest one wins; the search goes on after it).
class AddedTokenMatcher {
 public:
  void Add(std::string content, int token) {
    if (content.empty()) return;
    const unsigned char first = static_cast<unsigned char>(content[0]);
    auto& list = by_first_[first];
    list.push_back({std::move(content), token});
    std::stable_sort(list.begin(), list.end(), [](const Entry& a, const Entry& b) { return a.content.size() > b.content.size(); });
    empty_ = false;
  }
  bool Empty() const { return empty_; }

  // find_matches: the parts of s, with each token's single_word, lstrip and
  // rstrip applied. An empty s is one empty text part.
  std::vector<Part> Split(std::string_view s, const std::vector<AddedToken>& tokens) const {
    std::vector<Part> parts;
    const int n = static_cast<int>(s.size());
    int done = 0;  // start_offset in the library: the end of the last part
    int pos = 0;   // where the automaton searches next
    while (pos < n) {
      int mstart = -1, mend = -1, token = -1;
      for (int i = pos; i < n && mstart < 0; ++i) {
        for (const Entry& e : by_first_[static_cast<unsigned char>(s[i])]) {
          if (s.compare(static_cast<std::size_t>(i), e.content.size(), e.content) == 0) {
            mstart = i;
            mend = i + static_cast<int>(e.content.size());
            token = e.token;
            break;
          }
        }
      }
      if (mstart < 0) break;
      pos = mend;
      const AddedToken& t = tokens[token];
      int start = mstart, stop = mend;
      if (t.single_word) {
        // Rust's char::is_alphanumeric (Alphabetic or Numeric) is taken as
        // letter or number here, plus '_', as the library's word test has.
        const bool start_space = start == 0 || !IsWordChar(LastChar(s.substr(0, start)));
        const bool stop_space = stop == n || !IsWordChar(FirstChar(s.substr(stop)));
        if (!start_space || !stop_space) continue;
      }
      if (t.lstrip) {
        int newstart = start;
        while (newstart > 0) {
          const std::size_t cs = LastCodePointStart(s.substr(0, newstart));
          char32_t c;
          DecodeUtf8(s, cs, &c);
          if (!IsUnicodeWhiteSpace(c)) break;
          newstart = static_cast<int>(cs);
        }
        start = std::max(newstart, done);
      }
      if (t.rstrip) {
        while (stop < n) {
          char32_t c;
          const int len = DecodeUtf8(s, static_cast<std::size_t>(stop), &c);
          if (len == 0 || !IsUnicodeWhiteSpace(c)) break;
          stop += len;
        }
      }
      // The library can emit a token whose start falls inside the whitespace
      // the previous token's rstrip took (when a content starts with
      // whitespace); the ids are the same either way, and starting it where the
      // previous one ended keeps the spans from overlapping.
      start = std::max(start, done);
      if (done < start) parts.push_back({-1, done, start});
      parts.push_back({token, start, stop});
      done = stop;
    }
    if (done != n || n == 0) parts.push_back({-1, done, n});
    return parts;
  }

 private:
  struct Entry {
    std::string content;
    int token;
  };
  static bool IsWordChar(char32_t c) { return c == U'_' || IsUnicodeLetter(c) || IsUnicodeNumber(c); }
  static char32_t LastChar(std::string_view s) {
    if (s.empty()) return 0;
    char32_t c = 0;
    DecodeUtf8(s, LastCodePointStart(s), &c);
    return c;
  }
  static char32_t FirstChar(std::string_view s) {
    if (s.empty()) return 0;
    char32_t c = 0;
    DecodeUtf8(s, 0, &c);
    return c;
  }
  std::array<std::vector<Entry>, 256> by_first_;
  bool empty_ = true;
};

// [SECTION] Post-processors (tokenizers/src/processors/*.rs)

struct TemplateItem {
  bool sequence = false;     // the text's tokens
  std::vector<int> ids;      // a special token: its ids and strings
  std::vector<std::string> tokens;
};

}  // namespace

// [SECTION] Loading

struct HfTokenizer::Impl {
  std::string name;
  HfTokenizerKind kind = HfTokenizerKind::kBpe;
  std::vector<NormalizerStep> normalizers;
  std::vector<PreTokenizerStep> pre_tokenizers;
  // The BPE model (tokenizers/src/models/bpe/model.rs).
  std::unordered_map<std::string, int> vocab;
  BpeMergeTable merges;
  std::optional<int> unk_id;
  bool fuse_unk = false, byte_fallback = false, ignore_merges = false;
  std::optional<std::string> prefix, suffix;  // continuing_subword_prefix, end_of_word_suffix
  std::array<int, 256> byte_ids{};            // "<0xNN>" ids, -1 when missing
  char32_t space_symbol = kMetaspace;         // what stands for a space (SentencePiece kind)
  // Added tokens and their matchers on the raw and on the normalized text.
  std::vector<AddedToken> added;
  std::unordered_map<std::string, int> added_by_content;
  AddedTokenMatcher raw_matcher, normalized_matcher;
  // Post-processing: the TemplateProcessing "single" templates, in order.
  std::vector<std::vector<TemplateItem>> templates;
  std::optional<int> bos, eos;
  // Per id: the vocabulary string, the decoded bytes, whether special.
  std::vector<std::string> id_string, id_bytes;
  std::vector<unsigned char> id_special;
  int vocab_size = 0;

  std::optional<int> Lookup(const std::string& s) const {
    if (const auto a = added_by_content.find(s); a != added_by_content.end()) return a->second;
    if (const auto v = vocab.find(s); v != vocab.end()) return v->second;
    return std::nullopt;
  }
  std::vector<Token> Tokenize(std::string_view text, bool add_special) const;
  void ModelTokenize(const Units& piece, std::string_view text, std::vector<Token>* out) const;
  void TokenizeNormalizedPart(const Units& part, std::string_view text, std::vector<Token>* out) const;
};

namespace {

std::string DecodeTokenBytes(const HfTokenizer::Impl& t, const std::string& s) {
  if (t.kind == HfTokenizerKind::kByteLevelBpe) {
    static const std::vector<int> inverse = [] {
      std::vector<int> inv(0x144, -1);
      const auto& table = Gpt2ByteToCodePoint();
      for (int b = 0; b < 256; ++b) inv[table[b]] = b;
      return inv;
    }();
    std::string out;
    for (char32_t c : DecodeValid(s)) {
      if (c < inverse.size() && inverse[c] >= 0) out += static_cast<char>(inverse[c]);
      else AppendUtf8(out, c);
    }
    return out;
  }
  // "<0xNN>" is a byte when the model has byte fallback (decoders/byte_fallback.rs).
  if (t.byte_fallback && s.size() == 6 && s.compare(0, 3, "<0x") == 0 && s[5] == '>') {
    auto hex = [](char c) {
      return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    };
    const int hi = hex(s[3]), lo = hex(s[4]);
    if (hi >= 0 && lo >= 0) return std::string(1, static_cast<char>(hi * 16 + lo));
  }
  if (t.kind == HfTokenizerKind::kSentencePieceBpe) {
    std::string out;
    for (char32_t c : DecodeValid(s)) AppendUtf8(out, c == t.space_symbol ? U' ' : c);
    return out;
  }
  return s;
}

void ParseModel(const Reader& r, const Json& model, HfTokenizer::Impl* t) {
  const std::string where = "model";
  r.Object(model, where);
  std::string type;
  if (const Json* ty = r.Find(model, "type")) {
    if (!ty->is_string()) r.Fail("model.type", "is not a string");
    type = ty->get<std::string>();
  } else if (r.Find(model, "merges")) {
    type = "BPE";  // files written before the "type" tag: the library tries BPE first
  } else {
    r.Fail(where, "has no \"type\"");
  }
  if (type == "WordPiece") r.Fail(where, "type WordPiece (BERT-style) is not supported; attnviz reads BPE tokenizers (byte-level or SentencePiece-style)");
  if (type == "Unigram") r.Fail(where, "type Unigram (SentencePiece unigram, as T5 and Gemma use) is not supported; attnviz reads BPE tokenizers (byte-level or SentencePiece-style)");
  if (type == "WordLevel") r.Fail(where, "type WordLevel is not supported; attnviz reads BPE tokenizers (byte-level or SentencePiece-style)");
  if (type != "BPE") r.Fail(where, "type '" + type + "' is not supported; attnviz reads BPE tokenizers (byte-level or SentencePiece-style)");

  if (const Json* d = r.Find(model, "dropout"); d && !d->is_null()) {
    if (!d->is_number()) r.Fail("model.dropout", "is not a number or null");
    if (d->get<double>() != 0.0) {
      r.Fail("model.dropout", "is " + d->dump() + ": BPE-dropout picks tokens at random, and attnviz tokenizes "
                              "deterministically (set it to null)");
    }
  }
  t->fuse_unk = r.Bool(model, "fuse_unk", false, where);
  t->byte_fallback = r.Bool(model, "byte_fallback", false, where);
  t->ignore_merges = r.Bool(model, "ignore_merges", false, where);
  t->prefix = r.OptString(model, "continuing_subword_prefix", where);
  t->suffix = r.OptString(model, "end_of_word_suffix", where);

  const Json& vocab = r.Need(model, "vocab", where);
  if (!vocab.is_object()) r.Fail("model.vocab", "is not a JSON object of token -> id");
  t->vocab.reserve(vocab.size());
  std::unordered_map<int, std::string> by_id;
  by_id.reserve(vocab.size());
  for (const auto& [tok, idv] : vocab.items()) {
    // (the message's path is built only when needed: 128,000 entries)
    const int id = idv.is_number_unsigned() && idv.get<unsigned long long>() <= static_cast<unsigned long long>(kMaxTokenId)
                       ? static_cast<int>(idv.get<unsigned long long>())
                       : r.Id(idv, "model.vocab[" + Quote(tok) + "]");
    const auto [it, fresh] = by_id.emplace(id, tok);
    if (!fresh) r.Fail("model.vocab", "gives id " + std::to_string(id) + " to both " + Quote(it->second) + " and " + Quote(tok));
    t->vocab.emplace(tok, id);
  }

  if (const auto unk = r.OptString(model, "unk_token", where)) {
    const auto it = t->vocab.find(*unk);
    if (it == t->vocab.end()) r.Fail("model.unk_token", Quote(*unk) + " is not in model.vocab");
    t->unk_id = it->second;
  }
  for (int b = 0; b < 256; ++b) {
    char name[8];
    std::snprintf(name, sizeof name, "<0x%02X>", b);
    const auto it = t->vocab.find(name);
    t->byte_ids[b] = it == t->vocab.end() ? -1 : it->second;
  }

  // Merges: "left right" strings or [left, right] pairs (tokenizers >= 0.20,
  // which allows spaces inside tokens). A string must split at ' ' into
  // exactly two parts, and "#version" lines are skipped, as the library's
  // convert_merges_to_hashmap does; the rank is the position among the rest.
  // Both halves and the merged token must be in the vocabulary, as the library
  // requires (models/bpe/model.rs, MergeTokenOutOfVocabulary).
  const Json& merges = r.Need(model, "merges", where);
  if (!merges.is_array()) r.Fail("model.merges", "is not an array");
  t->merges.Reserve(merges.size());
  const std::size_t prefix_len = t->prefix ? t->prefix->size() : 0;
  int rank = 0;
  for (std::size_t i = 0; i < merges.size(); ++i) {
    const Json& m = merges[i];
    auto at = [i] { return "model.merges[" + std::to_string(i) + "]"; };
    std::string a, b;
    if (m.is_string()) {
      const std::string& line = m.get_ref<const std::string&>();
      if (line.rfind("#version", 0) == 0) continue;
      const std::size_t sp = line.find(' ');
      if (sp == std::string::npos || line.find(' ', sp + 1) != std::string::npos) {
        r.Fail(at(), Quote(line) + " is not two tokens separated by one space (a token with a space needs the "
                                 "[left, right] form)");
      }
      a = line.substr(0, sp);
      b = line.substr(sp + 1);
    } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
      a = m[0].get<std::string>();
      b = m[1].get<std::string>();
    } else {
      r.Fail(at(), "is neither a \"left right\" string nor a [left, right] pair of strings");
    }
    const auto ia = t->vocab.find(a);
    if (ia == t->vocab.end()) r.Fail(at(), "merges " + Quote(a) + ", which is not in model.vocab");
    const auto ib = t->vocab.find(b);
    if (ib == t->vocab.end()) r.Fail(at(), "merges " + Quote(b) + ", which is not in model.vocab");
    if (prefix_len > b.size()) r.Fail(at(), "right half " + Quote(b) + " is shorter than continuing_subword_prefix");
    const std::string merged = a + b.substr(prefix_len);
    const auto im = t->vocab.find(merged);
    if (im == t->vocab.end()) r.Fail(at(), "gives " + Quote(merged) + ", which is not in model.vocab");
    t->merges.Set(ia->second, ib->second, {rank++, im->second});
  }
}

void ParseAddedTokens(const Reader& r, const Json& root, HfTokenizer::Impl* t) {
  const Json* list = r.Find(root, "added_tokens");
  if (!list || list->is_null()) return;
  if (!list->is_array()) r.Fail("added_tokens", "is not an array");
  int max_added = -1;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string where = "added_tokens[" + std::to_string(i) + "]";
    const Json& e = r.Object((*list)[i], where);
    AddedToken a;
    (void)r.Id(r.Need(e, "id", where), where + ".id");
    a.content = r.String(e, "content", where);
    a.single_word = r.Bool(e, "single_word", false, where);
    a.lstrip = r.Bool(e, "lstrip", false, where);
    a.rstrip = r.Bool(e, "rstrip", false, where);
    a.special = r.Bool(e, "special", false, where);
    a.normalized = r.Bool(e, "normalized", !a.special, where);
    if (a.content.empty()) r.Fail(where + ".content", "is empty");
    // The id is the library's, not the file's: AddedVocabulary::add_tokens
    // keeps the id of a content the model's vocabulary (or an earlier added
    // token) has, and gives a new one the next id after the model's
    // vocabulary (its entry count) or after the largest added id. The file's
    // "id" only draws a warning there; in every real file the two agree.
    if (const auto v = t->vocab.find(a.content); v != t->vocab.end()) {
      a.id = v->second;
    } else if (const auto prev = t->added_by_content.find(a.content); prev != t->added_by_content.end()) {
      a.id = prev->second;
    } else {
      const int model_size = static_cast<int>(t->vocab.size());
      a.id = max_added < 0 || max_added < model_size ? model_size : max_added + 1;
      if (a.id > kMaxTokenId) r.Fail(where, "would get id " + std::to_string(a.id) + ", past the largest id attnviz accepts");
    }
    max_added = std::max(max_added, a.id);
    t->added_by_content.emplace(a.content, a.id);
    t->added.push_back(std::move(a));
  }
}

void ParsePostProcessor(const Reader& r, const Json& v, const std::string& where, HfTokenizer::Impl* t) {
  if (v.is_null()) return;
  const std::string type = r.Type(v, where);
  if (type == "Sequence") {
    const Json& list = r.Need(v, "processors", where);
    if (!list.is_array()) r.Fail(where + ".processors", "is not an array");
    for (std::size_t i = 0; i < list.size(); ++i) {
      ParsePostProcessor(r, list[i], where + ".processors[" + std::to_string(i) + "]", t);
    }
    return;
  }
  if (type == "ByteLevel") return;  // it only trims offsets; the ids are the model's
  if (type != "TemplateProcessing") {
    r.Fail(where, "type '" + type + "' is not supported (attnviz reads the post-processors TemplateProcessing, "
                  "ByteLevel and Sequence)");
  }
  const Json& specials = r.Object(r.Need(v, "special_tokens", where), where + ".special_tokens");
  const Json& single = r.Need(v, "single", where);
  if (!single.is_array()) r.Fail(where + ".single", "is not an array");
  std::vector<TemplateItem> items;
  for (std::size_t i = 0; i < single.size(); ++i) {
    const std::string at = where + ".single[" + std::to_string(i) + "]";
    const Json& piece = r.Object(single[i], at);
    TemplateItem item;
    if (const Json* seq = r.Find(piece, "Sequence")) {
      const std::string id = r.String(r.Object(*seq, at + ".Sequence"), "id", at + ".Sequence");
      if (id != "A") r.Fail(at + ".Sequence.id", "is " + Quote(id) + "; a single text is sequence A");
      item.sequence = true;
    } else if (const Json* sp = r.Find(piece, "SpecialToken")) {
      const std::string name = r.String(r.Object(*sp, at + ".SpecialToken"), "id", at + ".SpecialToken");
      const auto it = specials.find(name);
      if (it == specials.end()) r.Fail(at, "names " + Quote(name) + ", which special_tokens does not define");
      const std::string st = where + ".special_tokens[" + Quote(name) + "]";
      const Json& def = r.Object(*it, st);
      const Json& ids = r.Need(def, "ids", st);
      const Json& toks = r.Need(def, "tokens", st);
      if (!ids.is_array() || !toks.is_array() || ids.size() != toks.size() || ids.empty()) {
        r.Fail(st, "needs \"ids\" and \"tokens\" arrays of one length");
      }
      for (std::size_t k = 0; k < ids.size(); ++k) {
        item.ids.push_back(r.Id(ids[k], st + ".ids[" + std::to_string(k) + "]"));
        if (!toks[k].is_string()) r.Fail(st + ".tokens[" + std::to_string(k) + "]", "is not a string");
        item.tokens.push_back(toks[k].get<std::string>());
      }
    } else {
      r.Fail(at, "is neither a Sequence nor a SpecialToken");
    }
    items.push_back(std::move(item));
  }
  t->templates.push_back(std::move(items));
}

bool HasByteLevel(const std::vector<PreTokenizerStep>& steps) {
  for (const PreTokenizerStep& s : steps) if (s.kind == PreTokenizerStep::ByteLevel) return true;
  return false;
}

// The SentencePiece kind: a Metaspace pre-tokenizer, or a normalizer that
// writes '▁' for spaces (Replace " " -> "▁", as Llama 2's file does).
std::optional<char32_t> SpaceSymbol(const std::vector<NormalizerStep>& norms, const std::vector<PreTokenizerStep>& pre) {
  for (const PreTokenizerStep& s : pre) if (s.kind == PreTokenizerStep::Metaspace) return s.replacement;
  for (const NormalizerStep& n : norms) {
    if (n.kind == NormalizerStep::Replace && n.pattern->Pattern() == " " && n.text.size() == 1) return n.text[0];
  }
  return std::nullopt;
}

// bos_token / eos_token of tokenizer_config.json: a string or {"content": ...}.
std::optional<std::string> ConfigToken(const Reader& r, const Json& config, const char* key) {
  const Json* v = r.Find(config, key);
  if (!v || v->is_null()) return std::nullopt;
  if (v->is_string()) return v->get<std::string>();
  if (v->is_object()) return r.String(*v, "content", key);
  r.Fail(key, "is not a string, an object with \"content\", or null");
}

std::string ConfigNameFor(std::string_view tokenizer_name) {
  const std::string n(tokenizer_name);
  const std::string suffix = "tokenizer.json";
  if (n.size() >= suffix.size() && n.compare(n.size() - suffix.size(), suffix.size(), suffix) == 0) {
    return n.substr(0, n.size() - suffix.size()) + "tokenizer_config.json";
  }
  return "tokenizer_config.json";
}

}  // namespace

HfTokenizer::HfTokenizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HfTokenizer::HfTokenizer(HfTokenizer&&) noexcept = default;
HfTokenizer& HfTokenizer::operator=(HfTokenizer&&) noexcept = default;
HfTokenizer::~HfTokenizer() = default;

HfTokenizer HfTokenizer::FromJson(std::string_view tokenizer_json, std::string_view tokenizer_config_json,
                                  std::string_view name_for_errors) {
  auto t = std::make_unique<Impl>();
  t->name = std::string(name_for_errors);
  const Reader r{t->name};
  const Json root = ParseJsonInput(tokenizer_json, t->name, /*reject_duplicate_keys=*/true);
  r.Object(root, "the top level");
  // "truncation" and "padding" are ignored: transformers turns them off per
  // call as well, attnviz applies its own token limit, and one text needs no padding.
  ParseModel(r, r.Need(root, "model", "the top level"), t.get());
  ParseAddedTokens(r, root, t.get());
  if (const Json* n = r.Find(root, "normalizer")) ParseNormalizer(r, *n, "normalizer", &t->normalizers);
  if (const Json* p = r.Find(root, "pre_tokenizer")) ParsePreTokenizer(r, *p, "pre_tokenizer", &t->pre_tokenizers);
  if (const Json* p = r.Find(root, "post_processor")) ParsePostProcessor(r, *p, "post_processor", t.get());

  if (HasByteLevel(t->pre_tokenizers)) {
    t->kind = HfTokenizerKind::kByteLevelBpe;
  } else if (const auto space = SpaceSymbol(t->normalizers, t->pre_tokenizers)) {
    t->kind = HfTokenizerKind::kSentencePieceBpe;
    t->space_symbol = *space;
  }

  // Ids: the vocabulary's, the added tokens', and the template's must all be
  // known; the largest + 1 is the vocabulary size an embedding must cover.
  int max_id = -1;
  for (const auto& [tok, id] : t->vocab) max_id = std::max(max_id, id);
  for (const AddedToken& a : t->added) max_id = std::max(max_id, a.id);
  if (max_id < 0) r.Fail("model.vocab", "is empty");
  t->vocab_size = max_id + 1;
  t->id_string.assign(t->vocab_size, std::string());
  t->id_bytes.assign(t->vocab_size, std::string());
  t->id_special.assign(t->vocab_size, 0);
  std::vector<unsigned char> known(t->vocab_size, 0);
  for (const auto& [tok, id] : t->vocab) {
    t->id_string[id] = tok;
    t->id_bytes[id] = DecodeTokenBytes(*t, tok);
    known[id] = 1;
  }
  for (std::size_t i = 0; i < t->added.size(); ++i) {
    const AddedToken& a = t->added[i];
    t->id_string[a.id] = a.content;
    t->id_bytes[a.id] = a.content;
    t->id_special[a.id] = t->id_special[a.id] || a.special;
    known[a.id] = 1;
  }
  for (const auto& tmpl : t->templates) {
    for (const TemplateItem& item : tmpl) {
      for (std::size_t k = 0; k < item.ids.size(); ++k) {
        if (item.ids[k] >= t->vocab_size || !known[item.ids[k]]) {
          r.Fail("post_processor", "special token " + Quote(item.tokens[k]) + " has id " + std::to_string(item.ids[k]) +
                                       ", which neither model.vocab nor added_tokens has");
        }
      }
    }
  }
  // BOS: the special token before the text in the (first) template.
  if (!t->templates.empty()) {
    for (const TemplateItem& item : t->templates.front()) {
      if (item.sequence) break;
      t->bos = item.ids.front();
      break;
    }
  }

  // Added tokens: the normalized ones are matched in normalized text, so their
  // contents are normalized too (added_vocabulary.rs refresh_added_tokens).
  for (std::size_t i = 0; i < t->added.size(); ++i) {
    const AddedToken& a = t->added[i];
    if (!a.normalized || t->normalizers.empty()) {
      (a.normalized ? t->normalized_matcher : t->raw_matcher).Add(a.content, static_cast<int>(i));
    } else {
      Units u;
      for (char32_t c : DecodeValid(a.content)) u.push_back({c, 0, 0});
      t->normalized_matcher.Add(Utf8Of(Normalize(t->normalizers, u)), static_cast<int>(i));
    }
  }

  if (!tokenizer_config_json.empty()) {
    const Reader rc{ConfigNameFor(t->name)};
    const Json config = ParseJsonInput(tokenizer_config_json, rc.file, /*reject_duplicate_keys=*/true);
    rc.Object(config, "the top level");
    if (const auto eos = ConfigToken(rc, config, "eos_token")) t->eos = t->Lookup(*eos);
    // bos_token is informative only: whether a BOS is added is the
    // post-processor's business (Qwen names one and adds none).
    (void)ConfigToken(rc, config, "bos_token");
  }
  return HfTokenizer(std::move(t));
}

HfTokenizer HfTokenizer::FromDirectory(const std::string& dir) {
  namespace fs = std::filesystem;
  const std::string json_path = (fs::path(dir) / "tokenizer.json").string();
  const std::string config_path = (fs::path(dir) / "tokenizer_config.json").string();
  const std::string json = ReadInputFile(json_path, "tokenizer.json", kMaxTokenizerJsonBytes);
  std::string config;
  std::error_code ec;
  if (fs::is_regular_file(config_path, ec)) config = ReadInputFile(config_path, "tokenizer_config.json", kMaxTokenizerJsonBytes);
  return FromJson(json, config, json_path);
}


// [SECTION] The BPE model (tokenizers/src/models/bpe/model.rs, word.rs)

void HfTokenizer::Impl::ModelTokenize(const Units& piece, std::string_view text, std::vector<Token>* out) const {
  if (piece.empty()) return;
  auto emit = [&](int id, int start, int end) {
    Token tok;
    tok.id = id;
    tok.start = start;
    tok.end = end;
    tok.text = id_bytes[id];
    out->push_back(std::move(tok));
  };
  int lo = piece.front().start, hi = piece.front().end;
  for (const SourcedCodePoint& c : piece) {
    lo = std::min(lo, c.start);
    hi = std::max(hi, c.end);
  }
  // ignore_merges (Llama 3): a piece that is a vocabulary entry is one token,
  // whatever the merges would have made of it.
  if (ignore_merges) {
    if (const auto it = vocab.find(Utf8Of(piece)); it != vocab.end()) {
      emit(it->second, lo, hi);
      return;
    }
  }
  // merge_word: one symbol per character (with the continuing prefix on all
  // but the first and the end-of-word suffix on the last); a character the
  // vocabulary lacks becomes its bytes' "<0xNN>" tokens (byte_fallback, when
  // all of them exist), else the unknown token (runs of them fused into one
  // with fuse_unk), else nothing.
  std::vector<BpeSymbol> symbols;
  symbols.reserve(piece.size());
  std::optional<BpeSymbol> unk;
  const int n = static_cast<int>(piece.size());
  for (int i = 0; i < n; ++i) {
    const SourcedCodePoint& c = piece[i];
    std::string s;
    if (i > 0 && prefix) s += *prefix;
    AppendUtf8(s, c.cp);
    if (i == n - 1 && suffix) s += *suffix;
    if (const auto it = vocab.find(s); it != vocab.end()) {
      if (unk) {
        symbols.push_back(*unk);
        unk.reset();
      }
      symbols.push_back({it->second, c.start, c.end});
      continue;
    }
    if (byte_fallback) {
      bool all = true;
      for (char b : s) all = all && byte_ids[static_cast<unsigned char>(b)] >= 0;
      if (all) {
        // The library flushes no pending unknown token here: it stays pending
        // and lands after these bytes, exactly as word.add would order it.
        const int len = static_cast<int>(s.size());
        for (int k = 0; k < len; ++k) {
          const bool plain = !(i > 0 && prefix && !prefix->empty()) && !(i == n - 1 && suffix && !suffix->empty());
          const auto [bs, be] = plain ? ByteSource(c, k, len, text) : std::pair<int, int>{c.start, c.end};
          symbols.push_back({byte_ids[static_cast<unsigned char>(s[k])], bs, be});
        }
        continue;
      }
    }
    if (unk_id) {
      if (unk && fuse_unk) {
        unk->start = std::min(unk->start, c.start);
        unk->end = std::max(unk->end, c.end);
      } else {
        if (unk) symbols.push_back(*unk);
        unk = BpeSymbol{*unk_id, c.start, c.end};
      }
    }
  }
  if (unk) symbols.push_back(*unk);
  ApplyBpeMerges(merges, MergeSchedule::kPairQueue, &symbols);
  for (const BpeSymbol& s : symbols) emit(s.id, s.start, s.end);
}

// [SECTION] Tokenize

void HfTokenizer::Impl::TokenizeNormalizedPart(const Units& part, std::string_view text, std::vector<Token>* out) const {
  for (const Units& piece : PreTokenize(pre_tokenizers, part, text)) ModelTokenize(piece, text, out);
}

std::vector<Token> HfTokenizer::Impl::Tokenize(std::string_view text, bool add_special) const {
  if (text.size() > kMaxTextBytes) {
    throw InputError("text is " + std::to_string(text.size()) + " bytes; the limit is " +
                     std::to_string(kMaxTextBytes) + " bytes (1 MiB)");
  }
  if (const long bad = FindInvalidUtf8(text); bad >= 0) {
    char byte[8];
    std::snprintf(byte, sizeof byte, "0x%02X", static_cast<unsigned char>(text[bad]));
    throw InputError("text is not valid UTF-8: bad byte " + std::string(byte) + " at byte offset " + std::to_string(bad));
  }
  std::vector<Token> tokens;
  auto emit_added = [&](int index, int start, int end) {
    const AddedToken& a = added[index];
    tokens.push_back({a.content, start, end, a.id});
  };
  // 1. Added tokens in the raw text; 2. each other part normalized, then the
  // normalized added tokens cut out of it; 3. the rest pre-tokenized and
  // tokenized by the model (added_vocabulary.rs extract_and_normalize).
  for (const Part& raw : raw_matcher.Split(text, added)) {
    if (raw.token >= 0) {
      emit_added(raw.token, raw.start, raw.end);
      continue;
    }
    Units part = Normalize(normalizers, DecodeRange(text, raw.start, raw.end));
    if (normalized_matcher.Empty()) {
      TokenizeNormalizedPart(part, text, &tokens);
      continue;
    }
    const std::string norm = Utf8Of(part);
    std::vector<int> unit_at(norm.size() + 1, static_cast<int>(part.size()));
    for (std::size_t b = 0, u = 0; u < part.size(); ++u) {
      unit_at[b] = static_cast<int>(u);
      std::string enc;
      AppendUtf8(enc, part[u].cp);
      b += enc.size();
    }
    for (const Part& p : normalized_matcher.Split(norm, added)) {
      const int a = unit_at[p.start], b = unit_at[p.end];
      if (p.token >= 0) {
        const int s = a < b ? part[a].start : raw.start;
        const int e = a < b ? part[b - 1].end : raw.start;
        emit_added(p.token, s, e);
      } else {
        TokenizeNormalizedPart(Units(part.begin() + a, part.begin() + b), text, &tokens);
      }
    }
  }
  // Spans in order and without overlap: pieces of one normalized character
  // (NFC's "é" from "e" + U+0301 cut into two byte-level tokens, or a prefix
  // '▁' standing for the same character as the word after it) share its
  // source, which goes to the first of them.
  int prev_end = 0;
  for (Token& t : tokens) {
    t.start = std::max(t.start, prev_end);
    t.end = std::max(t.end, t.start);
    prev_end = t.end;
  }
  if (!add_special || templates.empty()) return tokens;
  const int text_end = static_cast<int>(text.size());
  for (const auto& tmpl : templates) {
    std::vector<Token> framed;
    bool before = true;
    for (const TemplateItem& item : tmpl) {
      if (item.sequence) {
        before = false;
        framed.insert(framed.end(), std::make_move_iterator(tokens.begin()), std::make_move_iterator(tokens.end()));
        continue;
      }
      for (std::size_t k = 0; k < item.ids.size(); ++k) {
        const int at = before ? 0 : text_end;
        // The text is what the id stands for (TokenBytes), whatever name the
        // template gives it: a chip must show the token the model reads.
        framed.push_back({id_bytes[item.ids[k]], at, at, item.ids[k]});
      }
    }
    tokens = std::move(framed);
  }
  return tokens;
}

// [SECTION] Queries

std::vector<Token> HfTokenizer::Tokenize(std::string_view text, bool add_special_tokens) const {
  return impl_->Tokenize(text, add_special_tokens);
}

HfTokenizerKind HfTokenizer::Kind() const { return impl_->kind; }
int HfTokenizer::VocabSize() const { return impl_->vocab_size; }

std::string HfTokenizer::TokenBytes(int id) const {
  if (id < 0 || id >= impl_->vocab_size) return std::string();
  return impl_->id_bytes[id];
}

std::string HfTokenizer::TokenString(int id) const {
  if (id < 0 || id >= impl_->vocab_size) return std::string();
  return impl_->id_string[id];
}

std::optional<int> HfTokenizer::IdOf(std::string_view token_string) const { return impl_->Lookup(std::string(token_string)); }

bool HfTokenizer::IsSpecial(int id) const { return id >= 0 && id < impl_->vocab_size && impl_->id_special[id]; }
std::optional<int> HfTokenizer::BosId() const { return impl_->bos; }
std::optional<int> HfTokenizer::EosId() const { return impl_->eos; }

namespace {
std::string KindName(const HfTokenizer::Impl& t) {
  switch (t.kind) {
    case HfTokenizerKind::kByteLevelBpe: return "byte-level BPE";
    case HfTokenizerKind::kSentencePieceBpe:
      return t.byte_fallback ? "SentencePiece-style BPE with byte fallback" : "SentencePiece-style BPE";
    case HfTokenizerKind::kBpe: return t.byte_fallback ? "BPE with byte fallback" : "BPE";
  }
  return "BPE";
}
}  // namespace

std::string HfTokenizer::Describe() const {
  std::string d = KindName(*impl_) + ", " + std::to_string(impl_->vocab_size) + " tokens, ";
  d += impl_->bos ? "BOS " + impl_->id_string[*impl_->bos] : std::string("no BOS");
  return d;
}

TokenizerJsonKind InspectTokenizerJson(std::string_view json_text, std::string_view name) {
  // The vocabulary and the merges are most of the file and say nothing about
  // its kind: they are skipped while parsing (the callback drops every value
  // under model.vocab and model.merges).
  TokenizerJsonKind k;
  try {
    std::string key1, key2;
    bool too_deep = false;
    auto cb = [&](int depth, Json::parse_event_t event, Json& parsed) {
      if (depth > kMaxJsonDepth) too_deep = true;
      if (event == Json::parse_event_t::key) {
        if (depth == 1) key1 = parsed.get<std::string>();
        if (depth == 2) key2 = parsed.get<std::string>();
      }
      return !(depth >= 3 && key1 == "model" && (key2 == "vocab" || key2 == "merges"));
    };
    Json root;
    try {
      root = Json::parse(json_text.begin(), json_text.end(), cb, true, false);
    } catch (const Json::exception&) {
      (void)ParseJsonInput(json_text, name, true);  // the one-line message with the offset
      throw;
    }
    if (too_deep) throw InputError(std::string(name) + ": JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels");
    const Reader r{std::string(name)};
    r.Object(root, "the top level");
    const Json& model = r.Object(r.Need(root, "model", "the top level"), "model");
    const std::string type = r.Find(model, "type") && model["type"].is_string() ? model["type"].get<std::string>() : "BPE";
    if (type == "WordPiece") r.Fail("model", "type WordPiece (BERT-style) is not supported");
    if (type == "Unigram") r.Fail("model", "type Unigram (SentencePiece unigram, as T5 and Gemma use) is not supported");
    if (type == "WordLevel") r.Fail("model", "type WordLevel is not supported");
    if (type != "BPE") r.Fail("model", "type '" + type + "' is not supported");
    std::vector<NormalizerStep> norms;
    std::vector<PreTokenizerStep> pre;
    HfTokenizer::Impl scratch;
    if (const Json* n = r.Find(root, "normalizer")) ParseNormalizer(r, *n, "normalizer", &norms);
    if (const Json* p = r.Find(root, "pre_tokenizer")) ParsePreTokenizer(r, *p, "pre_tokenizer", &pre);
    if (const Json* p = r.Find(root, "post_processor")) ParsePostProcessor(r, *p, "post_processor", &scratch);
    scratch.byte_fallback = r.Bool(model, "byte_fallback", false, "model");
    if (HasByteLevel(pre)) scratch.kind = HfTokenizerKind::kByteLevelBpe;
    else if (SpaceSymbol(norms, pre)) scratch.kind = HfTokenizerKind::kSentencePieceBpe;
    k.supported = true;
    k.description = KindName(scratch);
  } catch (const InputError& e) {
    k.supported = false;
    k.description = e.what();
  } catch (const Json::exception& e) {
    k.supported = false;
    k.description = std::string(name) + ": not valid JSON";
  }
  return k;
}

}  // namespace attnviz
