// AVX-512 VNNI exact GEMM on 8-bit codes: the speed baseline the approximate
// kernel is compared with, and the kernel for exact layers. Compiled with
// -mavx512{f,bw,vl,dq,vbmi,vnni}; only called after cpu_has_avx512_kernels().
//
// vpdpbusd adds four u8 x s8 products into each int32 lane. The weights are
// packed as [k/4][n][4] (prepare_exact_packed), so one zmm holds 16 output
// channels x 4 k, and one broadcast 4-byte group of a pixel's activations
// multiplies all 16. Operand signs: unsigned weights were stored as w - 128
// and 128 * sum_k x is added back per pixel; signed activations are fed as
// x + 128 and 128 * sum_k w (wsum128) is taken off per channel.
#ifndef ALWANN_AVX512_EMULATED  // tests/nn/test_kernels_avx512_emulated.cpp: scalar stand-ins
#include <immintrin.h>
#endif

#include <algorithm>
#include <cstring>
#include <vector>

#include "nn/kernels/GemmImpl.hpp"

namespace alwann::nn::kernels {
namespace {

constexpr int kPixelsPerBlock = 8;  // int32 accumulators: 8 pixels x 16 channels

template <int MB>
void exact_block(const PreparedGemm::Impl& p, const std::uint8_t* xp, int kp, const std::int32_t* xsum, int m0,
                 int n0, std::int32_t* c) {
  __m512i acc[MB];
  for (int i = 0; i < MB; ++i) acc[i] = _mm512_setzero_si512();
  const std::uint8_t* wp = p.packed.data() + static_cast<std::size_t>(n0) * 4;
  const std::uint8_t* xm = xp + static_cast<std::size_t>(m0) * kp;
  for (int g = 0; g < p.k_groups; ++g) {
    const __m512i wv = _mm512_load_si512(wp + static_cast<std::size_t>(g) * p.n_padded * 4);
    for (int i = 0; i < MB; ++i) {
      std::int32_t group;
      std::memcpy(&group, xm + static_cast<std::size_t>(i) * kp + 4 * g, 4);
      acc[i] = _mm512_dpbusd_epi32(acc[i], _mm512_set1_epi32(group), wv);
    }
  }
  const int left = p.N - n0;
  const __mmask16 lanes = left >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << left) - 1);
  const __m512i wcorr = _mm512_loadu_si512(p.wsum128.data() + n0);
  for (int i = 0; i < MB; ++i) {
    __m512i r = p.is_signed ? _mm512_sub_epi32(acc[i], wcorr)
                            : _mm512_add_epi32(acc[i], _mm512_set1_epi32(xsum[m0 + i] * 128));
    _mm512_mask_storeu_epi32(c + static_cast<std::size_t>(m0 + i) * p.N + n0, lanes, r);
  }
}

}  // namespace

void exact_avx512(const PreparedGemm::Impl& p, const std::uint8_t* x, int M, std::int32_t* c,
                  bool x_is_transposed) {
  const int K = p.K, kp = p.k_groups * 4;
  // Activations padded to whole 4-byte groups (pad multiplies weight 0), with
  // the sign flip for signed codes and the per-pixel sums for unsigned ones;
  // K x M input is transposed in the same pass.
  std::vector<std::uint8_t> xp(static_cast<std::size_t>(M) * kp, 0);
  std::vector<std::int32_t> xsum(M, 0);
  const std::uint8_t flip = p.is_signed ? 0x80 : 0x00;
  const std::size_t m_stride = x_is_transposed ? 1 : static_cast<std::size_t>(K);
  const std::size_t k_stride = x_is_transposed ? static_cast<std::size_t>(M) : 1;
  for (int m = 0; m < M; ++m) {
    const std::uint8_t* src = x + m * m_stride;
    std::uint8_t* dst = xp.data() + static_cast<std::size_t>(m) * kp;
    std::int32_t s = 0;
    for (int k = 0; k < K; ++k) {
      const std::uint8_t v = src[k * k_stride];
      dst[k] = v ^ flip;
      s += v;
    }
    xsum[m] = s;
  }
  for (int n0 = 0; n0 < p.N; n0 += 16) {
    int m0 = 0;
    for (; m0 + kPixelsPerBlock <= M; m0 += kPixelsPerBlock)
      exact_block<kPixelsPerBlock>(p, xp.data(), kp, xsum.data(), m0, n0, c);
    for (; m0 < M; ++m0) exact_block<1>(p, xp.data(), kp, xsum.data(), m0, n0, c);
  }
}

}  // namespace alwann::nn::kernels
