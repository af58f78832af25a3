#include "rtl/ErrorMetrics.hpp"

#include <algorithm>
#include <cstdlib>

namespace alwann::rtl {

ErrorMetrics error_metrics(const ProductTable& t) {
  double sum_abs = 0, sum_rel = 0, sum_sq = 0, sum = 0, worst = 0;
  long wrong = 0;
  for (int w = 0; w < 256; ++w)
    for (int x = 0; x < 256; ++x) {
      const auto a = static_cast<std::uint8_t>(w), b = static_cast<std::uint8_t>(x);
      const double exact = t.exact_value(a, b);
      const double err = t.value(a, b) - exact;
      const double abs_err = std::abs(err);
      sum += err;
      sum_abs += abs_err;
      sum_sq += err * err;
      sum_rel += abs_err / std::max(1.0, std::abs(exact));
      worst = std::max(worst, abs_err);
      wrong += err != 0;
    }
  const double n = ProductTable::kEntries;
  ErrorMetrics m;
  m.mae = sum_abs / n;
  m.mae_pct = m.mae / 65536.0 * 100.0;
  m.wce = worst;
  m.wce_pct = worst / 65536.0 * 100.0;
  m.mre_pct = sum_rel / n * 100.0;
  m.ep_pct = static_cast<double>(wrong) / n * 100.0;
  m.mse = sum_sq / n;
  m.bias = sum / n;
  return m;
}

}  // namespace alwann::rtl
