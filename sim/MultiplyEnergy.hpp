#pragma once
// Multiplier energy from toggle counting on the operand streams the PEs see.
// At the fold level a layer's stream is sampled: `segments` random PEs of
// random folds, each followed for `length` consecutive operations (its weight
// fixed on port A, the activations of successive output pixels on port B),
// each preceded by one warm-up operation so the segment toggles against a
// realistic previous state rather than all-zero. The per-segment means give
// the estimate and its 95 % confidence interval (1.96 s / sqrt(segments)).
// Results are cached per (layer, multiplier), so a search re-simulating many
// mappings pays the toggle simulation once.
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
  MultiplyEnergy get(const mapping::LayerWork& layer, const std::string& multiplier, const LayerOperands* operands,
                     const SimOptions& options, const std::shared_ptr<const rtl::TechModel>& tech);

 private:
  std::mutex mutex_;
  std::map<std::pair<std::string, std::string>, MultiplyEnergy> cache_;
};

MultiplyEnergy sample_multiply_energy(const mapping::LayerWork& layer, const std::string& multiplier,
                                      const LayerOperands* operands, const SimOptions& options,
                                      const std::shared_ptr<const rtl::TechModel>& tech);

}  // namespace alwann::sim
