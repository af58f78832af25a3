#pragma once
// Internal to nn/kernels: the entry points of the AVX-512 kernels and their
// plain arguments.
//
// Why plain structs: the *_avx512.cpp files are compiled for AVX-512, and any
// inline function or template they instantiate (std::vector, std::min, ...)
// becomes a weak symbol that the linker may keep as THE copy for the whole
// program, which would then fault on CPUs without AVX-512 (at -O0 nothing is
// inlined, so this is not hypothetical). Those files therefore include only
// this header, <cstdint> and <immintrin.h>, and use no std templates.
#include <cstdint>

namespace alwann::nn::kernels {

// Bytes per weight code in the byte-plane table: 256 low bytes, then 256
// high bytes of the 256 products of that weight (activation codes 0..255).
constexpr int kPlaneRowBytes = 512;

struct ApproxPlanesArgs {
  const std::uint8_t* planes;  // 256 rows of kPlaneRowBytes, 64-byte aligned (prepare_planes)
  const std::uint8_t* w;       // N x K weight codes
  int N, K;
  bool is_signed;              // high bytes stored sign-flipped; subtract 32768 * K
  std::uint32_t* totals;       // scratch: kApproxScratchTotals uint32
};
constexpr int kApproxScratchTotals = 4 * 64;

struct ExactPackedArgs {
  const std::uint8_t* packed;   // [k_groups][n_padded][4] int8 weights, 64-byte aligned
  const std::int32_t* wsum128;  // n_padded entries: 128 * sum_k w (signed), else 0
  int N, n_padded, k_groups;
  bool is_signed;
  const std::uint8_t* xp;       // M x (4 * k_groups) activations (pack_exact_activations)
  const std::int32_t* xsum;     // M entries: sum_k x (unsigned codes)
};

// xt: K x M (contiguous in m). c: M x N.
void approx_xt_avx512(const ApproxPlanesArgs& a, const std::uint8_t* xt, int M, std::int32_t* c);
// c: M x N.
void exact_avx512(const ExactPackedArgs& a, int M, std::int32_t* c);

}  // namespace alwann::nn::kernels
