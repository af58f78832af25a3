#pragma once
// Fold-level timing: per fold, one wait for the weight load and one for the
// stream and drain, with the cycle counts of docs/simulation.md and the
// shared global-buffer port reserved at the cycle the PE level would.
#include "sim/ArrayExecutor.hpp"
#include "sim/SimClock.hpp"
#include "mapping/AcceleratorConfig.hpp"

namespace alwann::sim {

class FoldExecutor : public ArrayExecutor {
 public:
  FoldExecutor(const mapping::AcceleratorConfig& acc, MemoryChannel& gb, const SimClock& clock)
      : acc_(acc), gb_(gb), clock_(clock) {}
  void run(const mapping::LayerWork& layer, int unit, LayerResult& result) override;

 private:
  const mapping::AcceleratorConfig& acc_;
  MemoryChannel& gb_;
  const SimClock& clock_;
};

}  // namespace alwann::sim
