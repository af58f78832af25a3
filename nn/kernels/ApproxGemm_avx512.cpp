// AVX-512 approximate GEMM: byte-plane table lookups with vpermi2b.
// Compiled with -mavx512{f,bw,vl,dq,vbmi,vnni}; PreparedGemm only calls it
// after cpu_has_avx512_kernels(). Plain arguments only (Avx512Kernels.hpp).
//
// For one output channel n and reduction index k the weight code is fixed,
// so its 256 products are loaded once as two byte planes (low bytes, high
// bytes; 4 zmm each) and 64 output pixels' activation codes xt[k*M + m..m+63]
// are looked up at once: two vpermi2b per plane (codes 0..127 and 128..255)
// and a blend on the code's top bit.
//
// Bit-exact accumulation: each plane is added into 16-bit lanes as is
// (lane i = byte 2i + 256 * byte 2i+1, i.e. pixels 2i and 2i+1 share a lane)
// and also shifted right by 8 (the odd pixel alone). After at most 256 steps
// (256 * 255 < 2^16) the even pixel's sum is lane - 256 * odd lane, exactly,
// and both are widened into 32-bit totals. High bytes of signed products are
// stored with the sign bit flipped (h + 128, see prepare_planes), so every
// plane is unsigned; 256 * 128 * K comes off at the end.
#ifndef ALWANN_AVX512_EMULATED  // tests/nn/test_kernels_avx512_emulated.cpp: scalar stand-ins
#include <immintrin.h>
#endif

#include <cstddef>
#include <cstdint>

#include "nn/kernels/Avx512Kernels.hpp"

namespace alwann::nn::kernels {
namespace {

constexpr int kLanes = 64;          // pixels per zmm of activation codes
constexpr int kStepsPerFlush = 256;  // 16-bit plane sums stay exact this long
constexpr int kMaxChunks = 4;       // zmm chunks of pixels held in registers

// The 256 products of one weight code as byte planes (see prepare_planes).
struct PlaneRow {
  __m512i l0, l1, l2, l3, h0, h1, h2, h3;
};

// The four 16-bit plane sums of one chunk of 64 pixels. Named variables per
// chunk (not arrays indexed by chunk) so that the compiler keeps them in
// registers instead of mirroring them to the stack on every step.
struct ChunkSums {
  __m512i lo_pair, lo_odd, hi_pair, hi_odd;
};

#define ALWANN_INLINE inline __attribute__((always_inline))

ALWANN_INLINE PlaneRow load_row(const std::uint8_t* row) {
  return {_mm512_load_si512(row),       _mm512_load_si512(row + 64),  _mm512_load_si512(row + 128),
          _mm512_load_si512(row + 192), _mm512_load_si512(row + 256), _mm512_load_si512(row + 320),
          _mm512_load_si512(row + 384), _mm512_load_si512(row + 448)};
}

ALWANN_INLINE ChunkSums zero_sums() {
  const __m512i z = _mm512_setzero_si512();
  return {z, z, z, z};
}

ALWANN_INLINE __m512i lookup(__m512i t0, __m512i t1, __m512i t2, __m512i t3, __m512i x, __mmask64 top) {
  // vpermi2b uses index bits 0..6; bit 7 picks the upper half of the row.
  return _mm512_mask_blend_epi8(top, _mm512_permutex2var_epi8(t0, x, t1), _mm512_permutex2var_epi8(t2, x, t3));
}

ALWANN_INLINE void accumulate(const PlaneRow& r, const std::uint8_t* xk, __mmask64 lanes, ChunkSums& s) {
  // Masked load: the tail chunk never reads past the row (or the buffer).
  const __m512i x = _mm512_maskz_loadu_epi8(lanes, xk);
  const __mmask64 top = _mm512_movepi8_mask(x);
  const __m512i lo = lookup(r.l0, r.l1, r.l2, r.l3, x, top);
  const __m512i hi = lookup(r.h0, r.h1, r.h2, r.h3, x, top);
  s.lo_pair = _mm512_add_epi16(s.lo_pair, lo);
  s.lo_odd = _mm512_add_epi16(s.lo_odd, _mm512_srli_epi16(lo, 8));
  s.hi_pair = _mm512_add_epi16(s.hi_pair, hi);
  s.hi_odd = _mm512_add_epi16(s.hi_odd, _mm512_srli_epi16(hi, 8));
}

// Widens one chunk's 16-bit plane sums into its 64 32-bit totals.
void flush(ChunkSums s, std::uint32_t* t) {  // by value: the sums never escape the loop
  alignas(64) std::uint16_t lp[32], lodd[32], hp[32], hodd[32];
  _mm512_store_si512(lp, s.lo_pair);
  _mm512_store_si512(lodd, s.lo_odd);
  _mm512_store_si512(hp, s.hi_pair);
  _mm512_store_si512(hodd, s.hi_odd);
  for (int i = 0; i < 32; ++i) {
    const std::uint32_t lo_even = static_cast<std::uint16_t>(lp[i] - (lodd[i] << 8));
    const std::uint32_t hi_even = static_cast<std::uint16_t>(hp[i] - (hodd[i] << 8));
    t[2 * i] += (hi_even << 8) + lo_even;
    t[2 * i + 1] += (std::uint32_t{hodd[i]} << 8) + lodd[i];
  }
}

__mmask64 lane_mask(int M, int m0) {
  const int left = M - m0;
  return left >= kLanes ? ~__mmask64{0} : left <= 0 ? __mmask64{0} : (__mmask64{1} << left) - 1;
}

// Adds the exact sums of C chunks of 64 pixels starting at m0 into tot[0..C*64).
template <int C>
void approx_block(const std::uint8_t* planes, const std::uint8_t* wrow, const std::uint8_t* xt, int M, int m0,
                  int K, std::uint32_t* tot) {
  static_assert(C >= 1 && C <= kMaxChunks);
  const __mmask64 lanes0 = lane_mask(M, m0), lanes1 = lane_mask(M, m0 + 64);
  const __mmask64 lanes2 = lane_mask(M, m0 + 128), lanes3 = lane_mask(M, m0 + 192);
  for (int kb = 0; kb < K; kb += kStepsPerFlush) {
    const int ke = K - kb < kStepsPerFlush ? K : kb + kStepsPerFlush;
    ChunkSums s0 = zero_sums(), s1 = zero_sums(), s2 = zero_sums(), s3 = zero_sums();
    for (int k = kb; k < ke; ++k) {
      const PlaneRow r = load_row(planes + wrow[k] * kPlaneRowBytes);
      const std::uint8_t* xk = xt + static_cast<std::size_t>(k) * M + m0;
      accumulate(r, xk, lanes0, s0);
      if constexpr (C > 1) accumulate(r, xk + 64, lanes1, s1);
      if constexpr (C > 2) accumulate(r, xk + 128, lanes2, s2);
      if constexpr (C > 3) accumulate(r, xk + 192, lanes3, s3);
    }
    flush(s0, tot);
    if constexpr (C > 1) flush(s1, tot + 64);
    if constexpr (C > 2) flush(s2, tot + 128);
    if constexpr (C > 3) flush(s3, tot + 192);
  }
}

#undef ALWANN_INLINE

}  // namespace

void approx_xt_avx512(const ApproxPlanesArgs& a, const std::uint8_t* xt, int M, std::int32_t* c, OutputStrides o) {
  const int N = a.N, K = a.K;
  const std::uint32_t bias = a.is_signed ? 32768u * static_cast<std::uint32_t>(K) : 0u;
  const int chunks = (M + kLanes - 1) / kLanes;
  alignas(64) std::uint32_t tot[kMaxChunks * kLanes];
  // Pixel blocks outer, channels inner: the block's K x 256 activation bytes
  // stay in L1/L2 while every channel's weight rows pass over them, so a large
  // M (several images side by side) costs no extra memory traffic per MAC.
  for (int c0 = 0; c0 < chunks;) {
    // Spread the chunks evenly over blocks of at most kMaxChunks.
    const int blocks_left = (chunks - c0 + kMaxChunks - 1) / kMaxChunks;
    const int C = (chunks - c0 + blocks_left - 1) / blocks_left;
    const int m0 = c0 * kLanes;
    const int len = M - m0 < C * kLanes ? M - m0 : C * kLanes;
    for (int n = 0; n < N; ++n) {
      const std::uint8_t* wrow = a.w + static_cast<std::size_t>(n) * K;
      for (int i = 0; i < C * kLanes; ++i) tot[i] = 0;
      switch (C) {
        case 1: approx_block<1>(a.planes, wrow, xt, M, m0, K, tot); break;
        case 2: approx_block<2>(a.planes, wrow, xt, M, m0, K, tot); break;
        case 3: approx_block<3>(a.planes, wrow, xt, M, m0, K, tot); break;
        default: approx_block<4>(a.planes, wrow, xt, M, m0, K, tot); break;
      }
      std::int32_t* cn = c + n * o.n + m0 * o.m;
      if (o.m == 1)
        for (int m = 0; m < len; ++m) cn[m] = static_cast<std::int32_t>(tot[m] - bias);
      else
        for (int m = 0; m < len; ++m) cn[m * o.m] = static_cast<std::int32_t>(tot[m] - bias);
    }
    c0 += C;
  }
}

}  // namespace alwann::nn::kernels
