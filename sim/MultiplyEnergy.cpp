#include "sim/MultiplyEnergy.hpp"

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

MultiplyEnergy sample_multiply_energy(const mapping::LayerWork& l, const std::string& multiplier,
                                      const LayerOperands* ops, const SimOptions& o,
                                      const std::shared_ptr<const rtl::TechModel>& tech) {
  auto netlist = rtl::MultiplierLibrary::instance().netlist(multiplier);
  rtl::ToggleSimulator with(netlist, tech), warm(netlist, tech);
  std::mt19937_64 rng(o.seed ^ (std::hash<std::string>{}(l.name) * 31 + std::hash<std::string>{}(multiplier)));
  const int T = std::max(1, l.T);
  const int len = std::max(1, std::min(o.segment_length, T > 1 ? T - 1 : 1));
  std::vector<std::uint8_t> a(len + 1), b(len + 1);
  std::vector<double> means;
  for (int s = 0; s < o.sample_segments; ++s) {
    const int g = static_cast<int>(rng() % static_cast<std::uint64_t>(l.groups));
    const int k = static_cast<int>(rng() % static_cast<std::uint64_t>(std::max(1, l.K)));
    const int n = static_cast<int>(rng() % static_cast<std::uint64_t>(std::max(1, l.N)));
    const int t0 = T > len ? static_cast<int>(rng() % static_cast<std::uint64_t>(T - len)) : 0;
    // Operation t0 is the warm-up; t0+1 .. t0+len are measured (T == 1: warm-up
    // and measured operation share the pixel).
    for (int i = 0; i <= len; ++i) {
      const int t = std::min(T - 1, t0 + i);
      if (ops) {
        a[i] = ops->weights[g][static_cast<std::size_t>(n) * l.K + k];
        b[i] = ops->activations[g][static_cast<std::size_t>(t) * l.K + k];
      } else {
        std::mt19937_64 w(o.seed + static_cast<std::uint64_t>(s));
        a[i] = static_cast<std::uint8_t>(w() >> 7);
        b[i] = static_cast<std::uint8_t>(rng());
      }
    }
    with.reset();
    warm.reset();
    with.feed(a.data(), b.data(), a.size());
    warm.feed(a.data(), b.data(), 1);
    means.push_back((with.energy_fj() - warm.energy_fj()) / len);
  }
  MultiplyEnergy e;
  double sum = 0, sq = 0;
  for (double m : means) sum += m;
  e.mean_fj = means.empty() ? 0 : sum / static_cast<double>(means.size());
  for (double m : means) sq += (m - e.mean_fj) * (m - e.mean_fj);
  if (means.size() > 1)
    e.ci95_fj = 1.96 * std::sqrt(sq / static_cast<double>(means.size() - 1)) / std::sqrt(static_cast<double>(means.size()));
  e.sampled_ops = static_cast<std::int64_t>(means.size()) * len;
  return e;
}

MultiplyEnergy MultiplyEnergyCache::get(const mapping::LayerWork& l, const std::string& multiplier,
                                        const LayerOperands* ops, const SimOptions& o,
                                        const std::shared_ptr<const rtl::TechModel>& tech) {
  const auto key = std::make_pair(std::to_string(l.id) + ":" + l.name + (ops ? "" : ":random"), multiplier);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
  }
  const MultiplyEnergy e = sample_multiply_energy(l, multiplier, ops, o, tech);
  std::lock_guard<std::mutex> lock(mutex_);
  cache_[key] = e;
  return e;
}

}  // namespace alwann::sim
