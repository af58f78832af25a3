#pragma once
// Internal to nn/kernels: the prepared weight layouts and the per-path
// kernels behind PreparedGemm. Not part of the public API.
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "nn/kernels/ApproxGemm.hpp"
#include "nn/kernels/Avx512Kernels.hpp"

namespace alwann::nn::kernels {

// Byte buffer whose data() is 64-byte aligned (one zmm / cache line), so the
// AVX-512 kernels' table rows never straddle cache lines.
class AlignedBytes {
 public:
  AlignedBytes() = default;
  explicit AlignedBytes(std::size_t n) : storage_(n + 64, 0), size_(n) {}
  // A copy gets its own alignment padding: copying the storage as is would
  // shift the aligned view by the difference of the two allocations.
  AlignedBytes(const AlignedBytes& o) : AlignedBytes(o.size_) { std::memcpy(data(), o.data(), size_); }
  AlignedBytes& operator=(const AlignedBytes& o) {
    if (this != &o) *this = AlignedBytes(o);
    return *this;
  }
  AlignedBytes(AlignedBytes&&) noexcept = default;  // moving keeps the buffer, hence its alignment
  AlignedBytes& operator=(AlignedBytes&&) noexcept = default;

  std::uint8_t* data() { return storage_.data() + pad(); }
  const std::uint8_t* data() const { return storage_.data() + pad(); }
  std::size_t size() const { return size_; }

 private:
  std::size_t pad() const {
    const auto addr = reinterpret_cast<std::uintptr_t>(storage_.data());
    return (64 - addr % 64) % 64;
  }
  std::vector<std::uint8_t> storage_;
  std::size_t size_ = 0;
};

}  // namespace alwann::nn::kernels

namespace alwann::nn {

// What depends on the multiplier's table alone, built once per table and
// path and shared by the PreparedGemms of every layer and group using it.
struct PreparedTable::Impl {
  KernelPath path = KernelPath::Portable;
  bool is_signed = false;
  bool exact = false;  // an exact multiplier: its GEMMs take the exact kernel
  // Portable: raw products by weight, [w*256 + x] (ProductTable layout).
  std::vector<std::uint16_t> table;
  // AVX-512 (prepare_planes; ApproxPlanesArgs says how they are used):
  // product planes (256 rows of kPlaneRowBytes; for signed tables the high
  // byte is stored with its sign bit flipped, h + 128, so every plane sums as
  // unsigned), error planes, and per weight code its error class and minimum.
  kernels::AlignedBytes planes, error_planes;
  std::array<std::uint8_t, 256> row_class{};
  std::array<std::int32_t, 256> row_min{};
};

struct PreparedGemm::Impl {
  int N = 0;
  int K = 0;
  KernelPath path = KernelPath::Portable;
  bool is_signed = false;
  bool exact = false;  // exact products (exact kernel), else table lookups

  // Both kinds, both paths: the N x K weight codes.
  std::vector<std::uint8_t> w;
  // Approximate: the table's layout (both paths).
  std::shared_ptr<const PreparedTable::Impl> table;
  // Approximate, AVX-512 (prepare_entries): per-channel entry lists and
  // constants, and the exact part (class-2 weights zeroed), null when every
  // entry is class 2.
  std::vector<std::int32_t> entries, entry_begin, entry_split, constant;
  std::shared_ptr<const Impl> exact_part;
  // Exact, portable: the N x K codes (in `w`). Exact, AVX-512: the codes
  // again as n_padded x (4 * k_groups) rows, zero-padded (ExactPackedArgs),
  // and the per-channel correction of the x ^ 0x80 operand.
  kernels::AlignedBytes packed;
  int n_padded = 0;
  int k_groups = 0;
  std::vector<std::int32_t> correction;
};

namespace kernels {

// Results go to c[m * o.m + n * o.n] on every path.
// xt: K x M (contiguous in m).
void approx_xt_portable(const PreparedGemm::Impl& p, const std::uint8_t* xt, int M, std::int32_t* c, OutputStrides o);
// x: M x K.
void exact_portable(const PreparedGemm::Impl& p, const std::uint8_t* x, int M, std::int32_t* c, OutputStrides o);
// xt: K x M.
void exact_xt_portable(const PreparedGemm::Impl& p, const std::uint8_t* xt, int M, std::int32_t* c, OutputStrides o);

// The AVX-512 kernels (Avx512Kernels.hpp) on a prepared layout: these
// marshal the plain arguments and scratch buffers. xt: K x M.
void run_approx_avx512(const PreparedGemm::Impl& p, const std::uint8_t* xt, int M, std::int32_t* c, OutputStrides o);
void run_exact_avx512(const PreparedGemm::Impl& p, const std::uint8_t* xt, int M, std::int32_t* c, OutputStrides o);

// The plain arguments of the AVX-512 approximate kernel for a prepared layout.
ApproxPlanesArgs approx_args(const PreparedGemm::Impl& p);

// Layout preparation for the AVX-512 kernels (plain C++, any CPU): the
// table's planes and error classes, a GEMM's entry lists, exact weights.
void prepare_planes(const rtl::ProductTable& table, PreparedTable::Impl& t);
void prepare_entries(PreparedGemm::Impl& p);
void prepare_exact_packed(PreparedGemm::Impl& p);
// An exact GEMM's layout for the path (the exact kernel's weights for AVX-512).
std::shared_ptr<PreparedGemm::Impl> make_exact(bool is_signed, std::vector<std::uint8_t> w, int N, int K,
                                               KernelPath path);

// dst[k*M + m] = src[m*K + k] (and the reverse with M, K swapped).
void transpose_bytes(const std::uint8_t* src, int rows, int cols, std::uint8_t* dst);

}  // namespace kernels
}  // namespace alwann::nn
