#pragma once
// Random operands and product tables shared by the kernel tests.
#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "rtl/ProductTable.hpp"

namespace alwann::kernel_test {

inline std::vector<std::uint8_t> random_codes(std::size_t n, std::mt19937& rng) {
  std::uniform_int_distribution<int> d(0, 255);
  std::vector<std::uint8_t> v(n);
  for (auto& b : v) b = static_cast<std::uint8_t>(d(rng));
  return v;
}

inline rtl::ProductTable random_table(bool is_signed, std::mt19937& rng) {
  std::uniform_int_distribution<int> d(0, 65535);
  std::vector<std::uint16_t> raw(rtl::ProductTable::kEntries);
  for (auto& r : raw) r = static_cast<std::uint16_t>(d(rng));
  return rtl::ProductTable(is_signed ? "random_s" : "random_u", is_signed, std::move(raw));
}

// Rows of every class the AVX-512 kernel distinguishes (nn/kernels/Avx512Kernels.hpp):
// exact, exact plus a constant, exact plus errors spanning less than 256, and
// random products (some rows kept near the 255 boundary of the span).
inline rtl::ProductTable mixed_table(bool is_signed, std::mt19937& rng) {
  const auto exact = rtl::ProductTable::exact(is_signed);
  std::vector<std::uint16_t> raw(rtl::ProductTable::kEntries);
  std::uniform_int_distribution<int> kind(0, 4), offset(-1000, 1000), any(0, 65535);
  for (int w = 0; w < 256; ++w) {
    const int k = kind(rng), base = offset(rng), span = k == 3 ? 255 : k == 4 ? 256 : 200;
    std::uniform_int_distribution<int> noise(0, span);
    for (int x = 0; x < 256; ++x) {
      const auto wc = static_cast<std::uint8_t>(w), xc = static_cast<std::uint8_t>(x);
      int v = exact.value(wc, xc) + (k == 0 ? 0 : k == 1 ? base : base + noise(rng));
      if (k == 4 && x % 2) v = any(rng) - (is_signed ? 32768 : 0);
      v = is_signed ? std::clamp(v, -32768, 32767) : std::clamp(v, 0, 65535);
      raw[static_cast<std::size_t>(w) * 256 + x] = static_cast<std::uint16_t>(v);
    }
  }
  return rtl::ProductTable(is_signed ? "mixed_s" : "mixed_u", is_signed, std::move(raw));
}

}  // namespace alwann::kernel_test
