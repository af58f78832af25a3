#pragma once
// Toggle counting and bit transposition shared by the multiplier's gate-level
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

// In place: afterwards a[i] bit l is bit i of a[l] before (a 64 x 64 bit
// matrix transpose, Hacker's Delight 7-3).
void transpose_64x64(std::uint64_t a[64]);

}  // namespace alwann::rtl
