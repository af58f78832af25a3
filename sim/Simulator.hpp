#pragma once
// One call simulates a mapped network on an accelerator: it builds a fresh
// SystemC context with the AcceleratorModel and the chosen level's executor,
// runs it, then prices the counted activity with the energy model.
#include <memory>
#include <string>
#include <vector>

#include "mapping/AcceleratorConfig.hpp"
#include "mapping/LayerWork.hpp"
#include "mapping/MappingConfig.hpp"
#include "mapping/Schedule.hpp"
#include "sim/MultiplyEnergy.hpp"
#include "sim/SimTypes.hpp"

namespace alwann::sim {

struct SimulationSetup {
  mapping::AcceleratorConfig accelerator;
  mapping::NetworkWork work;
  mapping::ResolvedMapping mapping;
  mapping::Schedule schedule;
  std::string mapping_name;
  std::vector<LayerOperandsPtr> operands;  // per layer id; null = none (fold level then samples random codes)

  // Resolves the mapping, checks its multipliers exist, builds the schedule.
  static SimulationSetup make(mapping::AcceleratorConfig acc, mapping::NetworkWork work,
                              const mapping::MappingConfig& mapping);
};

// Limits of one run, checked before anything is simulated (alwann::Error):
// images back to back (--stream), operand-stream segments per layer
// (--samples), PEs per array at the PE level (one toggle simulator per PE).
constexpr int kMaxStreamImages = 100000;
constexpr int kMaxSampleSegments = 1 << 20;
constexpr int kMaxPeLevelPes = 256 * 256;
void check_limits(const mapping::AcceleratorConfig& acc, const SimOptions& options);

SimResult simulate(const SimulationSetup& setup, const SimOptions& options, MultiplyEnergyCache* cache = nullptr);

// Uniformly random 8-bit operands for every array layer (a workload without
// data); each activation code is 0 with probability `zero_fraction` (ReLU
// sparsity: code 0 is real 0 for post-ReLU tf-uint8 and int8 symmetric).
std::vector<LayerOperandsPtr> random_operands(const mapping::NetworkWork& work, std::uint64_t seed,
                                              double zero_fraction = 0);

// MAC-weighted mean library power of the multipliers (reference §1); empty
// when a multiplier in use carries no library power figure.
std::optional<double> library_power_metric(const mapping::NetworkWork& work, const mapping::ResolvedMapping& m);

}  // namespace alwann::sim
