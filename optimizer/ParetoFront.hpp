#pragma once
// Non-dominated filtering and hypervolume (pagmo's) of minimised objective vectors.
#include <cstddef>
#include <vector>

namespace alwann::optimizer {

// a dominates b: no worse in every objective, better in one.
bool dominates(const std::vector<double>& a, const std::vector<double>& b);
// Indices of the non-dominated points; of points with equal vectors, the first.
std::vector<std::size_t> non_dominated(const std::vector<std::vector<double>>& points);
// Hypervolume dominated by `points` up to `reference` (points not strictly
// better than the reference in every objective are left out); 0 when none remain.
double hypervolume(const std::vector<std::vector<double>>& points, const std::vector<double>& reference);

}  // namespace alwann::optimizer
