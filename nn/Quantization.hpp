#pragma once
// Post-training static quantisation of an imported network (docs/nn.md has
// the formulas). Two schemes:
//
//   tf-uint8        per-tensor asymmetric uint8 activations and weights with
//                   zero points (TensorFlow 1 "eightbit", reference §2); pairs
//                   with the unsigned multipliers mul8u_*.
//   int8-symmetric  per-output-channel symmetric int8 weights (codes -127..127)
//                   and symmetric int8 activations (zero point 0); pairs with
//                   the signed multipliers mul8s_*.
//
// Codes are stored as raw bytes in both schemes (int8 as two's complement),
// exactly what drives the multiplier ports. Biases are int32 at scale
// s_in * s_w; every requantisation is a fixed-point multiply (FixedPoint.hpp).
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nn/FixedPoint.hpp"
#include "nn/FloatInference.hpp"
#include "nn/Network.hpp"

namespace alwann::nn {

enum class Scheme { TfUint8, Int8Symmetric };
Scheme parse_scheme(const std::string& name);  // "tf-uint8" | "int8-symmetric", else alwann::Error
const char* to_string(Scheme s);

struct QuantParams {
  float scale = 1.0f;   // real = scale * (code - zero_point)
  int zero_point = 0;   // 0 in int8-symmetric
};

struct QuantizedLayer {
  QuantParams output;             // this layer's output tensor
  int out_min = 0, out_max = 255;  // clamp in output code values (a fused Relu/Clip narrows it)

  // Conv and FullyConnected.
  std::vector<std::uint8_t> weight_codes;  // layout of LayerWeights::weights
  std::vector<float> weight_scales;        // per output channel (all equal in tf-uint8)
  int weight_zero_point = 0;
  std::vector<std::int32_t> bias;          // per output channel, at scale s_in * s_w[c]
  std::vector<std::int32_t> weight_sums;   // per output channel: sum over k of the weight code values
  std::vector<FixedPointMultiplier> requant;  // per output channel: s_in * s_w[c] / s_out

  // Add: each input scaled to a common 2^-20 grid, then to the output (TFLite).
  // Concat: each input rescaled to the output's scale.
  std::vector<FixedPointMultiplier> input_rescale;
  FixedPointMultiplier output_rescale;
};

// Per-layer float ranges observed on the calibration images.
struct ActivationRanges {
  std::vector<float> min, max;  // by layer id
};

// Runs the float network on `inputs` (normalised images) with `threads`
// threads; the result does not depend on the thread count.
ActivationRanges measure_ranges(const FloatEngine& engine, const std::vector<FloatTensor>& inputs, int threads);

class QuantizedNetwork {
 public:
  QuantizedNetwork(NetworkPtr net, Scheme scheme, const ActivationRanges& ranges);

  const Network& network() const { return *net_; }
  const NetworkPtr& network_ptr() const { return net_; }
  Scheme scheme() const { return scheme_; }
  bool is_signed() const { return scheme_ == Scheme::Int8Symmetric; }
  const QuantizedLayer& layer(int id) const { return layers_.at(static_cast<size_t>(id)); }
  const ActivationRanges& ranges() const { return ranges_; }

  // Code value <-> byte: int8 two's complement or uint8.
  int value(std::uint8_t code) const { return is_signed() ? static_cast<std::int8_t>(code) : code; }
  int code_min() const { return is_signed() ? -128 : 0; }
  int code_max() const { return is_signed() ? 127 : 255; }

  std::vector<std::uint8_t> quantize_input(const FloatTensor& x) const;
  std::vector<float> dequantize(int layer_id, const std::vector<std::uint8_t>& codes) const;

 private:
  void quantize_weights(const Layer& l, QuantizedLayer& q) const;
  QuantParams params_for_range(float lo, float hi) const;
  int quantize_value(float x, QuantParams p) const;

  NetworkPtr net_;
  Scheme scheme_;
  ActivationRanges ranges_;
  std::vector<QuantizedLayer> layers_;
};

using QuantizedNetworkPtr = std::shared_ptr<const QuantizedNetwork>;

}  // namespace alwann::nn
