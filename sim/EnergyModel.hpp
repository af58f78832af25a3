#pragma once
// Prices the activity a simulation counted (docs/simulation.md, "Energy"):
// per layer and unit, multiplier energy from toggle counting (pe: every
// operation; fold: a sampled stream with its confidence interval),
// accumulator and register energy per MAC, global-buffer and DRAM bytes,
// vector-unit operations, leakage of the unit while it runs the layer and
// wake-ups; the idle leakage of powered and gated units is added to the totals.
#include <memory>
#include <vector>

#include "sim/AcceleratorModel.hpp"
#include "sim/MultiplyEnergy.hpp"
#include "sim/Simulator.hpp"

namespace alwann::sim {

void price_energy(const SimulationSetup& setup, const SimOptions& options, MultiplyEnergyCache* cache,
                  const std::shared_ptr<const rtl::TechModel>& tech, const std::vector<std::vector<BusyInterval>>& busy,
                  const std::vector<std::int64_t>& wakeups, SimResult& result);

// Powered and gated cycles of a unit over [0, end) given its busy intervals:
// units start gated; an idle gap longer than the threshold is gated after it.
struct PowerTime {
  std::int64_t powered_idle = 0, gated = 0;
};
PowerTime unit_power_time(const std::vector<BusyInterval>& busy, std::int64_t end,
                          const mapping::PowerGatingConfig& pg);

}  // namespace alwann::sim
