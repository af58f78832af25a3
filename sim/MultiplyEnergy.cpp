#include "sim/MultiplyEnergy.hpp"

#include <bitset>
#include <cmath>
#include <random>
#include <string_view>

#include "common/ContentHash.hpp"
#include "common/Error.hpp"
#include "rtl/AdderNetlist.hpp"
#include "rtl/MultiplierLibrary.hpp"
#include "rtl/TechModel.hpp"
#include "rtl/ToggleEnergy.hpp"

namespace alwann::sim {

std::shared_ptr<const rtl::TechModel> gate_technology(const std::string& technology_path) {
  return std::make_shared<const rtl::TechModel>(rtl::TechModel::load(technology_path));
}

std::string operand_content_key(const LayerOperands& ops) {
  ContentHash h;
  for (const auto* part : {&ops.weights, &ops.activations})
    for (const auto& v : *part) h.add(std::string_view(reinterpret_cast<const char*>(v.data()), v.size()));
  return h.hex();
}

namespace {

// Ratio estimator sum(e) / sum(n) with its 95 % confidence half-width.
MultiplyEnergy ratio_estimate(const std::vector<double>& e, const std::vector<double>& n) {
  MultiplyEnergy r;
  double se = 0, sn = 0;
  for (std::size_t i = 0; i < e.size(); ++i) {
    se += e[i];
    sn += n[i];
  }
  if (sn <= 0) return r;
  r.mean_fj = se / sn;
  const double m = static_cast<double>(e.size());
  if (e.size() > 1) {
    double var = 0;
    for (std::size_t i = 0; i < e.size(); ++i) var += std::pow(e[i] - r.mean_fj * n[i], 2);
    r.ci95_fj = 1.96 * std::sqrt(var / (m * (m - 1))) / (sn / m);
  }
  r.sampled_ops = static_cast<std::int64_t>(sn);
  return r;
}

int flips(std::uint64_t a, std::uint64_t b, int bits) {
  const std::uint64_t mask = bits >= 64 ? ~0ULL : ((1ULL << bits) - 1);
  return static_cast<int>(std::bitset<64>((a ^ b) & mask).count());
}

}  // namespace

MultiplyEnergy library_priced_multiply(const std::string& multiplier, double clock_hz) {
  const auto& info = rtl::MultiplierLibrary::instance().info(multiplier);
  if (!info.figures.power_mw)
    throw Error(info.source + ": multiplier '" + multiplier +
                "' is a product table without a netlist or a library power figure, so its energy is unknown: "
                "give power_mw in its library file (docs/multipliers.md)");
  MultiplyEnergy e;
  e.mean_fj = *info.figures.power_mw * 1e-3 / clock_hz * 1e15;  // mW at f: J per cycle, in fJ
  return e;
}

PeDatapathEnergy sample_pe_datapath(const mapping::LayerWork& l, const std::string& multiplier, int rows,
                                    int adder_bits, const LayerOperands* ops, const SimOptions& o,
                                    const std::shared_ptr<const rtl::TechModel>& tech) {
  auto& lib = rtl::MultiplierLibrary::instance();
  // A table-only multiplier has no netlist: its multiply energy is priced by
  // library power (library_priced_multiply); the adder still toggles on its products.
  const bool toggles = lib.info(multiplier).has_netlist;
  const auto table = lib.table(multiplier);
  std::mt19937_64 rng(o.seed ^ (std::hash<std::string>{}(l.name) * 31 + std::hash<std::string>{}(multiplier)));
  const int T = std::max(1, l.T), K = std::max(1, l.K), N = std::max(1, l.N);
  const int len = std::max(1, std::min(o.segment_length, T));
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<std::uint64_t>(n)); };
  // Every window is one segment of a stream: its first operation is the one
  // the PE did just before (or (0, 0), the reset state, when the window
  // starts the PE's layer), which sets the state and is not charged. Blocks
  // of windows are priced at a time, so --samples does not bound memory.
  std::vector<std::uint8_t> a, b;
  std::vector<std::int64_t> psum_in, prod;
  std::vector<std::size_t> starts;
  std::vector<double> count, e_mul, e_add;
  std::vector<std::uint8_t> w_above;
  const auto netlist = toggles ? lib.netlist(multiplier) : nullptr;
  const std::vector<double> weights = toggles ? rtl::toggle_weights_fj(*netlist, *tech) : std::vector<double>{};
  const rtl::AdderToggleSimulator adder(adder_bits, tech);
  double act_flips = 0, psum_flips = 0, flip_ops = 0;
  auto price_block = [&] {
    starts.push_back(a.size());
    const auto em = toggles ? rtl::segment_energies_fj(*netlist, weights, a.data(), b.data(), starts)
                            : std::vector<double>(starts.size() - 1, 0.0);
    const auto ea = adder.segment_energies_fj(psum_in.data(), prod.data(), starts);
    e_mul.insert(e_mul.end(), em.begin(), em.end());
    e_add.insert(e_add.end(), ea.begin(), ea.end());
    for (std::size_t s = 0; s + 1 < starts.size(); ++s)
      for (std::size_t i = starts[s] + 1; i < starts[s + 1]; ++i) {
        const auto out = static_cast<std::uint64_t>(psum_in[i] + prod[i]);
        const auto prev_out = static_cast<std::uint64_t>(psum_in[i - 1] + prod[i - 1]);
        act_flips += flips(b[i], b[i - 1], 8);
        psum_flips += flips(out, prev_out, adder_bits);
        flip_ops += 1;
      }
    a.clear();
    b.clear();
    psum_in.clear();
    prod.clear();
    starts.clear();
  };
  constexpr std::size_t kBlockSegments = 4096;
  for (int s = 0; s < o.sample_segments; ++s) {
    const int g = pick(l.groups), k = pick(K), n = pick(N);
    const int k0 = (k / rows) * rows;  // first row of k's fold
    const int t0 = pick(T + len - 1) - (len - 1);
    const int first = std::max(0, t0), last = std::min(T - 1, t0 + len - 1);
    auto weight = [&](int kk) -> std::uint8_t {
      return ops ? ops->weights[g][static_cast<std::size_t>(n) * l.K + kk] : static_cast<std::uint8_t>(rng());
    };
    auto x_at = [&](int t, int kk) -> std::uint8_t {
      return ops ? ops->activations[g][static_cast<std::size_t>(t) * l.K + kk] : static_cast<std::uint8_t>(rng());
    };
    // One operation of PE row kk (fold base kb) at pixel t: multiplier operands and adder inputs.
    auto push = [&](int t, int kk, int kb, std::uint8_t w) {
      std::int64_t above = 0;
      for (int j = kb; j < kk; ++j) above += table->value(ops ? weight(j) : w_above[static_cast<std::size_t>(j - kb)], x_at(t, j));
      const std::uint8_t x = x_at(t, kk);
      a.push_back(w);
      b.push_back(x);
      psum_in.push_back(above);
      prod.push_back(table->value(w, x));
    };
    if (!ops) {  // random weights of the rows above, fixed over the window like real ones
      w_above.resize(static_cast<std::size_t>(rows));
      for (auto& v : w_above) v = static_cast<std::uint8_t>(rng());
    }
    starts.push_back(a.size());
    const std::uint8_t w = weight(k);
    if (first > 0) {
      push(first - 1, k, k0, w);
    } else if (k >= rows) {
      push(T - 1, k - rows, k0 - rows, ops ? weight(k - rows) : static_cast<std::uint8_t>(rng()));
    } else {  // the PE's first operation of the layer: from the reset state
      a.push_back(0);
      b.push_back(0);
      psum_in.push_back(0);
      prod.push_back(0);
    }
    for (int t = first; t <= last; ++t) push(t, k, k0, w);
    count.push_back(static_cast<double>(last - first + 1));
    if (starts.size() == kBlockSegments) price_block();
  }
  if (!starts.empty()) price_block();
  PeDatapathEnergy r;
  r.multiply = ratio_estimate(e_mul, count);
  r.add = ratio_estimate(e_add, count);
  if (flip_ops > 0) {
    r.activation_flips = act_flips / flip_ops;
    r.psum_flips = psum_flips / flip_ops;
  }
  return r;
}

MultiplyEnergyCache::Key MultiplyEnergyCache::key(const mapping::LayerWork& l, const std::string& multiplier, int rows,
                                                  int adder_bits, const LayerOperands* ops, const SimOptions& o) {
  // The operands are part of the key: the same layer and multiplier see other
  // streams when the layers before it use other multipliers (a search), and
  // a result must not depend on which mapping was simulated first.
  const std::string content = !ops ? "random" : !ops->content_key.empty() ? ops->content_key : operand_content_key(*ops);
  return std::make_tuple(std::to_string(l.id) + ":" + l.name + ":" + std::to_string(rows) + ":" +
                             std::to_string(adder_bits) + ":" + content,
                         multiplier, o.sample_segments);
}

PeDatapathEnergy MultiplyEnergyCache::get(const mapping::LayerWork& l, const std::string& multiplier, int rows,
                                          int adder_bits, const LayerOperands* ops, const SimOptions& o,
                                          const std::shared_ptr<const rtl::TechModel>& tech) {
  const Key key = MultiplyEnergyCache::key(l, multiplier, rows, adder_bits, ops, o);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto it = cache_.find(key);
    if (it != cache_.end()) return it->second;
  }
  const PeDatapathEnergy e = sample_pe_datapath(l, multiplier, rows, adder_bits, ops, o, tech);
  std::lock_guard<std::mutex> lock(mutex_);
  cache_[key] = e;
  return e;
}

}  // namespace alwann::sim
