// AVX-512 VNNI exact GEMM on 8-bit codes: the speed baseline the approximate
// kernel is compared with, and the kernel for exact layers. Compiled with
// -mavx512{f,bw,vl,dq,vbmi,vnni}; only called after cpu_has_avx512_kernels().
// Plain arguments only (Avx512Kernels.hpp).
//
// vpdpbusd adds four u8 x s8 products into each int32 lane. Activations are
// packed as [k/4][m][4] (pack_activations_avx512), so one zmm holds 16 pixels
// x 4 k, and one broadcast 4-byte group of a channel's weights multiplies all
// 16: each accumulator holds 16 pixels of one channel, which is the
// channel-major output the inference engine wants. A block is 4 channels x 64
// pixels: per k group 4 activation loads and 4 broadcasts feed 16 vpdpbusd.
// Signs: see ExactPackedArgs.
#ifndef ALWANN_AVX512_EMULATED  // tests/nn/test_kernels_avx512_emulated.cpp: scalar stand-ins
#include <immintrin.h>
#endif

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "nn/kernels/Avx512Kernels.hpp"

namespace alwann::nn::kernels {
namespace {

constexpr int kVectors = kExactPixelBlock / 16;  // zmm of 16 pixels per block

inline __m512i broadcast_group(const std::uint8_t* p) {
  std::int32_t g;
  std::memcpy(&g, p, 4);
  return _mm512_set1_epi32(g);
}

}  // namespace

// The zero-masked form of vshufi64x2: GCC 12's plain form trips
// -Wmaybe-uninitialized inside its own header (_mm512_undefined_epi32).
#define SHUF128(a, b, imm) _mm512_maskz_shuffle_i64x2(0xFF, a, b, imm)

void pack_activations_avx512(const std::uint8_t* xt, int K, int M, int k_groups, int m_padded, std::uint8_t* xp) {
  // Four rows of 64 pixels become four zmm of 16 pixels x 4 bytes: byte and
  // word unpacks interleave within 128-bit lanes, then a 4 x 4 transpose of
  // the lanes puts pixels 16j..16j+15 into output vector j.
  const __m512i flip = _mm512_set1_epi8(static_cast<char>(0x80));
  for (int g = 0; g < k_groups; ++g) {
    std::uint8_t* dst = xp + static_cast<std::size_t>(g) * m_padded * 4;
    for (int m0 = 0; m0 < m_padded; m0 += 64) {
      const int left = M - m0;
      const __mmask64 lanes = left >= 64 ? ~__mmask64{0} : left <= 0 ? __mmask64{0} : (__mmask64{1} << left) - 1;
      __m512i r[4];
      for (int j = 0; j < 4; ++j) {
        const int k = 4 * g + j;
        r[j] = k < K ? _mm512_maskz_loadu_epi8(lanes, xt + static_cast<std::size_t>(k) * M + m0) : _mm512_setzero_si512();
      }
      const __m512i t0 = _mm512_unpacklo_epi8(r[0], r[1]), t1 = _mm512_unpackhi_epi8(r[0], r[1]);
      const __m512i t2 = _mm512_unpacklo_epi8(r[2], r[3]), t3 = _mm512_unpackhi_epi8(r[2], r[3]);
      // u0..u3: pixels 16L + 0-3, 4-7, 8-11, 12-15 of each 128-bit lane L.
      const __m512i u0 = _mm512_unpacklo_epi16(t0, t2), u1 = _mm512_unpackhi_epi16(t0, t2);
      const __m512i u2 = _mm512_unpacklo_epi16(t1, t3), u3 = _mm512_unpackhi_epi16(t1, t3);
      const __m512i v0 = SHUF128(u0, u1, 0x44), v1 = SHUF128(u2, u3, 0x44);
      const __m512i v2 = SHUF128(u0, u1, 0xEE), v3 = SHUF128(u2, u3, 0xEE);
      std::uint8_t* out = dst + static_cast<std::size_t>(m0) * 4;
      _mm512_store_si512(out, _mm512_xor_si512(SHUF128(v0, v1, 0x88), flip));
      _mm512_store_si512(out + 64, _mm512_xor_si512(SHUF128(v0, v1, 0xDD), flip));
      _mm512_store_si512(out + 128, _mm512_xor_si512(SHUF128(v2, v3, 0x88), flip));
      _mm512_store_si512(out + 192, _mm512_xor_si512(SHUF128(v2, v3, 0xDD), flip));
    }
  }
}

namespace {

template <bool Signed>
void exact_blocks(const ExactPackedArgs& a, const std::uint8_t* xp, int M, int m_padded, std::int32_t* c,
                  OutputStrides o) {
  const int kp = a.k_groups * 4;
  const std::size_t group_stride = static_cast<std::size_t>(m_padded) * 4;
  alignas(64) std::int32_t tmp[16];
  // Channels in slices whose weights (about 16 KB) stay in L1 while the
  // pixel blocks pass; a slice is a whole number of channel blocks.
  const int slice = kExactChannelBlock * (16384 / (kp * kExactChannelBlock) > 1 ? 16384 / (kp * kExactChannelBlock) : 1);
  for (int ns = 0; ns < a.N; ns += slice)
  for (int m0 = 0; m0 < M; m0 += kExactPixelBlock) {
    const std::uint8_t* xb = xp + static_cast<std::size_t>(m0) * 4;
    for (int n0 = ns; n0 < a.N && n0 < ns + slice; n0 += kExactChannelBlock) {
      __m512i acc[kExactChannelBlock][kVectors];
      for (int j = 0; j < kExactChannelBlock; ++j)
        for (int v = 0; v < kVectors; ++v) acc[j][v] = _mm512_setzero_si512();
      const std::uint8_t* wb = a.w + static_cast<std::size_t>(n0) * kp;
      for (int g = 0; g < a.k_groups; ++g) {
        const std::uint8_t* xg = xb + g * group_stride;
        __m512i x[kVectors];
        for (int v = 0; v < kVectors; ++v) x[v] = _mm512_load_si512(xg + 64 * v);
        for (int j = 0; j < kExactChannelBlock; ++j) {
          const __m512i w = broadcast_group(wb + static_cast<std::size_t>(j) * kp + 4 * g);
          for (int v = 0; v < kVectors; ++v)
            acc[j][v] = Signed ? _mm512_dpbusd_epi32(acc[j][v], x[v], w) : _mm512_dpbusd_epi32(acc[j][v], w, x[v]);
        }
      }
      for (int j = 0; j < kExactChannelBlock && n0 + j < a.N; ++j) {
        const __m512i corr = _mm512_set1_epi32(a.correction[n0 + j]);
        std::int32_t* cn = c + (n0 + j) * o.n + m0 * o.m;
        for (int v = 0; v < kVectors; ++v) {
          const int left = M - m0 - 16 * v;
          if (left <= 0) break;
          const __m512i r = _mm512_add_epi32(acc[j][v], corr);
          if (o.m == 1) {
            const __mmask16 lanes = left >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << left) - 1);
            _mm512_mask_storeu_epi32(cn + 16 * v, lanes, r);
          } else {
            _mm512_store_si512(tmp, r);
            for (int i = 0; i < 16 && i < left; ++i) cn[(16 * v + i) * o.m] = tmp[i];
          }
        }
      }
    }
  }
}

}  // namespace

#undef SHUF128

void exact_avx512(const ExactPackedArgs& a, const std::uint8_t* xp, int M, int m_padded, std::int32_t* c,
                  OutputStrides o) {
  if (a.is_signed)
    exact_blocks<true>(a, xp, M, m_padded, c, o);
  else
    exact_blocks<false>(a, xp, M, m_padded, c, o);
}

}  // namespace alwann::nn::kernels
