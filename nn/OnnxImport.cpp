#include "nn/OnnxImport.hpp"

#include <onnx/onnx_pb.h>

#include <cmath>
#include <limits>
#include <map>

#include "common/ContentHash.hpp"
#include "common/Error.hpp"
#include "nn/OnnxLayerBuilders.hpp"
#include "nn/OnnxTensors.hpp"

namespace alwann::nn {

using onnx_util::ConstTensor;
using onnx_util::describe;

namespace {

std::string file_stem(const std::string& path) {
  const auto slash = path.find_last_of('/');
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  const auto dot = base.find_last_of('.');
  return dot == std::string::npos || dot == 0 ? base : base.substr(0, dot);
}

// The network input's per-image shape: the graph input that is no initializer.
Shape input_shape_of(const onnx::ValueInfoProto& v, const std::string& origin) {
  if (!v.type().has_tensor_type() || !v.type().tensor_type().has_shape())
    throw Error(origin + ": graph input '" + v.name() + "' has no tensor shape");
  Shape s;
  const auto& dims = v.type().tensor_type().shape().dim();
  for (int i = 1; i < dims.size(); ++i) {  // dims[0] is the batch
    if (!dims[i].has_dim_value() || dims[i].dim_value() <= 0)
      throw Error(origin + ": graph input '" + v.name() + "' has a non-fixed dimension " + std::to_string(i));
    if (dims[i].dim_value() > kMaxDimension)
      throw Error(origin + ": graph input '" + v.name() + "': dimension " + std::to_string(i) + " is " +
                  std::to_string(dims[i].dim_value()) + "; the limit is " + std::to_string(kMaxDimension));
    s.push_back(static_cast<int>(dims[i].dim_value()));
  }
  if (dims.size() < 2) throw Error(origin + ": graph input '" + v.name() + "' needs a batch and a data dimension");
  if (element_count(s) > kMaxTensorElements)
    throw Error(origin + ": graph input '" + v.name() + "' (" + shape_string(s) + ") has " +
                std::to_string(element_count(s)) + " elements per image; the limit is " + std::to_string(kMaxTensorElements));
  return s;
}

}  // namespace

NetworkPtr load_onnx_bytes(const std::string& bytes, const std::string& origin, const ImportOptions& options) {
  onnx::ModelProto model;
  if (bytes.empty() || !model.ParseFromString(bytes) || !model.has_graph() || model.ir_version() <= 0 ||
      model.graph().node_size() == 0)
    throw Error(origin + ": not an ONNX model (corrupt file or wrong format)");
  const onnx::GraphProto& g = model.graph();

  OnnxBuildContext ctx(origin, options);
  for (const auto& init : g.initializer())
    ctx.constants[init.name()] = onnx_util::decode_tensor(init, origin + ": initializer '" + init.name() + "'");

  const onnx::ValueInfoProto* input = nullptr;
  for (const auto& in : g.input())
    if (!ctx.constants.count(in.name())) {
      if (input) throw Error(origin + ": models with more than one data input are not supported");
      input = &in;
    }
  if (!input) throw Error(origin + ": the graph has no data input");
  if (g.output_size() != 1) throw Error(origin + ": models with more than one output are not supported");

  Layer in;
  in.id = 0;
  in.name = input->name();
  in.op = OpKind::Input;
  in.onnx_op = "Input";
  in.output_shape = input_shape_of(*input, origin);
  ctx.add_layer(std::move(in), {}, {input->name()});

  for (const auto& node : g.node())
    for (const auto& name : node.input())
      if (!name.empty()) ++ctx.use_count[name];
  for (const auto& node : g.node()) build_layer(ctx, node);

  const std::string& out_name = g.output(0).name();
  auto it = ctx.producer.find(out_name);
  if (it == ctx.producer.end()) throw Error(origin + ": graph output '" + out_name + "' is not produced by any node");
  if (it->second != static_cast<int>(ctx.layers.size()) - 1)
    throw Error(origin + ": graph output '" + out_name + "' is not produced by the last layer (dead branches?)");
  for (const auto& l : ctx.layers)
    if (l.op == OpKind::Softmax && l.id != static_cast<int>(ctx.layers.size()) - 1)
      throw Error(origin + ": Softmax node '" + l.name + "' is only supported as the last layer");
  return std::make_shared<const Network>(file_stem(origin), std::move(ctx.layers), std::move(ctx.weights));
}

NetworkPtr load_onnx(const std::string& path, const ImportOptions& options) {
  return load_onnx_bytes(read_file(path), path, options);
}

}  // namespace alwann::nn
