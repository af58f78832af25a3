// IDX data set (t10k-{labels-idx1,images-idx3}-ubyte, plain or gzipped
// content). Input layout: 2 bytes little-endian n, then n bytes of the label
// file, then the image file (tests/fuzz/make_seeds.sh writes seeds this way).
#include <algorithm>

#include "FuzzSupport.hpp"
#include "nn/Dataset.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::size_t n = std::min<std::size_t>(data[0] | (data[1] << 8), size - 2);
  alwann::fuzz::write_input("t10k-labels-idx1-ubyte", data + 2, n);
  alwann::fuzz::write_input("t10k-images-idx3-ubyte", data + 2 + n, size - 2 - n);
  alwann::fuzz::expect_only_alwann_errors([] {
    alwann::nn::load_dataset(alwann::fuzz::scratch_dir(), alwann::nn::Split::Test);
  });
  return 0;
}
