// Weight and activation re-layouts shared by the kernels, and the calls into
// the AVX-512 kernels with their plain arguments (plain C++, any CPU).
#include <algorithm>

#include "nn/kernels/GemmImpl.hpp"

namespace alwann::nn::kernels {

void prepare_planes(const rtl::ProductTable& table, PreparedGemm::Impl& p) {
  // One 512-byte row per weight code: the low bytes of its 256 products, then
  // the high bytes. The AVX-512 kernel loads the row into 8 zmm registers and
  // looks up 64 activation codes per vpermi2b pair.
  const std::uint8_t flip = p.is_signed ? 0x80 : 0x00;
  p.planes = AlignedBytes(256 * kPlaneRowBytes);
  std::uint8_t* dst = p.planes.data();
  for (int w = 0; w < 256; ++w) {
    const std::uint16_t* row = table.row(static_cast<std::uint8_t>(w));
    std::uint8_t* lo = dst + w * kPlaneRowBytes;
    std::uint8_t* hi = lo + 256;
    for (int x = 0; x < 256; ++x) {
      lo[x] = static_cast<std::uint8_t>(row[x] & 0xFF);
      hi[x] = static_cast<std::uint8_t>((row[x] >> 8) ^ flip);
    }
  }
}

void prepare_exact_packed(PreparedGemm::Impl& p) {
  // vpdpbusd multiplies unsigned bytes by signed bytes, four k at a time.
  // Unsigned weights become w - 128 (the kernel adds 128 * sum_k x back);
  // signed weights stay, and the kernel feeds x + 128 and subtracts wsum128.
  p.n_padded = (p.N + 15) / 16 * 16;
  p.k_groups = (p.K + 3) / 4;
  p.packed = AlignedBytes(static_cast<std::size_t>(p.k_groups) * p.n_padded * 4);
  std::uint8_t* dst = p.packed.data();
  const std::uint8_t flip = p.is_signed ? 0x00 : 0x80;
  for (int n = 0; n < p.N; ++n)
    for (int k = 0; k < p.K; ++k)
      dst[(static_cast<std::size_t>(k / 4) * p.n_padded + n) * 4 + k % 4] =
          p.w[static_cast<std::size_t>(n) * p.K + k] ^ flip;
  p.wsum128.assign(p.n_padded, 0);
  if (p.is_signed)
    for (int n = 0; n < p.N; ++n)
      for (int k = 0; k < p.K; ++k)
        p.wsum128[n] += 128 * static_cast<std::int8_t>(p.w[static_cast<std::size_t>(n) * p.K + k]);
}

void transpose_bytes(const std::uint8_t* src, int rows, int cols, std::uint8_t* dst) {
  // 32 x 32 tiles keep both the read and the write side within a few cache lines.
  constexpr int kTile = 32;
  for (int r0 = 0; r0 < rows; r0 += kTile)
    for (int c0 = 0; c0 < cols; c0 += kTile) {
      const int r1 = std::min(rows, r0 + kTile), c1 = std::min(cols, c0 + kTile);
      for (int c = c0; c < c1; ++c)
        for (int r = r0; r < r1; ++r)
          dst[static_cast<std::size_t>(c) * rows + r] = src[static_cast<std::size_t>(r) * cols + c];
    }
}

void pack_exact_activations(const PreparedGemm::Impl& p, const std::uint8_t* x, int M, bool x_is_transposed,
                            ExactActivations& out) {
  // Pad to whole 4-byte groups (the pad multiplies weight 0); signed codes
  // become x + 128 (unsigned for vpdpbusd); unsigned ones need their sums.
  const int K = p.K, kp = p.k_groups * 4;
  out.xp.assign(static_cast<std::size_t>(M) * kp, 0);
  out.xsum.assign(M, 0);
  const std::uint8_t flip = p.is_signed ? 0x80 : 0x00;
  const std::size_t m_stride = x_is_transposed ? 1 : static_cast<std::size_t>(K);
  const std::size_t k_stride = x_is_transposed ? static_cast<std::size_t>(M) : 1;
  for (int m = 0; m < M; ++m) {
    const std::uint8_t* src = x + m * m_stride;
    std::uint8_t* dst = out.xp.data() + static_cast<std::size_t>(m) * kp;
    std::int32_t s = 0;
    for (int k = 0; k < K; ++k) {
      const std::uint8_t v = src[k * k_stride];
      dst[k] = v ^ flip;
      s += v;
    }
    out.xsum[m] = s;
  }
}

void run_approx_avx512(const PreparedGemm::Impl& p, const std::uint8_t* xt, int M, std::int32_t* c) {
  alignas(64) std::uint32_t totals[kApproxScratchTotals];
  const ApproxPlanesArgs a{p.planes.data(), p.w.data(), p.N, p.K, p.is_signed, totals};
  approx_xt_avx512(a, xt, M, c);
}

void run_exact_avx512(const PreparedGemm::Impl& p, const std::uint8_t* x, int M, std::int32_t* c,
                      bool x_is_transposed) {
  ExactActivations act;
  pack_exact_activations(p, x, M, x_is_transposed, act);
  const ExactPackedArgs a{p.packed.data(), p.wsum128.data(), p.N,          p.n_padded,
                          p.k_groups,      p.is_signed,      act.xp.data(), act.xsum.data()};
  exact_avx512(a, M, c);
}

}  // namespace alwann::nn::kernels
