#pragma once
// Progress of one phase of a library import on stderr: "alwann: <phase>
// i/N (<item>), ETA 1m05s", one line at most every 250 ms.
// Thread-safe: workers call step() as they finish items.
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>

namespace alwann::rtl {

class Progress {
 public:
  Progress(std::string phase, std::size_t total);
  void step(const std::string& item);
  void finish();  // the final count and the phase's wall time, newline

 private:
  std::string phase_;
  std::size_t total_, done_ = 0;
  std::chrono::steady_clock::time_point start_, last_print_;
  std::mutex mutex_;
  bool finished_ = false;
};

}  // namespace alwann::rtl
