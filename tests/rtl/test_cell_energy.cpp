// Technology-mapped netlists priced per standard cell (issue 8 §5): the
// reader keeps each cell instance and the nets of its pins; a priced cell's
// output net costs the technology file's figure for that pin plus its loads,
// input pins load their nets with their own figures, and the gates of the
// cell's logic cost nothing of their own. Netlists without cells (and cells
// the technology file does not list) keep the per-gate prices.
#include <catch2/catch.hpp>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "rtl/GateNetlist.hpp"
#include "rtl/MultiplierLibrary.hpp"
#include "rtl/ToggleEnergy.hpp"
#include "rtl/VerilatorNetlistReader.hpp"
#include "tests/rtl/TestSupport.hpp"

using namespace alwann;
using namespace alwann::rtl;
namespace fs = std::filesystem;

namespace {

const std::string kCells = std::string(ALWANN_TEST_DATA_DIR) + "/../rtl/cells/cells45.v";

// mul8_101: one instance of each of the 15 cells; U15 (FAX1) adds the
// output of U5 (XOR2X1) and two inputs; O[15] = YS ^ YC of U15.
std::shared_ptr<const GateNetlist> mapped() {
  static auto n = std::make_shared<const GateNetlist>(
      read_verilog_netlist({test::fixture("mul8_101.v"), "mul8_101", {kCells}}));
  return n;
}

// The signal the net of `pin` of the instance named `.. .U<k>` carries.
int pin_signal(const GateNetlist& n, const std::string& instance, const std::string& pin) {
  for (const auto& p : n.cell_pins())
    if (p.pin == pin && n.instances()[p.instance].name.size() >= instance.size() &&
        n.instances()[p.instance].name.compare(n.instances()[p.instance].name.size() - instance.size(),
                                               instance.size(), instance) == 0)
      return p.signal;
  FAIL("no pin " << instance << "." << pin);
  return -1;
}

// The default technology file without its standard_cells section.
std::shared_ptr<const TechModel> gate_priced_tech() {
  static std::shared_ptr<const TechModel> tech = [] {
    YAML::Node root = YAML::LoadFile(TechModel::default_path());
    root["gates"].remove("standard_cells");
    const fs::path p = fs::temp_directory_path() / ("alwann-gate-tech-" + std::to_string(::getpid()) + ".yaml");
    std::ofstream(p) << YAML::Dump(root);
    auto t = std::make_shared<const TechModel>(TechModel::load(p.string()));
    fs::remove(p);
    return t;
  }();
  return tech;
}

}  // namespace

TEST_CASE("a technology-mapped netlist keeps its cell instances and the nets of their pins") {
  const auto n = mapped();
  std::set<std::string> cells;
  for (const auto& i : n->instances()) cells.insert(i.cell);
  CHECK(n->instances().size() == 15);
  CHECK(cells == std::set<std::string>{"AND2X1", "OR2X1", "NAND2X1", "NOR2X1", "XOR2X1", "XNOR2X1", "INVX1", "BUFX2",
                                       "NAND3X1", "NOR3X1", "AOI21X1", "OAI21X1", "MUX2X1", "HAX1", "FAX1"});
  // Pins carry the nets they connect: U15's C is U5's output, U1's A is A[0].
  CHECK(pin_signal(*n, ".U15", "C") == pin_signal(*n, ".U5", "Y"));
  CHECK(pin_signal(*n, ".U1", "A") == GateNetlist::kInputA + 0);
  CHECK(pin_signal(*n, ".U14", "B") == GateNetlist::kInputB + 1);
  // A flat netlist has none.
  CHECK(MultiplierLibrary::instance().netlist("mul8u_exact")->instances().empty());
}

TEST_CASE("a priced cell's output net costs its pin figure plus its loads; the gates inside cost nothing") {
  const auto n = mapped();
  const auto tech = test::default_tech();
  REQUIRE(tech->standard_cell("FAX1"));
  const auto w = toggle_weights_fj(*n, *tech);
  const double s = tech->scale(), load = tech->load_fj_per_input();
  const auto* fa = tech->standard_cell("FAX1");
  const auto* xo = tech->standard_cell("XOR2X1");
  // U15's sum and carry each drive one gate of the top module (O[15]'s XOR).
  CHECK(w[pin_signal(*n, ".U15", "YS")] == Approx(s * (fa->output_fj.at("YS") + 1 * load)));
  CHECK(w[pin_signal(*n, ".U15", "YC")] == Approx(s * (fa->output_fj.at("YC") + 1 * load)));
  // U5's output drives the port O[4] and U15's C pin.
  CHECK(w[pin_signal(*n, ".U5", "Y")] == Approx(s * (xo->output_fj.at("Y") + (1 + fa->input_load.at("C")) * load)));
  // A[0] is read by U1.A, U5.A, U9.A, U11.A and U15.A.
  const double a0_loads = tech->standard_cell("AND2X1")->input_load.at("A") + xo->input_load.at("A") +
                          tech->standard_cell("NAND3X1")->input_load.at("A") +
                          tech->standard_cell("AOI21X1")->input_load.at("A") + fa->input_load.at("A");
  CHECK(w[GateNetlist::kInputA] == Approx(s * a0_loads * load));
  // U8 (BUFX2) passes A[3] through: its output toggles with A[3] and drives O[7].
  const auto* buf = tech->standard_cell("BUFX2");
  const double a3_loads = tech->standard_cell("NOR2X1")->input_load.at("A") + buf->input_load.at("A") +
                          tech->standard_cell("NOR3X1")->input_load.at("B") +
                          tech->standard_cell("HAX1")->input_load.at("A") + 1;
  CHECK(w[GateNetlist::kInputA + 3] == Approx(s * (buf->output_fj.at("Y") + a3_loads * load)));
  // Inner gates of priced cells (the full adder's A^B, its ANDs) cost nothing.
  std::set<int> pins;
  for (const auto& p : n->cell_pins()) pins.insert(p.signal);
  int inner = 0;
  for (size_t g = GateNetlist::kFirstGate; g < n->signals().size(); ++g)
    if (n->owner(static_cast<int>(g)) >= 0 && !pins.count(static_cast<int>(g))) {
      ++inner;
      CHECK(w[g] == 0.0);
    }
  CHECK(inner >= 3);
}

TEST_CASE("without standard-cell figures every net is priced per gate as for flat netlists") {
  const auto n = mapped();
  const auto gates = gate_priced_tech();
  REQUIRE_FALSE(gates->standard_cell("FAX1"));
  const auto w = toggle_weights_fj(*n, *gates);
  for (size_t s = 0; s < n->signals().size(); ++s)
    CHECK(w[s] == gates->toggle_energy_fj(n->signals()[s].type, n->fanout(static_cast<int>(s))));
  // A flat netlist gets exactly the per-gate prices with the default file too.
  const auto flat = MultiplierLibrary::instance().netlist("mul8u_exact");
  const auto tech = test::default_tech();
  const auto wf = toggle_weights_fj(*flat, *tech);
  for (size_t s = 0; s < flat->signals().size(); ++s)
    REQUIRE(wf[s] == tech->toggle_energy_fj(flat->signals()[s].type, flat->fanout(static_cast<int>(s))));
  // And pricing the cells changes the mapped netlist's energy.
  ToggleSimulator by_cell(n, tech), by_gate(n, gates);
  std::vector<std::uint8_t> a(4096), b(4096);
  for (size_t i = 0; i < a.size(); ++i) {
    a[i] = static_cast<std::uint8_t>(i * 37 + 11);
    b[i] = static_cast<std::uint8_t>(i * 101 + 3);
  }
  by_cell.feed(a.data(), b.data(), a.size());
  by_gate.feed(a.data(), b.data(), a.size());
  CHECK(by_cell.total_toggles() <= by_gate.total_toggles());  // cell pins add no gates
  CHECK(by_cell.energy_fj() != Approx(by_gate.energy_fj()).epsilon(0.01));
}

TEST_CASE("malformed standard_cells entries are rejected with file and line") {
  const fs::path p = fs::temp_directory_path() / ("alwann-cells-tech-" + std::to_string(::getpid()) + ".yaml");
  auto load_with = [&](const std::string& cells) {
    YAML::Node root = YAML::LoadFile(TechModel::default_path());
    root["gates"]["standard_cells"] = YAML::Load(cells);
    std::ofstream(p) << YAML::Dump(root);
    return test::error_of([&] { TechModel::load(p.string()); });
  };
  CHECK(load_with("{FAX1: {inputs: {A: 1}}}").find("must have exactly 'inputs' and 'outputs'") != std::string::npos);
  CHECK(load_with("{FAX1: {inputs: {A: 1}, outputs: {A: 2}}}").find("pin 'A' of gates.standard_cells.FAX1 is listed twice") !=
        std::string::npos);
  CHECK(load_with("{FAX1: {inputs: {A: -1}, outputs: {Y: 2}}}").find("must not be negative") != std::string::npos);
  CHECK(load_with("[1, 2]").find("'gates.standard_cells' must be a map of cells") != std::string::npos);
  CHECK(load_with("{FAX1: {inputs: {A: 1}, outputs: {Y: 2}}}").empty());
  fs::remove(p);
}

TEST_CASE("cells connected by plain wires, a full adder feeding another, are priced per cell and stay bit-true") {
  const auto n = std::make_shared<const GateNetlist>(
      read_verilog_netlist({test::fixture("mul8u_cellwires.v"), "mul8u_cellwires", {kCells}}));
  REQUIRE(n->instances().size() == 3);
  const auto products = n->products();
  for (int a = 0; a < 256; ++a)
    for (int b = 0; b < 256; ++b) {
      const int s1 = (a ^ b ^ (a >> 1)) & 1, c1 = ((a & b) | ((a >> 1) & (a ^ b))) & 1, cin = (b >> 1) & 1;
      const int s2 = s1 ^ c1 ^ cin, c2 = (s1 & c1) | (cin & (s1 ^ c1));
      REQUIRE(products[a * 256 + b] == (c2 | s2 << 1 | (s2 & c2) << 2));
    }
  CHECK(pin_signal(*n, ".U2", "A") == pin_signal(*n, ".U1", "YS"));
  CHECK(pin_signal(*n, ".U3", "B") == pin_signal(*n, ".U2", "YC"));
  const auto tech = test::default_tech();
  const auto w = toggle_weights_fj(*n, *tech);
  const double s = tech->scale(), load = tech->load_fj_per_input();
  const auto* fa = tech->standard_cell("FAX1");
  const auto* and2 = tech->standard_cell("AND2X1");
  CHECK(w[pin_signal(*n, ".U1", "YS")] == Approx(s * (fa->output_fj.at("YS") + fa->input_load.at("A") * load)));
  CHECK(w[pin_signal(*n, ".U1", "YC")] == Approx(s * (fa->output_fj.at("YC") + fa->input_load.at("B") * load)));
  CHECK(w[pin_signal(*n, ".U2", "YS")] == Approx(s * (fa->output_fj.at("YS") + (and2->input_load.at("A") + 1) * load)));
  CHECK(w[pin_signal(*n, ".U3", "Y")] == Approx(s * (and2->output_fj.at("Y") + 1 * load)));
  // Every gate belongs to one of the three cells.
  for (size_t g = GateNetlist::kFirstGate; g < n->signals().size(); ++g) CHECK(n->owner(static_cast<int>(g)) >= 0);
}
