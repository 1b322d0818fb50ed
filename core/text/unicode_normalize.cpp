// NFC / NFD. See unicode_normalize.h.
#include "core/text/unicode_normalize.h"

#include <algorithm>

#include "core/text/unicode_tables.h"

namespace attnviz {
namespace {

// Hangul syllables (Unicode chapter 3.12): S = SBase + (L * VCount + V) * TCount + T.
constexpr char32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr int kLCount = 19, kVCount = 21, kTCount = 28, kNCount = kVCount * kTCount, kSCount = kLCount * kNCount;

// Appends the full canonical decomposition of c (recursively: a decomposition's
// first character may itself decompose) with c's source span.
void Decompose(const SourcedCodePoint& c, std::vector<SourcedCodePoint>* out) {
  if (c.cp >= kSBase && c.cp < kSBase + kSCount) {
    const int s = static_cast<int>(c.cp - kSBase);
    out->push_back({kLBase + s / kNCount, c.start, c.end});
    out->push_back({kVBase + (s % kNCount) / kTCount, c.start, c.end});
    if (s % kTCount) out->push_back({kTBase + s % kTCount, c.start, c.end});
    return;
  }
  char32_t parts[2];
  const int k = CanonicalDecomposition(c.cp, parts);
  if (k == 0) {
    out->push_back(c);
    return;
  }
  for (int i = 0; i < k; ++i) Decompose({parts[i], c.start, c.end}, out);
}

char32_t Compose(char32_t a, char32_t b) {
  if (a >= kLBase && a < kLBase + kLCount && b >= kVBase && b < kVBase + kVCount) {
    return kSBase + ((a - kLBase) * kVCount + (b - kVBase)) * kTCount;
  }
  if (a >= kSBase && a < kSBase + kSCount && (a - kSBase) % kTCount == 0 && b > kTBase && b < kTBase + kTCount) {
    return a + (b - kTBase);
  }
  return CanonicalComposition(a, b);
}

}  // namespace

std::vector<SourcedCodePoint> NormalizeNfd(const std::vector<SourcedCodePoint>& in) {
  std::vector<SourcedCodePoint> out;
  out.reserve(in.size());
  for (const SourcedCodePoint& c : in) Decompose(c, &out);
  // Canonical ordering: each run of non-starters sorted by combining class,
  // stably (marks of equal class keep their order: they do not commute).
  std::size_t i = 0;
  while (i < out.size()) {
    if (CanonicalCombiningClass(out[i].cp) == 0) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < out.size() && CanonicalCombiningClass(out[j].cp) != 0) ++j;
    std::stable_sort(out.begin() + i, out.begin() + j, [](const SourcedCodePoint& a, const SourcedCodePoint& b) {
      return CanonicalCombiningClass(a.cp) < CanonicalCombiningClass(b.cp);
    });
    i = j;
  }
  return out;
}

std::vector<SourcedCodePoint> NormalizeNfc(const std::vector<SourcedCodePoint>& in) {
  // Below U+0300 nothing composes with anything (every combining mark and every
  // second half of a composition is at or above it), and the precomposed
  // Latin-1 letters are already NFC: the common case is a copy.
  bool trivial = true;
  for (const SourcedCodePoint& c : in) trivial = trivial && c.cp < 0x300;
  if (trivial) return in;

  std::vector<SourcedCodePoint> d = NormalizeNfd(in);
  // Canonical composition (UAX #15, "Canonical Composition Algorithm"): a
  // character combines with the last starter when nothing between them has a
  // combining class >= its own (it is not blocked), or when it directly follows
  // the starter. last_class is the class of the last character kept since the
  // starter: 0 only right after the starter itself (a kept class-0 character
  // becomes the new starter), so "== 0" means adjacent. Characters that were
  // composed away do not block.
  std::vector<SourcedCodePoint> out;
  out.reserve(d.size());
  int starter = -1;
  int last_class = 0;
  for (const SourcedCodePoint& c : d) {
    const int cls = CanonicalCombiningClass(c.cp);
    if (starter >= 0 && (last_class < cls || last_class == 0)) {
      const char32_t composite = Compose(out[starter].cp, c.cp);
      if (composite != 0) {
        SourcedCodePoint& s = out[starter];
        s.cp = composite;
        s.start = std::min(s.start, c.start);
        s.end = std::max(s.end, c.end);
        continue;
      }
    }
    if (cls == 0) starter = static_cast<int>(out.size());
    last_class = cls;
    out.push_back(c);
  }
  return out;
}

}  // namespace attnviz
