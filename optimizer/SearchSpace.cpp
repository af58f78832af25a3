#include "optimizer/SearchSpace.hpp"

#include <algorithm>
#include <cmath>

#include "common/Error.hpp"

namespace alwann::optimizer {

SearchSpace::SearchSpace(const mapping::AcceleratorConfig& acc, const mapping::NetworkWork& work,
                         std::vector<std::string> multipliers)
    : acc_(acc), multipliers_(std::move(multipliers)) {
  for (const auto& w : work)
    if (w.on_array()) layers_.push_back(w.id);
  units_ = static_cast<int>(acc.units.size());
  pipelined_ = acc.style == mapping::AcceleratorStyle::Pipelined;
  for (const auto& u : acc.units)
    identical_units_ = identical_units_ && u.rows == acc.units[0].rows && u.cols == acc.units[0].cols;
  if (multipliers_.empty()) throw Error("the search has no multiplier to choose from");
  if (layers_.empty()) throw Error("the network has no approximable layer to map");
  if (units_ < 1) throw file_error(acc.path, "the accelerator has no compute unit");
  if (pipelined_ && units_ > static_cast<int>(layers_.size()))
    throw file_error(acc.path, std::to_string(units_) + " pipeline stages but only " + std::to_string(layers_.size()) +
                                   " approximable layers: every stage needs at least one layer");
}

std::size_t SearchSpace::genes() const {
  return static_cast<std::size_t>(units_) + (pipelined_ ? static_cast<std::size_t>(units_ - 1) : layers_.size());
}

std::pair<std::vector<double>, std::vector<double>> SearchSpace::bounds() const {
  std::vector<double> lo(genes(), 0.0), hi(genes(), 0.0);
  const auto U = static_cast<std::size_t>(units_);
  for (std::size_t i = 0; i < U; ++i) hi[i] = static_cast<double>(multipliers_.size() - 1);
  for (std::size_t i = U; i < genes(); ++i) {
    lo[i] = pipelined_ ? 1.0 : 0.0;
    hi[i] = pipelined_ ? static_cast<double>(layers_.size() - 1) : static_cast<double>(units_ - 1);
  }
  return {lo, hi};
}

Candidate SearchSpace::decode(const std::vector<double>& x) const {
  if (x.size() != genes())
    throw Error("chromosome has " + std::to_string(x.size()) + " genes, expected " + std::to_string(genes()));
  auto gene = [&](std::size_t i, int lo, int hi) {
    return std::clamp(static_cast<int>(std::lround(x[i])), lo, hi);
  };
  Candidate c;
  const auto U = static_cast<std::size_t>(units_);
  const int L = static_cast<int>(layers_.size());
  for (std::size_t i = 0; i < U; ++i) c.unit_multiplier.push_back(gene(i, 0, static_cast<int>(multipliers_.size()) - 1));
  if (!pipelined_) {
    for (int l = 0; l < L; ++l) c.layer_unit.push_back(gene(U + static_cast<std::size_t>(l), 0, units_ - 1));
    return canonical(c);
  }
  // Stage starts: sorted, then pushed apart so that stage s starts at >= s
  // and leaves room for the stages after it.
  std::vector<int> starts;
  for (std::size_t i = U; i < genes(); ++i) starts.push_back(gene(i, 1, L - 1));
  std::sort(starts.begin(), starts.end());
  for (std::size_t s = 0; s < starts.size(); ++s) starts[s] = std::max(starts[s], static_cast<int>(s) + 1);
  for (std::size_t s = starts.size(); s-- > 0;) starts[s] = std::min(starts[s], L - static_cast<int>(starts.size() - s));
  int unit = 0;
  for (int l = 0; l < L; ++l) {
    while (unit < static_cast<int>(starts.size()) && l >= starts[static_cast<std::size_t>(unit)]) ++unit;
    c.layer_unit.push_back(unit);
  }
  return c;
}

std::vector<double> SearchSpace::encode(const Candidate& c) const {
  std::vector<double> x;
  for (int m : c.unit_multiplier) x.push_back(m < 0 ? 0.0 : m);
  if (!pipelined_) {
    for (int u : c.layer_unit) x.push_back(u);
    return x;
  }
  for (std::size_t l = 1; l < c.layer_unit.size(); ++l)
    if (c.layer_unit[l] != c.layer_unit[l - 1]) x.push_back(static_cast<double>(l));
  return x;
}

Candidate SearchSpace::canonical(const Candidate& c) const {
  Candidate out = c;
  if (pipelined_) return out;  // units differ in size: no relabelling; every unit is used
  std::vector<int> relabel(static_cast<std::size_t>(units_), -1);
  int next = 0;
  if (identical_units_) {
    for (int& u : out.layer_unit) {
      int& r = relabel[static_cast<std::size_t>(u)];
      if (r < 0) r = next++;
      u = r;
    }
  } else {
    for (int u : out.layer_unit) relabel[static_cast<std::size_t>(u)] = u;
  }
  std::vector<int> mult(static_cast<std::size_t>(units_), -1);
  for (int u = 0; u < units_; ++u)
    if (relabel[static_cast<std::size_t>(u)] >= 0)
      mult[static_cast<std::size_t>(relabel[static_cast<std::size_t>(u)])] = c.unit_multiplier[static_cast<std::size_t>(u)];
  out.unit_multiplier = mult;
  return out;
}

std::string SearchSpace::key(const Candidate& c) const {
  const Candidate k = canonical(c);
  std::string s;
  for (int m : k.unit_multiplier) s += std::to_string(m) + ",";
  s += "|";
  for (int u : k.layer_unit) s += std::to_string(u) + ",";
  return s;
}

Candidate SearchSpace::uniform(int multiplier) const {
  Candidate c;
  c.unit_multiplier.assign(static_cast<std::size_t>(units_), multiplier);
  if (!pipelined_) {
    c.layer_unit.assign(layers_.size(), 0);
    return canonical(c);
  }
  std::vector<double> x(genes());  // stages of near-equal layer counts
  for (int s = 1; s < units_; ++s)
    x[static_cast<std::size_t>(units_ + s - 1)] = std::floor(static_cast<double>(s) * layers_.size() / units_);
  for (int u = 0; u < units_; ++u) x[static_cast<std::size_t>(u)] = multiplier;
  return decode(x);
}

std::vector<std::string> SearchSpace::unit_multiplier_names(const Candidate& c) const {
  std::vector<std::string> out;
  for (int m : c.unit_multiplier) out.push_back(m < 0 ? std::string() : multipliers_.at(static_cast<std::size_t>(m)));
  return out;
}

std::vector<std::string> SearchSpace::layer_unit_names(const Candidate& c) const {
  std::vector<std::string> out;
  for (int u : c.layer_unit) out.push_back(acc_.units.at(static_cast<std::size_t>(u)).name);
  return out;
}

std::string SearchSpace::multipliers_text(const Candidate& c) const {
  std::string s;
  const auto names = unit_multiplier_names(c);
  for (std::size_t u = 0; u < names.size(); ++u)
    s += (u ? " " : "") + acc_.units[u].name + "=" + (names[u].empty() ? "-" : names[u]);
  return s;
}

std::string SearchSpace::layers_text(const Candidate& c) const {
  std::string s;
  for (const auto& n : layer_unit_names(c)) s += (s.empty() ? "" : " ") + n;
  return s;
}

mapping::MappingConfig SearchSpace::mapping(const Candidate& c, const std::string& name) const {
  mapping::MappingConfig m;
  m.path = name + ".yaml";
  m.name = name;
  m.accelerator_path = acc_.path;
  m.unit_multipliers = unit_multiplier_names(c);
  m.layer_units_list = layer_unit_names(c);
  m.list_lines.assign(m.layer_units_list.size(), 0);
  return m;
}

}  // namespace alwann::optimizer
