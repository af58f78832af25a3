// Inputs the fuzz targets (tests/fuzz) turned up: each once crashed a loader
// (an exception other than alwann::Error escaping); now each is a one-line
// error naming the file. The inputs live in tests/fuzz/regressions/.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <unistd.h>

#include "nn/Dataset.hpp"
#include "nn/MultiplierAssignment.hpp"
#include "nn/OnnxImport.hpp"
#include "nn_test_support.hpp"

using namespace alwann::nn;
namespace fs = std::filesystem;

namespace {
std::string regression(const std::string& name) {
  return std::string(ALWANN_SOURCE_DIR) + "/tests/fuzz/regressions/" + name;
}
}  // namespace

TEST_CASE("a list where an assignment expects a name is an error with its line", "[data][assignment][fuzz]") {
  const auto net = load_onnx(nn_test::fixture("ops_all.onnx"));
  const std::string fallback = regression("assignment_yaml/default_is_a_list.yaml");
  // The loader checks 'default' itself, with a message naming the key.
  CHECK(nn_test::error_of([&] { MultiplierAssignment::load_yaml(fallback, *net); }) ==
        fallback + ":1: 'default' must be a multiplier name");
  const std::string layer = regression("assignment_yaml/layer_is_a_list.yaml");
  CHECK(nn_test::error_of([&] { MultiplierAssignment::load_yaml(layer, *net); }) ==
        layer + ":1: expected a single value here, not a list or map");
}

TEST_CASE("IDX image sides beyond int are rejected, not wrapped", "[data][fuzz]") {
  // The fuzz input: 2 bytes little-endian label-file length, the label file, the image file.
  std::ifstream in(regression("idx/height_beyond_int"), std::ios::binary);
  const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(bytes.size() > 2);
  const std::size_t n = static_cast<unsigned char>(bytes[0]) | static_cast<unsigned char>(bytes[1]) << 8;
  const fs::path dir = fs::temp_directory_path() / ("alwann_test_nn_fuzz_idx_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "t10k-labels-idx1-ubyte", std::ios::binary) << bytes.substr(2, n);
  std::ofstream(dir / "t10k-images-idx3-ubyte", std::ios::binary) << bytes.substr(2 + n);
  const std::string error = nn_test::error_of([&] { load_dataset(dir.string(), Split::Test); });
  fs::remove_all(dir);
  CHECK_THAT(error, Catch::Contains("t10k-images-idx3-ubyte: image size 4294967295x1 out of range (1..4096 per side)"));
}

TEST_CASE("an ONNX tensor shape whose element count overflows is rejected", "[onnx][fuzz]") {
  // Found by fuzz_onnx: UBSan reported the signed overflow of the element count.
  CHECK_THAT(nn_test::error_of([] { load_onnx(regression("onnx/tensor_shape_overflows_int64.onnx")); }),
             Catch::Contains("tensor shape has more than 2^31 elements"));
}

TEST_CASE("an ONNX Clip whose min or max input is an empty tensor is rejected", "[onnx][fuzz]") {
  // Found by fuzz_onnx (2026-12-01): std::out_of_range from the empty tensor's first value.
  CHECK_THAT(nn_test::error_of([] { load_onnx(regression("onnx/clip_min_is_empty.onnx")); }),
             Catch::Contains("must be a scalar, got 0 values"));
}
