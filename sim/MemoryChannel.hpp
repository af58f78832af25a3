#pragma once
// A shared memory port (global buffer read port, DRAM): requests are served
// first come, first served; a transfer of B bytes granted at cycle g holds
// the port for ceil(B / bytes_per_cycle) cycles. Callers reserve at the
// simulation time they issue the request, so FIFO order is simulation order.
#include <algorithm>
#include <cstdint>

#include "mapping/ArrayTiming.hpp"

namespace alwann::sim {

class MemoryChannel {
 public:
  explicit MemoryChannel(double bytes_per_cycle) : bw_(bytes_per_cycle) {}
  // Returns the grant cycle (>= at); a zero-byte request is granted at once.
  std::int64_t reserve(std::int64_t at, std::int64_t bytes) {
    if (bytes <= 0) return at;
    const std::int64_t g = std::max(at, free_at_);
    free_at_ = g + mapping::transfer_cycles(static_cast<double>(bytes), bw_);
    bytes_ += bytes;
    wait_cycles_ += g - at;
    return g;
  }
  // Cycle at which a transfer granted at g completes.
  std::int64_t done(std::int64_t grant, std::int64_t bytes) const {
    return grant + mapping::transfer_cycles(static_cast<double>(bytes), bw_);
  }
  double bytes_per_cycle() const { return bw_; }
  std::int64_t bytes() const { return bytes_; }
  std::int64_t wait_cycles() const { return wait_cycles_; }  // summed queueing delay

 private:
  double bw_;
  std::int64_t free_at_ = 0, bytes_ = 0, wait_cycles_ = 0;
};

}  // namespace alwann::sim
