#pragma once
// Multiplier energy from toggle counting on the operand streams the PEs see.
// At the fold level a layer's stream is sampled: `segments` random PEs
// (a reduction index k and an output n) each followed over a window of up to
// `length` consecutive output pixels (its weight fixed on port A, the
// activations of successive pixels on port B). Window starts are drawn from
// [-(length-1), T-1] and clipped to [0, T-1], so every pixel is equally likely
// to be covered (image borders included). Each window is preceded by the
// operation its PE really did before it (the previous pixel, or the last pixel
// of the previous row fold) so it toggles against a realistic state. The
// estimate is the ratio sum(energy) / sum(operations) over the windows, with
// its 95 % confidence interval from the ratio estimator's variance.
// Results are cached per (layer, multiplier, array rows), so a search
// re-simulating many mappings pays the toggle simulation once.
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "mapping/LayerWork.hpp"
#include "sim/SimTypes.hpp"

namespace alwann::rtl {
class TechModel;
}

namespace alwann::sim {

// The gate-energy technology model: the accelerator's technology file if it
// has a `gates` section, else rtl::TechModel::default_path().
std::shared_ptr<const rtl::TechModel> gate_technology(const std::string& technology_path);

class MultiplyEnergyCache {
 public:
  MultiplyEnergy get(const mapping::LayerWork& layer, const std::string& multiplier, int rows,
                     const LayerOperands* operands, const SimOptions& options,
                     const std::shared_ptr<const rtl::TechModel>& tech);

 private:
  std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, MultiplyEnergy> cache_;
};

// `rows`: the array's R (a window at pixel 0 follows the PE's previous row fold, k - R).
MultiplyEnergy sample_multiply_energy(const mapping::LayerWork& layer, const std::string& multiplier, int rows,
                                      const LayerOperands* operands, const SimOptions& options,
                                      const std::shared_ptr<const rtl::TechModel>& tech);

}  // namespace alwann::sim
