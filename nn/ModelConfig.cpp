#include "nn/ModelConfig.hpp"

#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "common/Error.hpp"
#include "common/YamlFile.hpp"

namespace alwann::nn {

std::string model_config_path(const std::string& onnx_path) {
  const auto slash = onnx_path.find_last_of('/');
  const auto dot = onnx_path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return onnx_path + ".yaml";
  return onnx_path.substr(0, dot) + ".yaml";
}

namespace {

std::vector<float> float_list(const YAML::Node& n) {
  if (n.IsSequence()) return n.as<std::vector<float>>();
  return {n.as<float>()};
}

}  // namespace

ModelConfig load_model_config(const std::string& yaml_path) {
  ModelConfig c;
  c.path = yaml_path;
  std::error_code ec;
  if (!std::filesystem::exists(yaml_path, ec))
    throw file_error(yaml_path, "model description not found (it gives the input normalisation)");
  const YAML::Node root = load_yaml_file(yaml_path);
  try {
    const YAML::Node in = root["input"];
    if (!in || !in.IsMap()) throw file_error(yaml_path, "missing 'input' map (shape, scale, mean, std, layout)");
    if (!in["shape"]) throw file_error(yaml_path, "missing input.shape");
    c.input_shape = in["shape"].as<std::vector<int>>();
    if (in["layout"]) c.layout = in["layout"].as<std::string>();
    if (c.layout != "NCHW") throw file_error(yaml_path, "input.layout '" + c.layout + "' is not supported (only NCHW)");
    if (in["scale"]) c.scale = in["scale"].as<float>();
    if (in["mean"]) c.mean = float_list(in["mean"]);
    if (in["std"]) c.std = float_list(in["std"]);
    const std::size_t channels = c.input_shape.empty() ? 1 : static_cast<std::size_t>(c.input_shape[0]);
    for (const auto* v : {&c.mean, &c.std})
      if (v->size() != 1 && v->size() != channels)
        throw file_error(yaml_path, "input mean/std must have 1 or " + std::to_string(channels) + " values");
    for (float s : c.std)
      if (s == 0.0f) throw file_error(yaml_path, "input.std must not be 0");
    if (root["dataset"]) c.dataset = root["dataset"].as<std::string>();
    if (root["classes"]) c.classes = root["classes"].as<std::vector<std::string>>();
  } catch (const YAML::Exception& e) {
    throw file_error(yaml_path, e.mark.line + 1, e.msg);
  }
  return c;
}

FloatTensor ModelConfig::normalise(const std::uint8_t* pixels, std::size_t count) const {
  FloatTensor x(count);
  const std::size_t channels = mean.size() > 1 || std.size() > 1 ? std::max(mean.size(), std.size()) : 1;
  const std::size_t plane = count / channels;
  for (std::size_t i = 0; i < count; ++i) {
    const std::size_t c = channels > 1 ? i / plane : 0;
    const float m = mean[mean.size() > 1 ? c : 0], s = std[std.size() > 1 ? c : 0];
    // Same float32 operations as scripts/train.py: pixel * scale, then (x - mean) / std.
    const float v = static_cast<float>(pixels[i]) * scale;
    x[i] = (v - m) / s;
  }
  return x;
}

}  // namespace alwann::nn
