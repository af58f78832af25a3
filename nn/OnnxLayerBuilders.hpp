#pragma once
// The per-operator half of the ONNX importer: turns one node into a layer (or
// folds it into an existing one). Internal to nn/OnnxImport.cpp.
#include <onnx/onnx_pb.h>

#include <map>
#include <string>
#include <vector>

#include "nn/Network.hpp"
#include "nn/OnnxTensors.hpp"

namespace alwann::nn {

struct OnnxBuildContext {
  OnnxBuildContext(std::string origin_, ImportOptions options_)
      : origin(std::move(origin_)), options(options_) {}

  std::string origin;  // file path, for messages
  ImportOptions options;
  std::map<std::string, onnx_util::ConstTensor> constants;  // initializers and Constant outputs
  std::map<std::string, int> producer;                      // tensor name -> layer id
  std::map<std::string, int> use_count;                     // tensor name -> consuming nodes
  std::vector<Layer> layers;
  std::vector<LayerWeights> weights;

  // Appends `layer` (its id is set here) consuming the given layers; every
  // name in `outputs` then refers to it.
  int add_layer(Layer layer, std::vector<int> predecessors, const std::vector<std::string>& outputs,
                LayerWeights w = {});
};

// Converts one node. Throws alwann::Error naming the node for unsupported
// ops, attributes or shapes.
void build_layer(OnnxBuildContext& ctx, const onnx::NodeProto& node);

}  // namespace alwann::nn
