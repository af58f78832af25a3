#pragma once
// Data-dependent PE datapath energy from toggle counting on the operand
// streams the PEs see: the multiplier's gate netlist (rtl::ToggleSimulator),
// the accumulator's ripple-carry adder (rtl::AdderToggleSimulator) on the
// partial sum arriving from the rows above plus the PE's product, and the bit
// flips of the activation and partial-sum registers.
// At the fold level a layer's stream is sampled: `segments` random PEs
// (a reduction index k and an output n) each followed over a window of up to
// `length` consecutive output pixels (its weight fixed on port A, the
// activations of successive pixels on port B). Window starts are drawn from
// [-(length-1), T-1] and clipped to [0, T-1], so every pixel is equally likely
// to be covered (image borders included). Each window is preceded by the
// operation its PE really did before it (the previous pixel, or the last pixel
// of the previous row fold) so it toggles against a realistic state. The
// estimates are ratios sum(energy) / sum(operations) over the windows, with
// their 95 % confidence intervals from the ratio estimator's variance.
// Without operands (null) the codes are uniformly random: the
// random-operand reference the reports print beside the real-data figures.
// Results are cached per (layer, multiplier, array rows, operands kind), so a
// search re-simulating many mappings pays the toggle simulation once.
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>

#include "mapping/LayerWork.hpp"
#include "sim/SimTypes.hpp"

namespace alwann::rtl {
class TechModel;
}

namespace alwann::sim {

// The accelerator's technology file's gate figures (validated when the
// accelerator was loaded; no fallback to another file).
std::shared_ptr<const rtl::TechModel> gate_technology(const std::string& technology_path);

class MultiplyEnergyCache {
 public:
  PeDatapathEnergy get(const mapping::LayerWork& layer, const std::string& multiplier, int rows, int adder_bits,
                       const LayerOperands* operands, const SimOptions& options,
                       const std::shared_ptr<const rtl::TechModel>& tech);
  using Key = std::tuple<std::string, std::string, int>;
  // The entry get() reads or fills for these arguments.
  static Key key(const mapping::LayerWork& layer, const std::string& multiplier, int rows, int adder_bits,
                 const LayerOperands* operands, const SimOptions& options);

 private:
  std::mutex mutex_;
  std::map<Key, PeDatapathEnergy> cache_;
};

// A multiplier imported as a product table only (no netlist) is priced by its
// library power: one multiplication per clock cycle, E = P / f. Throws
// alwann::Error naming the multiplier when it has no power figure.
MultiplyEnergy library_priced_multiply(const std::string& multiplier, double clock_hz);

// `rows`: the array's R (a window at pixel 0 follows the PE's previous row
// fold, k - R; the partial sum entering row k sums the rows k0..k-1 of its fold).
PeDatapathEnergy sample_pe_datapath(const mapping::LayerWork& layer, const std::string& multiplier, int rows,
                                    int adder_bits, const LayerOperands* operands, const SimOptions& options,
                                    const std::shared_ptr<const rtl::TechModel>& tech);

}  // namespace alwann::sim
