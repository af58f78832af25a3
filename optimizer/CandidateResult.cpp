#include "optimizer/CandidateResult.hpp"

#include <algorithm>

#include "common/Error.hpp"

namespace alwann::optimizer {

nlohmann::json to_json(const CandidateResult& r) {
  nlohmann::json j = {{"accuracy_validation", r.accuracy_validation},
                      {"energy_multiply_pj", r.energy_multiply_pj},
                      {"energy_total_pj", r.energy_total_pj},
                      {"cycles", r.cycles},
                      {"latency_cycles", r.latency_cycles},
                      {"stopped_early", r.stopped_early}};
  j["library_power_mw"] = r.library_power_mw ? nlohmann::json(*r.library_power_mw) : nlohmann::json();
  nlohmann::json b = nlohmann::json::object();
  for (const auto& [name, pj] : r.breakdown) b[name] = pj;
  j["energy_breakdown_pj"] = b;
  return j;
}

CandidateResult candidate_result_from_json(const nlohmann::json& j) {
  CandidateResult r;
  r.accuracy_validation = j.at("accuracy_validation").get<double>();
  r.energy_multiply_pj = j.at("energy_multiply_pj").get<double>();
  r.energy_total_pj = j.at("energy_total_pj").get<double>();
  r.cycles = j.at("cycles").get<std::int64_t>();
  r.latency_cycles = j.at("latency_cycles").get<std::int64_t>();
  r.stopped_early = j.value("stopped_early", false);
  if (!j.at("library_power_mw").is_null()) r.library_power_mw = j["library_power_mw"].get<double>();
  for (const auto& [name, pj] : j.at("energy_breakdown_pj").items()) r.breakdown.emplace_back(name, pj.get<double>());
  return r;
}

EnergyObjective parse_energy_objective(const std::string& s) {
  if (s == "multiply") return EnergyObjective::Multiply;
  if (s == "total") return EnergyObjective::Total;
  if (s == "library-power") return EnergyObjective::LibraryPower;
  throw Error("--energy: '" + s + "' is not one of multiply, total, library-power");
}

const char* to_string(EnergyObjective e) {
  switch (e) {
    case EnergyObjective::Multiply: return "multiply";
    case EnergyObjective::Total: return "total";
    case EnergyObjective::LibraryPower: return "library-power";
  }
  return "?";
}

Objectives::Objectives(ObjectiveOptions o, const CandidateResult& exact) : o_(o), exact_(exact) {}

double Objectives::energy(const CandidateResult& r) const {
  switch (o_.energy) {
    case EnergyObjective::Multiply: return r.energy_multiply_pj;
    case EnergyObjective::Total: return r.energy_total_pj;
    case EnergyObjective::LibraryPower:
      if (!r.library_power_mw) throw Error("--energy library-power: a multiplier in use has no library power figure");
      return *r.library_power_mw;
  }
  return 0;
}

const char* Objectives::energy_unit() const { return o_.energy == EnergyObjective::LibraryPower ? "mW" : "pJ"; }

double Objectives::violation(const CandidateResult& r) const {
  double v = 0;
  if (o_.max_loss_pp) v += std::max(0.0, exact_.accuracy_validation - r.accuracy_validation - *o_.max_loss_pp);
  if (o_.max_cycles && *o_.max_cycles > 0)
    v += 100.0 * std::max(0.0, static_cast<double>(r.cycles) / static_cast<double>(*o_.max_cycles) - 1.0);
  return v;
}

std::vector<double> Objectives::fitness(const CandidateResult& r) const {
  std::vector<double> f = {100.0 - r.accuracy_validation, energy(r)};
  if (o_.latency) f.push_back(static_cast<double>(r.cycles));
  const double v = violation(r);
  if (v > 0) {  // worse than every feasible point in every objective, ranked by violation
    f[0] = 100.0 + v;
    f[1] = 10.0 * std::max(energy(exact_), 1e-9) * (1.0 + v) + f[1];
    if (o_.latency) f[2] = 10.0 * static_cast<double>(std::max<std::int64_t>(exact_.cycles, 1)) * (1.0 + v) + f[2];
  }
  return f;
}

}  // namespace alwann::optimizer
