#include "rtl/ToggleEnergy.hpp"

#include <cstring>
#include <random>

#include "rtl/GateNetlist.hpp"
#include "rtl/TechModel.hpp"
#include "rtl/ToggleCount.hpp"

namespace alwann::rtl {

std::vector<double> toggle_weights_fj(const GateNetlist& netlist, const TechModel& tech) {
  const auto& sig = netlist.signals();
  std::vector<const TechModel::CellFigures*> priced(netlist.instances().size());
  for (size_t i = 0; i < priced.size(); ++i) priced[i] = tech.standard_cell(netlist.instances()[i].cell);
  auto in_priced_cell = [&](int s) { return netlist.owner(s) >= 0 && priced[netlist.owner(s)] != nullptr; };
  std::vector<double> own(sig.size(), 0.0), loads(sig.size(), 0.0);
  for (size_t s = 0; s < sig.size(); ++s) {
    const int id = static_cast<int>(s);
    if (in_priced_cell(id)) continue;  // the cell's output energy stands for its gates
    own[s] = tech.internal_fj(sig[s].type);
    for (int in : {sig[s].in0, sig[s].in1, sig[s].sel})
      if (in >= 0) loads[in] += 1.0;
  }
  for (int b = 0; b < 16; ++b) loads[netlist.output(b)] += 1.0;
  // A cell output whose net folded into another signal (a buffer, a double
  // inversion) toggles with it: its energy adds to that signal's.
  for (const auto& p : netlist.cell_pins()) {
    const TechModel::CellFigures* f = priced[p.instance];
    if (!f) continue;
    if (auto o = f->output_fj.find(p.pin); o != f->output_fj.end()) own[p.signal] += o->second;
    else if (auto i = f->input_load.find(p.pin); i != f->input_load.end()) loads[p.signal] += i->second;
  }
  std::vector<double> w(sig.size());
  for (size_t s = 0; s < sig.size(); ++s) w[s] = tech.scale() * (own[s] + loads[s] * tech.load_fj_per_input());
  return w;
}

ToggleSimulator::ToggleSimulator(std::shared_ptr<const GateNetlist> netlist, const std::shared_ptr<const TechModel>& tech)
    : ToggleSimulator(netlist, std::make_shared<const std::vector<double>>(toggle_weights_fj(*netlist, *tech))) {}

ToggleSimulator::ToggleSimulator(std::shared_ptr<const GateNetlist> netlist, ToggleWeights weights)
    : netlist_(std::move(netlist)), weights_fj_(std::move(weights)) {
  reset();
}

ToggleSimulator::~ToggleSimulator() = default;

void ToggleSimulator::reset() {
  const size_t n = netlist_->signals().size();
  values_.assign(n, 0);
  last_bit_.assign(n, 0);
  toggles_.assign(n, 0);
  // The all-zero state of the inputs means constant-1 nets and inverters
  // start high; evaluate once so the first operation toggles against that.
  std::uint64_t zero[8] = {0};
  netlist_->evaluate(zero, zero, values_);
  for (size_t s = 0; s < n; ++s) last_bit_[s] = values_[s] & 1;
  ops_ = 0;
}

void ToggleSimulator::feed(const std::uint8_t* a, const std::uint8_t* b, std::size_t n) {
  const size_t signals = netlist_->signals().size();
  while (n > 0) {
    const int lanes = n >= 64 ? 64 : static_cast<int>(n);
    std::uint64_t va[8], vb[8];
    to_bit_planes(a, lanes, va);
    to_bit_planes(b, lanes, vb);
    netlist_->evaluate(va, vb, values_);
    count_toggles(values_.data(), signals, lanes, last_bit_.data(), toggles_.data());
    ops_ += static_cast<std::uint64_t>(lanes);
    a += lanes;
    b += lanes;
    n -= static_cast<size_t>(lanes);
  }
}

std::vector<double> segment_energies_fj(const GateNetlist& netlist, const std::vector<double>& weights_fj,
                                        const std::uint8_t* a, const std::uint8_t* b,
                                        const std::vector<std::size_t>& starts) {
  std::vector<std::uint64_t> values(netlist.signals().size(), 0);
  return segment_energies(values.size(), weights_fj.data(), starts, [&](std::size_t base, int lanes) {
    std::uint64_t va[8], vb[8];
    to_bit_planes(a + base, lanes, va);
    to_bit_planes(b + base, lanes, vb);
    netlist.evaluate(va, vb, values);
    return values.data();
  });
}

double ToggleSimulator::energy_fj() const {
  double e = 0;
  for (size_t s = 0; s < toggles_.size(); ++s)
    if (toggles_[s]) e += static_cast<double>(toggles_[s]) * (*weights_fj_)[s];
  return e;
}

double ToggleSimulator::energy_per_op_fj() const { return ops_ ? energy_fj() / static_cast<double>(ops_) : 0.0; }

std::uint64_t ToggleSimulator::total_toggles() const {
  std::uint64_t t = 0;
  for (auto x : toggles_) t += x;
  return t;
}

double uniform_random_energy_fj(std::shared_ptr<const GateNetlist> netlist, std::shared_ptr<const TechModel> tech,
                                std::size_t operations, std::uint64_t seed) {
  ToggleSimulator sim(std::move(netlist), std::move(tech));
  std::mt19937_64 rng(seed);
  std::vector<std::uint8_t> a(4096), b(4096);
  while (sim.operations() < operations) {
    const size_t n = std::min<size_t>(a.size(), operations - sim.operations());
    for (size_t i = 0; i < n; i += 8) {
      const std::uint64_t ra = rng(), rb = rng();
      for (size_t j = 0; j < 8 && i + j < n; ++j) {
        a[i + j] = static_cast<std::uint8_t>(ra >> (8 * j));
        b[i + j] = static_cast<std::uint8_t>(rb >> (8 * j));
      }
    }
    sim.feed(a.data(), b.data(), n);
  }
  return sim.energy_per_op_fj();
}

}  // namespace alwann::rtl
