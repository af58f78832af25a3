// AVX-512 approximate GEMM: byte-plane table lookups with vpermi2b.
// Compiled with -mavx512{f,bw,vl,dq,vbmi,vnni}; PreparedGemm only calls it
// after cpu_has_avx512_kernels(). Plain arguments only (Avx512Kernels.hpp).
//
// For one output channel n and reduction index k the weight code is fixed,
// so its 256 products (or error bytes) are loaded once as byte planes (4 zmm
// each) and 64 output pixels' activation codes xt[k*M + m..m+63] are looked
// up at once: two merge-masked vpermi2b per plane (codes 0..127, then
// 128..255 where the code's top bit is set). Class-1 entries (ApproxPlanesArgs) need one plane,
// class-2 entries two: the split is what makes mild multipliers cheaper.
//
// Bit-exact accumulation: each plane is added into 16-bit lanes as is
// (lane i = byte 2i + 256 * byte 2i+1, i.e. pixels 2i and 2i+1 share a lane)
// and also shifted right by 8 (the odd pixel alone). After at most 256 steps
// (256 * 255 < 2^16) the even pixel's sum is lane - 256 * odd lane, exactly,
// and both are widened into 32-bit totals. High bytes of signed products are
// stored with the sign bit flipped (h + 128, see prepare_planes), so every
// plane is unsigned; the channel constant takes 32768 per class-2 entry off.
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

// The 256 bytes of one plane of one weight code.
struct Plane {
  __m512i t0, t1, t2, t3;
};

// The 16-bit sums of one plane for one chunk of 64 pixels. Named variables
// per chunk (not arrays indexed by chunk) so that the compiler keeps them in
// registers instead of mirroring them to the stack on every step.
struct PlaneSums {
  __m512i pair, odd;
};

#define ALWANN_INLINE inline __attribute__((always_inline))

ALWANN_INLINE Plane load_plane(const std::uint8_t* row) {
  return {_mm512_load_si512(row), _mm512_load_si512(row + 64), _mm512_load_si512(row + 128),
          _mm512_load_si512(row + 192)};
}

ALWANN_INLINE PlaneSums zero_sums() { return {_mm512_setzero_si512(), _mm512_setzero_si512()}; }

ALWANN_INLINE __m512i lookup(const Plane& p, __m512i x, __mmask64 top) {
  // vpermi2b uses index bits 0..6; bit 7 picks the upper half of the row.
  // Merge-masked vpermi2b writes over its index register: lanes with the top
  // bit clear look up the lower half, the others keep their code, which the
  // second looks up in the upper half. No blend, and no copies of the table
  // registers that the destructive unmasked forms needed: per 4 x 64 MACs,
  // 28 instead of 31 vector uops (one plane) and 52 instead of 58 (two).
  const __m512i low = _mm512_mask2_permutex2var_epi8(p.t0, x, static_cast<__mmask64>(~top), p.t1);
  return _mm512_mask2_permutex2var_epi8(p.t2, low, top, p.t3);
}

ALWANN_INLINE void add_plane(__m512i bytes, PlaneSums& s) {
  s.pair = _mm512_add_epi16(s.pair, bytes);
  s.odd = _mm512_add_epi16(s.odd, _mm512_srli_epi16(bytes, 8));
}

// Masked load: the tail chunk never reads past the row (or the buffer).
ALWANN_INLINE __m512i load_codes(const std::uint8_t* xk, __mmask64 lanes) { return _mm512_maskz_loadu_epi8(lanes, xk); }

// Widens one plane's 16-bit sums of one chunk into its 64 32-bit totals,
// weighted by `shift` (0 for low bytes and error bytes, 8 for high bytes).
void flush(PlaneSums s, int shift, std::uint32_t* t) {  // by value: the sums never escape the loop
  alignas(64) std::uint16_t pair[32], odd[32];
  _mm512_store_si512(pair, s.pair);
  _mm512_store_si512(odd, s.odd);
  for (int i = 0; i < 32; ++i) {
    const std::uint32_t even = static_cast<std::uint16_t>(pair[i] - (odd[i] << 8));
    t[2 * i] += even << shift;
    t[2 * i + 1] += static_cast<std::uint32_t>(odd[i]) << shift;
  }
}

__mmask64 lane_mask(int M, int m0) {
  const int left = M - m0;
  return left >= kLanes ? ~__mmask64{0} : left <= 0 ? __mmask64{0} : (__mmask64{1} << left) - 1;
}

// One step of one chunk: the first plane (error bytes, or the products' low
// bytes) always, the high bytes when TwoPlanes.
template <bool TwoPlanes>
ALWANN_INLINE void step(const Plane& lo, const Plane& hi, const std::uint8_t* xk, __mmask64 lanes, PlaneSums& slo,
                        PlaneSums& shi) {
  const __m512i x = load_codes(xk, lanes);
  const __mmask64 top = _mm512_movepi8_mask(x);
  add_plane(lookup(lo, x, top), slo);
  if constexpr (TwoPlanes) add_plane(lookup(hi, x, top), shi);
}

template <bool TwoPlanes>
ALWANN_INLINE void flush_chunk(const PlaneSums& lo, const PlaneSums& hi, std::uint32_t* t) {
  flush(lo, 0, t);
  if constexpr (TwoPlanes) flush(hi, 8, t);
}

// Entries [e0, e1) of one channel, C chunks of 64 pixels from m0: one-plane
// (class 1, error planes) or two-plane (class 2, product planes) entries.
template <bool TwoPlanes, int C>
void entries(const ApproxPlanesArgs& a, const std::int32_t* e0, const std::int32_t* e1, const std::uint8_t* xt, int M,
             int m0, std::uint32_t* tot) {
  const __mmask64 l0 = lane_mask(M, m0), l1 = lane_mask(M, m0 + 64), l2 = lane_mask(M, m0 + 128),
                  l3 = lane_mask(M, m0 + 192);
  const std::uint8_t* table = TwoPlanes ? a.planes : a.error_planes;
  const int row_bytes = TwoPlanes ? kPlaneRowBytes : kErrorRowBytes;
  for (const std::int32_t* eb = e0; eb < e1; eb += kStepsPerFlush) {
    const std::int32_t* ee = e1 - eb > kStepsPerFlush ? eb + kStepsPerFlush : e1;
    PlaneSums lo0 = zero_sums(), hi0 = zero_sums(), lo1 = zero_sums(), hi1 = zero_sums();
    PlaneSums lo2 = zero_sums(), hi2 = zero_sums(), lo3 = zero_sums(), hi3 = zero_sums();
    for (const std::int32_t* e = eb; e < ee; ++e) {
      const std::uint8_t* row = table + (*e & 0xFF) * row_bytes;
      const Plane lo = load_plane(row);
      const Plane hi = TwoPlanes ? load_plane(row + 256) : lo;
      const std::uint8_t* xk = xt + static_cast<std::size_t>(*e >> 8) * M + m0;
      step<TwoPlanes>(lo, hi, xk, l0, lo0, hi0);
      if constexpr (C > 1) step<TwoPlanes>(lo, hi, xk + 64, l1, lo1, hi1);
      if constexpr (C > 2) step<TwoPlanes>(lo, hi, xk + 128, l2, lo2, hi2);
      if constexpr (C > 3) step<TwoPlanes>(lo, hi, xk + 192, l3, lo3, hi3);
    }
    flush_chunk<TwoPlanes>(lo0, hi0, tot);
    if constexpr (C > 1) flush_chunk<TwoPlanes>(lo1, hi1, tot + 64);
    if constexpr (C > 2) flush_chunk<TwoPlanes>(lo2, hi2, tot + 128);
    if constexpr (C > 3) flush_chunk<TwoPlanes>(lo3, hi3, tot + 192);
  }
}

template <int C>
void channel_block(const ApproxPlanesArgs& a, int n, const std::uint8_t* xt, int M, int m0, std::uint32_t* tot) {
  const std::int32_t* first = a.entries + a.begin[n];
  const std::int32_t* split = a.entries + a.split[n];
  const std::int32_t* last = a.entries + a.begin[n + 1];
  entries<false, C>(a, first, split, xt, M, m0, tot);
  entries<true, C>(a, split, last, xt, M, m0, tot);
}

#undef ALWANN_INLINE

}  // namespace

void approx_xt_avx512(const ApproxPlanesArgs& a, const std::uint8_t* xt, int M, std::int32_t* c, OutputStrides o) {
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
    for (int n = 0; n < a.N; ++n) {
      for (int i = 0; i < C * kLanes; ++i) tot[i] = 0;
      switch (C) {
        case 1: channel_block<1>(a, n, xt, M, m0, tot); break;
        case 2: channel_block<2>(a, n, xt, M, m0, tot); break;
        case 3: channel_block<3>(a, n, xt, M, m0, tot); break;
        default: channel_block<4>(a, n, xt, M, m0, tot); break;
      }
      // Unsigned arithmetic: the totals wrap exactly like the int32 sums they stand for.
      const std::uint32_t constant = static_cast<std::uint32_t>(a.constant[n]);
      std::int32_t* cn = c + n * o.n + m0 * o.m;
      if (a.accumulate) {
        for (int m = 0; m < len; ++m)
          cn[m * o.m] = static_cast<std::int32_t>(static_cast<std::uint32_t>(cn[m * o.m]) + tot[m] + constant);
      } else if (o.m == 1) {
        for (int m = 0; m < len; ++m) cn[m] = static_cast<std::int32_t>(tot[m] + constant);
      } else {
        for (int m = 0; m < len; ++m) cn[m * o.m] = static_cast<std::int32_t>(tot[m] + constant);
      }
    }
    c0 += C;
  }
}

}  // namespace alwann::nn::kernels
