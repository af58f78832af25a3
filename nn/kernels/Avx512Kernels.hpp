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

// Where a GEMM result goes: c[m * m + n * n] (M x N row-major: {N, 1};
// channel-major N x M: {1, M}).
struct OutputStrides {
  std::int64_t m, n;
};

// Bytes per weight code in the byte-plane table: 256 low bytes, then 256
// high bytes of the 256 products of that weight (activation codes 0..255).
constexpr int kPlaneRowBytes = 512;
// Bytes per weight code in the error-plane table: one byte per activation code.
constexpr int kErrorRowBytes = 256;

// The approximate GEMM split by weight code w (prepare_planes): with
// E_w(x) = M(w, x) - w * x the multiplier's error,
//  - class 0, E_w constant: exact products plus a constant;
//  - class 1, E_w spans < 256: exact products plus one byte plane E_w - min E_w;
//  - class 2, otherwise: the product itself from two byte planes.
// The exact products of classes 0 and 1 come from the exact (VNNI) kernel with
// class-2 weights set to 0; this kernel adds, per channel, the error bytes of
// its class-1 entries, the products of its class-2 entries and a constant.
struct ApproxPlanesArgs {
  const std::uint8_t* planes;        // 256 rows of kPlaneRowBytes, 64-byte aligned
  const std::uint8_t* error_planes;  // 256 rows of kErrorRowBytes, 64-byte aligned
  const std::int32_t* entries;       // per channel: class-1 entries, then class-2 ones; each (k << 8) | w
  const std::int32_t* begin;         // N + 1 offsets into entries
  const std::int32_t* split;         // N: where each channel's class-2 entries start
  const std::int32_t* constant;      // N: added to each sum (class-0/1 offsets, signed plane bias)
  int N;
  bool accumulate;                   // add to c (the exact part is there), else store
};

// Exact products with vpdpbusd (u8 x s8, four k per int32 lane). Activations
// are always fed as x ^ 0x80: unsigned codes become x - 128 (the s8 operand,
// weights are the u8 one), signed codes become x + 128 (the u8 operand,
// weights the s8 one). Either way the error is 128 * sum_k w per channel,
// which `correction` undoes.
struct ExactPackedArgs {
  const std::uint8_t* w;           // n_padded x (4 * k_groups) weight codes, zero-padded, 64-byte aligned
  const std::int32_t* correction;  // n_padded entries: +128 * sum_k w (unsigned) or -128 * sum_k w (signed)
  int N, n_padded, k_groups;
  bool is_signed;
};

// Pixels per exact-kernel block; packed activations are padded to a multiple.
constexpr int kExactPixelBlock = 64;
// Output channels per exact-kernel block; packed weights are padded to a multiple.
constexpr int kExactChannelBlock = 4;

// One tap's row of a convolution's operand matrix (nn/Im2col.hpp), all
// output rows: out[oy * OW + ox] = plane[iy * W + ix] with iy = oy * sh + y0,
// ix = ox * sw + x0, or pad_code outside the H x W plane. Needs OW <= 64 and
// (OW - 1) * sw < 64 (one register of input bytes per output row). [lo, hi):
// the columns whose ix lies inside the plane (nn::tap_columns).
struct TapRowArgs {
  int H, W, OH, OW, y0, sh, x0, sw, lo, hi;
  std::uint8_t pad_code;
};
void im2col_tap_row_avx512(const TapRowArgs& a, const std::uint8_t* plane, std::uint8_t* out);

// xt: K x M (contiguous in m).
void approx_xt_avx512(const ApproxPlanesArgs& a, const std::uint8_t* xt, int M, std::int32_t* c, OutputStrides o);
// xp (64-byte aligned): [k_groups][m_padded][4] activation codes ^ 0x80,
// m_padded = M rounded up to kExactPixelBlock. Rows k >= K are zero.
void pack_activations_avx512(const std::uint8_t* xt, int K, int M, int k_groups, int m_padded, std::uint8_t* xp);
void exact_avx512(const ExactPackedArgs& a, const std::uint8_t* xp, int M, int m_padded, std::int32_t* c,
                  OutputStrides o);

}  // namespace alwann::nn::kernels

namespace alwann::nn::kernels {

// A FixedPointMultiplier split for the vector code: x * 2^left (saturating),
// rounding doubling high multiply, rounding right shift (nn/FixedPoint.hpp).
struct Rescale {
  std::int32_t multiplier;  // >= 0
  int left, right;
};

// out[i] = code(clamp(zero_point + rescale(c[i] - zw * sumx[i] + constant), lo, hi));
// sumx is only read when zw != 0.
struct RequantArgs {
  const std::int32_t* c;
  const std::int32_t* sumx;
  int count;
  std::int32_t constant, zw;
  Rescale rescale;
  int zero_point, lo, hi;
  std::uint8_t* out;
};
void requantize_avx512(const RequantArgs& a);

// TFLite's integer Add: term_j(code) = rescale_j((value(code) - z_j) * 2^20),
// out = code(clamp(zero_point + rescale_out(term_a + term_b), lo, hi)).
struct AddArgs {
  const std::uint8_t* a;
  const std::uint8_t* b;
  int count;
  bool is_signed;  // code values are int8, else uint8
  std::int32_t za, zb;
  Rescale ra, rb, rout;
  int zero_point, lo, hi;
  std::uint8_t* out;
};
void add_requantize_avx512(const AddArgs& a);

}  // namespace alwann::nn::kernels
