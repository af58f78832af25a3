#pragma once
// Toggle counting shared by the multiplier's gate-level
// toggle simulation (ToggleEnergy) and the accumulator adder's (AdderNetlist).
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace alwann::rtl {

// Bit planes of up to 64 operands (lanes 1..64): plane[i] bit l = bit i of v[l].
void to_bit_planes(const std::uint8_t* v, int lanes, std::uint64_t plane[8]);

// For n signals, each a word of `lanes` (1..64) consecutive values (lane l
// = bit l): adds to toggles[s] the value changes within the word, the first
// lane compared with last[s] (the signal's value before the word), then sets
// last[s] to the word's last lane. Uses the CPU's popcount instruction where
// it has one (chosen at run time), else a portable count.
void count_toggles(const std::uint64_t* words, std::size_t n, int lanes, std::uint8_t* last, std::uint64_t* toggles);

// The same changes, priced per segment: adds weights[s] * (changes of signal
// s in the lanes of masks[j]) to energy[j] for each of the `segments` masks.
void charge_toggles(const std::uint64_t* words, std::size_t n, int lanes, std::uint8_t* last, const double* weights,
                    const std::uint64_t* masks, double* energy, std::size_t segments);

// Energy of each segment of a stream of operations: segment j is operations
// [starts[j], starts[j+1]) and is charged the toggles into each of its
// operations but the first, which only sets the state it starts from. Many
// short segments share each 64-lane word, so a stream of windows costs one
// evaluation per 64 operations. eval_word(base, lanes) evaluates operations
// [base, base + lanes) and returns the `signals` words.
template <class EvalWord>
std::vector<double> segment_energies(std::size_t signals, const double* weights, const std::vector<std::size_t>& starts,
                                     EvalWord eval_word) {
  const std::size_t segments = starts.empty() ? 0 : starts.size() - 1, ops = starts.empty() ? 0 : starts.back();
  std::vector<double> energy(segments, 0.0);
  std::vector<std::uint8_t> last(signals, 0);
  std::vector<std::uint64_t> masks;
  std::size_t j = 0;
  for (std::size_t base = 0; base < ops; base += 64) {
    const std::size_t end = std::min(ops, base + 64);
    const std::uint64_t* words = eval_word(base, static_cast<int>(end - base));
    while (j < segments && starts[j + 1] <= base) ++j;
    masks.clear();
    for (std::size_t s = j; s < segments && starts[s] < end; ++s) {
      const std::size_t lo = std::max(starts[s] + 1, base), hi = std::min(starts[s + 1], end);
      const std::uint64_t below_hi = hi - base >= 64 ? ~0ULL : (1ULL << (hi - base)) - 1;
      masks.push_back(hi > lo ? below_hi & ~((1ULL << (lo - base)) - 1) : 0);
    }
    charge_toggles(words, signals, static_cast<int>(end - base), last.data(), weights, masks.data(), energy.data() + j,
                   masks.size());
  }
  return energy;
}

}  // namespace alwann::rtl
