#include "mapping/ArrayTiming.hpp"

namespace alwann::mapping {

std::int64_t ideal_array_cycles(std::int64_t folds, int R, int C, std::int64_t T, WeightBuffering buffering) {
  if (folds == 0) return 0;
  if (buffering == WeightBuffering::Single) return folds * (2 * R + C + T - 2);
  return R + folds * (R + C + T - 2);
}

std::int64_t layer_array_cycles(const LayerWork& l, int R, int C, WeightBuffering buffering, double bw) {
  // Mirrors sim's FoldExecutor with a private channel: requests are granted at
  // max(request, channel free) and occupy the channel ceil(bytes/bw) cycles.
  std::int64_t free_at = 0;
  auto reserve = [&](std::int64_t at, std::int64_t bytes) {
    const std::int64_t g = std::max(at, free_at);
    if (bytes > 0) free_at = g + transfer_cycles(static_cast<double>(bytes), bw);
    return bytes > 0 ? g : at;
  };
  const std::int64_t folds = fold_count(l, R, C);
  std::int64_t t = 0, next_load_end = -1;
  for (std::int64_t f = 0; f < folds; ++f) {
    const FoldShape s = fold_shape(l, R, C, f);
    std::int64_t load_end;
    if (buffering == WeightBuffering::Double && f > 0) {
      load_end = next_load_end;
    } else {
      const std::int64_t g = reserve(t, static_cast<std::int64_t>(s.k) * s.n);
      load_end = phase_end(t, g, R - s.k, s.k, s.n, bw);
    }
    const std::int64_t start = std::max(t, load_end);
    const std::int64_t gi = reserve(start, static_cast<std::int64_t>(l.T) * s.k);
    if (buffering == WeightBuffering::Double && f + 1 < folds) {
      const FoldShape nx = fold_shape(l, R, C, f + 1);
      const std::int64_t g = reserve(start, static_cast<std::int64_t>(nx.k) * nx.n);
      next_load_end = phase_end(start, g, R - nx.k, nx.k, nx.n, bw);
    }
    t = phase_end(start, gi, 0, l.T, s.k, bw) + (R - 1) + (C - 1);
  }
  return t;
}

}  // namespace alwann::mapping
