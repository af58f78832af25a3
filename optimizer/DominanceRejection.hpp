#pragma once
// Early rejection of dominated candidates (issue 9 §6). Energy and cycles
// come from the simulation, which is cheap and runs first; accuracy is the
// expensive part. Once a candidate has misclassified so many search images
// that its error must exceed, by more than a margin, the error of an already
// evaluated feasible point with no more energy (and cycles), it is dominated
// whatever the remaining images give, so the oracle stops it. Its recorded
// accuracy is then an upper bound (every image not run counted as right),
// which keeps it dominated by that point. The reference is the archive front
// at the start of a generation, so results do not depend on the order,
// threads or ranks that evaluate the generation.
#include <cstddef>
#include <vector>

#include <nlohmann/json.hpp>

#include "optimizer/CandidateResult.hpp"

namespace alwann::optimizer {

struct RejectionReference {
  // Fitness vectors [error %, energy, (cycles)] of feasible non-dominated points.
  std::vector<std::vector<double>> front;
  double margin_pp = 1.0;
  EnergyObjective energy = EnergyObjective::Multiply;
  bool latency = false;
};
nlohmann::json to_json(const RejectionReference& r);
RejectionReference rejection_reference_from_json(const nlohmann::json& j);

// The most of `images` search images the candidate (simulated result `r`,
// accuracy not yet known) may misclassify before it is certainly dominated
// by more than the margin; SIZE_MAX when no reference point dominates it in
// the other objectives.
std::size_t dominated_after_wrong(const RejectionReference& ref, const CandidateResult& r, std::size_t images);

}  // namespace alwann::optimizer
