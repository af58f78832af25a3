#include "rtl/ImportProgress.hpp"

#include <fmt/core.h>

#include <cmath>
#include <cstdio>

namespace alwann::rtl {

namespace {
std::string duration_text(double s) {
  if (s < 60) return fmt::format("{:.0f}s", s);
  return fmt::format("{:.0f}m{:02.0f}s", std::floor(s / 60), std::fmod(s, 60.0));
}
}  // namespace

Progress::Progress(std::string phase, std::size_t total)
    : phase_(std::move(phase)), total_(total), start_(std::chrono::steady_clock::now()), last_print_(start_) {
  fmt::print(stderr, "alwann: {} 0/{}\n", phase_, total_);
}

void Progress::step(const std::string& item) {
  std::lock_guard<std::mutex> lock(mutex_);
  ++done_;
  const auto now = std::chrono::steady_clock::now();
  if (done_ < total_ && now - last_print_ < std::chrono::milliseconds(250)) return;
  last_print_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double eta = elapsed / static_cast<double>(done_) * static_cast<double>(total_ - done_);
  fmt::print(stderr, "alwann: {} {}/{} ({}), ETA {}\n", phase_, done_, total_, item, duration_text(eta));
}

void Progress::finish() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (finished_) return;
  finished_ = true;
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  fmt::print(stderr, "alwann: {} done: {}/{} in {}\n", phase_, done_, total_, duration_text(elapsed));
}

}  // namespace alwann::rtl
