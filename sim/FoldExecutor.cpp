#include "sim/FoldExecutor.hpp"

#include "mapping/ArrayTiming.hpp"

namespace alwann::sim {

using mapping::phase_end;
using mapping::WeightBuffering;

ArrayTraffic array_traffic(const mapping::LayerWork& l, int R, int C, std::int64_t psum_capacity) {
  ArrayTraffic t;
  const std::int64_t folds = mapping::fold_count(l, R, C);
  const std::int64_t kfolds = mapping::ceil_div(l.K, R);
  for (std::int64_t f = 0; f < folds; ++f) {
    const auto s = mapping::fold_shape(l, R, C, f);
    t.gb_read += static_cast<std::int64_t>(s.k) * s.n + static_cast<std::int64_t>(l.T) * s.k;
    const std::int64_t live = 4LL * l.T * s.n;  // this column fold's partial sums
    const std::int64_t spilled = live > psum_capacity ? live - psum_capacity : 0;
    if (f % kfolds != 0) {
      t.psum_read += live;
      t.psum_spill_read += spilled;
      t.accumulations += static_cast<std::int64_t>(l.T) * s.n;
    }
    t.psum_write += live;
    t.psum_spill_write += spilled;
    t.weight_shifts += static_cast<std::int64_t>(s.k) * s.n * R;
  }
  t.outputs = static_cast<std::int64_t>(l.groups) * l.T * l.N;
  return t;
}

void FoldExecutor::run(const mapping::LayerWork& l, int unit, LayerResult& r) {
  const int R = acc_.units[unit].rows, C = acc_.units[unit].cols;
  const double bw = gb_.bytes_per_cycle();
  const bool dbl = acc_.weight_buffering == WeightBuffering::Double;
  const std::int64_t folds = mapping::fold_count(l, R, C);
  const std::int64_t begin = clock_.now();
  std::int64_t t = begin, next_load_end = 0;
  for (std::int64_t f = 0; f < folds; ++f) {
    const auto s = mapping::fold_shape(l, R, C, f);
    std::int64_t load_end = next_load_end;
    if (!dbl || f == 0) load_end = phase_end(t, gb_.reserve(t, static_cast<std::int64_t>(s.k) * s.n), R - s.k, s.k, s.n, bw);
    const std::int64_t start = std::max(t, load_end);
    clock_.wait_until(start);
    const std::int64_t gi = gb_.reserve(start, static_cast<std::int64_t>(l.T) * s.k);
    if (dbl && f + 1 < folds) {
      const auto nx = mapping::fold_shape(l, R, C, f + 1);
      next_load_end = phase_end(start, gb_.reserve(start, static_cast<std::int64_t>(nx.k) * nx.n), R - nx.k, nx.k, nx.n, bw);
    }
    t = phase_end(start, gi, 0, l.T, s.k, bw) + (R - 1) + (C - 1);
    clock_.wait_until(t);
  }
  r.folds += folds;
  const std::int64_t ideal = mapping::ideal_array_cycles(folds, R, C, l.T, acc_.weight_buffering);
  r.compute_cycles += ideal;
  r.gb_stall_cycles += (t - begin) - ideal;
}

}  // namespace alwann::sim
