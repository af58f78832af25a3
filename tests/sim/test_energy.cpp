// The energy model (docs/simulation.md "Energy"): per-component accounting by
// hand, the toggle-counted adder, memories by capacity, fusion and resident
// weights, random operands, and the limits checked before a run.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <random>

#include "SimTestHelpers.hpp"
#include "mapping/ArrayTiming.hpp"
#include "rtl/AdderNetlist.hpp"
#include "rtl/TechModel.hpp"
#include "sim/ArrayExecutor.hpp"
#include "sim/MultiplyEnergy.hpp"
#include "sim/Report.hpp"

using namespace alwann;
using mapping::conv_work;

namespace {
std::shared_ptr<const rtl::TechModel> tech() { return sim::gate_technology(test::source_path("configs/tech/generic45.yaml")); }
}  // namespace

TEST_CASE("adder toggles: a held sum costs nothing, random 32-bit adds land in the published range", "[sim][energy]") {
  rtl::AdderToggleSimulator add(32, tech());
  std::vector<std::int64_t> a(100, 123456), b(100, -77);
  add.feed(a.data(), b.data(), a.size());
  const double first = add.energy_fj();
  CHECK(first > 0);  // the first addition toggles against the all-zero state
  add.feed(a.data(), b.data(), a.size());
  CHECK(add.energy_fj() == first);  // unchanged operands: no toggles
  // One low bit flipping each addition without carries: at most the gates of bit 0..1.
  rtl::AdderToggleSimulator one(32, tech());
  std::vector<std::int64_t> x, zero(64, 0);
  for (int i = 0; i < 64; ++i) x.push_back(i % 2 == 0 ? 0x40 : 0x41);
  one.feed(x.data(), zero.data(), x.size());
  CHECK(one.total_toggles() <= 64 * 3 + 2);
  // Uniformly random 32-bit operands: Aladdin's 32-bit adder 0.086-0.21 pJ, Horowitz 0.1 pJ (reference §4, §7).
  rtl::AdderToggleSimulator rnd(32, tech());
  std::mt19937_64 rng(3);
  std::vector<std::int64_t> ra(4096), rb(4096);
  for (auto& v : ra) v = static_cast<std::int32_t>(rng());
  for (auto& v : rb) v = static_cast<std::int32_t>(rng());
  rnd.feed(ra.data(), rb.data(), ra.size());
  const double pj = rnd.energy_fj() / 4096 * 1e-3;
  CHECK(pj > 0.086);
  CHECK(pj < 0.21);
  // Feeding in pieces equals feeding at once (lanes carry state across words).
  rtl::AdderToggleSimulator split(32, tech());
  split.feed(ra.data(), rb.data(), 100);
  split.feed(ra.data() + 100, rb.data() + 100, 4096 - 100);
  CHECK(split.energy_fj() == Approx(rnd.energy_fj()));
}

TEST_CASE("adder segment energies equal one adder per segment minus its first addition", "[sim][energy]") {
  std::mt19937_64 rng(5);
  std::vector<std::int64_t> a, b;
  std::vector<std::size_t> starts;
  for (int s = 0; s < 50; ++s) {
    starts.push_back(a.size());
    const std::size_t len = 2 + rng() % (s % 4 == 0 ? 150 : 10);
    for (std::size_t i = 0; i < len; ++i) {
      a.push_back(static_cast<std::int32_t>(rng()) >> (s % 7));
      b.push_back(static_cast<std::int16_t>(rng()));
    }
  }
  starts.push_back(a.size());
  const auto e = rtl::AdderToggleSimulator(32, tech()).segment_energies_fj(a.data(), b.data(), starts);
  REQUIRE(e.size() == starts.size() - 1);
  for (std::size_t s = 0; s + 1 < starts.size(); ++s) {
    rtl::AdderToggleSimulator whole(32, tech()), first(32, tech());
    whole.feed(a.data() + starts[s], b.data() + starts[s], starts[s + 1] - starts[s]);
    first.feed(a.data() + starts[s], b.data() + starts[s], 1);
    INFO("segment " << s);
    CHECK(e[s] == Approx(whole.energy_fj() - first.energy_fj()).epsilon(1e-12).margin(1e-9));
    CHECK(e[s] > 0);
  }
}

TEST_CASE("per-component energy equals the documented counts priced by hand", "[sim][energy]") {
  // One 16x16 weight-stationary tile, single buffering, no gating; conv 8x8x32 -> 20, 3x3:
  // K = 288 (18 row folds), N = 20 (column folds of 16 and 4), T = 64.
  const auto work = test::chain({conv_work(0, "l", 8, 8, 32, 20, 3, 1, {})});
  const auto acc = test::tile_array(1, 16, 16, "single", 1e6, false, 1e6);
  auto setup = sim::SimulationSetup::make(acc, work, test::uniform(acc, "mul8u_exact"));
  setup.operands = sim::random_operands(setup.work, 5, 0.4);
  const auto r = sim::simulate(setup, {});
  const auto& l = r.layers[1];
  const auto& w = work[1];
  const auto& tf = acc.tech;
  const double T = 64, macs = static_cast<double>(w.macs);
  REQUIRE(w.K == 288);
  // Counts (docs/simulation.md): per fold k*n weights + T*k activations read; 4*T*n partial-sum bytes written,
  // read back on every row fold after the first; T*n additions outside the array then.
  const double weights = 288.0 * 20, acts = 18 * 2 * T * 16;
  const double psum_w = 18 * T * (16 + 4) * 4, psum_r = 17 * T * (16 + 4) * 4, outside = 17 * T * 20;
  CHECK(l.gb_read_bytes == weights + acts);
  CHECK(l.gb_write_bytes == T * 20);
  CHECK(l.energy.global_buffer == Approx((weights + acts + T * 20) * acc.global_buffer.energy_pj_per_byte));
  CHECK(l.energy.psum_buffer == Approx((psum_w + psum_r) * acc.accumulator_pj_per_byte));
  CHECK(l.energy.multiply == Approx(l.multiply.mean_fj * macs * 1e-3));
  CHECK(l.energy.accumulate == Approx(l.add.mean_fj * (macs + outside) * 1e-3));
  // Registers: 8 activation + 32 partial-sum bits of all 256 PEs clocked every cycle the layer
  // holds the tile, the weight shift chain (8 bits) during 16 load cycles per fold, and the data
  // flips: sampled register flips per MAC, 4 per weight byte per row shifted.
  const double folds = 36, held = static_cast<double>(l.cycles);
  const double clock = (40 * held + 8 * 16 * folds) * 256 * tf.register_clock_fj_per_bit;
  const double flips = l.register_flips_per_mac * macs + 4.0 * (288.0 * 20 * 16);
  CHECK(l.energy.registers == Approx((clock + flips * tf.register_toggle_fj_per_bit) * 1e-3));
  CHECK(l.energy.dram == Approx(weights * acc.dram.energy_pj_per_byte));
  CHECK(l.compute_cycles == 36 * (2 * 16 + 16 + 64 - 2));
  // The random-operand column differs only in the data-dependent components.
  CHECK(l.energy_random.global_buffer == l.energy.global_buffer);
  CHECK(l.energy_random.psum_buffer == l.energy.psum_buffer);
  CHECK(l.energy_random.multiply > l.energy.multiply);  // 40 % zero activations toggle less
  CHECK(r.energy_random.total() > r.energy.total());
}

TEST_CASE("partial sums beyond the accumulator's capacity spill to the global buffer", "[sim][energy]") {
  // 16x16x16 -> 16, 3x3: T = 256, one column fold holds 4*256*16 = 16 KiB of partial sums.
  const auto work = test::chain({conv_work(0, "l", 16, 16, 16, 16, 3, 1, {})});
  auto acc = test::tile_array(1, 16, 16, "single", 1e6, false, 1e6);
  auto run = [&](double kib) {
    acc.accumulator_bytes = static_cast<std::int64_t>(kib * 1024);
    return sim::simulate(sim::SimulationSetup::make(acc, work, test::uniform(acc, "mul8u_exact")), {}).layers[1];
  };
  const auto fits = run(16), spills = run(4);
  const auto tr = sim::array_traffic(work[1], 16, 16, 4 * 1024);
  CHECK(tr.psum_spill_write == 9 * (16384 - 4096));
  CHECK(tr.psum_spill_read == 8 * (16384 - 4096));
  CHECK(spills.gb_read_bytes == fits.gb_read_bytes + tr.psum_spill_read);
  CHECK(spills.gb_write_bytes == fits.gb_write_bytes + tr.psum_spill_write);
  CHECK(spills.energy.psum_buffer == Approx(fits.energy.psum_buffer * 4096.0 / 16384));
  CHECK(spills.cycles == fits.cycles);  // partial-sum traffic uses no port bandwidth (documented)
}

TEST_CASE("elementwise layers fuse into the array's output path - resident weights are fetched once", "[sim][energy]") {
  const auto work = test::small_network();
  auto acc = test::tile_array(1, 16, 16, "double", 64);
  acc.vector_unit.fuse_elementwise = false;
  const auto apart = sim::simulate(sim::SimulationSetup::make(acc, work, test::uniform(acc, "mul8u_exact")), {});
  acc.vector_unit.fuse_elementwise = true;
  const auto fused = sim::simulate(sim::SimulationSetup::make(acc, work, test::uniform(acc, "mul8u_exact")), {});
  // The Add reads c0 (two consumers, not fusable) and c2 (its only consumer): fused into c2.
  CHECK(apart.layers[4].cycles == 2048 / 16);
  CHECK(fused.layers[4].cycles == 0);
  CHECK(fused.layers[4].unit == "vector.fused");
  CHECK(fused.layers[4].gb_read_bytes == 16 * 16 * 8);  // only the other operand
  CHECK(fused.layers[4].gb_write_bytes == 0);
  CHECK(fused.energy.global_buffer < apart.energy.global_buffer);
  CHECK(fused.layers[4].energy.vector_unit == apart.layers[4].energy.vector_unit);

  sim::SimOptions two;
  two.images = 2;
  acc.dram.weights_resident = true;
  const auto resident = sim::simulate(sim::SimulationSetup::make(acc, work, test::uniform(acc, "mul8u_exact")), two);
  acc.dram.weights_resident = false;
  const auto refetch = sim::simulate(sim::SimulationSetup::make(acc, work, test::uniform(acc, "mul8u_exact")), two);
  CHECK(resident.energy.dram == Approx(refetch.energy.dram / 2));  // per image: once over two images
  // They do not fit in a 1 KiB buffer: the setting then resolves to off.
  acc.dram.weights_resident = true;
  acc.global_buffer.size_bytes = 1024;
  CHECK_FALSE(sim::SimulationSetup::make(acc, work, test::uniform(acc, "mul8u_exact")).accelerator.dram.weights_resident);
}

TEST_CASE("random operands honour the zero fraction and need no data", "[sim][energy]") {
  const auto work = test::small_network();
  const auto ops = sim::random_operands(work, 7, 0.6);
  std::size_t zeros = 0, all = 0;
  for (const auto& o : ops)
    if (o)
      for (const auto& x : o->activations) {
        all += x.size();
        for (auto v : x) zeros += v == 0;
      }
  CHECK(static_cast<double>(zeros) / all == Approx(0.6 + 0.4 / 256).margin(0.02));
  const auto acc = test::tile_array(1, 16, 16, "double", 64);
  auto s = sim::SimulationSetup::make(acc, work, test::uniform(acc, "mul8u_exact"));
  s.operands = ops;
  const auto sparse = sim::simulate(s, {});
  s.operands = sim::random_operands(work, 7, 0);
  const auto dense = sim::simulate(s, {});
  CHECK(sparse.energy.multiply < dense.energy.multiply);
  CHECK(sparse.energy.accumulate < dense.energy.accumulate);
}

TEST_CASE("limits are checked before a run, with the limit in the message", "[sim][config]") {
  const auto acc = test::tile_array(1, 16, 16, "double", 64);
  sim::SimOptions o;
  o.images = 100000000;
  REQUIRE_THROWS_WITH(sim::check_limits(acc, o), Catch::Contains("--stream 100000000") && Catch::Contains("1..100000"));
  o.images = 1;
  o.sample_segments = 2000000000;
  REQUIRE_THROWS_WITH(sim::check_limits(acc, o), Catch::Contains("--samples 2000000000"));
  o.sample_segments = 1024;
  o.detail = sim::Detail::Pe;
  const auto huge = test::tile_array(1, 512, 256, "double", 64);
  REQUIRE_THROWS_WITH(sim::check_limits(huge, o), Catch::Contains("at most 65536 PEs per array"));
}

TEST_CASE("the pe level runs a 128x128 array", "[sim][pe]") {
  const auto work = test::chain({conv_work(0, "l", 2, 2, 16, 130, 3, 1, {})});  // K = 144, N = 130
  const auto acc = test::tile_array(1, 128, 128, "single", 1e6, false, 1e6);
  auto s = sim::SimulationSetup::make(acc, work, test::uniform(acc, "mul8u_exact"));
  s.operands = sim::random_operands(s.work, 3);
  sim::SimOptions o;
  o.detail = sim::Detail::Pe;
  const auto pe = sim::simulate(s, o);
  o.detail = sim::Detail::Fold;
  const auto fold = sim::simulate(s, o);
  CHECK(pe.layers[1].compute_cycles == 4 * (2 * 128 + 128 + 4 - 2));
  CHECK(pe.cycles == fold.cycles);
  CHECK(pe.layers[1].multiply.sampled_ops == work[1].macs);
}

TEST_CASE("pe level counts every adder and register flip - the fold level's sample agrees", "[sim][pe][energy]") {
  const auto work = test::chain({conv_work(0, "a", 8, 8, 24, 20, 3, 1, {}), conv_work(0, "b", 6, 6, 16, 16, 1, 1, {})});
  const auto acc = test::tile_array(1, 16, 16, "double", 64);
  auto s = sim::SimulationSetup::make(acc, work, test::uniform(acc, "mul8u_trunc4"));
  s.operands = sim::random_operands(s.work, 11, 0.5);
  sim::SimOptions o;
  o.sample_segments = 4096;
  const auto fold = sim::simulate(s, o);
  o.detail = sim::Detail::Pe;
  const auto pe = sim::simulate(s, o);
  for (int id : {1, 2}) {
    const auto& f = fold.layers[static_cast<std::size_t>(id)];
    const auto& p = pe.layers[static_cast<std::size_t>(id)];
    INFO("layer " << f.name << ": add fold " << f.add.mean_fj << " +- " << f.add.ci95_fj << ", pe " << p.add.mean_fj
                  << "; flips fold " << f.register_flips_per_mac << ", pe " << p.register_flips_per_mac);
    CHECK(p.add.exact_count);
    CHECK(p.add.sampled_ops == work[static_cast<std::size_t>(id)].macs);
    CHECK(std::abs(p.add.mean_fj - f.add.mean_fj) < 3 * f.add.ci95_fj + 0.02 * p.add.mean_fj);
    CHECK(p.register_flips_per_mac == Approx(f.register_flips_per_mac).epsilon(0.1));
    CHECK(p.energy.accumulate == Approx(p.add.mean_fj * 1e-3 * static_cast<double>(p.macs + (id == 1 ? 13 * 64 * 20 : 0))));
  }
}

TEST_CASE("the summary names the simulated images, the operands and the random-data column", "[sim][report]") {
  const auto work = test::small_network();
  const auto acc = test::tile_array(1, 16, 16, "double", 64);
  auto s = sim::SimulationSetup::make(acc, work, test::uniform(acc, "mul8u_exact"));
  s.operands = sim::random_operands(s.work, 2);
  sim::SimOptions o;
  o.images = 2;
  auto r = sim::simulate(s, o);
  r.accuracy = 91.5;
  r.accuracy_images = 1000;
  const std::string text = sim::totals_text(r);
  CHECK_THAT(text, Catch::Contains("simulated images 2 (--stream)"));
  CHECK_THAT(text, Catch::Contains("accuracy       91.50 % on 1000 test images"));
  CHECK_THAT(text, Catch::Contains("random data pJ"));
  const auto j = sim::to_json(r);
  CHECK(j["energy_random_operands_pj"].get<double>() == Approx(r.energy_random.total()));
  CHECK(j["layers"][1]["add_fj_per_op"].get<double>() > 0);
}
