// Row requantisation and integer Add: the AVX-512 lanes equal nn/FixedPoint.hpp's
// scalar apply_multiplier bit for bit, over random and extreme operands.
#include <catch2/catch.hpp>

#include <algorithm>
#include <climits>
#include <cmath>
#include <random>
#include <vector>

#include "nn/kernels/Requantize.hpp"

using namespace alwann::nn;

namespace {

std::vector<KernelPath> paths() {
  std::vector<KernelPath> p{KernelPath::Portable};
  if (cpu_has_avx512_kernels())
    p.push_back(KernelPath::Avx512);
  else
    WARN("CPU lacks AVX-512: only the portable requantisation is tested");
  return p;
}

// Factors from far below 1 (typical requantisation) to above 1 (left shifts, saturation).
FixedPointMultiplier random_multiplier(std::mt19937& rng) {
  std::uniform_real_distribution<double> exponent(-24.0, 12.0);
  return quantize_multiplier(std::pow(2.0, exponent(rng)));
}

std::uint8_t code(int v, int lo, int hi) { return static_cast<std::uint8_t>(std::clamp(v, lo, hi) & 0xff); }

}  // namespace

TEST_CASE("row requantisation equals the scalar fixed-point formula", "[requantize]") {
  std::mt19937 rng(99);
  std::uniform_int_distribution<std::int32_t> any(INT32_MIN / 4, INT32_MAX / 4), small(-40000, 40000);
  std::uniform_int_distribution<int> sums(0, 255 * 600);
  for (int trial = 0; trial < 300; ++trial) {
    const bool is_signed = trial % 2;
    RequantRow p;
    p.m = trial % 50 == 0 ? FixedPointMultiplier{} : random_multiplier(rng);
    p.zw = is_signed ? 0 : static_cast<std::int32_t>(rng() % 256);
    p.constant = small(rng);
    p.zero_point = is_signed ? 0 : static_cast<int>(rng() % 256);
    p.lo = is_signed ? -128 : 0;
    p.hi = is_signed ? 127 : 255;
    if (trial % 3 == 0) p.lo = p.zero_point;  // a fused Relu
    const int count = 1 + static_cast<int>(rng() % 70);  // vector tails
    std::vector<std::int32_t> c(static_cast<size_t>(count)), sumx(c.size());
    for (size_t i = 0; i < c.size(); ++i) {
      c[i] = trial % 7 == 0 ? any(rng) : small(rng) * 16;
      sumx[i] = sums(rng);
    }
    if (count > 3)  // at the int32 limits, computed with wrap-around as the kernels add
      c[0] = static_cast<std::int32_t>(static_cast<std::uint32_t>(INT32_MAX) - static_cast<std::uint32_t>(p.constant)),
      c[1] = INT32_MIN + 40000, c[2] = 0;
    std::vector<std::uint8_t> want(c.size());
    for (size_t i = 0; i < c.size(); ++i) {
      // 32-bit wrap-around, as the kernels compute (signed overflow would be undefined)
      const std::int32_t acc = static_cast<std::int32_t>(static_cast<std::uint32_t>(c[i]) -
                                                         static_cast<std::uint32_t>(p.zw) * static_cast<std::uint32_t>(sumx[i]) +
                                                         static_cast<std::uint32_t>(p.constant));
      want[i] = code(p.zero_point + apply_multiplier(acc, p.m), p.lo, p.hi);
    }
    for (KernelPath path : paths()) {
      INFO("trial " << trial << " path " << to_string(path) << " multiplier " << p.m.multiplier << " shift " << p.m.shift);
      std::vector<std::uint8_t> out(c.size() + 1, 0xA5);
      requantize(c.data(), sumx.data(), count, p, out.data(), path);
      CHECK(std::vector<std::uint8_t>(out.begin(), out.begin() + count) == want);
      CHECK(out.back() == 0xA5);  // nothing written past the row
    }
  }
}

TEST_CASE("integer Add equals the scalar TFLite formula for every code pair", "[requantize]") {
  std::mt19937 rng(5);
  std::vector<std::uint8_t> a(65536), b(65536);
  for (int i = 0; i < 65536; ++i) a[static_cast<size_t>(i)] = static_cast<std::uint8_t>(i >> 8), b[static_cast<size_t>(i)] = static_cast<std::uint8_t>(i);
  for (int trial = 0; trial < 12; ++trial) {
    AddRequant p;
    p.is_signed = trial % 2;
    p.za = p.is_signed ? 0 : static_cast<std::int32_t>(rng() % 256);
    p.zb = p.is_signed ? 0 : static_cast<std::int32_t>(rng() % 256);
    p.ma = quantize_multiplier(std::uniform_real_distribution<double>(0.05, 1.0)(rng));
    p.mb = quantize_multiplier(std::uniform_real_distribution<double>(0.05, 1.0)(rng));
    p.out = quantize_multiplier(std::uniform_real_distribution<double>(1.0 / 4096, 1.0 / 256)(rng));
    p.zero_point = p.is_signed ? -3 : 17;
    p.lo = p.is_signed ? -128 : 0;
    p.hi = p.is_signed ? 127 : 255;
    std::vector<std::uint8_t> want(a.size());
    for (size_t i = 0; i < a.size(); ++i) {
      const int va = p.is_signed ? static_cast<std::int8_t>(a[i]) : a[i], vb = p.is_signed ? static_cast<std::int8_t>(b[i]) : b[i];
      const std::int32_t sum = apply_multiplier((va - p.za) * (1 << 20), p.ma) + apply_multiplier((vb - p.zb) * (1 << 20), p.mb);
      want[i] = code(p.zero_point + apply_multiplier(sum, p.out), p.lo, p.hi);
    }
    for (KernelPath path : paths()) {
      INFO("trial " << trial << " path " << to_string(path));
      std::vector<std::uint8_t> out(a.size() - 5);
      add_requantize(a.data(), b.data(), static_cast<int>(out.size()), p, out.data(), path);
      CHECK(out == std::vector<std::uint8_t>(want.begin(), want.end() - 5));
    }
  }
}
