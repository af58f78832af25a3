// ONNX import: layer table, shapes, MACs, folding, rejected inputs, and the
// float forward pass against torch reference outputs.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>

#include "common/Error.hpp"
#include "nn/FloatInference.hpp"
#include "nn/OnnxImport.hpp"

using namespace alwann;
using namespace alwann::nn;

namespace {
std::string fixture(const std::string& name) { return std::string(ALWANN_TEST_DATA_DIR) + "/fixtures/nn/" + name; }

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST_CASE("ops_all.onnx imports into the expected layer graph", "[graph]") {
  auto net = load_onnx(fixture("ops_all.onnx"));
  REQUIRE(net->name() == "ops_all");
  const auto& L = net->layers();
  // BN, Identity and the MatMul bias Add are folded away.
  std::vector<std::string> names;
  for (const auto& l : L) names.push_back(l.name);
  CHECK(names == std::vector<std::string>{"x", "conv1", "relu1", "conv_1x1", "clip", "conv_dw", "add", "relu2",
                                          "maxpool", "avgpool", "concat", "conv_s2", "gap", "flatten", "fc_gemm",
                                          "reshape", "fc_matmul", "sum_heads"});
  const Layer& conv1 = *net->find("conv1");
  CHECK(conv1.op == OpKind::Conv);
  CHECK(conv1.output_shape == Shape{4, 8, 8});
  CHECK(conv1.macs == 4 * 64 * 2 * 9);
  CHECK(conv1.approximable);
  const Layer& dw = *net->find("conv_dw");
  CHECK(dw.groups == 4);
  CHECK(dw.gemm_k == 9);
  CHECK(dw.gemm_n == 1);
  CHECK(dw.macs == 4 * 64 * 9);
  const Layer& s2 = *net->find("conv_s2");
  CHECK(s2.output_shape == Shape{6, 2, 2});
  CHECK(s2.stride_h == 2);
  CHECK(s2.pad_top == 1);
  CHECK(s2.pad_bottom == 0);
  CHECK(s2.predecessors == std::vector<int>{net->find("concat")->id});
  CHECK(net->find("concat")->output_shape == Shape{8, 4, 4});
  CHECK(net->find("reshape")->output_shape == Shape{64});
  const Layer& gemm = *net->find("fc_gemm");
  CHECK(gemm.op == OpKind::FullyConnected);
  CHECK(gemm.macs == 30);
  CHECK_FALSE(gemm.approximable);  // the paper keeps fully connected layers exact
  CHECK(net->find("sum_heads")->predecessors.size() == 2);
  CHECK(net->approximable_layers().size() == 4);
  CHECK(boost::num_vertices(net->graph()) == L.size());
  CHECK(boost::num_edges(net->graph()) == 20);

  ImportOptions all;
  all.keep_fully_connected_exact = false;
  CHECK(load_onnx(fixture("ops_all.onnx"), all)->approximable_layers().size() == 6);
}

TEST_CASE("float inference reproduces the torch reference", "[graph][float]") {
  auto net = load_onnx(fixture("ops_all.onnx"));
  std::ifstream in(fixture("ops_all.reference.json"));
  const auto ref = nlohmann::json::parse(in);
  CHECK(ref["conv_s2_output"].get<Shape>() == net->find("conv_s2")->output_shape);
  FloatEngine engine(net);
  for (size_t i = 0; i < ref["inputs"].size(); ++i) {
    const auto x = ref["inputs"][i].get<std::vector<float>>();
    const auto expected = ref["outputs"][i].get<std::vector<float>>();
    const auto y = engine.run(x);
    REQUIRE(y.size() == expected.size());
    for (size_t k = 0; k < y.size(); ++k) CHECK(y[k] == Approx(expected[k]).margin(1e-4));
  }
}

TEST_CASE("bad model files are rejected with a message naming them", "[graph][errors]") {
  CHECK_THAT(error_of([] { load_onnx(fixture("unsupported.onnx")); }),
             Catch::Contains("unsupported op type 'LRN'") && Catch::Contains("weird_norm"));
  CHECK_THAT(error_of([] { load_onnx(fixture("corrupt.onnx")); }),
             Catch::Contains("corrupt.onnx") && Catch::Contains("not an ONNX model"));
  CHECK_THAT(error_of([] { load_onnx(fixture("truncated.onnx")); }), Catch::Contains("truncated.onnx"));
  CHECK_THAT(error_of([] { load_onnx(fixture("no_such_model.onnx")); }),
             Catch::Contains("no_such_model.onnx") && Catch::Contains("cannot read"));
  CHECK_THAT(error_of([] { load_onnx(fixture("make_fixtures.py")); }), Catch::Contains("not an ONNX model"));
}
