// The fold level must take exactly the cycles the PE level takes, layer by
// layer, on small layers of every shape class and on both styles.
#include <catch2/catch.hpp>

#include "SimTestHelpers.hpp"
#include "mapping/ArrayTiming.hpp"

using namespace alwann;
using mapping::conv_work;

namespace {

sim::SimResult run(const mapping::AcceleratorConfig& acc, const mapping::NetworkWork& work, sim::Detail d,
                   const std::string& mul = "mul8u_trunc4") {
  auto setup = sim::SimulationSetup::make(acc, work, test::uniform(acc, mul));
  sim::SimOptions o;
  o.detail = d;
  o.sample_segments = 4;
  return sim::simulate(setup, o);
}

void same_cycles(const mapping::AcceleratorConfig& acc, const mapping::NetworkWork& work) {
  const auto fold = run(acc, work, sim::Detail::Fold);
  const auto pe = run(acc, work, sim::Detail::Pe);
  REQUIRE(fold.layers.size() == pe.layers.size());
  for (std::size_t i = 0; i < fold.layers.size(); ++i) {
    INFO(acc.name << " layer " << fold.layers[i].name);
    CHECK(fold.layers[i].cycles == pe.layers[i].cycles);
    CHECK(fold.layers[i].gb_stall_cycles == pe.layers[i].gb_stall_cycles);
    CHECK(fold.layers[i].folds == pe.layers[i].folds);
  }
  CHECK(fold.cycles == pe.cycles);
}

mapping::NetworkWork shapes() {
  return test::chain({
      conv_work(0, "conv1x1", 6, 6, 8, 8, 1, 1, {}),      // K = 8 < R, N = 8 < C
      conv_work(0, "conv3x3", 6, 6, 8, 12, 3, 1, {}),     // K = 72: 5 row folds of 16, N = 12
      conv_work(0, "stride2", 7, 7, 12, 20, 3, 2, {}),    // K = 108, N = 20 (2 column folds), T = 16
      conv_work(0, "conv3x3b", 4, 4, 20, 16, 3, 1, {}),   // K = 180
      conv_work(0, "grouped", 5, 5, 16, 16, 3, 1, {}, 4),  // 4 groups: K = 36, N = 4
  });
}

}  // namespace

TEST_CASE("fold and pe levels agree on cycles: tile_array, single and double buffering", "[sim][pe]") {
  same_cycles(test::tile_array(1, 16, 16, "single", 64), shapes());
  same_cycles(test::tile_array(1, 16, 16, "double", 64), shapes());
  same_cycles(test::tile_array(2, 8, 8, "double", 64), shapes());
}

TEST_CASE("fold and pe levels agree under global-buffer bandwidth stalls", "[sim][pe]") {
  // 6 bytes/cycle: weight rows of 8-16 bytes and activation vectors of up to 16 bytes stall.
  same_cycles(test::tile_array(1, 16, 16, "single", 6), shapes());
  same_cycles(test::tile_array(1, 16, 16, "double", 6), shapes());
  same_cycles(test::tile_array(1, 8, 16, "double", 11), shapes());
}

TEST_CASE("fold and pe levels agree on the pipelined style", "[sim][pe]") {
  same_cycles(test::pipelined(16, 16, 8, 8, "double", 64), shapes());
  same_cycles(test::pipelined(8, 16, 16, 8, "single", 9), shapes());
}

TEST_CASE("a layer's cycles computed by hand from the documented formula", "[sim][formula]") {
  // One 3x3 conv, Cin 8 -> Cout 20 on 8x8 pixels: K = 72, N = 20, T = 64; one 16x16 tile,
  // single buffering (SCALE-Sim): folds = 5 * 2 = 10, each 2R + C + T - 2 = 110 cycles.
  // The layer also pays the wake-up of the gated tile (100 cycles) and fetches its
  // 1440 weight bytes from DRAM at 16 bytes/cycle (90 cycles) before its first fold.
  const auto acc = test::tile_array(1, 16, 16, "single", 64);
  const auto work = test::chain({conv_work(0, "c", 8, 8, 8, 20, 3, 1, {})});
  for (auto d : {sim::Detail::Fold, sim::Detail::Pe}) {
    const auto r = run(acc, work, d);
    const auto& l = r.layers[1];
    CHECK(l.folds == 10);
    CHECK(l.compute_cycles == 1100);
    CHECK(l.gb_stall_cycles == 0);
    CHECK(l.wakeup_cycles == 100);
    CHECK(l.dram_cycles == 90);
    CHECK(l.cycles == 100 + 90 + 1100);
    CHECK(r.cycles == 1290);
    CHECK(l.utilization == Approx(static_cast<double>(l.macs) / (1100.0 * 256)));
  }
  // Double buffering hides all loads but the first: 16 + 10 * (16 + 16 + 64 - 2) = 956.
  const auto dbl = run(test::tile_array(1, 16, 16, "double", 64, false), work, sim::Detail::Fold);
  CHECK(dbl.layers[1].cycles == 90 + 956);
}
