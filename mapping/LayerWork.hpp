#pragma once
// The view of a network the accelerator models need: per layer, the GEMM it
// becomes on a weight-stationary array (reference §5) or the element work it
// puts on the vector unit, its memory footprint and its predecessors.
// Entry i is layer i of the network (topological order); the Input layer is
// an entry with no work so ids stay aligned with nn::Network.
#include <cstdint>
#include <string>
#include <vector>

namespace alwann::nn {
class Network;
}

namespace alwann::mapping {

struct LayerWork {
  int id = 0;
  std::string name;
  std::string op;            // "Conv", "FullyConnected", "Add", ...
  bool approximable = false;  // runs on a systolic array with an approximate multiplier
  // GEMM per image and group: K reduction (kh*kw*Cin/groups) on the rows, N
  // outputs (Cout/groups) on the columns, T output pixels streamed in time.
  int K = 0, N = 0, T = 0, groups = 1;
  std::int64_t macs = 0;        // groups * T * N * K
  std::int64_t vector_ops = 0;  // element operations (or exact MACs) for the vector unit
  bool vector_macs = false;     // vector_ops are MACs (exact fully connected layer)
  std::int64_t in_bytes = 0, out_bytes = 0, weight_bytes = 0;  // 8-bit codes
  std::vector<int> preds;
  // Set by fuse_elementwise: the layer runs in the output path of the array
  // layer before it (no vector-unit cycles, no buffer round trip); only its
  // other operands (an Add's second input) are read from the global buffer.
  bool fused = false;
  std::int64_t fused_read_bytes = 0;

  bool on_array() const { return approximable && macs > 0; }
};

using NetworkWork = std::vector<LayerWork>;

// Converts an imported network (nn::Network) into its work list.
NetworkWork network_work(const nn::Network& net);

// A conv layer by hand (tests, benchmarks): input HxWxCin, kernel kxk, stride s,
// 'same' padding (k/2), Cout filters.
LayerWork conv_work(int id, std::string name, int H, int W, int Cin, int Cout, int k, int stride,
                    std::vector<int> preds, int groups = 1);

// Checks ids are 0..n-1 and every predecessor precedes its layer (Boost.Graph
// topological check); throws alwann::Error naming the offending layer.
void check_topological(const NetworkWork& work);

// Marks Relu, Clip, Add, MaxPool and AveragePool layers whose input comes
// from an array layer (or an already fused layer) that feeds nothing else as
// fused into that layer's output path (accelerator vector_unit.fuse_elementwise).
void fuse_elementwise(NetworkWork& work);

// Whether every array layer's weights fit in `buffer_bytes` beside the
// largest layer's input and output activations (dram.weights_resident).
bool weights_fit_on_chip(const NetworkWork& work, std::int64_t buffer_bytes);

std::int64_t approximable_macs(const NetworkWork& work);
std::vector<int> approximable_ids(const NetworkWork& work);

}  // namespace alwann::mapping
