// Weight and activation re-layouts shared by the kernels, and the calls into
// the AVX-512 kernels with their plain arguments (plain C++, any CPU).
#include <algorithm>
#include <cstring>

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
  // Rows of whole 4-byte k groups, channels padded to the kernel's block;
  // padding weights are 0, so whatever the padded activations hold adds 0.
  p.n_padded = (p.N + kExactChannelBlock - 1) / kExactChannelBlock * kExactChannelBlock;
  p.k_groups = (p.K + 3) / 4;
  const std::size_t kp = static_cast<std::size_t>(p.k_groups) * 4;
  p.packed = AlignedBytes(kp * p.n_padded);
  p.correction.assign(p.n_padded, 0);
  for (int n = 0; n < p.N; ++n) {
    std::int32_t sum = 0;
    for (int k = 0; k < p.K; ++k) {
      const std::uint8_t w = p.w[static_cast<std::size_t>(n) * p.K + k];
      p.packed.data()[n * kp + k] = w;
      sum += p.is_signed ? static_cast<std::int8_t>(w) : w;
    }
    p.correction[n] = p.is_signed ? -128 * sum : 128 * sum;
  }
}

namespace {

// Transposes the 8 x 8 bytes whose rows start at src + i * src_stride into
// dst + j * dst_stride: three rounds of swapping 1-, 2- and 4-byte halves of
// 2 x 2 blocks inside 64-bit words (Hacker's Delight, transpose8).
void transpose_8x8(const std::uint8_t* src, std::size_t src_stride, std::uint8_t* dst, std::size_t dst_stride) {
  std::uint64_t a[8];
  for (int i = 0; i < 8; ++i) std::memcpy(&a[i], src + i * src_stride, 8);
  for (int i = 0; i < 8; i += 2) {
    const std::uint64_t t = ((a[i] >> 8) ^ a[i + 1]) & 0x00FF00FF00FF00FFull;
    a[i + 1] ^= t;
    a[i] ^= t << 8;
  }
  for (int i : {0, 1, 4, 5}) {
    const std::uint64_t t = ((a[i] >> 16) ^ a[i + 2]) & 0x0000FFFF0000FFFFull;
    a[i + 2] ^= t;
    a[i] ^= t << 16;
  }
  for (int i = 0; i < 4; ++i) {
    const std::uint64_t t = ((a[i] >> 32) ^ a[i + 4]) & 0x00000000FFFFFFFFull;
    a[i + 4] ^= t;
    a[i] ^= t << 32;
  }
  for (int j = 0; j < 8; ++j) std::memcpy(dst + j * dst_stride, &a[j], 8);
}

}  // namespace

void transpose_bytes(const std::uint8_t* src, int rows, int cols, std::uint8_t* dst) {
  // 8 x 8 blocks in registers; the ragged right and bottom edges byte by byte.
  const int rows8 = rows / 8 * 8, cols8 = cols / 8 * 8;
  const std::size_t R = static_cast<std::size_t>(rows), C = static_cast<std::size_t>(cols);
  for (int r = 0; r < rows8; r += 8)
    for (int c = 0; c < cols8; c += 8) transpose_8x8(src + r * C + c, C, dst + c * R + r, R);
  for (int r = 0; r < rows; ++r)
    for (int c = r < rows8 ? cols8 : 0; c < cols; ++c) dst[c * R + r] = src[r * C + c];
}

namespace {
// Per-thread scratch that only grows: the engine calls the kernels once per
// layer and batch, and a fresh multi-megabyte buffer each time would mean
// fresh pages (page faults) each time.
AlignedBytes& thread_scratch(std::size_t bytes) {
  thread_local AlignedBytes scratch;
  thread_local std::size_t capacity = 0;
  if (bytes > capacity) {
    scratch = AlignedBytes(bytes);
    capacity = bytes;
  }
  return scratch;
}
}  // namespace

void run_approx_avx512(const PreparedGemm::Impl& p, const std::uint8_t* xt, int M, std::int32_t* c, OutputStrides o) {
  const ApproxPlanesArgs a{p.planes.data(), p.w.data(), p.N, p.K, p.is_signed};
  approx_xt_avx512(a, xt, M, c, o);
}

void run_exact_avx512(const PreparedGemm::Impl& p, const std::uint8_t* xt, int M, std::int32_t* c, OutputStrides o) {
  const int m_padded = (M + kExactPixelBlock - 1) / kExactPixelBlock * kExactPixelBlock;
  AlignedBytes& xp = thread_scratch(static_cast<std::size_t>(p.k_groups) * 4 * m_padded);
  pack_activations_avx512(xt, p.K, M, p.k_groups, m_padded, xp.data());
  const ExactPackedArgs a{p.packed.data(), p.correction.data(), p.N, p.n_padded, p.k_groups, p.is_signed};
  exact_avx512(a, xp.data(), M, m_padded, c, o);
}

}  // namespace alwann::nn::kernels
