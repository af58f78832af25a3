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

// Fills `cache` with every multiplier energy price_energy() will look up
// for these setups (real and random operands), `threads` lookups at a time.
// A search calls it for a whole batch before simulating the candidates one
// by one: SystemC runs one simulation per process at a time, but toggle
// counting, most of a new candidate's simulation time, is plain C++. The
// cache is keyed by content and each entry is computed from a fixed seed, so
// the results do not depend on the order or the threads.
void warm_multiply_energy(const std::vector<const SimulationSetup*>& setups, const SimOptions& options,
                          MultiplyEnergyCache& cache, int threads);

// Powered and gated cycles of a unit over [0, end) given its busy intervals:
// units start gated; an idle gap longer than the threshold is gated after it.
struct PowerTime {
  std::int64_t powered_idle = 0, gated = 0;
};
PowerTime unit_power_time(const std::vector<BusyInterval>& busy, std::int64_t end,
                          const mapping::PowerGatingConfig& pg);

}  // namespace alwann::sim
