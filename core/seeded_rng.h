// SeededRng: the one random generator of core (the random model, lessons'
// seeded networks and random vectors). splitmix64 (Steele et al. 2014): tiny,
// and identical on every platform and standard library, so a seed gives the
// same numbers everywhere (std::normal_distribution does not promise that).
#pragma once
#include <cmath>
#include <cstdint>

namespace attnviz {

struct SeededRng {
  std::uint64_t state;
  std::uint64_t Next() {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  double Uniform() { return ((Next() >> 11) + 0.5) * (1.0 / 9007199254740992.0); }  // (0, 1)
  // Box-Muller; one value per call keeps the stream simple to reason about.
  double NormalDouble() {
    const double u1 = Uniform(), u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  float Normal() { return static_cast<float>(NormalDouble()); }
};

}  // namespace attnviz
