#include "mapping/Schedule.hpp"

#include <algorithm>

#include "mapping/ArrayTiming.hpp"

namespace alwann::mapping {

Schedule build_schedule(const AcceleratorConfig& acc, const NetworkWork& work, const ResolvedMapping& m) {
  Schedule s;
  const int U = static_cast<int>(acc.units.size());
  s.unit_queue.assign(U, {});
  s.estimated_start.assign(work.size(), 0);
  s.estimated_cycles.assign(work.size(), 0);
  for (const auto& l : work)
    s.estimated_cycles[l.id] =
        l.on_array() ? layer_array_cycles(l, acc.units[m.unit_of_layer[l.id]].rows, acc.units[m.unit_of_layer[l.id]].cols,
                                          acc.weight_buffering, acc.global_buffer.bytes_per_cycle)
                     : vector_cycles(l, acc.vector_unit.lanes);
  if (acc.style == AcceleratorStyle::Pipelined) {
    // One image per stage at a time: a stage runs its layers in topological order.
    for (const auto& l : work)
      if (m.unit_of_layer[l.id] >= 0) s.unit_queue[m.unit_of_layer[l.id]].push_back(l.id);
    return s;
  }
  // List scheduling: repeatedly start the ready layer with the earliest possible start.
  std::vector<std::int64_t> unit_free(U, 0), finish(work.size(), 0);
  std::int64_t vector_free = 0;
  std::vector<bool> done(work.size(), false);
  for (std::size_t step = 0; step < work.size(); ++step) {
    int pick = -1;
    std::int64_t pick_start = 0;
    for (const auto& l : work) {
      if (done[l.id]) continue;
      bool ready = true;
      std::int64_t t = 0;
      for (int p : l.preds) {
        ready &= done[p];
        t = std::max(t, finish[p]);
      }
      if (!ready) continue;
      const int u = m.unit_of_layer[l.id];
      t = std::max(t, l.on_array() ? unit_free[u] : vector_free);
      if (pick < 0 || t < pick_start) {
        pick = l.id;
        pick_start = t;
      }
    }
    const LayerWork& l = work[pick];
    done[pick] = true;
    s.estimated_start[pick] = pick_start;
    finish[pick] = pick_start + s.estimated_cycles[pick];
    if (l.on_array()) {
      unit_free[m.unit_of_layer[pick]] = finish[pick];
      s.unit_queue[m.unit_of_layer[pick]].push_back(pick);
    } else {
      vector_free = finish[pick];
      s.vector_queue.push_back(pick);
    }
  }
  return s;
}

}  // namespace alwann::mapping
