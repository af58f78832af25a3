// Portable (plain C++) kernels: the reference-speed path every CPU runs and
// the one the AVX-512 path is tested against.
#include <algorithm>
#include <vector>

#include "nn/kernels/GemmImpl.hpp"

namespace alwann::nn::kernels {
namespace {

// Output channels per pass: their four 512-byte product rows stay in L1 and
// one activation load serves four lookups.
constexpr int kRowsPerPass = 4;
// Pixels per pass: 4 x 1024 int32 accumulators (16 KB) stay in L1 too.
constexpr int kPixelsPerPass = 1024;

// V = int16_t for signed tables (products are int16 bit patterns), else uint16_t.
// Channels n_begin..N-1.
template <typename V>
void approx_xt(const PreparedGemm::Impl& p, const std::uint8_t* xt, int M, std::int32_t* c, OutputStrides o,
               int n_begin) {
  const int N = p.N, K = p.K;
  const V* table = reinterpret_cast<const V*>(p.table->table.data());
  std::vector<std::int32_t> acc(kRowsPerPass * kPixelsPerPass);
  for (int n0 = n_begin; n0 < N; n0 += kRowsPerPass) {
    const int rows = std::min(kRowsPerPass, N - n0);
    for (int m0 = 0; m0 < M; m0 += kPixelsPerPass) {
      const int len = std::min(kPixelsPerPass, M - m0);
      for (int j = 0; j < rows; ++j) std::fill_n(acc.data() + j * kPixelsPerPass, len, 0);
      std::int32_t* a0 = acc.data();
      std::int32_t* a1 = a0 + kPixelsPerPass;
      std::int32_t* a2 = a1 + kPixelsPerPass;
      std::int32_t* a3 = a2 + kPixelsPerPass;
      for (int k = 0; k < K; ++k) {
        const std::uint8_t* xk = xt + static_cast<std::size_t>(k) * M + m0;
        if (rows == kRowsPerPass) {
          const V* r0 = table + 256 * p.w[static_cast<std::size_t>(n0) * K + k];
          const V* r1 = table + 256 * p.w[static_cast<std::size_t>(n0 + 1) * K + k];
          const V* r2 = table + 256 * p.w[static_cast<std::size_t>(n0 + 2) * K + k];
          const V* r3 = table + 256 * p.w[static_cast<std::size_t>(n0 + 3) * K + k];
          for (int m = 0; m < len; ++m) {
            const unsigned x = xk[m];
            a0[m] += r0[x];
            a1[m] += r1[x];
            a2[m] += r2[x];
            a3[m] += r3[x];
          }
        } else {
          for (int j = 0; j < rows; ++j) {
            const V* r = table + 256 * p.w[static_cast<std::size_t>(n0 + j) * K + k];
            std::int32_t* a = acc.data() + j * kPixelsPerPass;
            for (int m = 0; m < len; ++m) a[m] += r[xk[m]];
          }
        }
      }
      for (int j = 0; j < rows; ++j)
        for (int m = 0; m < len; ++m)
          c[(m0 + m) * o.m + (n0 + j) * o.n] = acc[j * kPixelsPerPass + m];
    }
  }
}

// Long pixel rows (M >= kPairsMinPixels) amortise building, per k, two
// 256-entry rows of uint64 that each hold two channels' products (low and
// high 32 bits): one load and one 64-bit add then serve two channels, which
// halves the accumulator traffic that bounds approx_xt. The lanes cannot
// carry into each other: products are made unsigned (signed ones + 32768,
// taken off at the end) and K <= kMaxGemmK keeps every lane sum < 2^32.
// Below the threshold the 2 x 256-entry build per k costs more than it saves.
constexpr int kPairsMinPixels = 512;

// Channels 0 .. N/4*4-1 (the rest go to approx_xt); returns where it stopped.
int approx_xt_pairs(const PreparedGemm::Impl& p, const std::uint8_t* xt, int M, std::int32_t* c, OutputStrides o) {
  const int N = p.N, K = p.K;
  const std::uint32_t flip = p.is_signed ? 0x8000u : 0u;
  const std::uint32_t bias = flip * static_cast<std::uint32_t>(K);
  std::vector<std::uint64_t> acc(2 * kPixelsPerPass);
  std::uint64_t pair[2][256];
  const int n_end = N / kRowsPerPass * kRowsPerPass;
  for (int n0 = 0; n0 < n_end; n0 += kRowsPerPass) {
    for (int m0 = 0; m0 < M; m0 += kPixelsPerPass) {
      const int len = std::min(kPixelsPerPass, M - m0);
      std::fill_n(acc.data(), len, 0);
      std::fill_n(acc.data() + kPixelsPerPass, len, 0);
      std::uint64_t* a0 = acc.data();
      std::uint64_t* a1 = a0 + kPixelsPerPass;
      for (int k = 0; k < K; ++k) {
        for (int q = 0; q < 2; ++q) {
          const std::uint16_t* lo = p.table->table.data() + 256 * p.w[static_cast<std::size_t>(n0 + 2 * q) * K + k];
          const std::uint16_t* hi = p.table->table.data() + 256 * p.w[static_cast<std::size_t>(n0 + 2 * q + 1) * K + k];
          for (int x = 0; x < 256; ++x)
            pair[q][x] = (lo[x] ^ flip) | static_cast<std::uint64_t>(hi[x] ^ flip) << 32;
        }
        const std::uint8_t* xk = xt + static_cast<std::size_t>(k) * M + m0;
        for (int m = 0; m < len; ++m) {
          const unsigned x = xk[m];
          a0[m] += pair[0][x];
          a1[m] += pair[1][x];
        }
      }
      for (int m = 0; m < len; ++m) {
        std::int32_t* cm = c + (m0 + m) * o.m + n0 * o.n;
        cm[0] = static_cast<std::int32_t>(static_cast<std::uint32_t>(a0[m]) - bias);
        cm[o.n] = static_cast<std::int32_t>(static_cast<std::uint32_t>(a0[m] >> 32) - bias);
        cm[2 * o.n] = static_cast<std::int32_t>(static_cast<std::uint32_t>(a1[m]) - bias);
        cm[3 * o.n] = static_cast<std::int32_t>(static_cast<std::uint32_t>(a1[m] >> 32) - bias);
      }
    }
  }
  return n_end;
}

// T = int8_t or uint8_t: the codes as numbers.
template <typename T>
void exact(const PreparedGemm::Impl& p, const std::uint8_t* x, int M, std::int32_t* c, OutputStrides o) {
  const int N = p.N, K = p.K;
  for (int m = 0; m < M; ++m) {
    const T* xm = reinterpret_cast<const T*>(x + static_cast<std::size_t>(m) * K);
    for (int n = 0; n < N; ++n) {
      const T* wn = reinterpret_cast<const T*>(p.w.data() + static_cast<std::size_t>(n) * K);
      std::int32_t s = 0;
      for (int k = 0; k < K; ++k) s += static_cast<std::int32_t>(xm[k]) * static_cast<std::int32_t>(wn[k]);
      c[m * o.m + n * o.n] = s;
    }
  }
}

}  // namespace

void approx_xt_portable(const PreparedGemm::Impl& p, const std::uint8_t* xt, int M, std::int32_t* c, OutputStrides o) {
  const int n_begin = M >= kPairsMinPixels ? approx_xt_pairs(p, xt, M, c, o) : 0;
  if (p.is_signed)
    approx_xt<std::int16_t>(p, xt, M, c, o, n_begin);
  else
    approx_xt<std::uint16_t>(p, xt, M, c, o, n_begin);
}

void exact_portable(const PreparedGemm::Impl& p, const std::uint8_t* x, int M, std::int32_t* c, OutputStrides o) {
  if (p.is_signed)
    exact<std::int8_t>(p, x, M, c, o);
  else
    exact<std::uint8_t>(p, x, M, c, o);
}

void exact_xt_portable(const PreparedGemm::Impl& p, const std::uint8_t* xt, int M, std::int32_t* c, OutputStrides o) {
  // Transposing (8 x 8 blocks, cheap) and reducing along k beat an
  // accumulate-along-m kernel on K x M input: equal at M = 784, 1.2-1.4x
  // faster at M = 196 and 49 (bench_kernels, AMD EPYC, AVX2 host).
  std::vector<std::uint8_t> x(static_cast<std::size_t>(M) * p.K);
  transpose_bytes(xt, p.K, M, x.data());
  exact_portable(p, x.data(), M, c, o);
}

}  // namespace alwann::nn::kernels
