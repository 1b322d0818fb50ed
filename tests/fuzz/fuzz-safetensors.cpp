// The safetensors header and tensor table on arbitrary bytes (the input is the
// whole file). When the header is accepted, every tensor's bytes must lie in
// the file, the tensors must tile the data buffer, and decoding each one reads
// exactly its own bytes (ASan catches any read past them).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/model/safetensors.h"
#include "core/types.h"
#include "fuzz_invariant.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view file(reinterpret_cast<const char*>(data), size);
  try {
    const attnviz::SafetensorsHeader h = attnviz::ParseSafetensorsHeader(file, size, "fuzz.safetensors");
    FUZZ_CHECK(h.data_start == 8 + h.header_bytes && h.data_start + h.data_bytes == size);
    std::uint64_t covered = 0;
    for (const attnviz::SafetensorsTensor& t : h.tensors) {
      FUZZ_CHECK(t.begin == covered && t.end >= t.begin && t.end <= h.data_bytes);
      FUZZ_CHECK(t.end - t.begin == t.Elements() * attnviz::DtypeBytes(t.dtype));
      FUZZ_CHECK(h.Find(t.name) != nullptr);
      covered = t.end;
      // Copy the slice so ASan sees a buffer of exactly its size.
      const std::string raw(file.substr(h.data_start + t.begin, t.end - t.begin));
      try {
        const auto values = attnviz::DecodeTensorAsFloats(t, raw, "fuzz.safetensors");
        FUZZ_CHECK(values.size() == t.Elements());
      } catch (const attnviz::InputError&) {
        // unsupported dtype or non-finite values: refused with a message
      }
    }
    FUZZ_CHECK(covered == h.data_bytes);
  } catch (const attnviz::InputError&) {
  }
  return 0;
}
