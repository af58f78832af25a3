#include "nn/Network.hpp"

#include <boost/graph/topological_sort.hpp>

#include <iterator>
#include <numeric>

#include "common/Error.hpp"

namespace alwann::nn {

const char* op_name(OpKind op) {
  switch (op) {
    case OpKind::Input: return "Input";
    case OpKind::Conv: return "Conv";
    case OpKind::FullyConnected: return "FullyConnected";
    case OpKind::Relu: return "Relu";
    case OpKind::Clip: return "Clip";
    case OpKind::Add: return "Add";
    case OpKind::MaxPool: return "MaxPool";
    case OpKind::AveragePool: return "AveragePool";
    case OpKind::GlobalAveragePool: return "GlobalAveragePool";
    case OpKind::Flatten: return "Flatten";
    case OpKind::Reshape: return "Reshape";
    case OpKind::Concat: return "Concat";
    case OpKind::Softmax: return "Softmax";
  }
  return "?";
}

std::int64_t element_count(const Shape& s) {
  return std::accumulate(s.begin(), s.end(), std::int64_t{1}, std::multiplies<std::int64_t>());
}

std::string shape_string(const Shape& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "x" : "") + std::to_string(s[i]);
  return out;
}

Network::Network(std::string name, std::vector<Layer> layers, std::vector<LayerWeights> weights)
    : name_(std::move(name)), layers_(std::move(layers)), weights_(std::move(weights)),
      graph_(layers_.size()) {
  if (layers_.empty() || layers_.front().op != OpKind::Input)
    throw Error("network '" + name_ + "': layer 0 must be the input");
  weights_.resize(layers_.size());
  for (auto& l : layers_) l.successors.clear();
  for (size_t i = 0; i < layers_.size(); ++i) {
    Layer& l = layers_[i];
    if (l.id != static_cast<int>(i)) throw Error("network '" + name_ + "': layer ids out of order");
    for (int p : l.predecessors) {
      // Edges only go forwards, so the id order is a topological order.
      if (p < 0 || p >= l.id)
        throw Error("network '" + name_ + "': layer '" + l.name + "' is not in topological order");
      layers_[static_cast<size_t>(p)].successors.push_back(l.id);
      boost::add_edge(static_cast<size_t>(p), i, graph_);
    }
  }
  // Cross-check with Boost's own sort: also catches cycles if the rule above is ever relaxed.
  std::vector<size_t> order;
  boost::topological_sort(graph_, std::back_inserter(order));
}

const Layer* Network::find(const std::string& layer_name) const {
  for (const auto& l : layers_)
    if (l.name == layer_name) return &l;
  return nullptr;
}

std::vector<int> Network::approximable_layers() const {
  std::vector<int> ids;
  for (const auto& l : layers_)
    if (l.approximable) ids.push_back(l.id);
  return ids;
}

std::int64_t Network::total_macs() const {
  std::int64_t s = 0;
  for (const auto& l : layers_) s += l.macs;
  return s;
}

std::int64_t Network::approximable_macs() const {
  std::int64_t s = 0;
  for (const auto& l : layers_)
    if (l.approximable) s += l.macs;
  return s;
}

}  // namespace alwann::nn
