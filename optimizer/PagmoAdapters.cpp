#include "optimizer/PagmoAdapters.hpp"

#include "common/Error.hpp"

namespace alwann::optimizer {

namespace {
BatchFitnessFunction& checked(const std::shared_ptr<BatchFitnessFunction>& fn) {
  if (!fn) throw std::logic_error("search problem used without its fitness function");
  return *fn;
}
}  // namespace

pagmo::vector_double SearchProblem::fitness(const pagmo::vector_double& x) const { return checked(fn)({x}).at(0); }

std::pair<pagmo::vector_double, pagmo::vector_double> SearchProblem::get_bounds() const {
  return checked(fn).space().bounds();
}

pagmo::vector_double::size_type SearchProblem::get_nobj() const { return checked(fn).objectives().count(); }

pagmo::vector_double::size_type SearchProblem::get_nix() const { return checked(fn).space().genes(); }

pagmo::vector_double SearchBatchEvaluator::operator()(const pagmo::problem& p, const pagmo::vector_double& dvs) const {
  const std::size_t n = p.get_nx();
  std::vector<std::vector<double>> xs;
  for (std::size_t i = 0; i + n <= dvs.size(); i += n) xs.emplace_back(dvs.begin() + static_cast<std::ptrdiff_t>(i), dvs.begin() + static_cast<std::ptrdiff_t>(i + n));
  pagmo::vector_double out;
  for (const auto& f : checked(fn)(xs)) out.insert(out.end(), f.begin(), f.end());
  return out;
}

}  // namespace alwann::optimizer
