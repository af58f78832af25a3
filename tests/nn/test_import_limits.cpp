// ONNX shapes beyond the documented import limits (nn/Layer.hpp, docs/nn.md)
// are refused naming the node; sizes are computed in 64 bits (issue 11 §1:
// a 1x65536x65536 input was reported as a Conv with 0 MACs).
#include <catch2/catch.hpp>
#include <onnx/onnx_pb.h>

#include <functional>
#include <string>
#include <vector>

#include "common/Error.hpp"
#include "nn/OnnxImport.hpp"

using namespace alwann::nn;

namespace {

// x [1, C, H, W] -> Conv(kh x kw, C -> 1, pads) named "big_conv" -> y.
std::string conv_model(std::int64_t c, std::int64_t h, std::int64_t w, int kh, int kw, std::vector<std::int64_t> pads) {
  onnx::ModelProto m;
  m.set_ir_version(7);
  m.add_opset_import()->set_version(13);
  onnx::GraphProto* g = m.mutable_graph();
  g->set_name("limits");
  onnx::ValueInfoProto* x = g->add_input();
  x->set_name("x");
  x->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  for (std::int64_t d : {std::int64_t{1}, c, h, w})
    x->mutable_type()->mutable_tensor_type()->mutable_shape()->add_dim()->set_dim_value(d);
  onnx::TensorProto* weight = g->add_initializer();
  weight->set_name("W");
  weight->set_data_type(onnx::TensorProto::FLOAT);
  for (std::int64_t d : {std::int64_t{1}, c, std::int64_t{kh}, std::int64_t{kw}}) weight->add_dims(d);
  for (std::int64_t i = 0; i < c * kh * kw; ++i) weight->add_float_data(0.5f);
  onnx::NodeProto* conv = g->add_node();
  conv->set_op_type("Conv");
  conv->set_name("big_conv");
  conv->add_input("x");
  conv->add_input("W");
  conv->add_output("y");
  onnx::AttributeProto* p = conv->add_attribute();
  p->set_name("pads");
  p->set_type(onnx::AttributeProto::INTS);
  for (auto v : pads) p->add_ints(v);
  g->add_output()->set_name("y");
  return m.SerializeAsString();
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const alwann::Error& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("onnx limits: a 1x65536x65536 input is refused, not imported with 0 MACs", "[nn][onnx][limits]") {
  const std::string bytes = conv_model(1, 65536, 65536, 1, 1, {0, 0, 0, 0});
  CHECK_THAT(error_of([&] { load_onnx_bytes(bytes, "huge.onnx"); }),
             Catch::Contains("huge.onnx: graph input 'x' (1x65536x65536) has 4294967296 elements per image") &&
                 Catch::Contains("limit is 268435456"));
}

TEST_CASE("onnx limits: the largest accepted input gives 64-bit MAC counts", "[nn][onnx][limits]") {
  // 16384 x 16384 = 2^28 pixels, 1x1 kernel: 2^28 MACs (over int's 2^31 once x 8 below).
  const auto net = load_onnx_bytes(conv_model(1, 16384, 16384, 1, 1, {0, 0, 0, 0}), "edge.onnx");
  CHECK(net->layers().back().macs == (std::int64_t{1} << 28));
  // 8 input channels on 4096 x 8192: 2^28 input elements, 2^25 pixels x K = 8 x 3 x 3.
  const auto wide = load_onnx_bytes(conv_model(8, 4096, 8192, 3, 3, {1, 1, 1, 1}), "wide.onnx");
  CHECK(wide->layers().back().macs == std::int64_t{4096} * 8192 * 72);
  CHECK(wide->layers().back().macs > std::int64_t{1} << 31);
}

TEST_CASE("onnx limits: a layer output or MAC count beyond the limits names the node", "[nn][onnx][limits]") {
  // Padding grows the output past 2^28 elements.
  CHECK_THAT(error_of([&] { load_onnx_bytes(conv_model(1, 16384, 16384, 1, 1, {1, 1, 1, 1}), "pad.onnx"); }),
             Catch::Contains("pad.onnx") && Catch::Contains("big_conv") && Catch::Contains("limit"));
  // 2^28 output pixels x a 65 x 64 kernel = 1.1e12 MACs > 2^40.
  CHECK_THAT(error_of([&] { load_onnx_bytes(conv_model(1, 16384, 16384, 65, 64, {32, 31, 32, 32}), "macs.onnx"); }),
             Catch::Contains("big_conv") && Catch::Contains("MACs per image is beyond the limit of 1099511627776"));
  // Absurd pads are refused before any int arithmetic.
  CHECK_THAT(error_of([&] { load_onnx_bytes(conv_model(1, 8, 8, 1, 1, {0, 0, 1LL << 40, 0}), "pads.onnx"); }),
             Catch::Contains("big_conv") && Catch::Contains("pad 1099511627776 must be in 0..16777216"));
}
