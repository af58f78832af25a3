#include "rtl/AdderNetlist.hpp"

#include <algorithm>

#include "common/Error.hpp"
#include "rtl/TechModel.hpp"
#include "rtl/ToggleCount.hpp"

namespace alwann::rtl {

namespace {
enum Slot { kA, kB, kX, kS, kG, kP, kC };
}

AdderToggleSimulator::AdderToggleSimulator(int width_bits, std::shared_ptr<const TechModel> tech)
    : width_(width_bits), tech_(std::move(tech)) {
  if (width_ < 2 || width_ > 64) throw Error("internal: adder width must be 2..64 bits");
  const std::size_t n = static_cast<std::size_t>(width_) * kSlots;
  last_.assign(n, 0);
  toggles_.assign(n, 0);
  weight_fj_.assign(n, 0);
  for (int i = 0; i < width_; ++i) {
    const bool half = i == 0, top = i == width_ - 1;
    auto w = [&](Slot s, GateType t, int fanout) { weight_fj_[static_cast<std::size_t>(i) * kSlots + s] = tech_->toggle_energy_fj(t, fanout); };
    w(kA, GateType::PORT, 2);  // a, b feed the x XOR and the g AND
    w(kB, GateType::PORT, 2);
    w(kX, GateType::XOR, half ? 0 : 2);  // bit 0: x is the sum itself (drives the register)
    w(kS, GateType::XOR, 1);             // the sum bit drives the partial-sum register
    w(kG, GateType::AND, half ? (top ? 0 : 2) : 1);  // bit 0: g is the carry out
    w(kP, GateType::AND, 1);
    w(kC, GateType::OR, top ? 0 : 2);  // carry into the next bit's s XOR and p AND
    if (half) {                        // no carry in: s = x and c_out = g are the same nets
      weight_fj_[static_cast<std::size_t>(i) * kSlots + kX] = tech_->toggle_energy_fj(GateType::XOR, 1);
      weight_fj_[static_cast<std::size_t>(i) * kSlots + kS] = 0;
      weight_fj_[static_cast<std::size_t>(i) * kSlots + kP] = 0;
      weight_fj_[static_cast<std::size_t>(i) * kSlots + kC] = 0;
    }
  }
}

void AdderToggleSimulator::reset() {
  std::fill(last_.begin(), last_.end(), 0);
  std::fill(toggles_.begin(), toggles_.end(), 0);
  ops_ = 0;
}

void AdderToggleSimulator::evaluate(const std::int64_t* a, const std::int64_t* b, std::size_t lanes,
                                    std::uint64_t* words) const {
  // Transpose: word per operand bit, one lane per addition, byte by byte with
  // 8x8 bit-block transposes (a loop over each lane's bits cost 3.4 % of a
  // search once windows filled whole 64-lane words; perf).
  std::uint64_t va[64], vb[64];
  std::uint8_t bytes_a[64], bytes_b[64];
  for (int j = 0; j * 8 < width_; ++j) {
    for (std::size_t l = 0; l < lanes; ++l) {
      bytes_a[l] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(a[l]) >> (8 * j));
      bytes_b[l] = static_cast<std::uint8_t>(static_cast<std::uint64_t>(b[l]) >> (8 * j));
    }
    to_bit_planes(bytes_a, static_cast<int>(lanes), va + 8 * j);
    to_bit_planes(bytes_b, static_cast<int>(lanes), vb + 8 * j);
  }
  std::uint64_t carry = 0;
  for (int i = 0; i < width_; ++i) {
    std::uint64_t* v = words + static_cast<std::size_t>(i) * kSlots;
    v[kA] = va[i];
    v[kB] = vb[i];
    v[kX] = va[i] ^ vb[i];
    v[kS] = v[kX] ^ carry;
    v[kG] = va[i] & vb[i];
    v[kP] = v[kX] & carry;
    v[kC] = v[kG] | v[kP];
    carry = v[kC];
  }
}

void AdderToggleSimulator::feed(const std::int64_t* a, const std::int64_t* b, std::size_t n) {
  std::uint64_t words[64 * kSlots];
  for (std::size_t base = 0; base < n; base += 64) {
    const std::size_t lanes = std::min<std::size_t>(64, n - base);
    evaluate(a + base, b + base, lanes, words);
    count_toggles(words, static_cast<std::size_t>(width_) * kSlots, static_cast<int>(lanes), last_.data(),
                  toggles_.data());
    ops_ += lanes;
  }
}

std::vector<double> AdderToggleSimulator::segment_energies_fj(const std::int64_t* a, const std::int64_t* b,
                                                              const std::vector<std::size_t>& starts) const {
  std::uint64_t words[64 * kSlots];
  return segment_energies(static_cast<std::size_t>(width_) * kSlots, weight_fj_.data(), starts,
                          [&](std::size_t base, int lanes) {
                            evaluate(a + base, b + base, static_cast<std::size_t>(lanes), words);
                            return static_cast<const std::uint64_t*>(words);
                          });
}

double AdderToggleSimulator::energy_fj() const {
  double e = 0;
  for (std::size_t i = 0; i < toggles_.size(); ++i) e += static_cast<double>(toggles_[i]) * weight_fj_[i];
  return e;
}

std::uint64_t AdderToggleSimulator::total_toggles() const {
  std::uint64_t t = 0;
  for (std::size_t i = 0; i < toggles_.size(); ++i)
    if (weight_fj_[i] > 0) t += toggles_[i];
  return t;
}

}  // namespace alwann::rtl
