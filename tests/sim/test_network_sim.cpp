// Whole networks at the fold level: schedules, overlap, gating, pipelining, reports.
#include <catch2/catch.hpp>

#include "SimTestHelpers.hpp"
#include "rtl/MultiplierLibrary.hpp"
#include "sim/EnergyModel.hpp"

using namespace alwann;

TEST_CASE("fold simulation of a small residual network on 1 and 4 tiles", "[sim]") {
  const auto work = test::small_network();
  const auto acc1 = mapping::AcceleratorConfig::load(test::source_path("configs/accelerators/tile_array_1x16.yaml"));
  const auto acc4 = mapping::AcceleratorConfig::load(test::source_path("configs/accelerators/tile_array_4x16.yaml"));
  const auto r1 = sim::simulate(sim::SimulationSetup::make(acc1, work, test::uniform(acc1, "mul8u_exact")), {});
  const auto r4 = sim::simulate(sim::SimulationSetup::make(acc4, work, test::uniform(acc4, "mul8u_exact")), {});
  CHECK(r1.cycles > 0);
  CHECK(r4.cycles <= r1.cycles);  // c1 and the residual branch may overlap on different tiles
  CHECK(r1.energy.total() > 0);
  CHECK(r1.energy.multiply > 0);
  CHECK(r1.energy.vector_unit > 0);
  CHECK(r1.energy.leakage > 0);
  CHECK(r1.energy.wakeup > 0);
  CHECK(r1.library_power_metric_mw.has_value() ==
        rtl::MultiplierLibrary::instance().info("mul8u_exact").figures.power_mw.has_value());
  double sum = 0;
  for (const auto& l : r1.layers) sum += l.energy.total();
  CHECK(sum <= r1.energy.total());
  CHECK(r1.throughput_ips == Approx(acc1.clock_hz / r1.cycles));
}

TEST_CASE("approximate multipliers lower the multiplication energy", "[sim][energy]") {
  const auto work = test::small_network();
  const auto acc = mapping::AcceleratorConfig::load(test::source_path("configs/accelerators/tile_array_2x16.yaml"));
  const auto exact = sim::simulate(sim::SimulationSetup::make(acc, work, test::uniform(acc, "mul8u_exact")), {});
  const auto trunc = sim::simulate(sim::SimulationSetup::make(acc, work, test::uniform(acc, "mul8u_trunc8")), {});
  CHECK(trunc.multiply_energy_pj < exact.multiply_energy_pj);
  CHECK(trunc.cycles == exact.cycles);
}

TEST_CASE("pipelined: images stream through, throughput set by the slowest stage", "[sim]") {
  const auto work = test::small_network();
  const auto acc = mapping::AcceleratorConfig::load(test::source_path("configs/accelerators/pipelined_3.yaml"));
  auto setup = sim::SimulationSetup::make(acc, work, test::uniform(acc, "mul8u_exact"));
  sim::SimOptions o;
  o.images = 6;
  const auto r = sim::simulate(setup, o);
  o.images = 1;
  const auto one = sim::simulate(setup, o);
  // Streaming six images takes far less than six single-image latencies.
  CHECK(r.cycles < 6 * one.latency_cycles);
  CHECK(r.throughput_ips > 1.0 / one.latency_s);
}

TEST_CASE("power gating: idle time and wake-ups", "[sim][energy]") {
  mapping::PowerGatingConfig pg;
  pg.enabled = true;
  pg.idle_threshold_cycles = 10;
  const auto t = sim::unit_power_time({{5, 20}, {25, 60}, {100, 110}}, 200, pg);
  CHECK(t.gated == 5 + 30 + 80);         // leading gap gated; gaps beyond the threshold
  CHECK(t.powered_idle == 5 + 10 + 10);  // up to the threshold after each busy interval
  pg.enabled = false;
  const auto u = sim::unit_power_time({{5, 20}}, 200, pg);
  CHECK(u.gated == 0);
  CHECK(u.powered_idle == 185);
}

TEST_CASE("unknown multipliers are rejected with the mapping's line", "[sim][config]") {
  const auto acc = mapping::AcceleratorConfig::load(test::source_path("configs/accelerators/tile_array_2x16.yaml"));
  const auto path = test::write_temp("badmul.yaml", "accelerator: x\nmultipliers: [mul8u_exact, mul8u_nonesuch]\nlayers: [tile0, tile1, tile0, tile0]\n");
  try {
    sim::SimulationSetup::make(acc, test::small_network(), mapping::MappingConfig::load(path, acc.path));
    FAIL("accepted");
  } catch (const Error& e) {
    CHECK_THAT(std::string(e.what()), Catch::Contains("badmul.yaml:2: unknown multiplier 'mul8u_nonesuch'"));
  }
}

TEST_CASE("weights of a unit's next layer are prefetched from DRAM", "[sim]") {
  const auto work = test::chain({mapping::conv_work(0, "a", 8, 8, 16, 16, 3, 1, {}),
                                 mapping::conv_work(0, "b", 8, 8, 16, 16, 3, 1, {})});
  auto acc = test::tile_array(1, 16, 16, "double", 64);
  const auto on = sim::simulate(sim::SimulationSetup::make(acc, work, test::uniform(acc, "mul8u_exact")), {});
  // 2304 weight bytes at 16 bytes/cycle = 144 cycles: paid by the first layer only.
  CHECK(on.layers[1].dram_cycles == 144);
  CHECK(on.layers[2].dram_cycles == 0);
  acc.dram.prefetch_weights = false;
  const auto off = sim::simulate(sim::SimulationSetup::make(acc, work, test::uniform(acc, "mul8u_exact")), {});
  CHECK(off.layers[2].dram_cycles == 144);
  CHECK(off.cycles == on.cycles + 144);
  CHECK(off.energy.dram == Approx(on.energy.dram));
}
