// Accelerator YAML (configs/accelerators/*.yaml) as `simulate --accelerator`
// reads it; its `technology:` path, when it names a real file, pulls in the
// technology loader too.
#include "FuzzSupport.hpp"
#include "mapping/AcceleratorConfig.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = alwann::fuzz::write_input("accelerator.yaml", data, size);
  alwann::fuzz::expect_only_alwann_errors([&] { alwann::mapping::AcceleratorConfig::load(path); });
  return 0;
}
