#pragma once
// Simulation time in clock cycles: SystemC time advances in whole periods of
// the accelerator clock (rounded to the picosecond resolution).
#include <systemc>

#include <cstdint>

namespace alwann::sim {

class SimClock {
 public:
  explicit SimClock(double clock_hz)
      : period_(static_cast<double>(static_cast<std::int64_t>(1e12 / clock_hz + 0.5)), sc_core::SC_PS) {}
  std::int64_t now() const {
    return static_cast<std::int64_t>(sc_core::sc_time_stamp().value() / period_.value());
  }
  // Waits (in the calling SC_THREAD) until cycle `c`; no-op if already there.
  void wait_until(std::int64_t c) const {
    const std::int64_t n = now();
    if (c > n) sc_core::wait(static_cast<double>(c - n) * period_);
  }
  void wait_cycles(std::int64_t c) const {
    if (c > 0) sc_core::wait(static_cast<double>(c) * period_);
  }
  const sc_core::sc_time& period() const { return period_; }

 private:
  sc_core::sc_time period_;
};

}  // namespace alwann::sim
