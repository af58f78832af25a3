// AVX-512 requantisation: the gemmlowp fixed-point arithmetic of
// nn/FixedPoint.hpp on 16 int32 lanes, bit for bit (tests/nn/test_requantize.cpp).
// Compiled with -mavx512{f,bw,vl,dq,vbmi,vnni}; only called after
// cpu_has_avx512_kernels(). Plain arguments only (Avx512Kernels.hpp).
// GCC 12 warns inside its own intrinsic headers (_mm512_undefined_epi32 in
// the unmasked forms): a known false positive, silenced for this file only.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <cstdint>

#include "nn/kernels/Avx512Kernels.hpp"

namespace alwann::nn::kernels {
namespace {

#define ALWANN_INLINE inline __attribute__((always_inline))

// apply_multiplier on 16 lanes. The doubling high multiply
// (x * m + nudge) / 2^31 with C's truncating division equals
// (x * m + 2^30) >> 31 (arithmetic) for either sign of x * m, and m >= 0
// rules out gemmlowp's one saturating case.
ALWANN_INLINE __m512i rescale(__m512i x, const Rescale& r) {
  if (r.left > 0) {
    const __mmask16 over = _mm512_cmpgt_epi32_mask(x, _mm512_set1_epi32(INT32_MAX >> r.left));
    const __mmask16 under = _mm512_cmplt_epi32_mask(x, _mm512_set1_epi32(INT32_MIN >> r.left));
    x = _mm512_sllv_epi32(x, _mm512_set1_epi32(r.left));
    x = _mm512_mask_mov_epi32(x, over, _mm512_set1_epi32(INT32_MAX));
    x = _mm512_mask_mov_epi32(x, under, _mm512_set1_epi32(INT32_MIN));
  }
  const __m512i m = _mm512_set1_epi32(r.multiplier);
  const __m512i nudge = _mm512_set1_epi64(std::int64_t{1} << 30);
  const __m512i even = _mm512_add_epi64(_mm512_mul_epi32(x, m), nudge);
  const __m512i odd = _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(x, 32), m), nudge);
  // Bits 31..62 of each 64-bit sum: low half for even lanes, high half for odd.
  __m512i h = _mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 31), _mm512_slli_epi64(odd, 1));
  if (r.right > 0) {  // rounding_divide_by_pot
    const __m512i mask = _mm512_set1_epi32(static_cast<std::int32_t>((std::int64_t{1} << r.right) - 1));
    const __m512i remainder = _mm512_and_si512(h, mask);
    const __m512i threshold = _mm512_add_epi32(_mm512_srai_epi32(mask, 1), _mm512_srli_epi32(h, 31));
    const __mmask16 up = _mm512_cmpgt_epi32_mask(remainder, threshold);
    h = _mm512_srav_epi32(h, _mm512_set1_epi32(r.right));
    h = _mm512_mask_add_epi32(h, up, h, _mm512_set1_epi32(1));
  }
  return h;
}

ALWANN_INLINE __m128i to_codes(__m512i v, int zero_point, int lo, int hi) {
  v = _mm512_add_epi32(v, _mm512_set1_epi32(zero_point));
  v = _mm512_min_epi32(_mm512_max_epi32(v, _mm512_set1_epi32(lo)), _mm512_set1_epi32(hi));
  return _mm512_cvtepi32_epi8(v);  // low byte: the code, for uint8 and int8 values alike
}

ALWANN_INLINE __mmask16 tail_mask(int left) { return left >= 16 ? __mmask16(0xFFFF) : __mmask16((1u << left) - 1); }

ALWANN_INLINE __m512i values(const std::uint8_t* p, __mmask16 k, bool is_signed) {
  const __m128i codes = _mm_maskz_loadu_epi8(k, p);
  return is_signed ? _mm512_cvtepi8_epi32(codes) : _mm512_cvtepu8_epi32(codes);
}

#undef ALWANN_INLINE

}  // namespace

void requantize_avx512(const RequantArgs& a) {
  const __m512i constant = _mm512_set1_epi32(a.constant), zw = _mm512_set1_epi32(a.zw);
  for (int i = 0; i < a.count; i += 16) {
    const __mmask16 k = tail_mask(a.count - i);
    __m512i acc = _mm512_add_epi32(_mm512_maskz_loadu_epi32(k, a.c + i), constant);
    if (a.zw != 0) acc = _mm512_sub_epi32(acc, _mm512_mullo_epi32(zw, _mm512_maskz_loadu_epi32(k, a.sumx + i)));
    _mm_mask_storeu_epi8(a.out + i, k, to_codes(rescale(acc, a.rescale), a.zero_point, a.lo, a.hi));
  }
}

void add_requantize_avx512(const AddArgs& a) {
  const __m512i za = _mm512_set1_epi32(a.za), zb = _mm512_set1_epi32(a.zb);
  for (int i = 0; i < a.count; i += 16) {
    const __mmask16 k = tail_mask(a.count - i);
    const __m512i ta = rescale(_mm512_slli_epi32(_mm512_sub_epi32(values(a.a + i, k, a.is_signed), za), 20), a.ra);
    const __m512i tb = rescale(_mm512_slli_epi32(_mm512_sub_epi32(values(a.b + i, k, a.is_signed), zb), 20), a.rb);
    _mm_mask_storeu_epi8(a.out + i, k, to_codes(rescale(_mm512_add_epi32(ta, tb), a.rout), a.zero_point, a.lo, a.hi));
  }
}

}  // namespace alwann::nn::kernels
