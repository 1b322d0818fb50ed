// config.json on arbitrary bytes. An accepted config is internally consistent.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/model/gpt2_config.h"
#include "core/types.h"
#include "fuzz_invariant.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const attnviz::Gpt2Config c = attnviz::ParseGpt2Config(text);
    FUZZ_CHECK(c.n_embd > 0 && c.n_head > 0 && c.n_layer > 0 && c.n_positions > 0 && c.vocab_size > 0);
    FUZZ_CHECK(c.n_embd % c.n_head == 0);
    FUZZ_CHECK(c.n_inner > 0);  // n_inner given, or 4 n_embd
    FUZZ_CHECK(c.layer_norm_epsilon > 0 && c.layer_norm_epsilon <= 1);
    try {
      attnviz::CheckGpt2ConfigFitsLimits(c);
    } catch (const attnviz::InputError&) {
    }
  } catch (const attnviz::InputError&) {
  }
  return 0;
}
