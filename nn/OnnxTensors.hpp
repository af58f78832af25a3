#pragma once
// Small helpers over ONNX protobuf messages: constant tensors as numbers,
// node attributes with defaults. Internal to the importer.
#include <onnx/onnx_pb.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace alwann::nn::onnx_util {

// A constant (initializer or Constant node output) decoded to doubles.
struct ConstTensor {
  std::vector<std::int64_t> dims;
  std::vector<double> values;
};

// Decodes FLOAT, DOUBLE, INT32, INT64 tensors from typed fields or raw_data.
// `where` names the node or initializer in messages.
ConstTensor decode_tensor(const onnx::TensorProto& t, const std::string& where);

class Attributes {
 public:
  explicit Attributes(const onnx::NodeProto& node);
  bool has(const std::string& name) const { return by_name_.count(name) != 0; }
  std::int64_t get_int(const std::string& name, std::int64_t fallback) const;
  float get_float(const std::string& name, float fallback) const;
  std::string get_string(const std::string& name, const std::string& fallback) const;
  std::vector<std::int64_t> get_ints(const std::string& name, std::vector<std::int64_t> fallback) const;
  const onnx::TensorProto* get_tensor(const std::string& name) const;

 private:
  const onnx::AttributeProto* find(const std::string& name) const;
  std::map<std::string, const onnx::AttributeProto*> by_name_;
};

// "Conv node 'conv1'" for messages.
std::string describe(const onnx::NodeProto& node);

}  // namespace alwann::nn::onnx_util
