#pragma once
// Weight update without retraining (ALWANN, reference §1): for a multiplier M
// every quantised weight code w is replaced by
//
//   w*(w) = argmin over w' of  sum_x p(x) * | x*w - M(w', x) |
//
// where x runs over the activation code values (0..255, or -128..127 for a
// signed multiplier), x*w is the exact product of the code values, and M is
// read with the weight on port A. Ties keep w; among other tied codes the one
// nearest to w in value wins, then the smaller value.
//
//   --tune none    identity
//   --tune alwann  p(x) = 1 (the paper's formula, one remap per multiplier)
//   --tune data    p(x) = the layer's activation-code histogram on the
//                  calibration images (one remap per layer and multiplier)
//
// The remap changes only which weight code drives port A; the zero-point
// cross terms keep the quantised weights (docs/nn.md).
#include <string>

#include "nn/IntegerInference.hpp"
#include "rtl/ProductTable.hpp"

namespace alwann::nn {

enum class Tune { None, Alwann, Data };
Tune parse_tune(const std::string& name);  // "none" | "alwann" | "data", else alwann::Error
const char* to_string(Tune t);

// Remap minimising the p-weighted absolute error (integer arithmetic, exact ties).
WeightRemap weight_remap(const rtl::ProductTable& table, const CodeHistogram& activation_weight);
// The uniform-activation remap of the paper.
WeightRemap alwann_weight_remap(const rtl::ProductTable& table);

}  // namespace alwann::nn
