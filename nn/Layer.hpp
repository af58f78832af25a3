#pragma once
// The read-only view of one layer of an imported network, as the mapping and
// simulation layers consume it. One ONNX node becomes one layer, except that
// BatchNormalization is folded into the convolution before it, Identity and
// Dropout disappear, and a MatMul followed by an Add of a constant becomes one
// fully connected layer with a bias.
//
// Shapes are per image (the batch dimension is dropped): {C, H, W} for
// feature maps, {F} for flat vectors.
#include <cstdint>
#include <string>
#include <vector>

namespace alwann::nn {

enum class OpKind {
  Input,              // the network input (layer 0, no MACs)
  Conv,               // Conv, any kernel, stride, padding, groups (incl. depthwise)
  FullyConnected,     // Gemm, or MatMul (+ Add of a constant bias)
  Relu,
  Clip,               // Clip(min, max), e.g. ReLU6
  Add,                // element-wise sum of two feature maps (residual join)
  MaxPool,
  AveragePool,
  GlobalAveragePool,
  Flatten,
  Reshape,
  Concat,             // along channels
  Softmax,            // only as the last layer; monotonic, so integer paths skip it
};

const char* op_name(OpKind op);  // "Conv", "FullyConnected", ...

// Import limits (docs/nn.md "Limits"): a model beyond them is refused with an
// error naming the node, instead of overflowing a size. Sizes are computed in
// 64 bits and checked before they are stored in the int fields below.
constexpr std::int64_t kMaxDimension = std::int64_t{1} << 24;       // any one dimension, pad or stride
constexpr std::int64_t kMaxTensorElements = std::int64_t{1} << 28;  // per image, any tensor (1 GiB as float)
constexpr std::int64_t kMaxLayerMacs = std::int64_t{1} << 40;       // per image, one layer

using Shape = std::vector<int>;
std::int64_t element_count(const Shape& s);
std::string shape_string(const Shape& s);  // "16x28x28"

struct Layer {
  int id = 0;             // index in topological order; Network::layers()[id]
  std::string name;       // ONNX node name (its first output's name if the node has none)
  OpKind op = OpKind::Input;
  std::string onnx_op;    // the ONNX op type it came from ("Conv", "Gemm", "MatMul", ...)

  std::vector<Shape> input_shapes;  // one per data input, in ONNX input order
  Shape input_shape;                // == input_shapes[0] (empty for the Input layer)
  Shape output_shape;

  // Conv, MaxPool, AveragePool (0 / 1 / 0 elsewhere). Padding in ONNX order.
  int kernel_h = 0, kernel_w = 0;
  int stride_h = 1, stride_w = 1;
  int pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int dilation_h = 1, dilation_w = 1;
  int groups = 1;

  // Conv and FullyConnected: channels in (per image, all groups) and out.
  int in_channels = 0, out_channels = 0;

  // The layer as a matrix product per image, per group (reference §5):
  // reduction length K = kh*kw*Cin/groups, N = Cout/groups outputs, and
  // M = OH*OW output pixels (1 for fully connected). MACs = groups*M*N*K.
  int gemm_m = 0, gemm_n = 0, gemm_k = 0;
  std::int64_t macs = 0;  // multiply-accumulates per image

  // Conv always; FullyConnected unless ImportOptions::keep_fully_connected_exact.
  bool approximable = false;

  float clip_min = 0.0f, clip_max = 0.0f;  // Clip (Relu is Clip(0, +inf) in spirit only)
  bool count_include_pad = false;          // AveragePool
  int concat_axis = 0;                     // Concat, per-image axis (0 = channels)

  std::vector<int> predecessors;  // layer ids of the data inputs, in input order
  std::vector<int> successors;    // layer ids consuming this layer's output
};

}  // namespace alwann::nn
