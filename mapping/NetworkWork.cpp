// Conversion nn::Network -> NetworkWork (compiled when alwann_nn exists).
#include "mapping/LayerWork.hpp"
#include "nn/Network.hpp"

namespace alwann::mapping {

NetworkWork network_work(const nn::Network& net) {
  NetworkWork work;
  for (const auto& L : net.layers()) {
    LayerWork w;
    w.id = L.id;
    w.name = L.name;
    w.op = nn::op_name(L.op);
    w.preds = L.predecessors;
    for (const auto& s : L.input_shapes) w.in_bytes += nn::element_count(s);
    w.out_bytes = nn::element_count(L.output_shape);
    const bool mac_layer = L.op == nn::OpKind::Conv || L.op == nn::OpKind::FullyConnected;
    if (mac_layer) {
      w.K = L.gemm_k;
      w.N = L.gemm_n;
      w.T = L.gemm_m;
      w.groups = L.groups;
      w.macs = L.macs;
      w.weight_bytes = static_cast<std::int64_t>(L.groups) * L.gemm_k * L.gemm_n;
      w.approximable = L.approximable;
      if (!w.approximable) {
        w.vector_ops = L.macs;
        w.vector_macs = true;
      }
    } else {
      switch (L.op) {
        case nn::OpKind::Input:
        case nn::OpKind::Flatten:
        case nn::OpKind::Reshape:
        case nn::OpKind::Concat:
          w.vector_ops = 0;  // addressing only
          break;
        case nn::OpKind::MaxPool:
        case nn::OpKind::AveragePool:
          w.vector_ops = w.out_bytes * L.kernel_h * L.kernel_w;
          break;
        case nn::OpKind::GlobalAveragePool:
          w.vector_ops = w.in_bytes;
          break;
        default:  // Relu, Clip, Add, Softmax: one operation per output element
          w.vector_ops = w.out_bytes;
      }
    }
    work.push_back(std::move(w));
  }
  if (!work.empty()) work.front().in_bytes = 0;
  check_topological(work);
  return work;
}

}  // namespace alwann::mapping
