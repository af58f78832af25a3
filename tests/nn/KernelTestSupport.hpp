#pragma once
// Random operands and product tables shared by the kernel tests.
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

}  // namespace alwann::kernel_test
