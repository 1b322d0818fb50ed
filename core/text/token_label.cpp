// Token labels for chips. See token_label.h.
#include "core/text/token_label.h"

#include <cstdio>

namespace attnviz {
namespace {

// Appends "⟨E2 80⟩" for bytes [0, n).
void AppendByteForm(std::string_view bytes, std::string* out) {
  *out += "\u27E8";
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    char hex[4];
    std::snprintf(hex, sizeof hex, "%02X", static_cast<unsigned char>(bytes[i]));
    if (i) *out += ' ';
    *out += hex;
  }
  *out += "\u27E9";
}

// Walks `bytes` as UTF-8: calls on_char(cp, offset, length) for each valid
// character and on_bytes(run) for each maximal run of bytes that are not.
template <class OnChar, class OnBytes>
void WalkUtf8(std::string_view bytes, OnChar on_char, OnBytes on_bytes) {
  std::size_t i = 0, bad = std::string_view::npos;
  while (i < bytes.size()) {
    char32_t cp;
    const int len = DecodeUtf8(bytes, i, &cp);
    if (len == 0) {
      if (bad == std::string_view::npos) bad = i;
      ++i;
      continue;
    }
    if (bad != std::string_view::npos) {
      on_bytes(bytes.substr(bad, i - bad));
      bad = std::string_view::npos;
    }
    on_char(cp, i, static_cast<std::size_t>(len));
    i += len;
  }
  if (bad != std::string_view::npos) on_bytes(bytes.substr(bad));
}

bool IsAsciiSpace(char c) { return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

// Text of a chip: visible stand-ins for invisible characters. `spaces_visible`
// draws U+0020 as "␣" (for tokens made only of whitespace).
std::string ChipText(std::string_view bytes, bool spaces_visible) {
  std::string out;
  WalkUtf8(
      bytes,
      [&](char32_t cp, std::size_t at, std::size_t len) {
        if (cp == '\n') out += "\u21B5";
        else if (cp == '\t') out += "\u21E5";
        else if (cp == ' ' && spaces_visible) out += "\u2423";
        else if (cp < 0x20 || cp == 0x7F) {
          char esc[16];
          std::snprintf(esc, sizeof esc, "\\u{%X}", static_cast<unsigned>(cp));
          out += esc;
        } else {
          out.append(bytes.substr(at, len));
        }
      },
      [&](std::string_view run) { AppendByteForm(run, &out); });
  return out;
}

TokenLabel LabelOf(std::string_view bytes) {
  TokenLabel l;
  bool all_space = !bytes.empty();
  for (char c : bytes) all_space = all_space && IsAsciiSpace(c);
  if (all_space) {
    l.text = ChipText(bytes, /*spaces_visible=*/true);
    return l;
  }
  if (bytes.size() > 1 && bytes[0] == ' ') {
    l.leading_space = true;
    bytes.remove_prefix(1);
  }
  l.text = ChipText(bytes, /*spaces_visible=*/false);
  return l;
}

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Whether the joint between two tokens' bytes falls inside one UTF-8
// character: the right one starts with a continuation byte and the left one
// ends with a lead byte still waiting for it (or with continuation bytes only,
// the middle of a 4-byte character). Read from the tokens' own bytes, not from
// their spans in the text, so it holds when a normalizer changed the text
// (NFC's "é" from "e" + U+0301) and for byte-fallback pieces ("<0xE6>").
bool JointInsideChar(std::string_view left, std::string_view right) {
  if (left.empty() || right.empty() || !IsContinuation(right[0])) return false;
  std::size_t k = left.size();
  int trailing = 0;
  while (k > 0 && trailing < 3 && IsContinuation(left[k - 1])) {
    --k;
    ++trailing;
  }
  if (k == 0) return true;
  const auto lead = static_cast<unsigned char>(left[k - 1]);
  const int len = (lead & 0xE0) == 0xC0 ? 2 : (lead & 0xF0) == 0xE0 ? 3 : (lead & 0xF8) == 0xF0 ? 4 : 1;
  return len > trailing + 1;
}

}  // namespace

std::string EscapeInvalidUtf8(std::string_view bytes) {
  std::string out;
  WalkUtf8(
      bytes, [&](char32_t, std::size_t at, std::size_t len) { out.append(bytes.substr(at, len)); },
      [&](std::string_view run) { AppendByteForm(run, &out); });
  return out;
}

TokenLabel LabelTokenBytes(std::string_view bytes) {
  TokenLabel l = LabelOf(bytes);
  l.partial = FindInvalidUtf8(bytes) >= 0;
  return l;
}

std::vector<TokenLabel> LabelTokens(const std::vector<Token>& tokens, std::string_view /*text*/) {
  const int n = static_cast<int>(tokens.size());
  std::vector<TokenLabel> out(n);
  for (int i = 0; i < n; ++i) {
    out[i] = LabelOf(tokens[i].text);
    out[i].group_first = out[i].group_last = i;
  }
  // Runs of tokens whose joints fall inside a character; the run's bytes
  // together make whole characters.
  for (int i = 0; i < n;) {
    int j = i;
    while (j + 1 < n && JointInsideChar(tokens[j].text, tokens[j + 1].text)) ++j;
    if (j > i) {
      std::string joined;
      for (int k = i; k <= j; ++k) joined += tokens[k].text;
      std::string_view chars = joined;
      while (!chars.empty() && IsAsciiSpace(chars.front())) chars.remove_prefix(1);
      for (int k = i; k <= j; ++k) {
        out[k].partial = true;
        out[k].group_first = i;
        out[k].group_last = j;
        out[k].group_text = ChipText(chars, /*spaces_visible=*/false);
      }
    }
    i = j + 1;
  }
  return out;
}

std::string DescribeTokenGroup(const TokenLabel& label) {
  if (!label.partial || label.group_first < 0) return "";
  return std::to_string(label.group_last - label.group_first + 1) + " tokens make " + label.group_text;
}

}  // namespace attnviz
