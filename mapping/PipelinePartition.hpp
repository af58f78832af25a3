#pragma once
// Stage partition for the pipelined style: the approximable layers, in
// topological order, are cut into contiguous runs, run u going to unit u
// (units in pipeline order; a run may be empty). The throughput of the
// pipeline is set by its slowest stage, so `auto` picks the cut minimising
//     max_u  sum_{i in run u} cost[u][i]
// exactly, by dynamic programming over the order:
//     best[0][i] = sum_{j<i} cost[0][j]
//     best[u][i] = min_{j<=i} max(best[u-1][j], sum_{j<=m<i} cost[u][m])
// in O(U * L^2) with prefix sums.
#include <cstdint>
#include <vector>

namespace alwann::mapping {

struct StagePartition {
  std::vector<int> unit_of_item;  // non-decreasing
  std::int64_t bottleneck = 0;
};

// cost[u][i]: cycles of item i on unit u (same length for every u).
StagePartition optimal_partition(const std::vector<std::vector<std::int64_t>>& cost);
// Every non-decreasing assignment (tests; small U and L only).
StagePartition brute_force_partition(const std::vector<std::vector<std::int64_t>>& cost);
std::int64_t partition_bottleneck(const std::vector<std::vector<std::int64_t>>& cost,
                                  const std::vector<int>& unit_of_item);

}  // namespace alwann::mapping
