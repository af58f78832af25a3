#pragma once
// Toggle counting shared by the multiplier's gate-level
// toggle simulation (ToggleEnergy) and the accumulator adder's (AdderNetlist).
#include <cstddef>
#include <cstdint>

namespace alwann::rtl {

// For n signals, each a word of `lanes` (1..64) consecutive values (lane l
// = bit l): adds to toggles[s] the value changes within the word, the first
// lane compared with last[s] (the signal's value before the word), then sets
// last[s] to the word's last lane. Uses the CPU's popcount instruction where
// it has one (chosen at run time), else a portable count.
void count_toggles(const std::uint64_t* words, std::size_t n, int lanes, std::uint8_t* last, std::uint64_t* toggles);

}  // namespace alwann::rtl
