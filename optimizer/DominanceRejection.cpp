#include "optimizer/DominanceRejection.hpp"

#include <cmath>
#include <limits>

namespace alwann::optimizer {

nlohmann::json to_json(const RejectionReference& r) {
  return {{"front", r.front}, {"margin_pp", r.margin_pp}, {"energy", to_string(r.energy)}, {"latency", r.latency}};
}

RejectionReference rejection_reference_from_json(const nlohmann::json& j) {
  RejectionReference r;
  r.front = j.at("front").get<std::vector<std::vector<double>>>();
  r.margin_pp = j.at("margin_pp").get<double>();
  r.energy = parse_energy_objective(j.at("energy").get<std::string>());
  r.latency = j.at("latency").get<bool>();
  return r;
}

std::size_t dominated_after_wrong(const RejectionReference& ref, const CandidateResult& r, std::size_t images) {
  const Objectives o({ref.energy, ref.latency, std::nullopt, std::nullopt}, CandidateResult{});
  std::vector<double> rest = {o.energy(r)};
  if (ref.latency) rest.push_back(static_cast<double>(r.cycles));
  // The lowest error of a reference point at least as good in every other objective.
  double best = std::numeric_limits<double>::infinity();
  for (const auto& p : ref.front) {
    bool no_worse = p.size() == rest.size() + 1;
    for (std::size_t i = 0; no_worse && i < rest.size(); ++i) no_worse = p[i + 1] <= rest[i];
    if (no_worse) best = std::min(best, p[0]);
  }
  const double limit_pct = best + ref.margin_pp;
  if (!std::isfinite(limit_pct) || limit_pct >= 100.0) return std::numeric_limits<std::size_t>::max();
  // Error (percent) = 100 * wrong / images; beyond this many wrong it exceeds the limit.
  return static_cast<std::size_t>(std::floor(static_cast<double>(images) * limit_pct / 100.0 + 1e-9));
}

}  // namespace alwann::optimizer
