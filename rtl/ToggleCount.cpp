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

void transpose_64x64(std::uint64_t a[64]) {
  std::uint64_t m = 0x00000000FFFFFFFFULL;
  for (int j = 32; j; j >>= 1, m ^= m << j)
    for (int k = 0; k < 64; k = ((k | j) + 1) & ~j) {
      const std::uint64_t t = ((a[k] >> j) ^ a[k | j]) & m;
      a[k] ^= t << j;
      a[k | j] ^= t;
    }
}

}  // namespace alwann::rtl
