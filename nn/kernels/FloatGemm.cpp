#include "nn/kernels/FloatGemm.hpp"

#include <cstdint>

namespace alwann::nn {
namespace {

// Register block: 4 channels x 32 pixels of accumulators (8 zmm on AVX-512),
// so one activation load serves four multiplies and the sums stay in registers.
constexpr int kChannels = 4;
constexpr int kPixels = 32;

// The body, compiled once per target by the wrappers below; they differ only
// in vector width.
__attribute__((always_inline)) inline void gemm_body(const float* w, const float* bias, const float* xt, int N, int K,
                                                     int M, float* out) {
  int m0 = 0;
  for (; m0 + kPixels <= M; m0 += kPixels) {
    int n0 = 0;
    for (; n0 + kChannels <= N; n0 += kChannels) {
      float acc[kChannels][kPixels];
      for (int j = 0; j < kChannels; ++j)
        for (int i = 0; i < kPixels; ++i) acc[j][i] = bias[n0 + j];
      for (int k = 0; k < K; ++k) {
        const float* x = xt + static_cast<std::int64_t>(k) * M + m0;
        for (int j = 0; j < kChannels; ++j) {
          const float wj = w[static_cast<std::int64_t>(n0 + j) * K + k];
          for (int i = 0; i < kPixels; ++i) acc[j][i] += wj * x[i];
        }
      }
      for (int j = 0; j < kChannels; ++j)
        for (int i = 0; i < kPixels; ++i) out[static_cast<std::int64_t>(n0 + j) * M + m0 + i] = acc[j][i];
    }
    for (; n0 < N; ++n0) {  // leftover channels
      float acc[kPixels];
      for (int i = 0; i < kPixels; ++i) acc[i] = bias[n0];
      for (int k = 0; k < K; ++k) {
        const float* x = xt + static_cast<std::int64_t>(k) * M + m0;
        const float wk = w[static_cast<std::int64_t>(n0) * K + k];
        for (int i = 0; i < kPixels; ++i) acc[i] += wk * x[i];
      }
      for (int i = 0; i < kPixels; ++i) out[static_cast<std::int64_t>(n0) * M + m0 + i] = acc[i];
    }
  }
  if (m0 == M) return;
  for (int n = 0; n < N; ++n) {  // leftover pixels: the plain loop
    float* o = out + static_cast<std::int64_t>(n) * M;
    for (int m = m0; m < M; ++m) o[m] = bias[n];
    for (int k = 0; k < K; ++k) {
      const float wk = w[static_cast<std::int64_t>(n) * K + k];
      const float* x = xt + static_cast<std::int64_t>(k) * M;
      for (int m = m0; m < M; ++m) o[m] += wk * x[m];
    }
  }
}

__attribute__((target("avx512f"))) void gemm_avx512(const float* w, const float* b, const float* xt, int N, int K,
                                                    int M, float* out) {
  gemm_body(w, b, xt, N, K, M, out);
}
__attribute__((target("avx2"))) void gemm_avx2(const float* w, const float* b, const float* xt, int N, int K, int M,
                                               float* out) {
  gemm_body(w, b, xt, N, K, M, out);
}
void gemm_baseline(const float* w, const float* b, const float* xt, int N, int K, int M, float* out) {
  gemm_body(w, b, xt, N, K, M, out);
}

}  // namespace

bool cpu_supports(FloatPath path) {
#if defined(__x86_64__) || defined(__i386__)
  if (path == FloatPath::Avx512) return __builtin_cpu_supports("avx512f");
  if (path == FloatPath::Avx2) return __builtin_cpu_supports("avx2");
  return true;
#else
  return path == FloatPath::Baseline;
#endif
}

FloatPath best_float_path() {
  static const FloatPath best = cpu_supports(FloatPath::Avx512) ? FloatPath::Avx512
                                : cpu_supports(FloatPath::Avx2) ? FloatPath::Avx2
                                                                : FloatPath::Baseline;
  return best;
}

void float_gemm(const float* w, const float* bias, const float* xt, int N, int K, int M, float* out, FloatPath path) {
  switch (path) {
    case FloatPath::Avx512: gemm_avx512(w, bias, xt, N, K, M, out); break;
    case FloatPath::Avx2: gemm_avx2(w, bias, xt, N, K, M, out); break;
    case FloatPath::Baseline: gemm_baseline(w, bias, xt, N, K, M, out); break;
  }
}

}  // namespace alwann::nn
