// Toggle counting: hand-computed counts on a tiny netlist, chunking
// invariance against a scalar reference, and operand-stream sensitivity.
#include <catch2/catch.hpp>

#include <random>

#include "rtl/GateNetlist.hpp"
#include "rtl/MultiplierLibrary.hpp"
#include "rtl/ToggleCount.hpp"
#include "rtl/ToggleEnergy.hpp"
#include "rtl/VerilatorNetlistReader.hpp"
#include "tests/rtl/TestSupport.hpp"

using namespace alwann;
using namespace alwann::rtl;

namespace {

std::shared_ptr<const GateNetlist> tiny() {
  static auto n = std::make_shared<const GateNetlist>(
      read_verilog_netlist({test::fixture("mul8u_tiny.v"), "mul8u_tiny", {}}));
  return n;
}

int signal_of(const GateNetlist& n, GateType t) {
  for (size_t s = GateNetlist::kFirstGate; s < n.signals().size(); ++s)
    if (n.signals()[s].type == t) return static_cast<int>(s);
  FAIL("no gate of type " << gate_type_name(t));
  return -1;
}

}  // namespace

TEST_CASE("tiny netlist: gates, fan-outs and toggles equal hand-computed values") {
  const auto n = tiny();
  REQUIRE(n->gate_count() == 3);  // AND, XNOR (NOT over XOR fused), OR
  const int g_and = signal_of(*n, GateType::AND), g_xnor = signal_of(*n, GateType::XNOR),
            g_or = signal_of(*n, GateType::OR);
  const int a0 = GateNetlist::kInputA, a1 = a0 + 1, b0 = GateNetlist::kInputB, b1 = b0 + 1;
  CHECK(n->fanout(a0) == 2);
  CHECK(n->fanout(b1) == 2);
  CHECK(n->fanout(a1) == 1);
  CHECK(n->fanout(g_and) == 1);

  // Stream (from the all-zero state): (1,1) (2,0) (2,2) (3,3), fed in two chunks.
  const std::uint8_t a[] = {1, 2, 2, 3}, b[] = {1, 0, 2, 3};
  ToggleSimulator sim(n, test::default_tech());
  sim.feed(a, b, 1);
  sim.feed(a + 1, b + 1, 3);
  const auto& t = sim.toggles_per_signal();
  CHECK(t[g_and] == 3);
  CHECK(t[g_xnor] == 2);
  CHECK(t[g_or] == 3);
  CHECK(t[a0] == 3);
  CHECK(t[a1] == 1);
  CHECK(t[b0] == 3);
  CHECK(t[b1] == 1);
  CHECK(sim.total_toggles() == 16);
  CHECK(sim.operations() == 4);

  const auto& tech = *test::default_tech();
  const double expected = 3 * tech.toggle_energy_fj(GateType::AND, 1) + 2 * tech.toggle_energy_fj(GateType::XNOR, 1) +
                          3 * tech.toggle_energy_fj(GateType::OR, 1) + 3 * tech.toggle_energy_fj(GateType::PORT, 2) +
                          1 * tech.toggle_energy_fj(GateType::PORT, 1) + 3 * tech.toggle_energy_fj(GateType::PORT, 1) +
                          1 * tech.toggle_energy_fj(GateType::PORT, 2);
  CHECK(sim.energy_fj() == Approx(expected));
  CHECK(sim.energy_per_op_fj() == Approx(expected / 4));
}

TEST_CASE("toggle counts do not depend on how the stream is chunked") {
  const auto n = MultiplierLibrary::instance().netlist("mul8u_trunc6");
  std::mt19937 rng(7);
  std::vector<std::uint8_t> a(1000), b(1000);
  for (size_t i = 0; i < a.size(); ++i) {
    a[i] = static_cast<std::uint8_t>(rng());
    b[i] = static_cast<std::uint8_t>(rng());
  }
  ToggleSimulator whole(n, test::default_tech()), pieces(n, test::default_tech());
  whole.feed(a.data(), b.data(), a.size());
  for (size_t i = 0, step = 1; i < a.size(); i += step, step = step % 97 + 13)
    pieces.feed(a.data() + i, b.data() + i, std::min(step, a.size() - i));
  CHECK(whole.toggles_per_signal() == pieces.toggles_per_signal());

  // A scalar reference: evaluate each operation alone, count changes.
  std::vector<std::uint64_t> prev, cur;
  std::uint64_t zero[8] = {0};
  n->evaluate(zero, zero, prev);
  std::vector<std::uint64_t> reference(n->signals().size(), 0);
  for (size_t i = 0; i < a.size(); ++i) {
    std::uint64_t va[8], vb[8];
    for (int k = 0; k < 8; ++k) {
      va[k] = ((a[i] >> k) & 1) ? ~0ull : 0;
      vb[k] = ((b[i] >> k) & 1) ? ~0ull : 0;
    }
    n->evaluate(va, vb, cur);
    for (size_t s = 0; s < cur.size(); ++s) reference[s] += (cur[s] & 1) != (prev[s] & 1);
    prev = cur;
  }
  CHECK(whole.toggles_per_signal() == reference);
}

TEST_CASE("a weight held on port A costs less than fully random operands (exact multiplier)") {
  const auto n = MultiplierLibrary::instance().netlist("mul8u_exact");
  std::mt19937 rng(3);
  const size_t ops = 1 << 16;
  std::vector<std::uint8_t> held_a(ops), b(ops);
  for (size_t i = 0; i < ops; ++i) {
    held_a[i] = static_cast<std::uint8_t>(i / 256 * 37);  // a new weight every 256 activations
    b[i] = static_cast<std::uint8_t>(rng());
  }
  ToggleSimulator held(n, test::default_tech());
  held.feed(held_a.data(), b.data(), ops);
  const double random = uniform_random_energy_fj(n, test::default_tech(), ops);
  CHECK(held.energy_per_op_fj() < 0.8 * random);
  // The default technology file is calibrated to 0.2 pJ for this multiplier.
  CHECK(uniform_random_energy_fj(n, test::default_tech(), 1000000) == Approx(200).epsilon(0.02));
}

TEST_CASE("approximate multipliers with fewer gates switch less energy") {
  auto& lib = MultiplierLibrary::instance();
  const auto tech = test::default_tech();
  const double exact = uniform_random_energy_fj(lib.netlist("mul8u_exact"), tech, 100000);
  const double trunc8 = uniform_random_energy_fj(lib.netlist("mul8u_trunc8"), tech, 100000);
  const double bam = uniform_random_energy_fj(lib.netlist("mul8u_bamh6v12"), tech, 100000);
  CHECK(trunc8 < exact);
  CHECK(bam < trunc8);
}

TEST_CASE("toggle counting: per-word toggle counts match a bit-by-bit reference", "[rtl]") {
  std::mt19937_64 rng(11);
  std::uint64_t in[64];
  for (int i = 0; i < 64; ++i) in[i] = rng();
  for (int lanes : {1, 7, 63, 64}) {
    std::uint8_t last[64], ref_last[64];
    std::uint64_t toggles[64] = {0}, ref[64] = {0};
    for (int s = 0; s < 64; ++s) last[s] = ref_last[s] = static_cast<std::uint8_t>(rng() & 1);
    rtl::count_toggles(in, 64, lanes, last, toggles);
    for (int s = 0; s < 64; ++s) {
      std::uint64_t prev = ref_last[s];
      for (int l = 0; l < lanes; ++l) {
        const std::uint64_t bit = (in[s] >> l) & 1;
        ref[s] += bit != prev;
        prev = bit;
      }
      CHECK(toggles[s] == ref[s]);
      CHECK(last[s] == prev);
    }
  }
}

TEST_CASE("segment energies of one stream equal one simulator per segment minus its first operation", "[rtl][toggle]") {
  auto& lib = MultiplierLibrary::instance();
  const auto n = lib.netlist("mul8u_vct5");
  const auto tech = test::default_tech();
  const std::vector<double> weights = toggle_weights_fj(*n, *tech);
  std::mt19937_64 rng(11);
  // Segments of 2..140 operations (1 to 3 words, many per word, crossing word
  // boundaries), some starting from the reset state's (0, 0).
  std::vector<std::uint8_t> a, b;
  std::vector<std::size_t> starts;
  for (int s = 0; s < 60; ++s) {
    starts.push_back(a.size());
    const std::size_t len = 2 + rng() % (s % 3 == 0 ? 139 : 8);
    for (std::size_t i = 0; i < len; ++i) {
      const bool reset = i == 0 && s % 5 == 0;
      a.push_back(reset ? 0 : static_cast<std::uint8_t>(rng()));
      b.push_back(reset ? 0 : static_cast<std::uint8_t>(rng()));
    }
  }
  starts.push_back(a.size());
  const auto e = segment_energies_fj(*n, weights, a.data(), b.data(), starts);
  REQUIRE(e.size() == starts.size() - 1);
  for (std::size_t s = 0; s + 1 < starts.size(); ++s) {
    ToggleSimulator whole(n, tech), first(n, tech);
    whole.feed(a.data() + starts[s], b.data() + starts[s], starts[s + 1] - starts[s]);
    first.feed(a.data() + starts[s], b.data() + starts[s], 1);
    INFO("segment " << s);
    CHECK(e[s] == Approx(whole.energy_fj() - first.energy_fj()).epsilon(1e-12).margin(1e-9));
    if (a[starts[s]] == 0 && b[starts[s]] == 0) {  // from the reset state: the first operation costs nothing
      CHECK(first.energy_fj() == 0);
    }
  }
  CHECK(e[1] > 0);
}
