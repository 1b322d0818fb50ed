// Limits the engine enforces with a message instead of exhausting memory.
#pragma once
#include <cstddef>

namespace attnviz {

// Text longer than this is refused before tokenizing (1 MiB).
inline constexpr std::size_t kMaxTextBytes = 1u << 20;
// The largest N a trace accepts. A trace keeps scores, bias, logits and weights
// (4 float N x N matrices) per head per layer plus one byte mask: at N = 4096
// with 8 heads that is 8 * 4 * 4096^2 * 4 B = 2 GiB, plus per-token rows.
inline constexpr int kMaxTokens = 4096;
// Trace memory budget in bytes, checked before computing (heads*layers vary).
inline constexpr std::size_t kMaxTraceBytes = std::size_t(5) << 29;  // 2.5 GiB
inline constexpr int kMaxDModel = 1024;
inline constexpr int kMaxHeads = 64;
inline constexpr int kMaxLayers = 48;
// Temperature outside [0.01, 100] either overflows float logits or makes the
// softmax indistinguishable from uniform; neither teaches anything.
inline constexpr float kMinTemperature = 0.01f;
inline constexpr float kMaxTemperature = 100.0f;

}  // namespace attnviz
