#pragma once
// A bit-true evaluator of one multiplier, backed by its Verilated model
// (compiled into alwann for the built-in library, or loaded from a shared
// object built at run time for user Verilog). Port A = weight, B = activation.
#include <cstdint>
#include <memory>

namespace alwann::rtl {

class MultiplierModel {
 public:
  virtual ~MultiplierModel() = default;
  virtual std::uint16_t multiply(std::uint8_t a, std::uint8_t b) = 0;
};

using MultiplierModelPtr = std::unique_ptr<MultiplierModel>;

}  // namespace alwann::rtl
