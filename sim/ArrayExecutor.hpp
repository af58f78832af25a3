#pragma once
// How a layer's folds are timed on one unit's array: the fold level
// (FoldExecutor: one event per fold phase, cycle counts from the formulas) or
// the PE level (PeExecutor: every PE clocked). Both are called from a unit's
// SC_THREAD at the layer's start and return (simulation time advanced) when
// its last fold has drained; both reserve the shared global-buffer port at
// the same cycles, so a lone layer takes the same cycles at both levels.
#include <cstdint>
#include <limits>

#include "mapping/LayerWork.hpp"
#include "sim/MemoryChannel.hpp"
#include "sim/SimTypes.hpp"

namespace alwann::sim {

class ArrayExecutor {
 public:
  virtual ~ArrayExecutor() = default;
  virtual void run(const mapping::LayerWork& layer, int unit, LayerResult& result) = 0;
};

// Memory traffic of one layer on an R x C array (both levels count the same):
// global-buffer reads = weights + streamed activations (T*k per fold);
// partial sums: every fold writes T*n 32-bit sums, every row fold after the
// first reads the previous ones back (psum_read/psum_write, to the
// accumulators or the global buffer); `outputs` = the layer's output bytes.
// With `psum_capacity` bytes of accumulator SRAM, a column fold whose live
// partial sums (4*T*n bytes) exceed it keeps the excess share in the global
// buffer: psum_spill_read/psum_spill_write are the part of psum_read/psum_write
// that goes there. weight_shifts = weight bytes x rows they shift through.
struct ArrayTraffic {
  std::int64_t gb_read = 0, psum_read = 0, psum_write = 0, outputs = 0, accumulations = 0;
  std::int64_t psum_spill_read = 0, psum_spill_write = 0, weight_shifts = 0;
};
ArrayTraffic array_traffic(const mapping::LayerWork& layer, int R, int C,
                           std::int64_t psum_capacity = std::numeric_limits<std::int64_t>::max());

}  // namespace alwann::sim
