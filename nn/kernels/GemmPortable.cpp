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
template <typename V>
void approx_xt(const PreparedGemm::Impl& p, const std::uint8_t* xt, int M, std::int32_t* c) {
  const int N = p.N, K = p.K;
  const V* table = reinterpret_cast<const V*>(p.table.data());
  std::vector<std::int32_t> acc(kRowsPerPass * kPixelsPerPass);
  for (int n0 = 0; n0 < N; n0 += kRowsPerPass) {
    const int rows = std::min(kRowsPerPass, N - n0);
    for (int m0 = 0; m0 < M; m0 += kPixelsPerPass) {
      const int len = std::min(kPixelsPerPass, M - m0);
      std::fill(acc.begin(), acc.end(), 0);
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
          c[static_cast<std::size_t>(m0 + m) * N + n0 + j] = acc[j * kPixelsPerPass + m];
    }
  }
}

// T = int8_t or uint8_t: the codes as numbers.
template <typename T>
void exact(const PreparedGemm::Impl& p, const std::uint8_t* x, int M, std::int32_t* c) {
  const int N = p.N, K = p.K;
  for (int m = 0; m < M; ++m) {
    const T* xm = reinterpret_cast<const T*>(x + static_cast<std::size_t>(m) * K);
    for (int n = 0; n < N; ++n) {
      const T* wn = reinterpret_cast<const T*>(p.w.data() + static_cast<std::size_t>(n) * K);
      std::int32_t s = 0;
      for (int k = 0; k < K; ++k) s += static_cast<std::int32_t>(xm[k]) * static_cast<std::int32_t>(wn[k]);
      c[static_cast<std::size_t>(m) * N + n] = s;
    }
  }
}

}  // namespace

void approx_xt_portable(const PreparedGemm::Impl& p, const std::uint8_t* xt, int M, std::int32_t* c) {
  if (p.is_signed)
    approx_xt<std::int16_t>(p, xt, M, c);
  else
    approx_xt<std::uint16_t>(p, xt, M, c);
}

void exact_portable(const PreparedGemm::Impl& p, const std::uint8_t* x, int M, std::int32_t* c) {
  if (p.is_signed)
    exact<std::int8_t>(p, x, M, c);
  else
    exact<std::uint8_t>(p, x, M, c);
}

}  // namespace alwann::nn::kernels
