#pragma once
// The search as pagmo sees it: a user-defined problem (bounds, integer genes,
// objectives) and a user-defined batch fitness evaluator. Both only forward
// to a shared BatchFitnessFunction, so algorithms and evaluators plug in
// without touching the problem (pagmo's design).
#include <memory>
#include <string>
#include <utility>

#include <pagmo/bfe.hpp>
#include <pagmo/problem.hpp>
#include <pagmo/types.hpp>

#include "optimizer/FitnessMemo.hpp"

namespace alwann::optimizer {

struct SearchProblem {
  std::shared_ptr<BatchFitnessFunction> fn;  // pagmo needs a default-constructible UDP
  pagmo::vector_double fitness(const pagmo::vector_double& x) const;
  std::pair<pagmo::vector_double, pagmo::vector_double> get_bounds() const;
  pagmo::vector_double::size_type get_nobj() const;
  pagmo::vector_double::size_type get_nix() const;
  std::string get_name() const { return "alwann multiplier and layer mapping"; }
};

struct SearchBatchEvaluator {
  std::shared_ptr<BatchFitnessFunction> fn;
  // dvs: the decision vectors one after another; returns the fitness vectors likewise.
  pagmo::vector_double operator()(const pagmo::problem& p, const pagmo::vector_double& dvs) const;
  std::string get_name() const { return "alwann memoised batch evaluator"; }
};

}  // namespace alwann::optimizer
