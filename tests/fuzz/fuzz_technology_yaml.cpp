// Technology YAML (configs/tech/*.yaml): the accelerator-level figures and,
// inside TechnologyFigures::load, the gate table as `characterize --tech` reads it.
#include "FuzzSupport.hpp"
#include "mapping/TechnologyFigures.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = alwann::fuzz::write_input("technology.yaml", data, size);
  alwann::fuzz::expect_only_alwann_errors([&] { alwann::mapping::TechnologyFigures::load(path); });
  return 0;
}
