// The .bin product-table reader (65,536 little-endian uint16), as the
// library's cache reads it. Its first byte picks signed or unsigned.
#include "FuzzSupport.hpp"
#include "rtl/ProductTable.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::string path = alwann::fuzz::write_input("table.bin", data + 1, size - 1);
  alwann::fuzz::expect_only_alwann_errors([&] { alwann::rtl::ProductTable::load_bin(path, "fuzz", data[0] & 1); });
  return 0;
}
