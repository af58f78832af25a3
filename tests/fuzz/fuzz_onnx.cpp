// ONNX import from bytes (load_onnx reads the file and calls the same code).
#include "FuzzSupport.hpp"
#include "nn/OnnxImport.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  alwann::fuzz::expect_only_alwann_errors([&] { alwann::nn::load_onnx_bytes(bytes, "fuzz.onnx"); });
  return 0;
}
