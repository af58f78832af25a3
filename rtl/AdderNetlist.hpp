#pragma once
// Toggle energy of a PE's accumulator: a W-bit ripple-carry adder (bit 0 a
// half adder, every other bit a full adder of two XOR, two AND and one OR
// gate) simulated zero-delay 64 additions at a time, each gate-output toggle
// weighted by the technology model's figure for that gate type and fan-out,
// exactly as rtl::ToggleSimulator prices a multiplier's netlist. The operand
// bits are ports (only their loads count). Operands are two's-complement
// values truncated to W bits; the first addition toggles against all-zero.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace alwann::rtl {

class TechModel;

class AdderToggleSimulator {
 public:
  AdderToggleSimulator(int width_bits, std::shared_ptr<const TechModel> tech);

  // Appends n additions a[i] + b[i] to the stream.
  void feed(const std::int64_t* a, const std::int64_t* b, std::size_t n);
  void reset();
  // Energy of each segment of a stream of additions, priced like feed():
  // segment j is additions [starts[j], starts[j+1]), charged the toggles into
  // each but its first (see rtl::segment_energies_fj). Leaves the stream alone.
  std::vector<double> segment_energies_fj(const std::int64_t* a, const std::int64_t* b,
                                          const std::vector<std::size_t>& starts) const;

  int width() const { return width_; }
  std::uint64_t operations() const { return ops_; }
  double energy_fj() const;  // total over the stream so far
  std::uint64_t total_toggles() const;

 private:
  // Gate slots per bit: a port, b port, x = a^b, s = x^c, g = a&b, p = x&c, c_out = g|p.
  static constexpr int kSlots = 7;
  // The gate outputs of `lanes` (1..64) additions into words[bit * kSlots + slot].
  void evaluate(const std::int64_t* a, const std::int64_t* b, std::size_t lanes, std::uint64_t* words) const;
  int width_;
  std::shared_ptr<const TechModel> tech_;
  std::vector<std::uint8_t> last_;      // each signal's value after the previous addition
  std::vector<std::uint64_t> toggles_;  // per signal (bit * kSlots + slot)
  std::vector<double> weight_fj_;       // energy of one toggle per signal
  std::uint64_t ops_ = 0;
};

}  // namespace alwann::rtl
