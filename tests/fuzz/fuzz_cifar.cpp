// CIFAR-10 binary batch (test_batch.bin, plain or gzipped content).
#include "FuzzSupport.hpp"
#include "nn/Dataset.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  alwann::fuzz::write_input("test_batch.bin", data, size);
  alwann::fuzz::expect_only_alwann_errors([] {
    alwann::nn::load_dataset(alwann::fuzz::scratch_dir(), alwann::nn::Split::Test);
  });
  return 0;
}
