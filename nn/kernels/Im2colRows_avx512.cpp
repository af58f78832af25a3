// AVX-512 (VBMI) im2col tap row for strided convolutions: each output row's
// taps come from one masked load of the input row span they cover (at most
// 64 bytes) and one vpermb, where the portable row loop gathered byte by byte
// (stride 2: 5 % of a ResNet-8 search, perf). Padding taps take pad_code.
#ifndef ALWANN_AVX512_EMULATED  // tests/nn/test_kernels_avx512_emulated.cpp: scalar stand-ins
#include <immintrin.h>
#endif

#include <cstdint>

#include "nn/kernels/Avx512Kernels.hpp"

namespace alwann::nn::kernels {

void im2col_tap_row_avx512(const TapRowArgs& a, const std::uint8_t* plane, std::uint8_t* out) {
  // The bytes [first, first + span) of an input row that columns [lo, hi) read.
  const int lo = a.lo, hi = a.hi;
  const __m512i pad = _mm512_set1_epi8(static_cast<char>(a.pad_code));
  const __mmask64 row_lanes = a.OW >= 64 ? ~__mmask64{0} : (__mmask64{1} << a.OW) - 1;
  if (hi == lo) {
    for (int oy = 0; oy < a.OH; ++oy) _mm512_mask_storeu_epi8(out + oy * a.OW, row_lanes, pad);
    return;
  }
  const int first = a.x0 + lo * a.sw, span = (hi - 1 - lo) * a.sw + 1;
  alignas(64) std::uint8_t index[64] = {0};
  for (int ox = lo; ox < hi; ++ox) index[ox] = static_cast<std::uint8_t>(ox * a.sw + a.x0 - first);
  const __m512i idx = _mm512_load_si512(index);
  const __mmask64 inside = ((hi >= 64 ? ~__mmask64{0} : (__mmask64{1} << hi) - 1) >> lo) << lo;
  const __mmask64 span_lanes = span >= 64 ? ~__mmask64{0} : (__mmask64{1} << span) - 1;
  for (int oy = 0; oy < a.OH; ++oy) {
    const int iy = oy * a.sh + a.y0;
    __m512i v = pad;
    if (iy >= 0 && iy < a.H) {
      const __m512i bytes = _mm512_maskz_loadu_epi8(span_lanes, plane + static_cast<std::int64_t>(iy) * a.W + first);
      v = _mm512_mask_permutexvar_epi8(pad, inside, idx, bytes);
    }
    _mm512_mask_storeu_epi8(out + static_cast<std::int64_t>(oy) * a.OW, row_lanes, v);
  }
}

}  // namespace alwann::nn::kernels
