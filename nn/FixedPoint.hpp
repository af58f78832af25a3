#pragma once
// Integer requantisation in the gemmlowp / TensorFlow Lite style: a real
// factor r is stored as a Q31 multiplier and a power-of-two shift, and
// applied with a rounding doubling high multiply followed by a rounding right
// shift. Pure integer arithmetic: results do not depend on the host, the
// compiler's float settings or the thread count.
#include <cstdint>

namespace alwann::nn {

struct FixedPointMultiplier {
  std::int32_t multiplier = 0;  // Q31, in [2^30, 2^31) unless the factor is 0
  int shift = 0;                // r = multiplier * 2^(shift - 31)
};

// Splits r >= 0 (r < 2^31) into multiplier and shift; r = 0 gives {0, 0}.
FixedPointMultiplier quantize_multiplier(double r);

// round(a * b / 2^31), saturating the one overflow case (gemmlowp; a negative
// product exactly halfway rounds towards zero, as in gemmlowp).
inline std::int32_t saturating_rounding_doubling_high_mul(std::int32_t a, std::int32_t b) {
  if (a == b && a == INT32_MIN) return INT32_MAX;
  const std::int64_t ab = static_cast<std::int64_t>(a) * b;
  const std::int64_t nudge = ab >= 0 ? (1ll << 30) : (1 - (1ll << 30));
  return static_cast<std::int32_t>((ab + nudge) / (1ll << 31));
}

// x / 2^exponent rounded to nearest, ties away from zero (gemmlowp).
inline std::int32_t rounding_divide_by_pot(std::int32_t x, int exponent) {
  if (exponent <= 0) return x;
  const std::int32_t mask = static_cast<std::int32_t>((1ll << exponent) - 1);
  const std::int32_t remainder = x & mask;
  const std::int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// x * r, rounded; a left shift (r >= 1) saturates instead of wrapping.
inline std::int32_t apply_multiplier(std::int32_t x, FixedPointMultiplier m) {
  const int left = m.shift > 0 ? m.shift : 0, right = m.shift > 0 ? 0 : -m.shift;
  std::int64_t shifted = static_cast<std::int64_t>(x) * (std::int64_t{1} << left);
  if (shifted > INT32_MAX) shifted = INT32_MAX;
  if (shifted < INT32_MIN) shifted = INT32_MIN;
  return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(static_cast<std::int32_t>(shifted), m.multiplier),
                                right);
}

// a / b rounded to nearest, ties away from zero (b > 0): average pooling.
inline std::int32_t rounding_divide(std::int32_t a, std::int32_t b) {
  return a >= 0 ? (a + b / 2) / b : -((-a + b / 2) / b);
}

}  // namespace alwann::nn
