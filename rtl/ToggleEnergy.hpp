#pragma once
// Toggle-based switching energy of a multiplier's gate netlist.
//
// The netlist is simulated zero-delay, 64 operations at a time (one bit lane
// per operation); every gate output that changes between two consecutive
// operations counts one toggle, weighted by the energy of one toggle of that
// net (toggle_weights_fj). Glitches are not counted (zero delay).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace alwann::rtl {

class GateNetlist;
class TechModel;

// Energy (fJ, calibration scale applied) of one toggle of each signal's net.
// A gate of no priced standard cell costs its type's internal energy plus
// the loads it drives. A net of a standard cell the technology file prices
// (gates.standard_cells) costs the cell's output energy for that pin plus its
// loads, and the gates of that cell's logic function cost nothing of their
// own. Loads: one gate input per reading gate outside priced cells and per
// output port bit, and each priced cell input pin's load on the net. With no
// priced cells this is TechModel::toggle_energy_fj(type, fanout) per gate.
std::vector<double> toggle_weights_fj(const GateNetlist& netlist, const TechModel& tech);
using ToggleWeights = std::shared_ptr<const std::vector<double>>;

class ToggleSimulator {
 public:
  ToggleSimulator(std::shared_ptr<const GateNetlist> netlist, const std::shared_ptr<const TechModel>& tech);
  // Many simulators of one netlist (one per PE of an array) share its weights.
  ToggleSimulator(std::shared_ptr<const GateNetlist> netlist, ToggleWeights weights);
  ~ToggleSimulator();

  // Appends n operations (a[i] on port A = weight, b[i] on port B = activation)
  // to the stream; the first operation of the whole stream toggles against
  // the all-zero state.
  void feed(const std::uint8_t* a, const std::uint8_t* b, std::size_t n);
  void reset();

  std::uint64_t operations() const { return ops_; }
  double energy_fj() const;         // total over the stream so far
  double energy_per_op_fj() const;  // energy_fj() / operations()
  std::uint64_t total_toggles() const;
  const std::vector<std::uint64_t>& toggles_per_signal() const { return toggles_; }

 private:
  std::shared_ptr<const GateNetlist> netlist_;
  std::vector<std::uint64_t> values_;   // current 64-lane word per signal
  std::vector<std::uint8_t> last_bit_;  // each signal's value after the previous word
  std::vector<std::uint64_t> toggles_;  // per signal
  ToggleWeights weights_fj_;            // per signal: energy of one toggle
  std::uint64_t ops_ = 0;
};

// Energy (fJ) of each segment of a stream of operations (a on port A, b on
// port B): segment j is operations [starts[j], starts[j+1]) and is charged
// the toggles into each of its operations but the first, which only sets the
// state (a PE's previous operation, or (0, 0) for the reset state). The same
// figures as one ToggleSimulator per segment, at one netlist evaluation per
// 64 operations however short the segments.
std::vector<double> segment_energies_fj(const GateNetlist& netlist, const std::vector<double>& weights_fj,
                                        const std::uint8_t* a, const std::uint8_t* b,
                                        const std::vector<std::size_t>& starts);

// Energy per operation (fJ) of uniformly random operand pairs (seeded).
double uniform_random_energy_fj(std::shared_ptr<const GateNetlist> netlist,
                                std::shared_ptr<const TechModel> tech, std::size_t operations,
                                std::uint64_t seed = 1);

}  // namespace alwann::rtl
