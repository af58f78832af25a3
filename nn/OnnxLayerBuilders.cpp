#include "nn/OnnxLayerBuilders.hpp"

#include <cmath>
#include <cstdio>
#include <limits>

#include "common/Error.hpp"

namespace alwann::nn {

using onnx_util::Attributes;
using onnx_util::ConstTensor;

int OnnxBuildContext::add_layer(Layer layer, std::vector<int> predecessors, const std::vector<std::string>& outputs,
                                LayerWeights w) {
  const std::int64_t elements = element_count(layer.output_shape);
  if (elements > kMaxTensorElements)
    throw Error(origin + ": node '" + layer.name + "' (" + layer.onnx_op + "): output " + shape_string(layer.output_shape) +
                " has " + std::to_string(elements) + " elements per image; the limit is " + std::to_string(kMaxTensorElements));
  layer.id = static_cast<int>(layers.size());
  layer.predecessors = std::move(predecessors);
  for (int p : layer.predecessors) layer.input_shapes.push_back(layers[static_cast<size_t>(p)].output_shape);
  if (!layer.input_shapes.empty()) layer.input_shape = layer.input_shapes.front();
  if (w.bias.empty() && !w.weights.empty()) w.bias.assign(static_cast<size_t>(layer.out_channels), 0.0f);
  for (const auto& o : outputs) producer[o] = layer.id;
  layers.push_back(std::move(layer));
  weights.push_back(std::move(w));
  return layers.back().id;
}

namespace {

// One node being converted: its inputs, attributes and error messages.
struct Node {
  OnnxBuildContext& ctx;
  const onnx::NodeProto& proto;
  Attributes attr;

  Node(OnnxBuildContext& c, const onnx::NodeProto& p) : ctx(c), proto(p), attr(p) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw Error(ctx.origin + ": " + onnx_util::describe(proto) + ": " + what);
  }
  std::string name() const { return proto.name().empty() ? proto.output(0) : proto.name(); }
  bool has_input(int i) const { return proto.input_size() > i && !proto.input(i).empty(); }
  bool is_constant(int i) const { return has_input(i) && ctx.constants.count(proto.input(i)) != 0; }
  int data_input(int i) const {
    if (!has_input(i)) fail("missing input " + std::to_string(i));
    auto it = ctx.producer.find(proto.input(i));
    if (it == ctx.producer.end()) fail("input '" + proto.input(i) + "' is neither a layer output nor supported here");
    return it->second;
  }
  const ConstTensor& constant(int i) const {
    if (!is_constant(i)) fail("input " + std::to_string(i) + " must be a constant (initializer)");
    return ctx.constants.at(proto.input(i));
  }
  const Layer& layer_of(int id) const { return ctx.layers[static_cast<size_t>(id)]; }
  Layer make(OpKind op) const {
    Layer l;
    l.name = name();
    l.op = op;
    l.onnx_op = proto.op_type();
    return l;
  }
  std::vector<std::string> outputs() const { return {proto.output(0)}; }
  const Shape& feature_map_input(int id) const {
    const Shape& s = layer_of(id).output_shape;
    if (s.size() != 3) fail("expects a 4-D NCHW input, got per-image shape " + shape_string(s));
    return s;
  }
};

// Kernel geometry shared by Conv and the pools: strides, pads, auto_pad,
// dilation (only 1), output size (floor, or ceil for ceil_mode pools).
void set_window(const Node& n, Layer& l, const Shape& in, int kh, int kw, bool ceil_mode) {
  l.kernel_h = kh;
  l.kernel_w = kw;
  const auto strides = n.attr.get_ints("strides", {1, 1});
  const auto dil = n.attr.get_ints("dilations", {1, 1});
  auto pads = n.attr.get_ints("pads", {0, 0, 0, 0});
  if (strides.size() != 2 || dil.size() != 2 || pads.size() != 4) n.fail("only 2-D kernels are supported");
  if (dil[0] != 1 || dil[1] != 1) n.fail("dilation other than 1 is not supported");
  if (strides[0] < 1 || strides[1] < 1) n.fail("strides must be positive");
  for (const auto v : strides)
    if (v > kMaxDimension) n.fail("stride " + std::to_string(v) + " is beyond the limit " + std::to_string(kMaxDimension));
  for (const auto v : pads)
    if (v < 0 || v > kMaxDimension) n.fail("pad " + std::to_string(v) + " must be in 0.." + std::to_string(kMaxDimension));
  l.stride_h = static_cast<int>(strides[0]);
  l.stride_w = static_cast<int>(strides[1]);
  const std::string auto_pad = n.attr.get_string("auto_pad", "NOTSET");
  if (auto_pad == "VALID") {
    pads = {0, 0, 0, 0};
  } else if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    const int k[2] = {kh, kw}, s[2] = {l.stride_h, l.stride_w};
    for (int d = 0; d < 2; ++d) {
      const int size = in[1 + d], out = (size + s[d] - 1) / s[d];
      const int total = std::max(0, (out - 1) * s[d] + k[d] - size);
      const int small = total / 2, big = total - small;
      pads[d] = auto_pad == "SAME_UPPER" ? small : big;
      pads[d + 2] = auto_pad == "SAME_UPPER" ? big : small;
    }
  } else if (auto_pad != "NOTSET" && !auto_pad.empty()) {
    n.fail("unsupported auto_pad '" + auto_pad + "'");
  }
  l.pad_top = static_cast<int>(pads[0]);
  l.pad_left = static_cast<int>(pads[1]);
  l.pad_bottom = static_cast<int>(pads[2]);
  l.pad_right = static_cast<int>(pads[3]);
  auto out_size = [&](int size, int k, int s, int p0, int p1) {
    const int span = size + p0 + p1 - k;
    if (span < 0) n.fail("kernel larger than the padded input");
    int o = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
    if (ceil_mode && (o - 1) * s >= size + p0) --o;  // last window may not start in the padding
    return o;
  };
  const int oh = out_size(in[1], kh, l.stride_h, l.pad_top, l.pad_bottom);
  const int ow = out_size(in[2], kw, l.stride_w, l.pad_left, l.pad_right);
  l.output_shape = {l.output_shape.empty() ? in[0] : l.output_shape[0], oh, ow};
}

// Computed in double first: the int64 product itself could overflow.
void check_macs(const Node& n, double macs) {
  if (macs > static_cast<double>(kMaxLayerMacs)) {
    char text[64];
    std::snprintf(text, sizeof text, "%.0f", macs);
    n.fail(std::string(text) + " MACs per image is beyond the limit of " + std::to_string(kMaxLayerMacs) + " per layer");
  }
}

void build_conv(const Node& n) {
  const int x = n.data_input(0);
  const Shape& in = n.feature_map_input(x);
  const ConstTensor& w = n.constant(1);
  if (w.dims.size() != 4) n.fail("only 2-D convolutions are supported (weight must be 4-D)");
  Layer l = n.make(OpKind::Conv);
  l.groups = static_cast<int>(n.attr.get_int("group", 1));
  l.in_channels = in[0];
  l.out_channels = static_cast<int>(w.dims[0]);
  if (l.groups < 1 || l.in_channels % l.groups || l.out_channels % l.groups || w.dims[1] != l.in_channels / l.groups)
    n.fail("weight shape does not match " + std::to_string(l.in_channels) + " input channels in " +
           std::to_string(l.groups) + " groups");
  const auto ks = n.attr.get_ints("kernel_shape", {w.dims[2], w.dims[3]});
  if (ks.size() != 2 || ks[0] != w.dims[2] || ks[1] != w.dims[3]) n.fail("kernel_shape does not match the weight");
  l.output_shape = {l.out_channels};
  set_window(n, l, in, static_cast<int>(w.dims[2]), static_cast<int>(w.dims[3]), false);
  const std::int64_t m = std::int64_t{l.output_shape[1]} * l.output_shape[2];
  const std::int64_t k = std::int64_t{l.kernel_h} * l.kernel_w * (l.in_channels / l.groups);
  if (m > kMaxTensorElements || k > kMaxTensorElements)
    n.fail("output " + std::to_string(m) + " pixels x reduction " + std::to_string(k) + " is beyond the limit of " +
           std::to_string(kMaxTensorElements) + " each");
  l.gemm_m = static_cast<int>(m);
  l.gemm_n = l.out_channels / l.groups;
  l.gemm_k = static_cast<int>(k);
  check_macs(n, static_cast<double>(l.groups) * static_cast<double>(m) * l.gemm_n * static_cast<double>(k));
  l.macs = std::int64_t{l.groups} * m * l.gemm_n * k;
  l.approximable = true;
  LayerWeights lw;
  lw.weights.assign(w.values.begin(), w.values.end());
  if (n.has_input(2)) {
    const ConstTensor& b = n.constant(2);
    if (static_cast<int>(b.values.size()) != l.out_channels) n.fail("bias size does not match output channels");
    lw.bias.assign(b.values.begin(), b.values.end());
  }
  n.ctx.add_layer(std::move(l), {x}, n.outputs(), std::move(lw));
}

// Gemm (alpha * A * B' + beta * C) and MatMul (A * B): B constant, A a flat vector.
void build_fully_connected(const Node& n, bool is_gemm) {
  const int x = n.data_input(0);
  const Shape& in = n.layer_of(x).output_shape;
  if (in.size() != 1) n.fail("expects a flat [batch, features] input, got per-image shape " + shape_string(in));
  if (is_gemm && n.attr.get_int("transA", 0) != 0) n.fail("transA is not supported");
  const ConstTensor& b = n.constant(1);
  if (b.dims.size() != 2) n.fail("the weight must be a 2-D constant");
  const bool trans_b = is_gemm && n.attr.get_int("transB", 0) != 0;
  const int out = static_cast<int>(trans_b ? b.dims[0] : b.dims[1]);
  const int k = static_cast<int>(trans_b ? b.dims[1] : b.dims[0]);
  if (k != in[0]) n.fail("weight has " + std::to_string(k) + " inputs, the layer gets " + std::to_string(in[0]));
  const double alpha = is_gemm ? n.attr.get_float("alpha", 1.0f) : 1.0;
  const double beta = is_gemm ? n.attr.get_float("beta", 1.0f) : 1.0;
  Layer l = n.make(OpKind::FullyConnected);
  l.in_channels = k;
  l.out_channels = out;
  l.output_shape = {out};
  l.gemm_m = 1;
  l.gemm_n = out;
  l.gemm_k = k;
  check_macs(n, static_cast<double>(out) * k);
  l.macs = static_cast<std::int64_t>(out) * k;
  l.approximable = !n.ctx.options.keep_fully_connected_exact;
  LayerWeights lw;
  lw.weights.resize(static_cast<size_t>(out) * k);
  for (int o = 0; o < out; ++o)
    for (int i = 0; i < k; ++i)
      lw.weights[static_cast<size_t>(o) * k + i] =
          static_cast<float>(alpha * b.values[trans_b ? static_cast<size_t>(o) * k + i : static_cast<size_t>(i) * out + o]);
  lw.bias.assign(static_cast<size_t>(out), 0.0f);
  if (is_gemm && n.has_input(2)) {
    const ConstTensor& c = n.constant(2);
    if (c.values.size() != 1 && static_cast<int>(c.values.size()) != out) n.fail("C must have 1 or N values");
    for (int o = 0; o < out; ++o) lw.bias[static_cast<size_t>(o)] = static_cast<float>(beta * c.values[c.values.size() == 1 ? 0 : static_cast<size_t>(o)]);
  }
  n.ctx.add_layer(std::move(l), {x}, n.outputs(), std::move(lw));
}

// A constant added to a Conv/Gemm/MatMul output is that layer's bias.
void fold_bias(const Node& n, int data_index) {
  const int p = n.data_input(data_index);
  Layer& target = n.ctx.layers[static_cast<size_t>(p)];
  if ((target.op != OpKind::Conv && target.op != OpKind::FullyConnected) || n.ctx.use_count[n.proto.input(data_index)] != 1)
    n.fail("adding a constant is only supported as the bias of a Conv, Gemm or MatMul");
  const ConstTensor& c = n.constant(1 - data_index);
  auto& bias = n.ctx.weights[static_cast<size_t>(p)].bias;
  if (c.values.size() != 1 && c.values.size() != bias.size()) n.fail("the added constant does not match the channels");
  for (size_t o = 0; o < bias.size(); ++o) bias[o] += static_cast<float>(c.values[c.values.size() == 1 ? 0 : o]);
  n.ctx.producer[n.proto.output(0)] = p;
}

void build_add(const Node& n) {
  if (n.is_constant(0) || n.is_constant(1)) return fold_bias(n, n.is_constant(0) ? 1 : 0);
  const int a = n.data_input(0), b = n.data_input(1);
  if (n.layer_of(a).output_shape != n.layer_of(b).output_shape) n.fail("broadcasting Add is not supported");
  Layer l = n.make(OpKind::Add);
  l.output_shape = n.layer_of(a).output_shape;
  n.ctx.add_layer(std::move(l), {a, b}, n.outputs());
}

// Conv (or Gemm) weights and bias absorb y = gamma * (x - mean) / sqrt(var + eps) + beta.
void fold_batch_norm(const Node& n) {
  const int p = n.data_input(0);
  Layer& target = n.ctx.layers[static_cast<size_t>(p)];
  if ((target.op != OpKind::Conv && target.op != OpKind::FullyConnected) || n.ctx.use_count[n.proto.input(0)] != 1)
    n.fail("BatchNormalization is only supported directly after a Conv or Gemm whose output it alone uses");
  const ConstTensor &gamma = n.constant(1), &beta = n.constant(2), &mean = n.constant(3), &var = n.constant(4);
  const double eps = n.attr.get_float("epsilon", 1e-5f);
  const size_t channels = static_cast<size_t>(target.out_channels);
  for (const ConstTensor* t : {&gamma, &beta, &mean, &var})
    if (t->values.size() != channels) n.fail("parameter size does not match the channels");
  LayerWeights& lw = n.ctx.weights[static_cast<size_t>(p)];
  const size_t per_channel = lw.weights.size() / channels;
  for (size_t c = 0; c < channels; ++c) {
    const double f = gamma.values[c] / std::sqrt(var.values[c] + eps);
    for (size_t i = 0; i < per_channel; ++i) lw.weights[c * per_channel + i] = static_cast<float>(lw.weights[c * per_channel + i] * f);
    lw.bias[c] = static_cast<float>((lw.bias[c] - mean.values[c]) * f + beta.values[c]);
  }
  n.ctx.producer[n.proto.output(0)] = p;
}

void build_pool(const Node& n, OpKind op) {
  const int x = n.data_input(0);
  const Shape& in = n.feature_map_input(x);
  Layer l = n.make(op);
  if (op == OpKind::GlobalAveragePool) {
    l.kernel_h = in[1];
    l.kernel_w = in[2];
    l.output_shape = {in[0], 1, 1};
  } else {
    const auto ks = n.attr.get_ints("kernel_shape", {});
    if (ks.size() != 2) n.fail("kernel_shape must have 2 entries");
    l.output_shape = {in[0]};
    set_window(n, l, in, static_cast<int>(ks[0]), static_cast<int>(ks[1]), n.attr.get_int("ceil_mode", 0) != 0);
    l.count_include_pad = n.attr.get_int("count_include_pad", 0) != 0;
  }
  n.ctx.add_layer(std::move(l), {x}, n.outputs());
}

void build_clip(const Node& n) {
  Layer l = n.make(OpKind::Clip);
  l.clip_min = n.attr.get_float("min", std::numeric_limits<float>::lowest());
  l.clip_max = n.attr.get_float("max", std::numeric_limits<float>::max());
  // Opset 11+: min and max are optional scalar inputs.
  auto scalar = [&](int i, const char* what) {
    const ConstTensor& t = n.constant(i);
    if (t.values.size() != 1)
      n.fail(std::string(what) + " (input " + std::to_string(i) + ") must be a scalar, got " +
             std::to_string(t.values.size()) + " values");
    return static_cast<float>(t.values[0]);
  };
  if (n.has_input(1)) l.clip_min = scalar(1, "min");
  if (n.has_input(2)) l.clip_max = scalar(2, "max");
  const int x = n.data_input(0);
  l.output_shape = n.layer_of(x).output_shape;
  n.ctx.add_layer(std::move(l), {x}, n.outputs());
}

void build_reshape(const Node& n, bool flatten) {
  const int x = n.data_input(0);
  const Shape& in = n.layer_of(x).output_shape;
  const std::int64_t count = element_count(in);
  Layer l = n.make(flatten ? OpKind::Flatten : OpKind::Reshape);
  if (flatten) {
    std::int64_t axis = n.attr.get_int("axis", 1);
    if (axis < 0) axis += static_cast<std::int64_t>(in.size()) + 1;
    if (axis != 1) n.fail("only axis 1 (keep the batch) is supported");
    l.output_shape = {static_cast<int>(count)};
  } else {
    const ConstTensor& s = n.constant(1);
    if (s.values.empty() || (s.values[0] != 0 && s.values[0] != 1 && s.values[0] != -1))
      n.fail("the target shape must keep the batch dimension first");
    int infer = -1;
    std::int64_t known = 1;
    for (size_t i = 1; i < s.values.size(); ++i) {
      std::int64_t d = static_cast<std::int64_t>(s.values[i]);
      if (d == 0) {
        if (i - 1 >= in.size()) n.fail("shape entry 0 has no input dimension to copy");
        d = in[i - 1];
      }
      if (d == -1) {
        if (infer >= 0) n.fail("more than one -1 in the target shape");
        infer = static_cast<int>(l.output_shape.size());
        l.output_shape.push_back(1);
        continue;
      }
      if (d < 1) n.fail("invalid target dimension " + std::to_string(d));
      known *= d;
      l.output_shape.push_back(static_cast<int>(d));
    }
    if (infer >= 0 && known > 0) l.output_shape[static_cast<size_t>(infer)] = static_cast<int>(count / known);
    if (l.output_shape.empty()) l.output_shape = {static_cast<int>(count)};
    if (element_count(l.output_shape) != count)
      n.fail("cannot reshape " + shape_string(in) + " to " + shape_string(l.output_shape));
  }
  n.ctx.add_layer(std::move(l), {x}, n.outputs());
}

void build_concat(const Node& n) {
  std::vector<int> ins;
  for (int i = 0; i < n.proto.input_size(); ++i) ins.push_back(n.data_input(i));
  const Shape& first = n.layer_of(ins.at(0)).output_shape;
  std::int64_t axis = n.attr.get_int("axis", 1);
  if (axis < 0) axis += static_cast<std::int64_t>(first.size()) + 1;
  if (axis != 1) n.fail("only concatenation along channels (axis 1) is supported");
  Layer l = n.make(OpKind::Concat);
  l.output_shape = first;
  l.output_shape[0] = 0;
  for (int id : ins) {
    Shape s = n.layer_of(id).output_shape;
    l.output_shape[0] += s[0];
    s[0] = first[0];
    if (s != first) n.fail("inputs differ in a dimension other than channels");
  }
  n.ctx.add_layer(std::move(l), ins, n.outputs());
}

void build_same_shape(const Node& n, OpKind op) {
  const int x = n.data_input(0);
  Layer l = n.make(op);
  l.output_shape = n.layer_of(x).output_shape;
  n.ctx.add_layer(std::move(l), {x}, n.outputs());
}

void alias(const Node& n) {
  if (n.is_constant(0)) {
    n.ctx.constants[n.proto.output(0)] = n.constant(0);
    return;
  }
  n.ctx.producer[n.proto.output(0)] = n.data_input(0);
}

void build_constant(const Node& n) {
  const onnx::TensorProto* t = n.attr.get_tensor("value");
  if (t) {
    n.ctx.constants[n.proto.output(0)] = onnx_util::decode_tensor(*t, n.ctx.origin + ": " + onnx_util::describe(n.proto));
  } else if (n.attr.has("value_ints")) {
    ConstTensor c;
    for (auto v : n.attr.get_ints("value_ints", {})) c.values.push_back(static_cast<double>(v));
    c.dims = {static_cast<std::int64_t>(c.values.size())};
    n.ctx.constants[n.proto.output(0)] = c;
  } else {
    n.fail("only tensor or integer-list constants are supported");
  }
}

}  // namespace

void build_layer(OnnxBuildContext& ctx, const onnx::NodeProto& node) {
  const Node n(ctx, node);
  if (node.output_size() < 1) n.fail("node has no output");
  const std::string& op = node.op_type();
  if (!node.domain().empty() && node.domain() != "ai.onnx")
    n.fail("unsupported op type '" + op + "' from domain '" + node.domain() + "'");
  if (op == "Conv") return build_conv(n);
  if (op == "Gemm") return build_fully_connected(n, true);
  if (op == "MatMul") return build_fully_connected(n, false);
  if (op == "Add") return build_add(n);
  if (op == "BatchNormalization") return fold_batch_norm(n);
  if (op == "Relu") return build_same_shape(n, OpKind::Relu);
  if (op == "Clip") return build_clip(n);
  if (op == "MaxPool") return build_pool(n, OpKind::MaxPool);
  if (op == "AveragePool") return build_pool(n, OpKind::AveragePool);
  if (op == "GlobalAveragePool") return build_pool(n, OpKind::GlobalAveragePool);
  if (op == "Flatten") return build_reshape(n, true);
  if (op == "Reshape") return build_reshape(n, false);
  if (op == "Concat") return build_concat(n);
  if (op == "Softmax" || op == "LogSoftmax") return build_same_shape(n, OpKind::Softmax);
  if (op == "Identity" || op == "Dropout") return alias(n);
  if (op == "Constant") return build_constant(n);
  throw Error(ctx.origin + ": unsupported op type '" + op + "' (node '" + n.name() + "')");
}

}  // namespace alwann::nn
