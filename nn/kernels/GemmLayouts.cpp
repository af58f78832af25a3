// Weight and activation re-layouts shared by the kernels (plain C++, any CPU).
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

}  // namespace alwann::nn::kernels
