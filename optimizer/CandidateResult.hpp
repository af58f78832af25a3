#pragma once
// What the oracle measures for one configuration, and how those figures
// become the minimised objectives (with the constraints as penalties, since
// pagmo's NSGA-II is unconstrained).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace alwann::optimizer {

struct CandidateResult {
  double accuracy_validation = 0;  // top-1, percent (an upper bound when stopped_early)
  bool stopped_early = false;       // stopped after part of the images: certainly infeasible or dominated
  double energy_multiply_pj = 0, energy_total_pj = 0;  // per inference
  std::optional<double> library_power_mw;             // MAC-weighted (reference §1)
  std::int64_t cycles = 0, latency_cycles = 0;
  std::vector<std::pair<std::string, double>> breakdown;  // component -> pJ per inference
};
nlohmann::json to_json(const CandidateResult& r);
CandidateResult candidate_result_from_json(const nlohmann::json& j);

enum class EnergyObjective { Multiply, Total, LibraryPower };
EnergyObjective parse_energy_objective(const std::string& s);  // multiply|total|library-power
const char* to_string(EnergyObjective e);

struct ObjectiveOptions {
  EnergyObjective energy = EnergyObjective::Multiply;
  bool latency = false;                 // cycles as a third objective
  std::optional<double> max_loss_pp;    // validation accuracy loss against the exact network
  std::optional<std::int64_t> max_cycles;
};

class Objectives {
 public:
  // `exact`: the exact 8-bit configuration (reference for loss and penalties).
  Objectives(ObjectiveOptions o, const CandidateResult& exact);
  std::size_t count() const { return o_.latency ? 3 : 2; }
  double energy(const CandidateResult& r) const;  // in the chosen objective's unit
  const char* energy_unit() const;
  bool feasible(const CandidateResult& r) const { return violation(r) == 0; }
  // [error %, energy, (cycles)]; an infeasible candidate is pushed behind
  // every feasible one by its violation.
  std::vector<double> fitness(const CandidateResult& r) const;
  const ObjectiveOptions& options() const { return o_; }
  const CandidateResult& exact() const { return exact_; }

 private:
  double violation(const CandidateResult& r) const;
  ObjectiveOptions o_;
  CandidateResult exact_;
};

}  // namespace alwann::optimizer
