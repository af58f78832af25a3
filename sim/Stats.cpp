#include "sim/Stats.hpp"

#include <fmt/format.h>

namespace alwann::sim {

void StatGroup::add(const std::string& name, double value, const std::string& unit, const std::string& description) {
  const auto it = index_.find(name);
  if (it != index_.end()) {
    stats_[it->second].value += value;
    return;
  }
  index_[name] = stats_.size();
  stats_.push_back({name, unit, description, value});
}

void StatGroup::set(const std::string& name, double value, const std::string& unit, const std::string& description) {
  const auto it = index_.find(name);
  if (it != index_.end()) {
    stats_[it->second].value = value;
    return;
  }
  add(name, value, unit, description);
}

double StatGroup::get(const std::string& name) const {
  const auto it = index_.find(name);
  return it == index_.end() ? 0.0 : stats_[it->second].value;
}

bool StatGroup::has(const std::string& name) const { return index_.count(name) > 0; }

void StatGroup::merge(const StatGroup& other) {
  for (const auto& s : other.stats_) add(s.name, s.value, s.unit, s.description);
}

std::string StatGroup::to_text() const {
  std::string out;
  for (const auto& s : stats_)
    out += fmt::format("{}{}{} = {:.6g} {}{}\n", name_, name_.empty() ? "" : ".", s.name, s.value, s.unit,
                       s.description.empty() ? "" : "  # " + s.description);
  return out;
}

}  // namespace alwann::sim
