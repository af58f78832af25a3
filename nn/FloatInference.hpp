#pragma once
// The float reference forward pass of an imported network (what the ONNX
// model computes; checked against exported reference logits). Also the
// source of the activation ranges that calibrate the quantisation.
#include <vector>

#include "nn/Network.hpp"

namespace alwann::nn {

using FloatTensor = std::vector<float>;  // one layer output of one image, Layer::output_shape

class FloatEngine {
 public:
  explicit FloatEngine(NetworkPtr net);

  // One image (Network::input() shape, already normalised). Returns the output
  // layer's values; `activations`, if given, receives every layer's output
  // (indexed by layer id). Thread-safe.
  FloatTensor run(const FloatTensor& input, std::vector<FloatTensor>* activations = nullptr) const;

  const Network& network() const { return *net_; }

 private:
  NetworkPtr net_;
};

}  // namespace alwann::nn
