#pragma once
// The model description next to an ONNX file (models/<name>.yaml, written by
// scripts/train.py): input shape and normalisation, data set, class names.
//
//   input: {shape: [C, H, W], layout: NCHW, scale: 0.0039.., mean: [..], std: [..]}
//   dataset: fashion-mnist
//   classes: [...]
//
// Normalisation, per channel c: x = (pixel * scale - mean[c]) / std[c], in
// float32 like the training script.
#include <cstdint>
#include <string>
#include <vector>

#include "nn/FloatInference.hpp"
#include "nn/Layer.hpp"

namespace alwann::nn {

struct ModelConfig {
  std::string path;                 // the YAML file
  Shape input_shape;                // per image, e.g. {1, 28, 28}
  std::string layout = "NCHW";
  float scale = 1.0f;
  std::vector<float> mean{0.0f}, std{1.0f};  // one value, or one per channel
  std::string dataset;              // e.g. "fashion-mnist" (may be empty)
  std::vector<std::string> classes;

  // Pixels of one CHW image -> the network input.
  FloatTensor normalise(const std::uint8_t* pixels, std::size_t count) const;
};

// "models/resnet8.onnx" -> "models/resnet8.yaml".
std::string model_config_path(const std::string& onnx_path);

// Throws alwann::Error naming the file when it is missing or malformed.
ModelConfig load_model_config(const std::string& yaml_path);

}  // namespace alwann::nn
