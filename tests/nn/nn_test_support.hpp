#pragma once
// Shared helpers of the nn tests: fixture paths, seeded random inputs,
// quantising a fixture network on random calibration inputs.
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "common/Error.hpp"
#include "nn/FloatInference.hpp"
#include "nn/OnnxImport.hpp"
#include "nn/Quantization.hpp"

namespace nn_test {

inline std::string fixture(const std::string& name) {
  return std::string(ALWANN_TEST_DATA_DIR) + "/fixtures/nn/" + name;
}

inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const alwann::Error& e) {
    return e.what();
  }
  return "";
}

inline std::vector<alwann::nn::FloatTensor> random_inputs(const alwann::nn::Network& net, int count, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<alwann::nn::FloatTensor> xs(static_cast<size_t>(count));
  for (auto& x : xs) {
    x.resize(static_cast<size_t>(alwann::nn::element_count(net.input().output_shape)));
    for (auto& v : x) v = u(rng);
  }
  return xs;
}

inline alwann::nn::QuantizedNetworkPtr quantize_fixture(alwann::nn::NetworkPtr net, alwann::nn::Scheme scheme,
                                                       const std::vector<alwann::nn::FloatTensor>& calib, int threads = 2) {
  alwann::nn::FloatEngine f(net);
  return std::make_shared<const alwann::nn::QuantizedNetwork>(net, scheme, alwann::nn::measure_ranges(f, calib, threads));
}

}  // namespace nn_test
