#include <catch2/catch.hpp>

#include <filesystem>

#include "TestHelpers.hpp"
#include "mapping/ArrayTiming.hpp"
#include "mapping/MappingConfig.hpp"
#include "mapping/Schedule.hpp"

using namespace alwann;
using namespace alwann::mapping;

namespace {
AcceleratorConfig accel(const std::string& file) { return AcceleratorConfig::load(test::source_path("configs/accelerators/" + file)); }

std::string fails(const std::string& name, const std::string& yaml, const AcceleratorConfig& acc, const NetworkWork& work) {
  const std::string path = test::write_temp(name, yaml);
  try {
    resolve_mapping(MappingConfig::load(path, acc.path), acc, work);
  } catch (const Error& e) {
    return e.what();
  }
  return "accepted";
}
}  // namespace

TEST_CASE("shipped mappings parse and name their accelerator", "[mapping]") {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(test::source_path("configs/mappings"))) {
    const auto m = MappingConfig::load(e.path().string());
    const auto acc = AcceleratorConfig::load(m.accelerator_path);
    CHECK(!m.unit_multipliers.empty());
    if (!m.auto_layers && !m.layer_units_list.empty()) CHECK(m.layer_units_list.size() == 9);  // ResNet-8 convolutions
    ++n;
  }
  CHECK(n >= 12);
}

TEST_CASE("tile_array mapping: list, map, default and auto", "[mapping]") {
  const auto acc = accel("tile_array_2x16.yaml");
  const auto work = test::small_network();
  auto path = test::write_temp("m_list.yaml", "accelerator: x\nmultipliers: [mul8u_exact, mul8u_trunc4]\nlayers: [tile0, tile1, tile1, tile0]\n");
  auto r = resolve_mapping(MappingConfig::load(path, acc.path), acc, work);
  CHECK(r.unit_of_layer == std::vector<int>{-1, 0, 1, 1, -1, 0, -1});
  CHECK(r.multiplier_of_layer(2) == "mul8u_trunc4");
  path = test::write_temp("m_map.yaml", "accelerator: x\nmultipliers: {tile1: mul8u_trunc4, tile0: mul8u_exact}\nlayers: {c1: tile1}\ndefault_unit: tile0\n");
  r = resolve_mapping(MappingConfig::load(path, acc.path), acc, work);
  CHECK(r.unit_of_layer == std::vector<int>{-1, 0, 1, 0, -1, 0, -1});
  path = test::write_temp("m_auto.yaml", "accelerator: x\nmultipliers: [mul8u_exact, mul8u_exact]\n");
  r = resolve_mapping(MappingConfig::load(path, acc.path), acc, work);
  for (int id : approximable_ids(work)) CHECK(r.unit_of_layer[id] >= 0);
  const auto s = build_schedule(acc, work, r);
  CHECK(s.vector_queue == std::vector<int>{0, 4, 6});
}

TEST_CASE("invalid mappings are rejected with their messages", "[mapping]") {
  const auto acc = accel("tile_array_2x16.yaml");
  const auto work = test::small_network();
  CHECK_THAT(fails("b1.yaml", "accelerator: x\nmultipliers: [mul8u_exact]\n", acc, work),
             Catch::Contains("b1.yaml:2: multipliers: 1 given for 2 units of tile_array_2x16"));
  CHECK_THAT(fails("b2.yaml", "accelerator: x\nmultipliers: [a, b]\nlayers: [tile0, tile9, tile0, tile0]\n", acc, work),
             Catch::Contains("b2.yaml:3: unknown unit 'tile9' (units of tile_array_2x16: tile0, tile1)"));
  CHECK_THAT(fails("b3.yaml", "accelerator: x\nmultipliers: [a, b]\nlayers: [tile0]\n", acc, work),
             Catch::Contains("layers: 1 units given for 4 approximable layers"));
  CHECK_THAT(fails("b4.yaml", "accelerator: x\nmultipliers: [a, b]\nlayers: {c9: tile0}\n", acc, work),
             Catch::Contains("'c9' is not an approximable layer"));
  CHECK_THAT(fails("b5.yaml", "accelerator: x\nmultipliers: [a, b]\n", acc, work),
             Catch::Contains("layers: auto on a tile_array needs the same multiplier on every tile"));
  CHECK_THAT(fails("b6.yaml", "accelerator: x\nmultipliers: [a, b]\nlayers: {c1: tile0}\n", acc, work),
             Catch::Contains("no unit for layer 'c0'"));
  CHECK_THAT(fails("b7.yaml", "multipliers: [a, b]\nlayerz: auto\n", acc, work), Catch::Contains("unknown key 'layerz'"));
  {
    const std::string path = test::write_temp("b10.yaml", "# comment\naccelerator: configs/nonexistent.yaml\nmultipliers: [a]\n");
    try {
      MappingConfig::load(path);
      FAIL("accepted");
    } catch (const Error& e) {
      CHECK_THAT(std::string(e.what()), Catch::Contains("b10.yaml:2: accelerator: file not found: configs/nonexistent.yaml"));
    }
  }
  CHECK_THAT(fails("b8.yaml", "accelerator: x\nmultipliers: {tile0: a}\nlayers: [tile0, tile1, tile0, tile0]\n", acc, work),
             Catch::Contains("unit 'tile1' runs layer 'c1' but has no multiplier"));
}

TEST_CASE("pipelined mapping: contiguity enforced, auto is the optimal partition", "[mapping]") {
  const auto acc = accel("pipelined_3.yaml");
  const auto work = test::small_network();
  CHECK_THAT(fails("p1.yaml", "accelerator: x\nmultipliers: [a, b, c]\nlayers: [stage0, stage1, stage0, stage2]\n", acc, work),
             Catch::Contains("p1.yaml:3: pipelined: unit 'stage0' gets layer 'c2' but also 'c0' before layer 'c1' on 'stage1': each unit must run one contiguous run of layers"));
  CHECK_THAT(fails("p2.yaml", "accelerator: x\nmultipliers: [a, b, c]\nlayers: [stage1, stage1, stage0, stage2]\n", acc, work),
             Catch::Contains("stages must follow the unit order"));
  const auto path = test::write_temp("p3.yaml", "accelerator: x\nmultipliers: [a, a, a]\nlayers: auto\n");
  const auto r = resolve_mapping(MappingConfig::load(path, acc.path), acc, work);
  // Vector layers join the stage of the approximable layer before them.
  CHECK(r.unit_of_layer[4] == r.unit_of_layer[3]);
  CHECK(r.unit_of_layer[6] == r.unit_of_layer[5]);
  CHECK(r.unit_of_layer[0] == r.unit_of_layer[1]);
  for (int i = 2; i < 7; ++i) CHECK(r.unit_of_layer[i] >= r.unit_of_layer[i - 1]);
}

TEST_CASE("array cycle formulas by hand", "[timing]") {
  // conv 3x3, Cin 8 -> K = 72, Cout 20 -> N = 20, 8x8 output -> T = 64; 16x16 array:
  // folds = ceil(72/16) * ceil(20/16) = 5 * 2 = 10.
  const auto l = conv_work(1, "c", 8, 8, 8, 20, 3, 1, {0});
  CHECK(l.K == 72);
  CHECK(l.T == 64);
  CHECK(fold_count(l, 16, 16) == 10);
  // SCALE-Sim: 10 * (2*16 + 16 + 64 - 2) = 1100; double-buffered: 16 + 10 * (16 + 16 + 64 - 2) = 956.
  CHECK(ideal_array_cycles(10, 16, 16, 64, WeightBuffering::Single) == 1100);
  CHECK(ideal_array_cycles(10, 16, 16, 64, WeightBuffering::Double) == 956);
  CHECK(layer_array_cycles(l, 16, 16, WeightBuffering::Single, 1e9) == 1100);
  CHECK(layer_array_cycles(l, 16, 16, WeightBuffering::Double, 1e9) == 956);
  // Partial folds: the last row fold uses k = 72 - 64 = 8 rows, the last column fold n = 4.
  CHECK(fold_shape(l, 16, 16, 4).k == 8);
  CHECK(fold_shape(l, 16, 16, 5).n == 4);
  // Bandwidth-limited stream: 8 bytes/cycle, k = 16 bytes per vector -> T*k/bw = 128 cycles
  // instead of 64 per full fold (single buffering, loads of 256 bytes take 32 cycles instead of 16).
  const auto one = conv_work(1, "d", 8, 8, 16, 16, 1, 1, {0});  // K = 16, N = 16: one fold
  CHECK(layer_array_cycles(one, 16, 16, WeightBuffering::Single, 8) == 32 + 128 + 15 + 15);
  CHECK(phase_end(0, 0, 0, 64, 16, 8) == 128);
  CHECK(phase_end(0, 0, 0, 64, 8, 8) == 64);
  CHECK(phase_end(10, 20, 0, 64, 8, 8) == 84);
  CHECK(phase_end(0, 0, 8, 8, 16, 16) == 16);
}
