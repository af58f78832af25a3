#pragma once
// Options several commands share, declared once so their ranges and messages
// agree: --threads everywhere, and integer ranges that read like a person
// wrote them ("--images must be between 1 and 1000000").
#include <CLI/CLI.hpp>
#include <fmt/core.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <thread>

namespace alwann::cli {

// Whole-number range check. It parses the text itself (as int64) so that a
// negative value given to an unsigned option is reported, not wrapped.
inline CLI::Validator whole_number_range(std::int64_t lo, std::int64_t hi) {
  return CLI::Validator(
      [lo, hi](std::string& text) -> std::string {
        std::size_t used = 0;
        long long value = 0;
        try {
          value = std::stoll(text, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        if (used == 0 || used != text.size()) return fmt::format("must be a whole number, got '{}'", text);
        if (value < lo || value > hi) return fmt::format("must be between {} and {}, got {}", lo, hi, text);
        return {};
      },
      fmt::format("{}..{}", lo, hi));
}

// More threads than 4x the hardware's only costs memory and start-up time
// (and 100000 threads exhausted the process: issue 11).
// Test or training images a command may ask for; the first N are used, capped
// at the data set's size.
constexpr std::int64_t kMaxImages = 1000000;

inline int max_threads() { return 4 * static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

inline CLI::Option* add_threads_option(CLI::App& app, int& threads,
                                       const std::string& description = "Worker threads (results do not depend on it)") {
  return app.add_option("--threads", threads, description)->check(whole_number_range(1, max_threads()))->capture_default_str();
}

}  // namespace alwann::cli
