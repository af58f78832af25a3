#include "rtl/ProductTable.hpp"

#include <fstream>
#include <sstream>

#include "common/AtomicFile.hpp"
#include "common/ContentHash.hpp"
#include "common/Error.hpp"

namespace alwann::rtl {

ProductTable::ProductTable(std::string name, bool is_signed, std::vector<std::uint16_t> raw_by_weight)
    : name_(std::move(name)), signed_(is_signed), data_(std::move(raw_by_weight)) {
  if (data_.size() != static_cast<size_t>(kEntries))
    throw Error("product table '" + name_ + "' has " + std::to_string(data_.size()) +
                " entries, expected 65536");
}

std::int32_t ProductTable::exact_value(std::uint8_t w, std::uint8_t x) const {
  if (signed_) return static_cast<std::int8_t>(w) * static_cast<std::int8_t>(x);
  return static_cast<std::int32_t>(w) * x;
}

ProductTable ProductTable::exact(bool is_signed) {
  std::vector<std::uint16_t> d(kEntries);
  for (int w = 0; w < 256; ++w)
    for (int x = 0; x < 256; ++x) {
      const std::int32_t p = is_signed ? static_cast<std::int8_t>(w) * static_cast<std::int8_t>(x) : w * x;
      d[w * 256 + x] = static_cast<std::uint16_t>(p);
    }
  return ProductTable(is_signed ? "exact_s8" : "exact_u8", is_signed, std::move(d));
}

bool ProductTable::is_exact() const { return *this == exact(signed_); }

void ProductTable::save_bin(const std::string& path) const { write_file_atomically(path, bin_bytes()); }

std::string ProductTable::bin_bytes() const {
  std::string bytes(2 * kEntries, '\0');
  for (int x = 0; x < 256; ++x)
    for (int w = 0; w < 256; ++w) {
      const std::uint16_t v = raw(static_cast<std::uint8_t>(w), static_cast<std::uint8_t>(x));
      const size_t i = 2 * (static_cast<size_t>(x) * 256 + w);
      bytes[i] = static_cast<char>(v & 0xff);
      bytes[i + 1] = static_cast<char>(v >> 8);
    }
  return bytes;
}

ProductTable ProductTable::load_bin(const std::string& path, std::string name, bool is_signed) {
  const std::string bytes = read_file(path);
  if (bytes.size() != 2u * kEntries)
    throw file_error(path, "product table must be 131072 bytes (65536 little-endian uint16), found " +
                               std::to_string(bytes.size()));
  std::vector<std::uint16_t> d(kEntries);
  for (int x = 0; x < 256; ++x)
    for (int w = 0; w < 256; ++w) {
      const size_t i = 2 * (static_cast<size_t>(x) * 256 + w);
      d[w * 256 + x] = static_cast<std::uint16_t>(static_cast<unsigned char>(bytes[i]) |
                                                  (static_cast<unsigned char>(bytes[i + 1]) << 8));
    }
  return ProductTable(std::move(name), is_signed, std::move(d));
}

}  // namespace alwann::rtl
