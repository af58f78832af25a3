#include <catch2/catch.hpp>

#include <random>

#include "mapping/PipelinePartition.hpp"

using namespace alwann::mapping;

TEST_CASE("optimal stage partition equals brute force on random small cases", "[partition]") {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    const int U = 1 + static_cast<int>(rng() % 4), L = static_cast<int>(rng() % 8);
    std::vector<std::vector<std::int64_t>> cost(U, std::vector<std::int64_t>(L));
    for (auto& row : cost)
      for (auto& c : row) c = 1 + static_cast<std::int64_t>(rng() % 50);
    const auto dp = optimal_partition(cost);
    const auto bf = brute_force_partition(cost);
    INFO("trial " << trial << " U=" << U << " L=" << L);
    CHECK(dp.bottleneck == bf.bottleneck);
    CHECK(partition_bottleneck(cost, dp.unit_of_item) == dp.bottleneck);
    for (int i = 1; i < L; ++i) CHECK(dp.unit_of_item[i] >= dp.unit_of_item[i - 1]);
  }
}

TEST_CASE("stage partition by hand", "[partition]") {
  // Two identical units, costs 4 1 1 1 1 -> best split {4} | {1 1 1 1}: bottleneck 4.
  const std::vector<std::vector<std::int64_t>> cost = {{4, 1, 1, 1, 1}, {4, 1, 1, 1, 1}};
  const auto p = optimal_partition(cost);
  CHECK(p.bottleneck == 4);
  CHECK(p.unit_of_item == std::vector<int>{0, 1, 1, 1, 1});
  // A faster second unit takes more.
  const std::vector<std::vector<std::int64_t>> hetero = {{10, 10, 10, 10}, {1, 1, 1, 1}};
  CHECK(optimal_partition(hetero).bottleneck == 4);
}
