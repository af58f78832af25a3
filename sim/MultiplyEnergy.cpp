#include "sim/MultiplyEnergy.hpp"

#include <string_view>

#include "common/ContentHash.hpp"

#include <cmath>
#include <random>

#include "rtl/MultiplierLibrary.hpp"
#include "rtl/TechModel.hpp"
#include "rtl/ToggleEnergy.hpp"

namespace alwann::sim {

std::shared_ptr<const rtl::TechModel> gate_technology(const std::string& technology_path) {
  try {
    return std::make_shared<const rtl::TechModel>(rtl::TechModel::load(technology_path));
  } catch (const Error&) {
    return std::make_shared<const rtl::TechModel>(rtl::TechModel::load(rtl::TechModel::default_path()));
  }
}

MultiplyEnergy sample_multiply_energy(const mapping::LayerWork& l, const std::string& multiplier, int rows,
                                      const LayerOperands* ops, const SimOptions& o,
                                      const std::shared_ptr<const rtl::TechModel>& tech) {
  auto netlist = rtl::MultiplierLibrary::instance().netlist(multiplier);
  rtl::ToggleSimulator with(netlist, tech), warm(netlist, tech);
  std::mt19937_64 rng(o.seed ^ (std::hash<std::string>{}(l.name) * 31 + std::hash<std::string>{}(multiplier)));
  const int T = std::max(1, l.T), K = std::max(1, l.K), N = std::max(1, l.N);
  const int len = std::max(1, std::min(o.segment_length, T));
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
  std::vector<std::uint8_t> a, b;
  std::vector<double> energy, count;
  for (int s = 0; s < o.sample_segments; ++s) {
    const int g = pick(l.groups), k = pick(K), n = pick(N);
    const int t0 = pick(T + len - 1) - (len - 1);
    const int first = std::max(0, t0), last = std::min(T - 1, t0 + len - 1);
    std::uint8_t w = 0, wprev = 0;
    auto x_at = [&](int t, int kk) -> std::uint8_t {
      return ops ? ops->activations[g][static_cast<std::size_t>(t) * l.K + kk] : static_cast<std::uint8_t>(rng());
    };
    if (ops) {
      w = ops->weights[g][static_cast<std::size_t>(n) * l.K + k];
      if (k >= rows) wprev = ops->weights[g][static_cast<std::size_t>(n) * l.K + k - rows];
    } else {
      w = static_cast<std::uint8_t>(rng());
      wprev = static_cast<std::uint8_t>(rng());
    }
    a.clear();
    b.clear();
    // The operation this PE did just before the window, when there is one.
    bool warm_op = true;
    if (first > 0) {
      a.push_back(w);
      b.push_back(x_at(first - 1, k));
    } else if (k >= rows) {
      a.push_back(wprev);
      b.push_back(x_at(T - 1, k - rows));
    } else {
      warm_op = false;  // the PE's first operation of the layer: from the reset state
    }
    for (int t = first; t <= last; ++t) {
      a.push_back(w);
      b.push_back(x_at(t, k));
    }
    with.reset();
    with.feed(a.data(), b.data(), a.size());
    double e = with.energy_fj();
    if (warm_op) {
      warm.reset();
      warm.feed(a.data(), b.data(), 1);
      e -= warm.energy_fj();
    }
    energy.push_back(e);
    count.push_back(static_cast<double>(last - first + 1));
  }
  MultiplyEnergy r;
  const double m = static_cast<double>(energy.size());
  double se = 0, sn = 0;
  for (std::size_t i = 0; i < energy.size(); ++i) {
    se += energy[i];
    sn += count[i];
  }
  if (sn <= 0) return r;
  r.mean_fj = se / sn;
  if (energy.size() > 1) {
    double var = 0;
    for (std::size_t i = 0; i < energy.size(); ++i) var += std::pow(energy[i] - r.mean_fj * count[i], 2);
    const double mean_n = sn / m;
    r.ci95_fj = 1.96 * std::sqrt(var / (m * (m - 1))) / mean_n;
  }
  r.sampled_ops = static_cast<std::int64_t>(sn);
  return r;
}

MultiplyEnergy MultiplyEnergyCache::get(const mapping::LayerWork& l, const std::string& multiplier, int rows,
                                        const LayerOperands* ops, const SimOptions& o,
                                        const std::shared_ptr<const rtl::TechModel>& tech) {
  // The operands are part of the key: the same layer and multiplier see other
  // streams when the layers before it use other multipliers (a search), and
  // a result must not depend on which mapping was simulated first.
  ContentHash h;
  if (ops)
    for (const auto* part : {&ops->weights, &ops->activations})
      for (const auto& v : *part) h.add(std::string_view(reinterpret_cast<const char*>(v.data()), v.size()));
  const auto key = std::make_pair(std::to_string(l.id) + ":" + l.name + ":" + std::to_string(rows) +
                                      (ops ? ":" + h.hex() : ":random"),
                                  multiplier);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
  }
  const MultiplyEnergy e = sample_multiply_energy(l, multiplier, rows, ops, o, tech);
  std::lock_guard<std::mutex> lock(mutex_);
  cache_[key] = e;
  return e;
}

}  // namespace alwann::sim
