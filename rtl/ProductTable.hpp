#pragma once
// All 65,536 products of one 8x8 multiplier.
//
// Operand order (reference §3): the weight drives port A, the activation
// drives port B. In memory the table is row-major by weight, at(w, x) =
// M(A = w, B = x), so the 256 products of one weight are contiguous (512
// bytes): the layout the inference kernels keep hot in L1. The tf-approximate
// .bin file is the transpose, [x*256 + w] (see save_bin/load_bin).
//
// Codes are raw bytes. For a signed multiplier they are two's-complement
// int8 codes and the product is the int16 bit pattern; value() interprets it.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace alwann::rtl {

class ProductTable {
 public:
  static constexpr int kEntries = 65536;

  // raw_by_weight[w*256 + x] = M(A = w, B = x), kEntries entries.
  ProductTable(std::string name, bool is_signed, std::vector<std::uint16_t> raw_by_weight);

  // The exact product, computed in C++ (the reference every model is checked against).
  static ProductTable exact(bool is_signed);

  const std::string& name() const { return name_; }
  bool is_signed() const { return signed_; }

  std::uint16_t raw(std::uint8_t w, std::uint8_t x) const { return data_[w * 256u + x]; }
  // The product as a number: uint16 for unsigned, int16 for signed multipliers.
  std::int32_t value(std::uint8_t w, std::uint8_t x) const {
    const std::uint16_t r = raw(w, x);
    return signed_ ? static_cast<std::int32_t>(static_cast<std::int16_t>(r)) : static_cast<std::int32_t>(r);
  }
  // The exact product of the same codes (what value() would be for an exact multiplier).
  std::int32_t exact_value(std::uint8_t w, std::uint8_t x) const;

  const std::uint16_t* row(std::uint8_t w) const { return data_.data() + w * 256u; }
  const std::vector<std::uint16_t>& data() const { return data_; }
  bool is_exact() const;

  // tf-approximate format: 65,536 little-endian uint16, entry [x*256 + w].
  void save_bin(const std::string& path) const;  // atomic; throws alwann::Error
  std::string bin_bytes() const;                 // the file's 131,072 bytes
  static ProductTable load_bin(const std::string& path, std::string name, bool is_signed);

  bool operator==(const ProductTable& o) const { return signed_ == o.signed_ && data_ == o.data_; }

 private:
  std::string name_;
  bool signed_;
  std::vector<std::uint16_t> data_;
};

using ProductTablePtr = std::shared_ptr<const ProductTable>;

}  // namespace alwann::rtl
