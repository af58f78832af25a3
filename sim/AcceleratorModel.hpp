#pragma once
// The SystemC top of one accelerator: one thread per compute unit (and, on a
// tile_array, one for the shared vector unit) executes the mapper's queues
// image by image. A layer starts when its predecessors of the same image are
// done and its unit is free (tile contention); a tile_array starts image i+1
// after image i; a pipeline stage starts image i when the stages it feeds have
// finished image i-2 (double-buffered stage buffers). At a layer's start its
// unit wakes up if gated, its weights (and spilled activations) come from
// DRAM over the shared DRAM port, then the ArrayExecutor times its folds.
#include <systemc>

#include <cstdint>
#include <vector>

#include "mapping/Schedule.hpp"
#include "sim/ArrayExecutor.hpp"
#include "sim/MemoryChannel.hpp"
#include "sim/SimClock.hpp"
#include "sim/SimTypes.hpp"

namespace alwann::sim {

struct BusyInterval {
  std::int64_t begin, end;
};

class AcceleratorModel : public sc_core::sc_module {
 public:
  AcceleratorModel(sc_core::sc_module_name name, const mapping::AcceleratorConfig& acc,
                   const mapping::NetworkWork& work, const mapping::ResolvedMapping& mapping,
                   const mapping::Schedule& schedule, int images, const SimClock& clock,
                   MemoryChannel& dram, ArrayExecutor& executor);

  // Results after sc_start(): per layer sums over all images.
  std::vector<LayerResult>& layers() { return layers_; }
  const std::vector<std::vector<BusyInterval>>& busy() const { return busy_; }
  const std::vector<std::int64_t>& wakeups() const { return wakeups_; }
  std::int64_t image_end(int image) const { return image_end_[image]; }
  std::int64_t end() const { return image_end_.empty() ? 0 : image_end_.back(); }

 private:
  void unit_thread(int unit, std::vector<int> queue);
  bool ready(int layer, int image, int unit) const;
  void run_layer(int layer, int unit, int image, int next_layer);
  std::int64_t fetch_weights(int layer);  // reserves the DRAM port now; returns the arrival cycle
  bool spills(const mapping::LayerWork& l) const;

  const mapping::AcceleratorConfig& acc_;
  const mapping::NetworkWork& work_;
  const mapping::ResolvedMapping& mapping_;
  int images_;
  const SimClock& clock_;
  MemoryChannel& dram_;
  ArrayExecutor& executor_;

  sc_core::sc_event progress_;
  std::vector<int> done_;                           // per layer: images completed
  std::vector<std::vector<std::int64_t>> finish_;   // [layer][image]
  std::vector<int> unit_done_;                      // per unit: images completed
  std::vector<std::vector<int>> consumers_;         // pipelined: units fed by a unit
  std::vector<std::int64_t> last_end_;              // per unit; -1 = never used
  std::vector<std::vector<BusyInterval>> busy_;     // per unit
  std::vector<std::int64_t> wakeups_;               // per unit
  std::vector<std::int64_t> image_end_;
  std::vector<LayerResult> layers_;
  std::vector<std::int64_t> weights_arrive_;  // per layer: prefetched weights' arrival, -1 none pending
  std::vector<bool> fetched_;                 // per layer: weights fetched once (weights_resident)
};

}  // namespace alwann::sim
