// Multiplier libraries (issue 8): library files with figures and product
// tables, the wide-bus netlist style, duplicate names, a batch with one bad
// circuit, .bin files that must never be read as YAML, size limits, long
// assignment chains (the compiler's groups: test_model_compiler.cpp).
#include <catch2/catch.hpp>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "common/CacheDirectory.hpp"
#include "common/Error.hpp"
#include "rtl/Characterization.hpp"
#include "rtl/MultiplierLibrary.hpp"
#include "rtl/VerilatorNetlistReader.hpp"
#include "tests/rtl/TestSupport.hpp"

using namespace alwann;
using namespace alwann::rtl;
namespace fs = std::filesystem;

namespace {

MultiplierLibrary::ImportOptions with_cells(std::vector<std::string> cells) {
  MultiplierLibrary::ImportOptions o;
  o.cell_libraries = std::move(cells);
  return o;
}

bool have_iverilog() { return std::system("iverilog -V >/dev/null 2>&1") == 0; }

// Icarus Verilog, an independent simulator, on `pairs` operand pairs of the
// wide-bus fixture: returns "A B O" lines.
std::string icarus_products(const std::vector<std::pair<int, int>>& pairs) {
  const fs::path dir = fs::temp_directory_path() / ("alwann-iverilog-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream tb(dir / "tb.v");
  tb << "module tb; reg [7:0] A, B; wire [15:0] O;\n mul8u_widebus dut(.A(A), .B(B), .O(O));\n initial begin\n";
  for (const auto& [a, b] : pairs) tb << "  A = " << a << "; B = " << b << "; #1 $display(\"%0d %0d %0d\", A, B, O);\n";
  tb << "  $finish;\n end\nendmodule\n";
  tb.close();
  const std::string cmd = "iverilog -o " + (dir / "sim").string() + " " + (dir / "tb.v").string() + " " +
                          test::fixture("widebus/mul8u_widebus.v") + " " + test::fixture("widebus/wb_cells.v") +
                          " && vvp -n " + (dir / "sim").string() + " > " + (dir / "out.txt").string();
  REQUIRE(std::system(cmd.c_str()) == 0);
  std::ifstream in(dir / "out.txt");
  std::stringstream s;
  s << in.rdbuf();
  fs::remove_all(dir);
  return s.str();
}

}  // namespace

TEST_CASE("a wide-bus technology-mapped netlist (one bus, bit aliases, cell outputs on single bits) is bit-true") {
  auto& lib = MultiplierLibrary::instance();
  const auto names = lib.import_verilog({test::fixture("widebus/mul8u_widebus.v")},
                                        with_cells({test::fixture("widebus/wb_cells.v")}));
  REQUIRE(names == std::vector<std::string>{"mul8u_widebus"});
  // The fixture is an exact array multiplier (generate.py): every product is a*b.
  const auto t = lib.table("mul8u_widebus");
  for (int a = 0; a < 256; ++a)
    for (int b = 0; b < 256; ++b)
      REQUIRE(t->raw(static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b)) == a * b);
  // "Power (45) = 250.00" is in uW (reference §3).
  REQUIRE(lib.info("mul8u_widebus").figures.power_mw);
  CHECK(*lib.info("mul8u_widebus").figures.power_mw == Approx(0.25));
  CHECK(*lib.info("mul8u_widebus").figures.area_um2 == Approx(600));
  if (!have_iverilog()) {
    WARN("iverilog not installed: the independent-simulator check is skipped (scripts/setup.sh installs it)");
    return;
  }
  // Icarus on a sample (its event-driven run of the one wide bus is slow):
  // every power of two of each operand, and pseudo-random pairs.
  std::vector<std::pair<int, int>> pairs;
  for (int i = 0; i < 8; ++i)
    for (int b = 0; b < 256; b += 5) pairs.push_back({1 << i, b});
  std::uint32_t s = 12345;
  for (int i = 0; i < 400; ++i) {
    s = s * 1103515245u + 12345u;
    pairs.push_back({static_cast<int>((s >> 8) & 255), static_cast<int>((s >> 16) & 255)});
  }
  std::istringstream lines(icarus_products(pairs));
  int a, b, o, n = 0;
  while (lines >> a >> b >> o) {
    REQUIRE(t->raw(static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b)) == o);
    ++n;
  }
  CHECK(n == static_cast<int>(pairs.size()));
}

TEST_CASE("a library file lists Verilog with overriding figures and product tables without Verilog") {
  auto& lib = MultiplierLibrary::instance();
  const auto r = lib.import_library({test::fixture("library/lib.yaml")}, {});
  REQUIRE(r.failures.empty());
  REQUIRE(r.names == std::vector<std::string>{"mul8u_lowor", "mul8u_tabtrunc"});
  const auto& lowor = lib.info("mul8u_lowor");
  CHECK(*lowor.figures.power_mw == Approx(0.2));   // the library file wins over the header's 0.111
  CHECK(*lowor.figures.area_um2 == Approx(100.0));  // from the header
  CHECK(*lowor.figures.delay_ns == Approx(0.9));
  CHECK(lowor.has_netlist);
  const auto lt = lib.table("mul8u_lowor");
  CHECK(lt->raw(0x35, 0x0A) == (((0x35 * 0x0A) & 0xFFF0) | (0x5 | 0xA)));

  const auto& tab = lib.info("mul8u_tabtrunc");
  CHECK_FALSE(tab.has_netlist);
  CHECK_FALSE(tab.is_signed);
  CHECK(*tab.figures.power_mw == Approx(0.15));
  const auto t = lib.table("mul8u_tabtrunc");
  for (int w = 0; w < 256; ++w)
    for (int x = 0; x < 256; ++x) REQUIRE(t->raw(static_cast<std::uint8_t>(w), static_cast<std::uint8_t>(x)) == ((w * x) & ~0xF));
  // The model of a table-only multiplier is its table.
  CHECK(lib.model("mul8u_tabtrunc")->multiply(200, 100) == ((200 * 100) & ~0xF));
  const std::string no_netlist = test::error_of([&] { lib.netlist("mul8u_tabtrunc"); });
  CHECK(no_netlist.find("'mul8u_tabtrunc' is a product table without a netlist") != std::string::npos);
  // Characterization: error metrics yes, energy null.
  const Characterization c = characterize(lib, "mul8u_tabtrunc", test::default_tech(), 1000);
  CHECK(c.error.mae > 0);
  const auto j = to_json(c);
  CHECK(j["energy_uniform_fj"].is_null());
  CHECK(j["gates"].is_null());
}

TEST_CASE("a name defined by two files is an error naming both") {
  auto& lib = MultiplierLibrary::instance();
  const std::string e = test::error_of(
      [&] { lib.import_library({test::fixture("library/muls"), test::fixture("library/dup/mul8u_lowor.v")}, {}); });
  CHECK(e.find("multiplier 'mul8u_lowor' is defined twice") != std::string::npos);
  CHECK(e.find("library/muls/mul8u_lowor.v") != std::string::npos);
  CHECK(e.find("library/dup/mul8u_lowor.v") != std::string::npos);
  lib.import_library({test::fixture("library/muls/mul8u_lowor.v")}, {});
  lib.import_library({test::fixture("library/muls/mul8u_lowor.v")}, {});  // the same file again: fine
  const std::string earlier = test::error_of([&] { lib.import_library({test::fixture("library/dup/mul8u_lowor.v")}, {}); });
  CHECK(earlier.find("defined twice") != std::string::npos);  // clashes with the earlier import
  const std::string builtin = test::error_of([&] {
    const fs::path dir = fs::temp_directory_path() / ("alwann-builtin-name-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    fs::copy_file(test::fixture("library/tables/mul8u_tabtrunc.bin"), dir / "mul8u_exact.bin",
                  fs::copy_options::overwrite_existing);
    lib.import_library({(dir / "mul8u_exact.bin").string()}, {});
  });
  CHECK(builtin.find("'mul8u_exact' is defined twice: built-in and ") != std::string::npos);
}

TEST_CASE("one bad circuit is reported and skipped, the rest imported, and strict makes it fatal") {
  auto& lib = MultiplierLibrary::instance();
  MultiplierLibrary::ImportOptions lenient;
  lenient.strict = false;
  const auto r = lib.import_library({test::fixture("library/broken/mul8u_broken.v"), test::fixture("mul8u_trunc3.v")},
                                    lenient);
  CHECK(r.names == std::vector<std::string>{"mul8u_trunc3"});
  REQUIRE(r.failures.size() == 1);
  CHECK(r.failures[0].file == test::fixture("library/broken/mul8u_broken.v"));
  CHECK(r.failures[0].reason.find("Verilator: %Error") != std::string::npos);
  CHECK_FALSE(lib.contains("mul8u_broken"));
  const std::string strict = test::error_of(
      [&] { lib.import_library({test::fixture("library/broken/mul8u_broken.v"), test::fixture("mul8u_trunc3.v")}, {}); });
  CHECK(strict.find("mul8u_broken.v: Verilator: %Error") != std::string::npos);
}

TEST_CASE("a .bin is read as a product table, never as YAML") {
  auto& lib = MultiplierLibrary::instance();
  // YAML text in a .bin: the table reader's size error, not a YAML or Verilog one.
  const std::string e = test::error_of([&] { lib.import_library({test::fixture("library/notyaml.bin")}, {}); });
  CHECK(e.find("notyaml.bin: product table must be 131072 bytes") != std::string::npos);
}

TEST_CASE("malformed library files are rejected with file and line") {
  const fs::path dir = fs::temp_directory_path() / ("alwann-libfile-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto attempt = [&](const std::string& text) {
    std::ofstream(dir / "lib.yaml") << text;
    return test::error_of([&] { MultiplierLibrary::instance().import_library({(dir / "lib.yaml").string()}, {}); });
  };
  CHECK(attempt("multipliers:\n  - table: x.bin\n    signed: false\n").find("lib.yaml:2: file not found") != std::string::npos);
  fs::copy_file(test::fixture("library/tables/mul8u_tabtrunc.bin"), dir / "x.bin");
  CHECK(attempt("multipliers:\n  - table: x.bin\n").find("lib.yaml:2: a table entry needs signed") != std::string::npos);
  CHECK(attempt("multipliers:\n  - table: x.bin\n    signed: false\n    power: 3\n").find("lib.yaml:4: unknown key 'power'") !=
        std::string::npos);
  CHECK(attempt("multiplier: []\n").find("a map with a list 'multipliers:'") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("a damaged cached product table is detected by its hash, dropped and rebuilt") {
  auto& lib = MultiplierLibrary::instance();
  lib.import_library({test::fixture("library/muls/mul8u_lowor.v")}, {});
  const fs::path cached =
      fs::path(cache_directory()) / "tables" / ("mul8u_lowor-" + lib.info("mul8u_lowor").content_hash + ".bin");
  REQUIRE(fs::exists(cached));
  const auto good = lib.table("mul8u_lowor")->data();
  {  // same size, wrong content: only the hash can tell
    std::fstream f(cached, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(1000);
    f.write("\x12\x34\x56\x78", 4);
  }
  const std::string before = [&] { std::ifstream in(cached, std::ios::binary); std::stringstream s; s << in.rdbuf(); return s.str(); }();
  lib.import_library({test::fixture("library/muls/mul8u_lowor.v")}, {});
  CHECK(lib.table("mul8u_lowor")->data() == good);
  std::ifstream in(cached, std::ios::binary);
  std::stringstream after;
  after << in.rdbuf();
  CHECK(after.str() != before);  // rewritten from the model
  CHECK(after.str() == lib.table("mul8u_lowor")->bin_bytes());
}

TEST_CASE("netlists beyond the documented size limits are refused with a message, not a crash") {
  const fs::path dir = fs::temp_directory_path() / ("alwann-limits-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {  // 5 MB: over the file size limit, refused before Verilator runs
    std::ofstream v(dir / "mul8u_huge.v");
    v << "module mul8u_huge(A, B, O);\n" << std::string(5 << 20, ' ') << "\nendmodule\n";
  }
  const std::string huge = test::error_of([&] { MultiplierLibrary::instance().import_library({(dir / "mul8u_huge.v").string()}, {}); });
  CHECK(huge.find("mul8u_huge.v: 5.0 MB of Verilog: the limit is 4 MB") != std::string::npos);
  {  // 17 nets of 65,536 bits: over the 2^20 net bits (Verilator's XML, as the fuzz target reads it)
    std::ofstream x(dir / "bits.xml");
    x << "<verilator_xml><netlist><module name=\"$root\" topModule=\"1\"><topscope><scope name=\"TOP\">";
    for (int i = 0; i < 17; ++i) x << "<varscope name=\"top.w" << i << "\" width=\"65536\"/>";
    x << "</scope></topscope></module></netlist></verilator_xml>";
  }
  const std::string bits = test::error_of([&] { read_verilator_xml((dir / "bits.xml").string(), "bits.v", "mul8u_bits"); });
  CHECK(bits.find("more than 1048576 net bits") != std::string::npos);
  fs::remove_all(dir);
  // No Verilator temporary folder of this process is left behind.
  for (const auto& e : fs::directory_iterator(fs::temp_directory_path()))
    CHECK(e.path().filename().string().rfind("alwann-xml-" + std::to_string(::getpid()) + "-", 0) != 0);
}

TEST_CASE("6000 chained assignments import bit-true: nets are resolved without recursion") {
  // Each link XORs one bit of A into the chain; every A bit is XORed in 750
  // times, so the chain's end equals its start, p[0], and O = A * B exactly.
  // (The resolver used to recurse once per link and refused chains over 1000.)
  const fs::path dir = fs::temp_directory_path() / ("alwann-chain-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  {
    std::ofstream v(dir / "mul8u_chain6000.v");
    v << "module mul8u_chain6000(A, B, O);\n input [7:0] A; input [7:0] B; output [15:0] O;\n"
      << " wire [15:0] p = A * B;\n wire [6000:0] w;\n assign w[0] = p[0];\n";
    for (int i = 1; i <= 6000; ++i) v << " assign w[" << i << "] = w[" << i - 1 << "] ^ A[" << i % 8 << "];\n";
    v << " assign O = {p[15:1], w[6000]};\nendmodule\n";
  }
  auto& lib = MultiplierLibrary::instance();
  REQUIRE(lib.import_verilog({(dir / "mul8u_chain6000.v").string()}, {}) ==
          std::vector<std::string>{"mul8u_chain6000"});
  const auto table = lib.table("mul8u_chain6000");  // checked against the gate netlist on import
  for (int w = 0; w < 256; ++w)
    for (int x = 0; x < 256; ++x)
      REQUIRE(table->raw(static_cast<std::uint8_t>(w), static_cast<std::uint8_t>(x)) == w * x);
  CHECK(lib.netlist("mul8u_chain6000")->gate_count() >= 6000);  // the chain's XORs are all there
  fs::remove_all(dir);
}

namespace {

// Verilator's XML (the parts the bit-blaster reads) of a multiplier whose
// O[0] is p[0] = (A*B)[0] passed through `links` chained one-bit nets
// (n<i> = n<i-1> ^ A[i%8]) and then through one assignment whose expression
// nests `nesting` XORs with A[0] (m = (((n ^ A[0]) ^ A[0]) ^ ...)). With
// links a multiple of 16 and nesting even, O = A * B. Nets are referred to
// relative to the top instance, as Verilator often does.
void write_chain_xml(const fs::path& file, int links, int nesting) {
  std::ofstream x(file);
  auto sel = [&](const char* net, int lsb, int width) {
    x << "<sel width=\"" << width << "\"><varref name=\"" << net << "\"/><const name=\"32'd" << lsb
      << "\"/><const name=\"32'd" << width << "\"/></sel>";
  };
  x << "<verilator_xml><netlist><module name=\"$root\" topModule=\"1\">"
    << "<var name=\"A\" width=\"8\" dir=\"input\"/><var name=\"B\" width=\"8\" dir=\"input\"/>"
    << "<var name=\"O\" width=\"16\" dir=\"output\"/><topscope><scope name=\"TOP\">"
    << "<varscope name=\"A\" width=\"8\"/><varscope name=\"B\" width=\"8\"/><varscope name=\"O\" width=\"16\"/>"
    << "<varscope name=\"top.p\" width=\"16\"/><varscope name=\"top.m\" width=\"1\"/>\n";
  for (int i = 0; i <= links; ++i) x << "<varscope name=\"top.n" << i << "\"/>\n";
  x << "<contassign><mul width=\"16\"><extend width=\"16\"><varref name=\"A\"/></extend>"
    << "<extend width=\"16\"><varref name=\"B\"/></extend></mul><varref name=\"p\"/></contassign>\n";
  // The chain, last link first: assignment order must not matter.
  for (int i = links; i >= 1; --i) {
    x << "<contassign><xor width=\"1\"><varref name=\"n" << i - 1 << "\"/>";
    sel("A", i % 8, 1);
    x << "</xor><varref name=\"n" << i << "\"/></contassign>\n";
  }
  x << "<contassign>";
  sel("p", 0, 1);
  x << "<varref name=\"n0\"/></contassign>\n<contassign>";
  for (int i = 0; i < nesting; ++i) x << "<xor width=\"1\">";
  x << "<varref name=\"n" << links << "\"/>";
  for (int i = 0; i < nesting; ++i) {
    sel("A", 0, 1);
    x << "</xor>";
  }
  x << "<varref name=\"m\"/></contassign>\n<contassign><concat width=\"16\">";
  sel("p", 1, 15);
  x << "<varref name=\"m\"/></concat><varref name=\"O\"/></contassign>\n"
    << "</scope></topscope></module></netlist></verilator_xml>\n";
}

}  // namespace

TEST_CASE("a 200,000-link assignment chain and a 100,000-deep expression are read bit-true") {
  // Far beyond what a 4 MB Verilog file gives Verilator time to elaborate
  // quickly (200,000 chained assigns took it 21 s of CPU), so the XML is
  // written directly; the depth is bounded by the 2^20 net bits, not the stack.
  const fs::path dir = fs::temp_directory_path() / ("alwann-deepxml-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  write_chain_xml(dir / "chain.xml", 200000, 100000);
  const GateNetlist net = read_verilator_xml((dir / "chain.xml").string(), "chain.v", "mul8u_chain");
  CHECK(net.gate_count() >= 300000);  // 200,000 chained XORs and 100,000 nested ones
  const std::vector<std::uint16_t> products = net.products();  // [a*256 + b]
  for (int a = 0; a < 256; ++a)
    for (int b = 0; b < 256; ++b) REQUIRE(products[a * 256 + b] == a * b);
  {  // a loop at the far end of a long chain is still named
    write_chain_xml(dir / "loop.xml", 20000, 0);
    std::string text;
    {
      std::ifstream in(dir / "loop.xml");
      std::stringstream s;
      s << in.rdbuf();
      text = s.str();
    }
    const std::string from = "<varref name=\"p\"/><const name=\"32'd0\"/>";  // n0 = p[0] becomes n0 = n20000
    const auto at = text.find("<sel width=\"1\">" + from);
    REQUIRE(at != std::string::npos);
    text.replace(at, std::string("<sel width=\"1\">" + from + "<const name=\"32'd1\"/></sel>").size(),
                 "<varref name=\"n20000\"/>");
    std::ofstream(dir / "loop.xml") << text;
  }
  const std::string loop = test::error_of([&] { read_verilator_xml((dir / "loop.xml").string(), "loop.v", "mul8u_loop"); });
  CHECK(loop.find("combinational loop through net 'top.n") != std::string::npos);
  fs::remove_all(dir);
}
