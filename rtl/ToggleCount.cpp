#include "rtl/ToggleCount.hpp"

namespace alwann::rtl {

// Two clones: without -mpopcnt GCC calls a library routine per count, which
// was 3 % of a search's time (perf, bench_search).
__attribute__((target_clones("popcnt", "default"))) void count_toggles(const std::uint64_t* words, std::size_t n,
                                                                       int lanes, std::uint8_t* last,
                                                                       std::uint64_t* toggles) {
  const std::uint64_t mask = lanes >= 64 ? ~0ULL : (1ULL << lanes) - 1;
  for (std::size_t s = 0; s < n; ++s) {
    const std::uint64_t v = words[s];
    toggles[s] += static_cast<std::uint64_t>(__builtin_popcountll((v ^ ((v << 1) | last[s])) & mask));
    last[s] = static_cast<std::uint8_t>((v >> (lanes - 1)) & 1);
  }
}

__attribute__((target_clones("popcnt", "default"))) void charge_toggles(const std::uint64_t* words, std::size_t n,
                                                                        int lanes, std::uint8_t* last,
                                                                        const double* weights,
                                                                        const std::uint64_t* masks, double* energy,
                                                                        std::size_t segments) {
  for (std::size_t s = 0; s < n; ++s) {
    const std::uint64_t v = words[s], t = v ^ ((v << 1) | last[s]);
    last[s] = static_cast<std::uint8_t>((v >> (lanes - 1)) & 1);
    if (!t || weights[s] == 0) continue;
    for (std::size_t j = 0; j < segments; ++j)
      energy[j] += weights[s] * static_cast<double>(__builtin_popcountll(t & masks[j]));
  }
}

}  // namespace alwann::rtl
