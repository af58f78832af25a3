#include "mapping/PipelinePartition.hpp"

#include <algorithm>
#include <limits>

#include "common/Error.hpp"

namespace alwann::mapping {

std::int64_t partition_bottleneck(const std::vector<std::vector<std::int64_t>>& cost,
                                  const std::vector<int>& unit_of_item) {
  std::vector<std::int64_t> stage(cost.size(), 0);
  for (std::size_t i = 0; i < unit_of_item.size(); ++i) stage[unit_of_item[i]] += cost[unit_of_item[i]][i];
  return stage.empty() ? 0 : *std::max_element(stage.begin(), stage.end());
}

StagePartition optimal_partition(const std::vector<std::vector<std::int64_t>>& cost) {
  const int U = static_cast<int>(cost.size());
  if (U == 0) throw Error("pipeline partition needs at least one unit");
  const int L = static_cast<int>(cost[0].size());
  std::vector<std::vector<std::int64_t>> prefix(U, std::vector<std::int64_t>(L + 1, 0));
  for (int u = 0; u < U; ++u)
    for (int i = 0; i < L; ++i) prefix[u][i + 1] = prefix[u][i] + cost[u][i];
  constexpr auto kInf = std::numeric_limits<std::int64_t>::max();
  std::vector<std::vector<std::int64_t>> best(U, std::vector<std::int64_t>(L + 1, kInf));
  std::vector<std::vector<int>> cut(U, std::vector<int>(L + 1, 0));  // run u = [cut, i)
  for (int i = 0; i <= L; ++i) best[0][i] = prefix[0][i];
  for (int u = 1; u < U; ++u)
    for (int i = 0; i <= L; ++i)
      for (int j = 0; j <= i; ++j) {
        const std::int64_t v = std::max(best[u - 1][j], prefix[u][i] - prefix[u][j]);
        if (v < best[u][i]) {  // strict: ties keep the earliest cut (later units lighter)
          best[u][i] = v;
          cut[u][i] = j;
        }
      }
  StagePartition p;
  p.unit_of_item.assign(L, 0);
  p.bottleneck = best[U - 1][L];
  int end = L;
  for (int u = U - 1; u >= 1; --u) {
    const int j = cut[u][end];
    for (int i = j; i < end; ++i) p.unit_of_item[i] = u;
    end = j;
  }
  return p;
}

StagePartition brute_force_partition(const std::vector<std::vector<std::int64_t>>& cost) {
  const int U = static_cast<int>(cost.size());
  const int L = static_cast<int>(cost[0].size());
  StagePartition best;
  best.bottleneck = std::numeric_limits<std::int64_t>::max();
  std::vector<int> a(L, 0);
  // Enumerate non-decreasing sequences over 0..U-1 in lexicographic order.
  while (true) {
    const std::int64_t b = partition_bottleneck(cost, a);
    if (b < best.bottleneck) best = {a, b};
    int i = L - 1;
    while (i >= 0 && a[i] == U - 1) --i;
    if (i < 0) break;
    ++a[i];
    for (int j = i + 1; j < L; ++j) a[j] = a[i];
  }
  return best;
}

}  // namespace alwann::mapping
