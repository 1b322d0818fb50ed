#include "core/request.h"

#include <cmath>
#include <string>

#include "core/limits.h"
#include "core/types.h"

namespace attnviz {

std::string_view ToString(Positional p) {
  switch (p) {
    case Positional::None: return "none";
    case Positional::Sinusoidal: return "sinusoidal";
    case Positional::Rope: return "rope";
    case Positional::Alibi: return "alibi";
    case Positional::Learned: return "learned";
  }
  return "none";
}

std::string_view ToString(MaskPattern m) {
  switch (m) {
    case MaskPattern::Full: return "full";
    case MaskPattern::Sliding: return "sliding";
    case MaskPattern::GlobalLocal: return "global-local";
    case MaskPattern::BlockSparse: return "block-sparse";
  }
  return "full";
}

std::optional<Positional> ParsePositional(std::string_view s) {
  for (Positional p : {Positional::None, Positional::Sinusoidal, Positional::Rope, Positional::Alibi, Positional::Learned})
    if (s == ToString(p)) return p;
  return std::nullopt;
}

std::optional<MaskPattern> ParseMaskPattern(std::string_view s) {
  for (MaskPattern m : {MaskPattern::Full, MaskPattern::Sliding, MaskPattern::GlobalLocal, MaskPattern::BlockSparse})
    if (s == ToString(m)) return m;
  return std::nullopt;
}

std::string DescribeMask(const MaskSpec& m) {
  std::string s = m.causal ? "causal" : "bidirectional";
  switch (m.pattern) {
    case MaskPattern::Full: break;
    case MaskPattern::Sliding: s += " + sliding w=" + std::to_string(m.window); break;
    case MaskPattern::GlobalLocal: {
      s += " + global-local w=" + std::to_string(m.window) + " G={";
      for (std::size_t i = 0; i < m.globals.size(); ++i) {
        if (i) s += ',';
        s += std::to_string(m.globals[i]);
      }
      s += "}";
      break;
    }
    case MaskPattern::BlockSparse: s += " + block-sparse b=" + std::to_string(m.block); break;
  }
  return s;
}

void ValidateRequest(const Request& r) {
  auto fail = [](const std::string& msg) { throw InputError(msg); };
  if (r.d_model < 1 || r.d_model > kMaxDModel)
    fail("d_model " + std::to_string(r.d_model) + " is out of range; allowed 1.." + std::to_string(kMaxDModel));
  if (r.heads < 1 || r.heads > kMaxHeads)
    fail("heads " + std::to_string(r.heads) + " is out of range; allowed 1.." + std::to_string(kMaxHeads));
  if (r.d_model % r.heads != 0)
    fail("heads " + std::to_string(r.heads) + " does not divide d_model " + std::to_string(r.d_model) +
         "; d_k = d_model / heads must be a whole number");
  if (r.kv_heads < 1 || r.kv_heads > r.heads || r.heads % r.kv_heads != 0)
    fail("kv-heads " + std::to_string(r.kv_heads) + " does not divide heads " + std::to_string(r.heads) +
         "; each key/value head must serve the same number of query heads");
  if (r.layers < 1 || r.layers > kMaxLayers)
    fail("layers " + std::to_string(r.layers) + " is out of range; allowed 1.." + std::to_string(kMaxLayers));
  if (!(r.temperature >= kMinTemperature && r.temperature <= kMaxTemperature))  // also rejects NaN
    fail("temperature " + std::to_string(r.temperature) + " is out of range; allowed 0.01..100 (logits are divided by it)");
  if (r.positional == Positional::Rope && (r.d_model / r.heads) % 2 != 0)
    fail("rope needs an even head dimension; d_k = " + std::to_string(r.d_model / r.heads) +
         " (RoPE rotates dimensions in pairs)");
  if (r.mask.window < 1) fail("window " + std::to_string(r.mask.window) + " is not allowed; expected an integer >= 1");
  if (r.mask.block < 1) fail("block " + std::to_string(r.mask.block) + " is not allowed; expected an integer >= 1");
  for (int g : r.mask.globals)
    if (g < 0) fail("global token " + std::to_string(g) + " is negative; expected token indices >= 0");
}

}  // namespace attnviz
