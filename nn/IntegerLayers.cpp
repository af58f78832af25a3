#include "nn/IntegerLayers.hpp"

#include <algorithm>
#include <cstring>

#include "nn/Im2col.hpp"
#include "nn/kernels/Avx512Kernels.hpp"
#include "nn/PoolingWindow.hpp"

namespace alwann::nn::batched {

std::int64_t outer_dim(const Shape& s) { return s.empty() ? 1 : s[0]; }
std::int64_t inner_size(const Shape& s) {
  std::int64_t n = 1;
  for (size_t i = 1; i < s.size(); ++i) n *= s[i];
  return n;
}

void to_batch(const Shape& s, const Codes* const* images, int B, Codes& out) {
  const std::int64_t D = outer_dim(s), R = inner_size(s);
  out.resize(static_cast<size_t>(D * R * B));
  for (int b = 0; b < B; ++b)
    for (std::int64_t d = 0; d < D; ++d)
      std::memcpy(out.data() + (d * B + b) * R, images[b]->data() + d * R, static_cast<size_t>(R));
}

Codes from_batch(const Shape& s, int B, const Codes& batch, int b) {
  const std::int64_t D = outer_dim(s), R = inner_size(s);
  Codes out(static_cast<size_t>(D * R));
  for (std::int64_t d = 0; d < D; ++d)
    std::memcpy(out.data() + d * R, batch.data() + (d * B + b) * R, static_cast<size_t>(R));
  return out;
}

void relayout(const Shape& from, const Shape& to, int B, const Codes& in, Codes& out) {
  const std::int64_t R = inner_size(from), R2 = inner_size(to), total = outer_dim(from) * R;
  out.resize(in.size());
  if (B == 1 || (R == R2 && outer_dim(from) == outer_dim(to))) {
    std::copy(in.begin(), in.end(), out.begin());
    return;
  }
  for (int b = 0; b < B; ++b)
    for (std::int64_t e = 0; e < total; ++e)
      out[static_cast<size_t>((e / R2 * B + b) * R2 + e % R2)] = in[static_cast<size_t>((e / R * B + b) * R + e % R)];
}

namespace {

// Column sums of the K x M operand matrix: the sum_k x term of tf-uint8's
// cross terms (reference §2). Row by row, so it vectorises, into 16-bit sums
// of up to 257 rows (257 * 255 < 2^16, so exact) widened once per block:
// a quarter of the widening of 32-bit sums. An AVX2 clone where the CPU has it.
__attribute__((target_clones("avx2", "default"))) void column_sums(const std::uint8_t* xt, int K, int M,
                                                                   std::uint16_t* part, std::int32_t* s) {
  constexpr int kRowsPerBlock = 257;
  for (int m = 0; m < M; ++m) s[m] = 0;
  for (int k0 = 0; k0 < K; k0 += kRowsPerBlock) {
    for (int m = 0; m < M; ++m) part[m] = 0;
    const int k1 = std::min(K, k0 + kRowsPerBlock);
    for (int k = k0; k < k1; ++k) {
      const std::uint8_t* row = xt + static_cast<std::int64_t>(k) * M;
      for (int m = 0; m < M; ++m) part[m] = static_cast<std::uint16_t>(part[m] + row[m]);
    }
    for (int m = 0; m < M; ++m) s[m] += part[m];
  }
}

void column_sums(const std::uint8_t* xt, int K, int M, Scratch& s) {
  s.sumx.resize(static_cast<size_t>(M));
  s.sumx16.resize(static_cast<size_t>(M));
  column_sums(xt, K, M, s.sumx16.data(), s.sumx.data());
}

// The operand matrix of one image and group: tap rows gathered with AVX-512
// where that path is on and an output row's taps fit one register, else
// the portable im2col (the same codes; tests/nn compares them).
void im2col_codes(const Layer& l, const std::uint8_t* in, std::int64_t plane_stride, int g, std::uint8_t pad_code,
                  std::uint8_t* xt, std::int64_t row_stride, KernelPath path) {
  const int OW = l.output_shape[2];
  if (path != KernelPath::Avx512 || same_size_conv(l) || OW > 64 || (OW - 1) * l.stride_w >= 64) {
    im2col_strided(l, in, plane_stride, g, pad_code, xt, row_stride);
    return;
  }
  kernels::TapRowArgs a{l.input_shape[1], l.input_shape[2], l.output_shape[1], OW, 0, l.stride_h, 0, l.stride_w, 0, 0,
                        pad_code};
  for_each_tap_row(l, in, plane_stride, g, xt, row_stride, [&](const std::uint8_t* plane, int ky, int kx, std::uint8_t* out) {
    a.y0 = ky * l.dilation_h - l.pad_top;
    a.x0 = kx * l.dilation_w - l.pad_left;
    const TapColumns inside = tap_columns(a.x0, a.sw, a.W, OW);
    a.lo = inside.lo;
    a.hi = inside.hi;
    kernels::im2col_tap_row_avx512(a, plane, out);
  });
}

}  // namespace

void conv(const Layer& l, int B, const std::vector<PreparedGemm>& gemms, const std::vector<RequantRow>& rows,
          std::uint8_t pad_code, const Codes& in, Codes& out, Scratch& s, KernelPath path) {
  const int M1 = l.gemm_m, M = B * M1, N = l.gemm_n, K = l.gemm_k;
  const std::int64_t plane = static_cast<std::int64_t>(l.input_shape[1]) * l.input_shape[2];
  s.xt.resize(static_cast<size_t>(K) * M);
  s.c.resize(static_cast<size_t>(N) * M);
  out.resize(static_cast<size_t>(l.out_channels) * M);
  for (int g = 0; g < l.groups; ++g) {
    for (int b = 0; b < B; ++b)
      im2col_codes(l, in.data() + b * plane, plane * B, g, pad_code, s.xt.data() + static_cast<std::int64_t>(b) * M1, M,
                   path);
    gemms[static_cast<size_t>(g)].run_xt_channels(s.xt.data(), M, s.c.data());
    const bool cross = rows[static_cast<size_t>(g) * N].zw != 0;  // tf-uint8: weight zero point
    if (cross) column_sums(s.xt.data(), K, M, s);
    for (int n = 0; n < N; ++n) {
      const size_t oc = static_cast<size_t>(g) * N + n;
      requantize(s.c.data() + static_cast<std::int64_t>(n) * M, cross ? s.sumx.data() : nullptr, M, rows[oc],
                 out.data() + oc * static_cast<size_t>(M), path);
    }
  }
}

void fully_connected(int B, const PreparedGemm& gemm, const std::vector<RequantRow>& rows, const Codes& in, Codes& out,
                     Scratch& s, KernelPath path) {
  const int N = gemm.N(), K = gemm.K();
  s.c.resize(static_cast<size_t>(N) * B);
  out.resize(static_cast<size_t>(N) * B);
  gemm.run_xt_channels(in.data(), B, s.c.data());
  const bool cross = !rows.empty() && rows[0].zw != 0;
  if (cross) column_sums(in.data(), K, B, s);
  for (int n = 0; n < N; ++n)
    requantize(s.c.data() + static_cast<std::int64_t>(n) * B, cross ? s.sumx.data() : nullptr, B,
               rows[static_cast<size_t>(n)], out.data() + static_cast<std::int64_t>(n) * B, path);
}

// Max and average pooling keep the input's grid (same scale and zero point):
// max compares code values, the average rounds the mean of code values.
void pool(const Layer& l, int B, bool is_signed, int z, const Codes& in, Codes& out) {
  const int planes = l.input_shape[0] * B, H = l.input_shape[1], W = l.input_shape[2];
  const int OH = l.output_shape[1], OW = l.output_shape[2];
  const bool is_max = l.op == OpKind::MaxPool;
  const int lo = is_signed ? -128 : 0, hi = is_signed ? 127 : 255;
  out.resize(static_cast<size_t>(planes) * OH * OW);
  for (int c = 0; c < planes; ++c) {
    const std::uint8_t* plane = in.data() + static_cast<size_t>(c) * H * W;
    for (int oy = 0; oy < OH; ++oy)
      for (int ox = 0; ox < OW; ++ox) {
        const PoolWindow w = pool_window(l, oy, ox);
        std::int32_t acc = is_max ? lo : 0;
        for (int y = w.y0; y < w.y1; ++y)
          for (int x = w.x0; x < w.x1; ++x) {
            const int v = is_signed ? static_cast<std::int8_t>(plane[y * W + x]) : plane[y * W + x];
            acc = is_max ? std::max(acc, v) : acc + (v - z);  // padded taps add real 0
          }
        const int v = is_max ? acc : z + rounding_divide(acc, w.divisor);
        out[(static_cast<size_t>(c) * OH + oy) * OW + ox] = static_cast<std::uint8_t>(std::clamp(v, lo, hi) & 0xff);
      }
  }
}

void clamp_codes(bool is_signed, int lo, int hi, const Codes& in, Codes& out) {
  // Signed codes XOR 0x80 order like their values, so one unsigned clamp
  // (which vectorises) serves both schemes.
  const std::uint8_t flip = is_signed ? 0x80 : 0x00;
  lo = std::max(lo, is_signed ? -128 : 0);
  hi = std::min(hi, is_signed ? 127 : 255);
  const auto ulo = static_cast<std::uint8_t>((lo & 0xff) ^ flip), uhi = static_cast<std::uint8_t>((hi & 0xff) ^ flip);
  out.resize(in.size());
  const std::uint8_t* src = in.data();
  std::uint8_t* dst = out.data();
  // The count in a local: a byte store may alias anything, so `in.size()`
  // in the condition would be reloaded every step and block vectorisation.
  const size_t n = in.size();
  for (size_t i = 0; i < n; ++i) {
    const std::uint8_t u = static_cast<std::uint8_t>(src[i] ^ flip);
    dst[i] = static_cast<std::uint8_t>(std::min(std::max(u, ulo), uhi) ^ flip);
  }
}

}  // namespace alwann::nn::batched
