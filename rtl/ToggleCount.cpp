#include "rtl/ToggleCount.hpp"

#include <cstring>

namespace alwann::rtl {

// Each 8x8 bit block is transposed with three delta swaps (Hacker's Delight 7-3).
void to_bit_planes(const std::uint8_t* v, int lanes, std::uint64_t plane[8]) {
  std::uint8_t padded[64] = {0};
  std::memcpy(padded, v, static_cast<size_t>(lanes));
  for (int i = 0; i < 8; ++i) plane[i] = 0;
  for (int block = 0; block < 8; ++block) {
    std::uint64_t x;
    std::memcpy(&x, padded + 8 * block, 8);
    std::uint64_t t = (x ^ (x >> 7)) & 0x00AA00AA00AA00AAull;
    x ^= t ^ (t << 7);
    t = (x ^ (x >> 14)) & 0x0000CCCC0000CCCCull;
    x ^= t ^ (t << 14);
    t = (x ^ (x >> 28)) & 0x00000000F0F0F0F0ull;
    x ^= t ^ (t << 28);
    for (int i = 0; i < 8; ++i) plane[i] |= ((x >> (8 * i)) & 0xFF) << (8 * block);
  }
}

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
