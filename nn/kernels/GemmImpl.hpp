#pragma once
// Internal to nn/kernels: the prepared weight layouts and the per-path
// kernels behind PreparedGemm. Not part of the public API.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "nn/kernels/ApproxGemm.hpp"
#include "nn/kernels/Avx512Kernels.hpp"

namespace alwann::nn::kernels {

// Byte buffer whose data() is 64-byte aligned (one zmm / cache line), so the
// AVX-512 kernels' table rows never straddle cache lines.
class AlignedBytes {
 public:
  AlignedBytes() = default;
  explicit AlignedBytes(std::size_t n) : storage_(n + 64, 0) {}
  std::uint8_t* data() { return storage_.data() + pad(); }
  const std::uint8_t* data() const { return storage_.data() + pad(); }

 private:
  std::size_t pad() const {
    const auto addr = reinterpret_cast<std::uintptr_t>(storage_.data());
    return (64 - addr % 64) % 64;
  }
  std::vector<std::uint8_t> storage_;
};

}  // namespace alwann::nn::kernels

namespace alwann::nn {

struct PreparedGemm::Impl {
  int N = 0;
  int K = 0;
  KernelPath path = KernelPath::Portable;
  bool is_signed = false;
  bool exact = false;  // exact products (exact kernel), else table lookups

  // Approximate, both paths: the N x K weight codes.
  std::vector<std::uint8_t> w;
  // Approximate, portable: raw products by weight, [w*256 + x] (ProductTable layout).
  std::vector<std::uint16_t> table;
  // Approximate, AVX-512: 256 rows of kPlaneRowBytes. For signed tables the
  // high byte is stored with its sign bit flipped (h + 128 as unsigned), so
  // every plane sums as unsigned; the kernel subtracts 32768 * K at the end.
  kernels::AlignedBytes planes;

  // Exact, portable: the N x K codes (in `w`). Exact, AVX-512: weights packed
  // for vpdpbusd as [K/4 groups][n padded to 16][4 bytes], as int8 (unsigned
  // weights are stored as w - 128); wsum128[n] = 128 * sum_k w (int8 codes,
  // signed only; zero otherwise), padded to n_padded.
  kernels::AlignedBytes packed;
  int n_padded = 0;
  int k_groups = 0;
  std::vector<std::int32_t> wsum128;
};

namespace kernels {

// xt: K x M (contiguous in m). c: M x N.
void approx_xt_portable(const PreparedGemm::Impl& p, const std::uint8_t* xt, int M, std::int32_t* c);
// x: M x K. c: M x N.
void exact_portable(const PreparedGemm::Impl& p, const std::uint8_t* x, int M, std::int32_t* c);
// xt: K x M. c: M x N.
void exact_xt_portable(const PreparedGemm::Impl& p, const std::uint8_t* xt, int M, std::int32_t* c);

// The AVX-512 kernels (Avx512Kernels.hpp) on a prepared layout: these
// marshal the plain arguments and scratch buffers. x: M x K, or K x M when
// x_is_transposed.
void run_approx_avx512(const PreparedGemm::Impl& p, const std::uint8_t* xt, int M, std::int32_t* c);
void run_exact_avx512(const PreparedGemm::Impl& p, const std::uint8_t* x, int M, std::int32_t* c,
                      bool x_is_transposed);

// Activations for the AVX-512 exact kernel: rows of 4 * k_groups bytes (the
// codes, sign-flipped when signed, zero-padded) and per-pixel code sums.
struct ExactActivations {
  std::vector<std::uint8_t> xp;
  std::vector<std::int32_t> xsum;
};
void pack_exact_activations(const PreparedGemm::Impl& p, const std::uint8_t* x, int M, bool x_is_transposed,
                            ExactActivations& out);

// Layout preparation for the AVX-512 kernels (plain C++, any CPU).
void prepare_planes(const rtl::ProductTable& table, PreparedGemm::Impl& p);
void prepare_exact_packed(PreparedGemm::Impl& p);

// dst[k*M + m] = src[m*K + k] (and the reverse with M, K swapped).
void transpose_bytes(const std::uint8_t* src, int rows, int cols, std::uint8_t* dst);

}  // namespace kernels
}  // namespace alwann::nn
