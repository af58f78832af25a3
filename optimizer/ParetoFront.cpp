#include "optimizer/ParetoFront.hpp"

#include <pagmo/utils/hypervolume.hpp>

namespace alwann::optimizer {

bool dominates(const std::vector<double>& a, const std::vector<double>& b) {
  bool better = false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i] > b[i]) return false;
    better = better || a[i] < b[i];
  }
  return better;
}

std::vector<std::size_t> non_dominated(const std::vector<std::vector<double>>& points) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < points.size(); ++i) {
    bool keep = true;
    for (std::size_t j = 0; j < points.size() && keep; ++j)
      keep = !(dominates(points[j], points[i]) || (j < i && points[j] == points[i]));
    if (keep) out.push_back(i);
  }
  return out;
}

double hypervolume(const std::vector<std::vector<double>>& points, const std::vector<double>& reference) {
  std::vector<std::vector<double>> inside;
  for (const auto& p : points) {
    bool ok = true;
    for (std::size_t i = 0; i < p.size(); ++i) ok = ok && p[i] < reference[i];
    if (ok) inside.push_back(p);
  }
  if (inside.empty()) return 0.0;
  return pagmo::hypervolume(inside, false).compute(reference);
}

}  // namespace alwann::optimizer
