#pragma once
// The mapper's schedule: the order in which every unit (and, on a tile_array,
// the shared vector unit) runs its layers. Orders follow a list schedule on
// lone-layer cycle estimates (earliest estimated start first, ties by layer id),
// which respects the network DAG, so executing the queues in order never
// deadlocks. The simulators then time it with contention, stalls and wake-ups.
#include <cstdint>
#include <vector>

#include "mapping/AcceleratorConfig.hpp"
#include "mapping/LayerWork.hpp"
#include "mapping/MappingConfig.hpp"

namespace alwann::mapping {

struct Schedule {
  std::vector<std::vector<int>> unit_queue;  // per unit: layer ids in execution order
  std::vector<int> vector_queue;             // tile_array: layers on the shared vector unit
  std::vector<std::int64_t> estimated_start, estimated_cycles;  // per layer id
};

Schedule build_schedule(const AcceleratorConfig& acc, const NetworkWork& work, const ResolvedMapping& m);

}  // namespace alwann::mapping
