#include "nn/OnnxTensors.hpp"

#include <cstring>

#include "common/Error.hpp"

namespace alwann::nn::onnx_util {

namespace {

constexpr std::int64_t kMaxTensorElements = std::int64_t{1} << 31;

template <typename T>
std::vector<double> from_raw(const std::string& raw, std::int64_t count, const std::string& where) {
  if (raw.size() != static_cast<size_t>(count) * sizeof(T))
    throw Error(where + ": tensor raw_data has " + std::to_string(raw.size()) + " bytes, expected " +
                std::to_string(count * static_cast<std::int64_t>(sizeof(T))));
  std::vector<double> out(static_cast<size_t>(count));
  for (size_t i = 0; i < out.size(); ++i) {
    T v;  // ONNX raw_data is little-endian, as is every host alwann targets
    std::memcpy(&v, raw.data() + i * sizeof(T), sizeof(T));
    out[i] = static_cast<double>(v);
  }
  return out;
}

}  // namespace

ConstTensor decode_tensor(const onnx::TensorProto& t, const std::string& where) {
  ConstTensor c;
  std::int64_t count = 1;
  for (auto d : t.dims()) {
    if (d < 0) throw Error(where + ": tensor has a negative dimension");
    // An ONNX file holds at most 2 GiB, so no stored tensor has more elements;
    // checked before multiplying (fuzzing found shapes whose product overflowed).
    if (d > 0 && count > kMaxTensorElements / d) throw Error(where + ": tensor shape has more than 2^31 elements");
    c.dims.push_back(d);
    count *= d;
  }
  if (t.data_location() == onnx::TensorProto::EXTERNAL)
    throw Error(where + ": tensors stored in external data files are not supported");
  const bool raw = t.has_raw_data();
  switch (t.data_type()) {
    case onnx::TensorProto::FLOAT:
      c.values = raw ? from_raw<float>(t.raw_data(), count, where)
                     : std::vector<double>(t.float_data().begin(), t.float_data().end());
      break;
    case onnx::TensorProto::DOUBLE:
      c.values = raw ? from_raw<double>(t.raw_data(), count, where)
                     : std::vector<double>(t.double_data().begin(), t.double_data().end());
      break;
    case onnx::TensorProto::INT32:
      c.values = raw ? from_raw<std::int32_t>(t.raw_data(), count, where)
                     : std::vector<double>(t.int32_data().begin(), t.int32_data().end());
      break;
    case onnx::TensorProto::INT64:
      c.values = raw ? from_raw<std::int64_t>(t.raw_data(), count, where)
                     : std::vector<double>(t.int64_data().begin(), t.int64_data().end());
      break;
    default:
      throw Error(where + ": unsupported tensor data type " +
                  onnx::TensorProto_DataType_Name(static_cast<onnx::TensorProto_DataType>(t.data_type())));
  }
  if (static_cast<std::int64_t>(c.values.size()) != count)
    throw Error(where + ": tensor has " + std::to_string(c.values.size()) + " values, its shape says " +
                std::to_string(count));
  return c;
}

Attributes::Attributes(const onnx::NodeProto& node) {
  for (const auto& a : node.attribute()) by_name_[a.name()] = &a;
}

const onnx::AttributeProto* Attributes::find(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

std::int64_t Attributes::get_int(const std::string& name, std::int64_t fallback) const {
  const auto* a = find(name);
  return a ? a->i() : fallback;
}

float Attributes::get_float(const std::string& name, float fallback) const {
  const auto* a = find(name);
  return a ? a->f() : fallback;
}

std::string Attributes::get_string(const std::string& name, const std::string& fallback) const {
  const auto* a = find(name);
  return a ? a->s() : fallback;
}

std::vector<std::int64_t> Attributes::get_ints(const std::string& name, std::vector<std::int64_t> fallback) const {
  const auto* a = find(name);
  if (!a) return fallback;
  return std::vector<std::int64_t>(a->ints().begin(), a->ints().end());
}

const onnx::TensorProto* Attributes::get_tensor(const std::string& name) const {
  const auto* a = find(name);
  return a && a->has_t() ? &a->t() : nullptr;
}

std::string describe(const onnx::NodeProto& node) {
  std::string name = node.name();
  if (name.empty() && node.output_size() > 0) name = node.output(0);
  return node.op_type() + " node '" + name + "'";
}

}  // namespace alwann::nn::onnx_util
