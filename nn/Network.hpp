#pragma once
// An imported network: a DAG of layers (Boost.Graph, vertex i = layer i, in
// topological order) with the float parameters of the layers that have them.
// Immutable once built; share it by const reference or shared_ptr.
#include <boost/graph/adjacency_list.hpp>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "nn/Layer.hpp"

namespace alwann::nn {

using LayerGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS>;

// Float parameters of a Conv or FullyConnected layer, BatchNormalization
// already folded in. Conv weights are [Cout][Cin/groups][kh][kw] (ONNX
// layout); fully connected weights are [out][in], i.e. one row per output.
struct LayerWeights {
  std::vector<float> weights;
  std::vector<float> bias;  // out_channels entries (zeros when the model has none)
};

struct ImportOptions {
  // The paper approximates convolutions only: fully connected layers stay exact.
  bool keep_fully_connected_exact = true;
};

class Network {
 public:
  // Built by the ONNX importer (load_onnx in nn/OnnxImport.hpp) or by tests.
  // Layers must be in topological order with ids 0..n-1, layer 0 the Input,
  // the last layer the output; successors and the graph are derived here.
  Network(std::string name, std::vector<Layer> layers, std::vector<LayerWeights> weights);

  const std::string& name() const { return name_; }  // model file stem, e.g. "resnet8"
  const std::vector<Layer>& layers() const { return layers_; }
  const Layer& layer(int id) const { return layers_.at(static_cast<size_t>(id)); }
  const Layer* find(const std::string& layer_name) const;  // nullptr if absent
  const Layer& input() const { return layers_.front(); }
  const Layer& output() const { return layers_.back(); }
  const LayerGraph& graph() const { return graph_; }

  // Weights of layer `id` (empty for layers without parameters).
  const LayerWeights& weights(int id) const { return weights_.at(static_cast<size_t>(id)); }

  std::vector<int> approximable_layers() const;  // ids, topological order
  std::int64_t total_macs() const;               // per image, all layers
  std::int64_t approximable_macs() const;

 private:
  std::string name_;
  std::vector<Layer> layers_;
  std::vector<LayerWeights> weights_;
  LayerGraph graph_;
};

using NetworkPtr = std::shared_ptr<const Network>;

}  // namespace alwann::nn
