// End to end with the nn engine (tests/fixtures/nn/tiny_fmnist.onnx): the PE
// level's sums, requantised as the engine does, equal the engine's integer
// activations bit for bit under approximate multipliers; fold and PE agree on
// the whole network's cycles; accuracy comes from the same multipliers.
#ifdef ALWANN_SIM_HAS_NN
#include <catch2/catch.hpp>

#include <algorithm>

#include "SimTestHelpers.hpp"
#include "nn/FixedPoint.hpp"
#include "nn/OnnxImport.hpp"
#include "sim/ModelSimulation.hpp"

using namespace alwann;

namespace {
std::string tiny() { return test::source_path("tests/fixtures/nn/tiny_fmnist.onnx"); }
}  // namespace

TEST_CASE("pe level outputs equal the nn engine's integer activations bit for bit", "[sim][pe][nn]") {
  sim::ModelSimulation model(tiny(), 4);
  const auto acc = test::tile_array(2, 8, 8, "double", 64);
  for (const std::string mul : {"mul8u_bamh2v8", "mul8u_trunc4", "mul8u_exact"}) {
    auto p = model.prepare(acc, mapping::MappingConfig::uniform(acc, mul), nn::Tune::Alwann);
    sim::SimOptions o;
    o.detail = sim::Detail::Pe;
    o.keep_outputs = true;
    const auto r = sim::simulate(p.setup, o);
    nn::IntegerEngine engine(model.prepared().quantized(), p.multipliers);
    std::vector<nn::Codes> acts;
    engine.run(model.first_image(), &acts);
    const auto& q = *model.prepared().quantized();
    int checked = 0;
    for (const auto& w : model.work()) {
      if (!w.on_array() || w.op != "Conv") continue;
      const nn::Layer& l = model.network().layer(w.id);
      const auto& ql = q.layer(w.id);
      const int zx = q.layer(l.predecessors[0]).output.zero_point, zw = ql.weight_zero_point;
      const auto& ops = *p.setup.operands[w.id];
      for (int g = 0; g < w.groups; ++g) {
        const auto& sums = r.outputs.at(w.id)[g];
        for (int n = 0; n < w.N; ++n) {
          const std::size_t oc = static_cast<std::size_t>(g) * w.N + n;
          for (int m = 0; m < w.T; ++m) {
            std::int32_t sumx = 0;
            for (int k = 0; k < w.K; ++k) sumx += ops.activations[g][static_cast<std::size_t>(m) * w.K + k];
            const std::int32_t acc32 = sums[static_cast<std::size_t>(m) * w.N + n] - zw * sumx + ql.bias[oc] -
                                       zx * ql.weight_sums[oc] + w.K * zx * zw;
            const int code = std::clamp(ql.output.zero_point + nn::apply_multiplier(acc32, ql.requant[oc]), ql.out_min, ql.out_max);
            INFO(mul << " layer " << w.name << " oc " << oc << " m " << m);
            REQUIRE(static_cast<std::uint8_t>(code) == acts[static_cast<std::size_t>(w.id)][oc * w.T + m]);
          }
        }
      }
      ++checked;
    }
    CHECK(checked >= 2);
  }
}

TEST_CASE("whole model: fold and pe cycles agree, accuracy and energy reported", "[sim][nn]") {
  sim::ModelSimulation model(tiny(), 20);
  const auto acc = test::tile_array(2, 8, 8, "single", 16);
  const auto m = mapping::MappingConfig::uniform(acc, "mul8u_trunc4");
  sim::ModelRunOptions o;
  o.accuracy_images = 20;
  const auto fold = model.run(acc, m, o);
  o.sim.detail = sim::Detail::Pe;
  o.accuracy_images = 0;
  const auto pe = model.run(acc, m, o);
  CHECK(fold.cycles == pe.cycles);
  REQUIRE(fold.accuracy.has_value());
  CHECK(*fold.accuracy >= 0);
  CHECK(*fold.accuracy <= 100);
  CHECK_FALSE(pe.accuracy.has_value());
  CHECK(fold.energy.multiply > 0);
  // Sampled and fully counted multiplication energy agree within the sampling error.
  CHECK(fold.multiply_energy_pj == Approx(pe.multiply_energy_pj).epsilon(0.05));
}

TEST_CASE("every shipped mapping resolves against models/resnet8.onnx and simulates", "[sim][nn][configs]") {
  const std::string onnx = test::source_path("models/resnet8.onnx");
  if (!std::filesystem::exists(onnx)) {
    WARN("models/resnet8.onnx not present: shipped mappings not checked against it");
    return;
  }
  const auto work = mapping::network_work(*nn::load_onnx(onnx));
  CHECK(mapping::approximable_ids(work).size() == 9);
  sim::MultiplyEnergyCache cache;
  sim::SimOptions o;
  o.sample_segments = 16;
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(test::source_path("configs/mappings"))) {
    INFO(e.path());
    const auto m = mapping::MappingConfig::load(e.path().string());
    const auto acc = mapping::AcceleratorConfig::load(m.accelerator_path);
    const auto r = sim::simulate(sim::SimulationSetup::make(acc, work, m), o, &cache);
    CHECK(r.cycles > 0);
    CHECK(r.energy.total() > 0);
    ++n;
  }
  CHECK(n >= 12);
}
#endif
