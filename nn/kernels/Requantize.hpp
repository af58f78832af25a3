#pragma once
// Requantisation of whole rows of int32 sums (convolution and fully
// connected outputs) and of integer Add, on the kernel path's vector units.
// Bit-identical to nn/FixedPoint.hpp's scalar apply_multiplier on every path
// (tests/nn/test_requantize.cpp).
#include <cstdint>

#include "nn/FixedPoint.hpp"
#include "nn/kernels/ApproxGemm.hpp"

namespace alwann::nn {

// out[i] = code(clamp(zero_point + apply_multiplier(c[i] - zw * sumx[i] + constant, m), lo, hi)),
// where code() keeps the low byte (uint8 or int8 code). sumx is read only when zw != 0.
struct RequantRow {
  std::int32_t constant = 0, zw = 0;
  FixedPointMultiplier m;
  int zero_point = 0, lo = 0, hi = 255;
};
void requantize(const std::int32_t* c, const std::int32_t* sumx, int count, const RequantRow& p, std::uint8_t* out,
                KernelPath path);

// TFLite's integer Add: each input's (value - z) * 2^20 rescaled to a common
// grid, summed, rescaled to the output. Code values are int8 when is_signed.
struct AddRequant {
  bool is_signed = false;
  std::int32_t za = 0, zb = 0;
  FixedPointMultiplier ma, mb, out;
  int zero_point = 0, lo = 0, hi = 255;
};
void add_requantize(const std::uint8_t* a, const std::uint8_t* b, int count, const AddRequant& p, std::uint8_t* out,
                    KernelPath path);

}  // namespace alwann::nn
