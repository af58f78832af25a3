#define SC_INCLUDE_DYNAMIC_PROCESSES
#include "sim/AcceleratorModel.hpp"

#include <algorithm>

#include "mapping/ArrayTiming.hpp"

namespace alwann::sim {

AcceleratorModel::AcceleratorModel(sc_core::sc_module_name name, const mapping::AcceleratorConfig& acc,
                                   const mapping::NetworkWork& work, const mapping::ResolvedMapping& mapping,
                                   const mapping::Schedule& schedule, int images, const SimClock& clock,
                                   MemoryChannel& dram, ArrayExecutor& executor)
    : sc_module(name), acc_(acc), work_(work), mapping_(mapping), images_(images), clock_(clock), dram_(dram),
      executor_(executor) {
  const int U = static_cast<int>(acc.units.size());
  done_.assign(work.size(), 0);
  finish_.assign(work.size(), std::vector<std::int64_t>(images, 0));
  unit_done_.assign(U, 0);
  last_end_.assign(U, -1);
  busy_.assign(U, {});
  wakeups_.assign(U, 0);
  image_end_.assign(images, 0);
  consumers_.assign(U, {});
  layers_.resize(work.size());
  weights_arrive_.assign(work.size(), -1);
  fetched_.assign(work.size(), false);
  for (const auto& l : work) {
    layers_[l.id].id = l.id;
    layers_[l.id].name = l.name;
    layers_[l.id].op = l.op;
    const int u = mapping.unit_of_layer[l.id];
    for (int p : l.preds) {
      const int pu = mapping.unit_of_layer[p];
      if (pu >= 0 && u >= 0 && pu != u &&
          std::find(consumers_[pu].begin(), consumers_[pu].end(), u) == consumers_[pu].end())
        consumers_[pu].push_back(u);
    }
  }
  for (int u = 0; u < U; ++u)
    if (!schedule.unit_queue[u].empty())
      sc_core::sc_spawn(sc_bind(&AcceleratorModel::unit_thread, this, u, schedule.unit_queue[u]),
                        ("unit_" + acc.units[u].name).c_str());
  if (!schedule.vector_queue.empty())
    sc_core::sc_spawn(sc_bind(&AcceleratorModel::unit_thread, this, -1, schedule.vector_queue), "vector_unit");
}

bool AcceleratorModel::spills(const mapping::LayerWork& l) const {
  return l.in_bytes + l.out_bytes > acc_.global_buffer.size_bytes;
}

bool AcceleratorModel::ready(int layer, int image, int unit) const {
  for (int p : work_[layer].preds)
    if (done_[p] <= image) return false;
  if (acc_.style == mapping::AcceleratorStyle::TileArray) {
    if (image > 0 && done_.back() < image) return false;  // images one after another
  } else if (unit >= 0 && image >= 2) {
    for (int c : consumers_[unit])
      if (unit_done_[c] < image - 1) return false;  // both stage buffers still full
  }
  return true;
}

void AcceleratorModel::unit_thread(int unit, std::vector<int> queue) {
  for (int image = 0; image < images_; ++image) {
    for (std::size_t j = 0; j < queue.size(); ++j) {
      const int id = queue[j];
      while (!ready(id, image, unit)) sc_core::wait(progress_);
      // The unit's next layer (wrapping to the next image) may prefetch its weights.
      int next = j + 1 < queue.size() ? queue[j + 1] : (image + 1 < images_ ? queue.front() : -1);
      if (next == id) next = -1;
      run_layer(id, unit, image, next);
    }
    if (unit >= 0) unit_done_[unit] = image + 1;
    progress_.notify(sc_core::SC_ZERO_TIME);
  }
}

std::int64_t AcceleratorModel::fetch_weights(int id) {
  const std::int64_t now = clock_.now();
  if (acc_.dram.weights_resident && fetched_[id]) return now;  // still in the global buffer from an earlier image
  fetched_[id] = true;
  const std::int64_t bytes = work_[id].weight_bytes;
  layers_[id].dram_bytes += bytes;
  return dram_.done(dram_.reserve(now, bytes), bytes);
}

void AcceleratorModel::run_layer(int id, int unit, int image, int next) {
  const mapping::LayerWork& l = work_[id];
  LayerResult& r = layers_[id];
  std::int64_t ready_at = 0;
  for (int p : l.preds) ready_at = std::max(ready_at, finish_[p][image]);
  const std::int64_t start = clock_.now();
  r.wait_cycles += std::max<std::int64_t>(0, start - ready_at);
  const auto& pg = acc_.power_gating;
  if (unit >= 0 && pg.enabled &&
      (last_end_[unit] < 0 || start - last_end_[unit] >= pg.idle_threshold_cycles)) {
    clock_.wait_cycles(pg.wakeup_cycles);  // the tile was gated: wake it
    r.wakeup_cycles += pg.wakeup_cycles;
    ++wakeups_[unit];
  }
  // DRAM in: the weights (unless prefetched while the unit's previous layer
  // ran), then spilled input activations; the layer waits for both.
  const bool spill = spills(l);
  std::int64_t t = clock_.now();
  std::int64_t arrive = weights_arrive_[id] >= 0 ? weights_arrive_[id] : fetch_weights(id);
  weights_arrive_[id] = -1;
  if (acc_.dram.prefetch_weights && next >= 0 && weights_arrive_[next] < 0) weights_arrive_[next] = fetch_weights(next);
  if (spill) {
    arrive = std::max(arrive, dram_.done(dram_.reserve(t, l.in_bytes), l.in_bytes));
    r.dram_bytes += l.in_bytes;
  }
  clock_.wait_until(arrive);
  r.dram_cycles += clock_.now() - t;
  if (l.on_array()) {
    executor_.run(l, unit, r);
  } else {
    clock_.wait_cycles(mapping::vector_cycles(l, acc_.vector_unit.lanes));
    r.gb_read_bytes += l.fused ? l.fused_read_bytes : l.in_bytes;
    r.gb_write_bytes += l.fused ? 0 : l.out_bytes;
  }
  if (spill) {
    t = clock_.now();
    clock_.wait_until(dram_.done(dram_.reserve(t, l.out_bytes), l.out_bytes));
    r.dram_cycles += clock_.now() - t;
    r.dram_bytes += l.out_bytes;
  }
  const std::int64_t end = clock_.now();
  r.cycles += end - start;
  if (unit >= 0) {
    busy_[unit].push_back({start, end});
    last_end_[unit] = end;
  }
  finish_[id][image] = end;
  done_[id] = image + 1;
  image_end_[image] = std::max(image_end_[image], end);
  progress_.notify(sc_core::SC_ZERO_TIME);
}

}  // namespace alwann::sim
