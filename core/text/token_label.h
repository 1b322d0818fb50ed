// How a byte-level BPE token reads on a chip. A GPT-2 token is a run of bytes,
// not of characters: " world" carries its leading space, "\n\n" is invisible,
// and an emoji or a CJK character is often 2-4 tokens, each holding part of one
// UTF-8 sequence, which a naive decoder shows as U+FFFD. A label says instead
// what a person needs: the characters without the leading space (which the UI
// marks discreetly), invisible characters made visible, bytes of an unfinished
// character written as bytes ("⟨F0 9F⟩"), and which neighbouring tokens
// together make that character ("3 tokens make 🙂").
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/text/tokenizer.h"

namespace attnviz {

struct TokenLabel {
  std::string text;          // what the chip shows (valid UTF-8, never U+FFFD): characters as
                             // they read, '\n' -> "↵", '\t' -> "⇥", other controls as
                             // "\u{D}" (DisplayToken's escapes), a token of spaces only -> "␣" per space, and bytes
                             // of an unfinished character -> "⟨E2 80⟩"
  bool leading_space = false;// the token starts with one U+0020 that `text` leaves out
  bool partial = false;      // the token holds part of a UTF-8 character (starts or ends inside one)
  int group_first = -1;      // partial tokens: the first and last token of the run that
  int group_last = -1;       //   together makes whole characters (both = own index otherwise)
  std::string group_text;    // partial tokens: the characters that run makes ("🙂"), else ""
};

// Labels for every token of `text`, in order, as BpeTokenizer, HfTokenizer or
// TokenizeWords return them. A label reads the token's own bytes (Token::text:
// a SentencePiece "▁the" is " the", a byte-fallback "<0xE6>" the byte 0xE6,
// shown "⟨E6⟩"), and partial-character runs are found from those bytes.
std::vector<TokenLabel> LabelTokens(const std::vector<Token>& tokens, std::string_view text);

// The label of a token's bytes on their own (a next-token candidate): no
// neighbours, so no group; bytes that are not a whole character are partial.
TokenLabel LabelTokenBytes(std::string_view bytes);

// "4 tokens make 🙂" for a partial label (from LabelTokens), "" otherwise.
std::string DescribeTokenGroup(const TokenLabel& label);

// The bytes with every byte that is not part of a valid UTF-8 character written
// as "⟨E2 80⟩" (adjacent ones in one bracket), the rest unchanged: valid UTF-8
// for JSON and SVG, and exact (the brackets cannot be confused with text
// because the bytes inside them could not have been read as characters).
std::string EscapeInvalidUtf8(std::string_view bytes);

}  // namespace attnviz
