#include "mapping/LayerWork.hpp"

#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/topological_sort.hpp>

#include <algorithm>

#include "common/Error.hpp"

namespace alwann::mapping {

LayerWork conv_work(int id, std::string name, int H, int W, int Cin, int Cout, int k, int stride,
                    std::vector<int> preds, int groups) {
  LayerWork l;
  l.id = id;
  l.name = std::move(name);
  l.op = "Conv";
  l.approximable = true;
  const int pad = k / 2;
  const int OH = (H + 2 * pad - k) / stride + 1, OW = (W + 2 * pad - k) / stride + 1;
  l.groups = groups;
  l.K = k * k * Cin / groups;
  l.N = Cout / groups;
  l.T = OH * OW;
  l.macs = static_cast<std::int64_t>(groups) * l.T * l.N * l.K;
  l.in_bytes = static_cast<std::int64_t>(H) * W * Cin;
  l.out_bytes = static_cast<std::int64_t>(OH) * OW * Cout;
  l.weight_bytes = static_cast<std::int64_t>(groups) * l.K * l.N;
  l.preds = std::move(preds);
  return l;
}

void check_topological(const NetworkWork& work) {
  using Graph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;
  Graph g(work.size());
  for (std::size_t i = 0; i < work.size(); ++i) {
    if (work[i].id != static_cast<int>(i))
      throw Error("layer '" + work[i].name + "' has id " + std::to_string(work[i].id) + ", expected " + std::to_string(i));
    for (int p : work[i].preds) {
      if (p < 0 || p >= static_cast<int>(i))
        throw Error("layer '" + work[i].name + "' depends on layer " + std::to_string(p) +
                    ", which does not precede it: layers must be in topological order");
      boost::add_edge(static_cast<std::size_t>(p), i, g);
    }
  }
  std::vector<std::size_t> order;
  boost::topological_sort(g, std::back_inserter(order));  // throws not_a_dag on a cycle
}

void fuse_elementwise(NetworkWork& work) {
  std::vector<int> consumers(work.size(), 0);
  for (const auto& l : work)
    for (int p : l.preds) ++consumers[static_cast<std::size_t>(p)];
  for (auto& l : work) {
    const bool kind = l.op == "Relu" || l.op == "Clip" || l.op == "Add" || l.op == "MaxPool" || l.op == "AveragePool";
    if (!kind || l.on_array() || l.vector_macs) continue;
    for (int p : l.preds) {
      const LayerWork& src = work[static_cast<std::size_t>(p)];
      if ((src.on_array() || src.fused) && consumers[static_cast<std::size_t>(p)] == 1) {
        l.fused = true;
        l.fused_read_bytes = std::max<std::int64_t>(0, l.in_bytes - src.out_bytes);
        break;
      }
    }
  }
}

bool weights_fit_on_chip(const NetworkWork& work, std::int64_t buffer_bytes) {
  std::int64_t weights = 0, activations = 0;
  for (const auto& l : work) {
    if (l.on_array()) weights += l.weight_bytes;
    activations = std::max(activations, l.in_bytes + l.out_bytes);
  }
  return weights + activations <= buffer_bytes;
}

std::int64_t approximable_macs(const NetworkWork& work) {
  std::int64_t s = 0;
  for (const auto& l : work)
    if (l.on_array()) s += l.macs;
  return s;
}

std::vector<int> approximable_ids(const NetworkWork& work) {
  std::vector<int> ids;
  for (const auto& l : work)
    if (l.on_array()) ids.push_back(l.id);
  return ids;
}

}  // namespace alwann::mapping
