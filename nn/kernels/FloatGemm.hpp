#pragma once
// The float convolution GEMM of the reference (float) engine:
//   out[n*M + m] = bias[n] + sum_k w[n*K + k] * xt[k*M + m]
// with the sum over k taken in order k = 0..K-1 for every output, as a plain
// loop would, and no fused multiply-add (nn/ is built with
// -ffp-contract=off), so every vector width gives the same floats: the
// calibration ranges, and so the quantisation, do not depend on the CPU.
// Compiled for AVX-512, AVX2 and the baseline, chosen at run time.
namespace alwann::nn {

enum class FloatPath { Baseline, Avx2, Avx512 };
// The widest path this CPU runs.
FloatPath best_float_path();
bool cpu_supports(FloatPath path);

void float_gemm(const float* w, const float* bias, const float* xt, int N, int K, int M, float* out,
                FloatPath path = best_float_path());

}  // namespace alwann::nn
