#pragma once
// The cycle formulas of a weight-stationary R x C array, shared by the fold
// model, the PE model's controller and the mapper's estimates (docs/simulation.md
// states them; tests/sim checks them by hand and against the PE level).
//
// A GEMM (K, N, T, groups) is cut into folds, for each group, for each column
// fold nf < ceil(N/C), for each row fold kf < ceil(K/R) (row folds innermost so
// partial sums of one output accumulate back to back). A fold uses
// k = min(R, K - kf*R) rows and n = min(C, N - nf*C) columns.
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "mapping/AcceleratorConfig.hpp"
#include "mapping/LayerWork.hpp"

namespace alwann::mapping {

inline std::int64_t ceil_div(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

// Cycles to move `bytes` through a port of `bw` bytes/cycle.
inline std::int64_t transfer_cycles(double bytes, double bw) {
  return bytes <= 0 ? 0 : static_cast<std::int64_t>(std::ceil(bytes / bw - 1e-9));
}

struct FoldShape {
  int k = 0, n = 0;  // used rows and columns
};

inline std::int64_t fold_count(const LayerWork& l, int R, int C) {
  return static_cast<std::int64_t>(l.groups) * ceil_div(l.K, R) * ceil_div(l.N, C);
}

// Fold f in the order above.
inline FoldShape fold_shape(const LayerWork& l, int R, int C, std::int64_t f) {
  const std::int64_t kf_count = ceil_div(l.K, R), nf_count = ceil_div(l.N, C);
  const std::int64_t kf = f % kf_count, nf = (f / kf_count) % nf_count;
  return {static_cast<int>(std::min<std::int64_t>(R, l.K - kf * R)),
          static_cast<int>(std::min<std::int64_t>(C, l.N - nf * C))};
}

// A bandwidth-limited phase: `free_items` items needing no bytes, then `items`
// items of `bytes_each` bytes, entering the array at most one per cycle from
// cycle `start`, with the port's bytes arriving from cycle `grant` on at `bw`
// per cycle. Item i (0-based over all items) enters at
//     e_i = max(e_{i-1} + 1, grant + ceil(cum_i / bw) - 1)   (e_{-1} = start - 1)
// where cum_i counts the bytes of items 0..i (items without bytes: e_i = e_{i-1}+1).
// Returns the cycle after the last entry (the phase end). Closed form:
//   bytes_each <= bw: max(start + free_items, grant) + items
//   otherwise:        max(start + free_items + items, grant + ceil(items*bytes_each/bw))
inline std::int64_t phase_end(std::int64_t start, std::int64_t grant, std::int64_t free_items,
                              std::int64_t items, std::int64_t bytes_each, double bw) {
  if (items == 0 || bytes_each == 0) return start + free_items + items;
  if (bytes_each <= bw) return std::max(start + free_items, grant) + items;
  return std::max(start + free_items + items,
                  grant + transfer_cycles(static_cast<double>(items) * bytes_each, bw));
}

// Compute cycles of one layer alone on an R x C array with an uncontended
// global buffer of `bw` bytes/cycle (no DRAM, no wake-up): the mapper's
// estimate and the fold model's result for a lone layer.
std::int64_t layer_array_cycles(const LayerWork& l, int R, int C, WeightBuffering buffering, double bw);

// Ideal form without any bandwidth limit:
//   single: F * (2R + C + T - 2)          (SCALE-Sim v2)
//   double: R + F * (R + C + T - 2)
std::int64_t ideal_array_cycles(std::int64_t folds, int R, int C, std::int64_t T, WeightBuffering buffering);

// Vector unit: ceil(ops / lanes) cycles; a fused layer (fuse_elementwise) none.
inline std::int64_t vector_cycles(const LayerWork& l, int lanes) { return l.fused ? 0 : ceil_div(l.vector_ops, lanes); }

}  // namespace alwann::mapping
