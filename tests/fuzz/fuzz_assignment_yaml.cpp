// Multiplier assignment YAML (`evaluate --multipliers file.yaml`) against
// ResNet-8, then every named multiplier through the built-in library, as
// evaluate resolves them.
#include "FuzzSupport.hpp"
#include "nn/MultiplierAssignment.hpp"
#include "nn/OnnxImport.hpp"
#include "rtl/MultiplierLibrary.hpp"

using namespace alwann;

namespace {
const nn::Network& resnet8() {
  static const nn::NetworkPtr net = nn::load_onnx(fuzz::source_path("models/resnet8.onnx"));
  return *net;
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  resnet8();
  alwann::rtl::MultiplierLibrary::instance();  // reads the built-in library's Verilog once
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = fuzz::write_input("assignment.yaml", data, size);
  fuzz::expect_only_alwann_errors([&] {
    const auto a = nn::MultiplierAssignment::load_yaml(path, resnet8());
    a.summary();
    const nn::TableResolver resolve = nn::library_resolver();
    for (const auto& [layer, multiplier] : a.by_layer) resolve(multiplier);
  });
  return 0;
}
