// Mapping YAML (configs/mappings/*.yaml) the way `simulate --mapping` takes
// it: parse, load the accelerator it names, resolve it against ResNet-8's
// layers and build the tile schedule (sim::SimulationSetup::make's steps,
// which stop short of the SystemC model).
#include "FuzzSupport.hpp"
#include "mapping/LayerWork.hpp"
#include "mapping/MappingConfig.hpp"
#include "mapping/Schedule.hpp"
#include "nn/OnnxImport.hpp"

using namespace alwann;

namespace {
const mapping::NetworkWork& resnet8_work() {
  static const mapping::NetworkWork work = mapping::network_work(*nn::load_onnx(fuzz::source_path("models/resnet8.onnx")));
  return work;
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  resnet8_work();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = fuzz::write_input("mapping.yaml", data, size);
  fuzz::expect_only_alwann_errors([&] {
    const auto m = mapping::MappingConfig::load(path);
    auto acc = mapping::AcceleratorConfig::load(m.accelerator_path);
    mapping::NetworkWork work = resnet8_work();
    if (acc.vector_unit.fuse_elementwise) mapping::fuse_elementwise(work);
    const auto resolved = mapping::resolve_mapping(m, acc, work);
    mapping::build_schedule(acc, work, resolved);
  });
  return 0;
}
