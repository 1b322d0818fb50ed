#!/usr/bin/env python3
"""Generates core/text/unicode_tables.cpp: the Unicode data the tokenizers need,
as sorted tables: the code point classes of the GPT-2 pre-tokenizer (\\p{L},
\\p{N} and \\s), every code point's general category (for any \\p{..} a
tokenizer.json pattern names), simple case folding (for (?i:...) groups), and
the canonical decomposition, combining class and composition data of NFC
(Qwen's normalizer).

The tables come from this Python's `unicodedata` (its Unicode version is
written into the output), so they can be regenerated and diffed rather than
trusted. Run from anywhere:

    python3 core/text/gen_unicode_tables.py            # rewrites the .cpp next to this script
    python3 core/text/gen_unicode_tables.py --check    # exits 1 when the committed file differs

Classes:
  letter      general category L*  (Lu, Ll, Lt, Lm, Lo)       = regex \\p{L}
  number      general category N*  (Nd, Nl, No)               = regex \\p{N}
  white_space the Unicode White_Space property                = `regex` module \\s
  general     general category of every assigned code point      = regex \\p{Lu}, \\p{M}, ...
  case fold   c -> c.casefold() where that is one other code point (simple folding:
              what Oniguruma's (?i) compares for one literal character)
  NFC         unicodedata.decomposition() without a <tag> (canonical, one level),
              unicodedata.combining(), and the primary composites: a two-character
              canonical decomposition (a, b) -> c with NFC(a b) == c, which leaves out
              exactly the composition exclusions. Hangul syllables are algorithmic
              (unicodedata gives them no decomposition) and handled in code.
GPT-2's encoder.py uses the third-party `regex` module, whose \\s in Unicode
mode is the White_Space property. Python's str.isspace() (and the `re`
module's \\s) additionally accepts U+001C..U+001F (information separators,
bidi class B/S); unicodedata has no White_Space lookup, so we take isspace()
and drop exactly those four.
"""
import os
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "unicode_tables.cpp")


def ranges(pred):
    out = []
    start = None
    for cp in range(0x110000):
        hit = pred(cp)
        if hit and start is None:
            start = cp
        elif not hit and start is not None:
            out.append((start, cp - 1))
            start = None
    if start is not None:
        out.append((start, 0x10FFFF))
    return out


def is_letter(cp):
    return unicodedata.category(chr(cp)).startswith("L")


def is_number(cp):
    return unicodedata.category(chr(cp)).startswith("N")


def is_white_space(cp):
    if 0x1C <= cp <= 0x1F:
        return False
    return chr(cp).isspace()


# Index = the GeneralCategory enumerator in unicode_tables.h (Cn, unassigned, is 0).
CATEGORIES = ["Cn", "Lu", "Ll", "Lt", "Lm", "Lo", "Mn", "Mc", "Me", "Nd", "Nl", "No", "Pc", "Pd", "Ps",
              "Pe", "Pi", "Pf", "Po", "Sm", "Sc", "Sk", "So", "Zs", "Zl", "Zp", "Cc", "Cf", "Cs", "Co"]


def category_ranges():
    """(first, last, category index) for runs of one category, Cn left out."""
    out = []
    start, cur = None, None
    for cp in range(0x110000 + 1):
        cat = CATEGORIES.index(unicodedata.category(chr(cp))) if cp < 0x110000 else 0
        if cat != cur:
            if cur:
                out.append((start, cp - 1, cur))
            start, cur = cp, cat
    return out


def case_folds():
    out = []
    for cp in range(0x110000):
        f = chr(cp).casefold()
        if len(f) == 1 and f != chr(cp):
            out.append((cp, ord(f)))
    return out


def decompositions():
    """(cp, first, second or 0) for every canonical decomposition (one level)."""
    out = []
    for cp in range(0x110000):
        d = unicodedata.decomposition(chr(cp))
        if not d or d.startswith("<"):
            continue
        parts = [int(x, 16) for x in d.split()]
        assert 1 <= len(parts) <= 2, (hex(cp), d)
        out.append((cp, parts[0], parts[1] if len(parts) == 2 else 0))
    return out


def compositions(decomps):
    """(first, second, composite), sorted by (first, second): the primary composites."""
    out = []
    for cp, a, b in decomps:
        if b and unicodedata.normalize("NFC", chr(a) + chr(b)) == chr(cp):
            out.append((a, b, cp))
    return sorted(out)


def combining_ranges():
    out = []
    start, cur = None, 0
    for cp in range(0x110000 + 1):
        c = unicodedata.combining(chr(cp)) if cp < 0x110000 else 0
        if c != cur:
            if cur:
                out.append((start, cp - 1, cur))
            start, cur = cp, c
    return out


def emit_rows(decl, rows, fmt, per_row):
    lines = [decl + " = {"]
    row = []
    for r in rows:
        row.append(fmt(r))
        if len(row) == per_row:
            lines.append("    " + ", ".join(row) + ",")
            row = []
    if row:
        lines.append("    " + ", ".join(row) + ",")
    lines.append("};")
    return "\n".join(lines)


def emit_table(name, rs):
    lines = [f"const CodePointRange {name}[] = {{"]
    row = []
    for a, b in rs:
        row.append(f"{{0x{a:X}, 0x{b:X}}}")
        if len(row) == 6:
            lines.append("    " + ", ".join(row) + ",")
            row = []
    if row:
        lines.append("    " + ", ".join(row) + ",")
    lines.append("};")
    return "\n".join(lines)


def generate():
    letter = ranges(is_letter)
    number = ranges(is_number)
    space = ranges(is_white_space)
    cats = category_ranges()
    folds = case_folds()
    decomps = decompositions()
    comps = compositions(decomps)
    ccc = combining_ranges()
    return f"""// GENERATED by core/text/gen_unicode_tables.py from Python's unicodedata
// (Unicode {unicodedata.unidata_version}). Do not edit: change the script and rerun it.
// Ranges are inclusive and sorted, so membership is one binary search.
#include "core/text/unicode_tables.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace attnviz {{

const char* const kUnicodeTablesVersion = "{unicodedata.unidata_version}";

namespace {{

struct CategoryRange {{
  char32_t first;
  char32_t last;
  unsigned char value;
}};
struct CodePointPair {{
  char32_t from;
  char32_t to;
}};
struct CodePointTriple {{
  char32_t a;
  char32_t b;
  char32_t c;
}};

// {len(letter)} ranges, general category L*.
{emit_table("kLetterRanges", letter)}

// {len(number)} ranges, general category N*.
{emit_table("kNumberRanges", number)}

// {len(space)} ranges, the White_Space property.
{emit_table("kWhiteSpaceRanges", space)}

// {len(cats)} runs of one general category (first, last, GeneralCategory); gaps are Cn.
{emit_rows("const CategoryRange kCategoryRanges[]", cats, lambda r: f"{{0x{r[0]:X}, 0x{r[1]:X}, {r[2]}}}", 4)}

// {len(folds)} simple case folds (code point, folded), sorted by code point.
{emit_rows("const CodePointPair kCaseFolds[]", folds, lambda r: f"{{0x{r[0]:X}, 0x{r[1]:X}}}", 6)}

// {len(ccc)} runs of one non-zero canonical combining class (first, last, class).
{emit_rows("const CategoryRange kCombiningClassRanges[]", ccc, lambda r: f"{{0x{r[0]:X}, 0x{r[1]:X}, {r[2]}}}", 4)}

// {len(decomps)} canonical decompositions, one level (code point, first, second or 0).
{emit_rows("const CodePointTriple kDecompositions[]", decomps, lambda r: f"{{0x{r[0]:X}, 0x{r[1]:X}, 0x{r[2]:X}}}", 4)}

// {len(comps)} primary composites (first, second, composite), sorted by (first, second).
{emit_rows("const CodePointTriple kCompositions[]", comps, lambda r: f"{{0x{r[0]:X}, 0x{r[1]:X}, 0x{r[2]:X}}}", 4)}

template <std::size_t K>
bool InRanges(const CodePointRange (&table)[K], char32_t cp) {{
  // First range whose last >= cp; cp is in it when first <= cp.
  const CodePointRange* it = std::lower_bound(
      std::begin(table), std::end(table), cp,
      [](const CodePointRange& r, char32_t c) {{ return r.last < c; }});
  return it != std::end(table) && it->first <= cp;
}}

}}  // namespace

bool IsUnicodeLetter(char32_t cp) {{
  if (cp < 0x80) return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
  return InRanges(kLetterRanges, cp);
}}

bool IsUnicodeNumber(char32_t cp) {{
  if (cp < 0x80) return cp >= '0' && cp <= '9';
  return InRanges(kNumberRanges, cp);
}}

bool IsUnicodeWhiteSpace(char32_t cp) {{
  if (cp < 0x80) return cp == ' ' || (cp >= 0x09 && cp <= 0x0D);
  return InRanges(kWhiteSpaceRanges, cp);
}}

GeneralCategory GeneralCategoryOf(char32_t cp) {{
  const CategoryRange* it = std::lower_bound(
      std::begin(kCategoryRanges), std::end(kCategoryRanges), cp,
      [](const CategoryRange& r, char32_t c) {{ return r.last < c; }});
  if (it == std::end(kCategoryRanges) || it->first > cp) return GeneralCategory::Cn;
  return static_cast<GeneralCategory>(it->value);
}}

char32_t SimpleCaseFold(char32_t cp) {{
  const CodePointPair* it = std::lower_bound(
      std::begin(kCaseFolds), std::end(kCaseFolds), cp,
      [](const CodePointPair& p, char32_t c) {{ return p.from < c; }});
  return it != std::end(kCaseFolds) && it->from == cp ? it->to : cp;
}}

int CanonicalCombiningClass(char32_t cp) {{
  if (cp < 0x300) return 0;
  const CategoryRange* it = std::lower_bound(
      std::begin(kCombiningClassRanges), std::end(kCombiningClassRanges), cp,
      [](const CategoryRange& r, char32_t c) {{ return r.last < c; }});
  return it != std::end(kCombiningClassRanges) && it->first <= cp ? it->value : 0;
}}

int CanonicalDecomposition(char32_t cp, char32_t out[2]) {{
  if (cp < 0xC0) return 0;
  const CodePointTriple* it = std::lower_bound(
      std::begin(kDecompositions), std::end(kDecompositions), cp,
      [](const CodePointTriple& t, char32_t c) {{ return t.a < c; }});
  if (it == std::end(kDecompositions) || it->a != cp) return 0;
  out[0] = it->b;
  out[1] = it->c;
  return it->c ? 2 : 1;
}}

char32_t CanonicalComposition(char32_t first, char32_t second) {{
  const CodePointTriple* it = std::lower_bound(
      std::begin(kCompositions), std::end(kCompositions), std::make_pair(first, second),
      [](const CodePointTriple& t, const std::pair<char32_t, char32_t>& k) {{
        return t.a != k.first ? t.a < k.first : t.b < k.second;
      }});
  return it != std::end(kCompositions) && it->a == first && it->b == second ? it->c : 0;
}}

}}  // namespace attnviz
"""


def main():
    text = generate()
    if "--check" in sys.argv[1:]:
        with open(OUT, encoding="utf-8") as f:
            if f.read() != text:
                print("core/text/unicode_tables.cpp is stale: rerun core/text/gen_unicode_tables.py", file=sys.stderr)
                sys.exit(1)
        return
    with open(OUT, "w", encoding="utf-8") as f:
        f.write(text)


if __name__ == "__main__":
    main()
