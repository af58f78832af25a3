// Simulation speed. Fold level: ResNet-8 (models/resnet8.onnx when present,
// else the CIFAR-style ResNet-8 built by hand) on the 4-tile array, one
// configuration per iteration with the per-layer multiplier energy cached, as
// a search would use it: goal < 20 ms per configuration. PE level: simulated
// MACs per second of every PE clocked with its Verilated multiplier: goal >= 5e6.
#include <benchmark/benchmark.h>

#include <filesystem>

#include "mapping/LayerWork.hpp"
#include "nn/OnnxImport.hpp"
#include "sim/Simulator.hpp"

using namespace alwann;

namespace {

mapping::NetworkWork resnet8() {
  const std::string onnx = std::string(ALWANN_SOURCE_DIR) + "/models/resnet8.onnx";
  if (std::filesystem::exists(onnx)) return mapping::network_work(*nn::load_onnx(onnx));
  using mapping::conv_work;
  // CIFAR-style ResNet-8 (6n+2, n = 1) on 32x32x3; vector layers omitted.
  mapping::NetworkWork w;
  mapping::LayerWork in;
  in.name = "input";
  in.op = "Input";
  w.push_back(in);
  auto add = [&](mapping::LayerWork l, std::vector<int> preds) {
    l.id = static_cast<int>(w.size());
    l.preds = std::move(preds);
    w.push_back(l);
    return l.id;
  };
  int x = add(conv_work(0, "conv1", 32, 32, 3, 16, 3, 1, {}), {0});
  int a = add(conv_work(0, "s1.conv1", 32, 32, 16, 16, 3, 1, {}), {x});
  x = add(conv_work(0, "s1.conv2", 32, 32, 16, 16, 3, 1, {}), {a});
  a = add(conv_work(0, "s2.conv1", 32, 32, 16, 32, 3, 2, {}), {x});
  int b = add(conv_work(0, "s2.conv2", 16, 16, 32, 32, 3, 1, {}), {a});
  int s = add(conv_work(0, "s2.short", 32, 32, 16, 32, 1, 2, {}), {x});
  a = add(conv_work(0, "s3.conv1", 16, 16, 32, 64, 3, 2, {}), {b, s});
  b = add(conv_work(0, "s3.conv2", 8, 8, 64, 64, 3, 1, {}), {a});
  add(conv_work(0, "s3.short", 16, 16, 32, 64, 1, 2, {}), {b, s});
  return w;
}

mapping::AcceleratorConfig accelerator(const std::string& name) {
  return mapping::AcceleratorConfig::load(std::string(ALWANN_SOURCE_DIR) + "/configs/accelerators/" + name);
}

void BM_FoldResNet8_TileArray4(benchmark::State& state) {
  const auto acc = accelerator("tile_array_4x16.yaml");
  const auto work = resnet8();
  const auto ops = sim::random_operands(work, 1);
  const std::vector<std::string> muls = {"mul8u_exact", "mul8u_trunc4", "mul8u_bamh2v8", "mul8u_loa10"};
  sim::MultiplyEnergyCache cache;
  const auto ids = mapping::approximable_ids(work);
  // Warm the per-(layer, multiplier) energy cache once (what a search amortises).
  for (const auto& m : muls) {
    auto s = sim::SimulationSetup::make(acc, work, mapping::MappingConfig::uniform(acc, m));
    s.operands = ops;
    sim::simulate(s, {}, &cache);
  }
  std::uint64_t config = 0, cycles = 0;
  for (auto _ : state) {
    // A different mapping per iteration: layer i on tile (i + config) % 4.
    mapping::MappingConfig m;
    m.path = "(bench)";
    m.name = "bench";
    m.unit_multipliers = muls;
    for (std::size_t i = 0; i < ids.size(); ++i) m.layer_units_list.push_back("tile" + std::to_string((i + config) % 4));
    m.list_lines.assign(ids.size(), 0);
    auto s = sim::SimulationSetup::make(acc, work, m);
    s.operands = ops;
    const auto r = sim::simulate(s, {}, &cache);
    cycles = static_cast<std::uint64_t>(r.cycles);
    benchmark::DoNotOptimize(r.energy.total());
    ++config;
  }
  state.counters["configs_per_s"] = benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
  state.counters["cycles"] = static_cast<double>(cycles);
  state.counters["macs"] = static_cast<double>(mapping::approximable_macs(work));
}
BENCHMARK(BM_FoldResNet8_TileArray4)->Unit(benchmark::kMillisecond)->MinTime(2.0);

void BM_PeLevelMacs(benchmark::State& state) {
  const auto acc = accelerator("tile_array_1x16.yaml");
  // One 3x3 conv, 32 -> 32 channels on 16x16: K = 288, N = 32, T = 256, 2.36 M MACs.
  mapping::NetworkWork work;
  mapping::LayerWork in;
  in.name = "input";
  in.op = "Input";
  work.push_back(in);
  work.push_back(mapping::conv_work(1, "conv", 16, 16, 32, 32, 3, 1, {0}));
  auto s = sim::SimulationSetup::make(acc, work, mapping::MappingConfig::uniform(acc, static_cast<std::string>(
                                                                                          state.range(0) ? "mul8u_bamh2v8" : "mul8u_exact")));
  s.operands = sim::random_operands(work, 3);
  sim::SimOptions o;
  o.detail = sim::Detail::Pe;
  std::int64_t macs = 0;
  for (auto _ : state) {
    const auto r = sim::simulate(s, o);
    macs += r.layers[1].measured_ops;
  }
  state.counters["macs_per_s"] = benchmark::Counter(static_cast<double>(macs), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PeLevelMacs)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->MinTime(2.0);

}  // namespace

BENCHMARK_MAIN();
