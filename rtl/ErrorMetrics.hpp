#pragma once
// Error metrics of a product table over all 65,536 operand pairs, with the
// EvoApprox library's definitions (reference §3).
#include "rtl/ProductTable.hpp"

namespace alwann::rtl {

struct ErrorMetrics {
  double mae = 0;      // mean |approx - exact|
  double mae_pct = 0;  // mae / 2^16 * 100
  double wce = 0;      // max |approx - exact|
  double wce_pct = 0;  // wce / 2^16 * 100
  double mre_pct = 0;  // mean(|err| / max(1, |exact|)) * 100
  double ep_pct = 0;   // share of pairs with err != 0, %
  double mse = 0;      // mean err^2
  double bias = 0;     // mean signed error (approx - exact)
};

ErrorMetrics error_metrics(const ProductTable& table);

}  // namespace alwann::rtl
