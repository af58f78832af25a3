// AVX-512 VNNI exact GEMM on 8-bit codes: the speed baseline the approximate
// kernel is compared with, and the kernel for exact layers. Compiled with
// -mavx512{f,bw,vl,dq,vbmi,vnni}; only called after cpu_has_avx512_kernels().
// Plain arguments only (Avx512Kernels.hpp).
//
// vpdpbusd adds four u8 x s8 products into each int32 lane. The weights are
// packed as [k/4][n][4] (prepare_exact_packed), so one zmm holds 16 output
// channels x 4 k, and one broadcast 4-byte group of a pixel's activations
// multiplies all 16. Operand signs: unsigned weights were stored as w - 128
// and 128 * sum_k x is added back per pixel; signed activations are fed as
// x + 128 and 128 * sum_k w (wsum128) is taken off per channel. The
// activations come packed by pack_exact_activations (GemmLayouts.cpp).
#ifndef ALWANN_AVX512_EMULATED  // tests/nn/test_kernels_avx512_emulated.cpp: scalar stand-ins
#include <immintrin.h>
#endif

#include <cstdint>
#include <cstring>

#include "nn/kernels/Avx512Kernels.hpp"

namespace alwann::nn::kernels {
namespace {

constexpr int kPixelsPerBlock = 8;  // int32 accumulators: 8 pixels x 16 channels

template <int MB>
void exact_block(const ExactPackedArgs& a, int m0, int n0, std::int32_t* c) {
  const int kp = a.k_groups * 4;
  __m512i acc[MB];
  for (int i = 0; i < MB; ++i) acc[i] = _mm512_setzero_si512();
  const std::uint8_t* wp = a.packed + static_cast<std::size_t>(n0) * 4;
  const std::uint8_t* xm = a.xp + static_cast<std::size_t>(m0) * kp;
  for (int g = 0; g < a.k_groups; ++g) {
    const __m512i wv = _mm512_load_si512(wp + static_cast<std::size_t>(g) * a.n_padded * 4);
    for (int i = 0; i < MB; ++i) {
      std::int32_t group;
      std::memcpy(&group, xm + static_cast<std::size_t>(i) * kp + 4 * g, 4);
      acc[i] = _mm512_dpbusd_epi32(acc[i], _mm512_set1_epi32(group), wv);
    }
  }
  const int left = a.N - n0;
  const __mmask16 lanes = left >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << left) - 1);
  const __m512i wcorr = _mm512_loadu_si512(a.wsum128 + n0);
  for (int i = 0; i < MB; ++i) {
    const __m512i r = a.is_signed ? _mm512_sub_epi32(acc[i], wcorr)
                                  : _mm512_add_epi32(acc[i], _mm512_set1_epi32(a.xsum[m0 + i] * 128));
    _mm512_mask_storeu_epi32(c + static_cast<std::size_t>(m0 + i) * a.N + n0, lanes, r);
  }
}

}  // namespace

void exact_avx512(const ExactPackedArgs& a, int M, std::int32_t* c) {
  for (int n0 = 0; n0 < a.N; n0 += 16) {
    int m0 = 0;
    for (; m0 + kPixelsPerBlock <= M; m0 += kPixelsPerBlock) exact_block<kPixelsPerBlock>(a, m0, n0, c);
    for (; m0 < M; ++m0) exact_block<1>(a, m0, n0, c);
  }
}

}  // namespace alwann::nn::kernels
