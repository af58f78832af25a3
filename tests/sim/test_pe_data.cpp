// The PE level's data path: bit-true sums against the nn GEMM kernel, and
// toggle energy equal to the ToggleSimulator fed with the PEs' own streams.
#include <catch2/catch.hpp>

#include "SimTestHelpers.hpp"
#include "rtl/MultiplierLibrary.hpp"
#include "rtl/TechModel.hpp"
#include "rtl/ToggleEnergy.hpp"
#include "sim/MultiplyEnergy.hpp"

using namespace alwann;
using mapping::conv_work;

namespace {
mapping::NetworkWork small() {
  return test::chain({conv_work(0, "a", 6, 6, 8, 12, 3, 1, {}), conv_work(0, "b", 5, 5, 20, 20, 3, 2, {}),
                      conv_work(0, "c", 4, 4, 16, 24, 1, 1, {}), conv_work(0, "grouped", 5, 5, 16, 16, 3, 1, {}, 4)});
}
}  // namespace

TEST_CASE("pe level sums equal the product-table GEMM bit for bit with approximate multipliers", "[sim][pe][bittrue]") {
  for (const std::string mul : {"mul8u_bamh2v8", "mul8u_trunc4", "mul8s_vct9", "mul8u_exact"}) {
    for (const std::string buffering : {"single", "double"}) {
      const auto acc = test::tile_array(2, 8, 8, buffering, 64);
      const auto work = small();
      auto setup = sim::SimulationSetup::make(acc, work, test::uniform(acc, mul));
      setup.operands = sim::random_operands(work, 99);
      sim::SimOptions o;
      o.detail = sim::Detail::Pe;
      o.keep_outputs = true;
      const auto r = sim::simulate(setup, o);
      const auto table = rtl::MultiplierLibrary::instance().table(mul);
      for (const auto& l : work) {
        if (!l.on_array()) continue;
        INFO(mul << " " << buffering << " layer " << l.name);
        const auto& ops = *setup.operands[l.id];
        REQUIRE(r.outputs.count(l.id));
        for (int g = 0; g < l.groups; ++g) {
          // The nn kernels' definition (nn/kernels/ApproxGemm.hpp): c[m*N + n] = sum_k table.value(w[n*K + k], x[m*K + k]).
          std::vector<std::int32_t> expect(static_cast<std::size_t>(l.T) * l.N, 0);
          for (int m = 0; m < l.T; ++m)
            for (int n = 0; n < l.N; ++n)
              for (int k = 0; k < l.K; ++k)
                expect[static_cast<std::size_t>(m) * l.N + n] += table->value(
                    ops.weights[g][static_cast<std::size_t>(n) * l.K + k], ops.activations[g][static_cast<std::size_t>(m) * l.K + k]);
          CHECK(r.outputs.at(l.id)[g] == expect);
        }
      }
    }
  }
}

TEST_CASE("pe level toggle energy equals the ToggleSimulator fed with the same operand streams", "[sim][pe][energy]") {
  const std::string mul = "mul8u_bamh2v8";
  const auto acc = test::tile_array(1, 8, 8, "double", 64);
  const auto work = small();
  auto setup = sim::SimulationSetup::make(acc, work, test::uniform(acc, mul));
  setup.operands = sim::random_operands(work, 5);
  sim::SimOptions o;
  o.detail = sim::Detail::Pe;
  o.record_pe_streams = true;
  const auto r = sim::simulate(setup, o);
  const auto tech = sim::gate_technology(acc.tech.path);
  auto netlist = rtl::MultiplierLibrary::instance().netlist(mul);
  // Each PE's stream spans all layers it ran, in order: replay them PE by PE.
  std::vector<std::unique_ptr<rtl::ToggleSimulator>> sims;
  for (int i = 0; i < 64; ++i) sims.push_back(std::make_unique<rtl::ToggleSimulator>(netlist, tech));
  std::int64_t ops = 0;
  for (const auto& l : work) {
    if (!l.on_array()) continue;
    const auto& streams = r.pe_streams.at(l.name);
    REQUIRE(streams.size() == 64);
    for (int i = 0; i < 64; ++i) {
      sims[i]->feed(streams[i].a.data(), streams[i].b.data(), streams[i].a.size());
      ops += static_cast<std::int64_t>(streams[i].a.size());
    }
  }
  double expect = 0;
  for (const auto& s : sims) expect += s->energy_fj();
  CHECK(ops == mapping::approximable_macs(work));
  CHECK(r.pe_multiply_energy_fj == Approx(expect).epsilon(1e-12));
  CHECK(r.multiply_energy_pj == Approx(expect * 1e-3).epsilon(1e-9));
  CHECK(r.pe_multiply_energy_fj > 0);
}

TEST_CASE("fold level samples the multiplier energy with a confidence interval", "[sim][energy]") {
  const auto acc = test::tile_array(1, 8, 8, "double", 64);
  const auto work = small();
  auto setup = sim::SimulationSetup::make(acc, work, test::uniform(acc, "mul8u_exact"));
  setup.operands = sim::random_operands(work, 5);
  sim::SimOptions o;
  o.sample_segments = 200;
  const auto fold = sim::simulate(setup, o);
  o.detail = sim::Detail::Pe;
  const auto pe = sim::simulate(setup, o);
  for (std::size_t i = 1; i < fold.layers.size(); ++i) {
    const auto& f = fold.layers[i].multiply;
    const auto& p = pe.layers[i].multiply;
    INFO(fold.layers[i].name << " fold " << f.mean_fj << " +- " << f.ci95_fj << " pe " << p.mean_fj);
    CHECK(f.sampled_ops > 0);
    CHECK(f.ci95_fj > 0);
    CHECK(p.exact_count);
    // Random operands: the sampled mean lies within a few intervals of the full count.
    CHECK(std::abs(f.mean_fj - p.mean_fj) < 4 * f.ci95_fj + 0.05 * p.mean_fj);
  }
}
