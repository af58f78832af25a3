// Run-time import of user Verilog: every netlist style gives the right
// table; bad inputs are rejected with their messages and leave no cache.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <map>

#include "common/CacheDirectory.hpp"
#include "rtl/MultiplierLibrary.hpp"
#include "tests/rtl/TestSupport.hpp"

using namespace alwann;
using namespace alwann::rtl;

namespace {

void check_table(const std::string& name, int (*expected)(int a, int b)) {
  const auto t = MultiplierLibrary::instance().table(name);
  for (int a = 0; a < 256; ++a)
    for (int b = 0; b < 256; ++b)
      REQUIRE(t->raw(static_cast<std::uint8_t>(a), static_cast<std::uint8_t>(b)) ==
              static_cast<std::uint16_t>(expected(a, b)));
}

int bit(int v, int i) { return (v >> i) & 1; }

}  // namespace

TEST_CASE("run-time import: flat, structural, behavioural and technology-mapped netlists") {
  auto& lib = MultiplierLibrary::instance();
  const auto names = lib.import_verilog(
      {test::fixture("mul8u_trunc3.v"), test::fixture("mul8s_trunc3.v"), test::fixture("mul8u_structural.v"),
       test::fixture("mul8u_behavioural.v"), test::fixture("mul8s_behavioural.v"), test::fixture("mul8_101.v")},
      {});
  REQUIRE(names.size() == 6);
  CHECK_FALSE(lib.info("mul8u_trunc3").is_signed);
  CHECK(lib.info("mul8s_trunc3").is_signed);
  CHECK_FALSE(lib.info("mul8_101").is_signed);  // no prefix: unsigned unless --signed

  // Flat style: partial products of columns < 3 dropped, +8 added back.
  check_table("mul8u_trunc3", [](int a, int b) {
    int p = 8;
    for (int i = 0; i < 8; ++i)
      for (int j = 0; j < 8; ++j)
        if (i + j >= 3) p += (bit(a, j) & bit(b, i)) << (i + j);
    return p;
  });
  check_table("mul8u_structural", [](int a, int b) { return a * b; });
  check_table("mul8u_behavioural", [](int a, int b) { return a * b; });
  check_table("mul8s_behavioural", [](int a, int b) { return static_cast<std::int8_t>(a) * static_cast<std::int8_t>(b); });
  // One output bit per cell type (see the fixture).
  check_table("mul8_101", [](int a, int b) {
    const int a0 = bit(a, 0), a1 = bit(a, 1), a2 = bit(a, 2), a3 = bit(a, 3), a4 = bit(a, 4);
    const int b0 = bit(b, 0), b1 = bit(b, 1), b2 = bit(b, 2), b3 = bit(b, 3);
    const int x = a0 ^ b1;
    const int o[16] = {a0 & b0, a1 | b1, !(a2 & b2), !(a3 | b3), x, !(a1 ^ b2), !a2, a3,
                       !(a0 & a1 & b0), !(a2 | a3 | b1), !((a0 & b2) | a4), !((a1 | b3) & a4),
                       a4 ? b0 : a2, a3 ^ b1, a3 & b1, (a0 ^ b2 ^ x) ^ ((a0 & b2) | (x & (a0 ^ b2)))};
    int p = 0;
    for (int i = 0; i < 16; ++i) p |= (o[i] & 1) << i;
    return p;
  });
  // Library figures from the header comments.
  const auto& f = lib.info("mul8_101").figures;
  REQUIRE(f.power_mw);
  CHECK(*f.power_mw == Approx(0.123));
  CHECK(*f.area_um2 == Approx(45.6));
  CHECK(*f.delay_ns == Approx(0.78));
  CHECK_FALSE(lib.info("mul8u_trunc3").figures.power_mw);

  // A second import reuses the cached shared object: nothing is rebuilt.
  namespace fs = std::filesystem;
  auto snapshot = [] {
    std::map<std::string, fs::file_time_type> files;
    for (auto& e : fs::recursive_directory_iterator(cache_directory())) files[e.path().string()] = e.last_write_time();
    return files;
  };
  lib.import_verilog({test::fixture("mul8_101.v")}, {});
  const auto before = snapshot();
  lib.import_verilog({test::fixture("mul8_101.v")}, {});
  CHECK(snapshot() == before);
}

TEST_CASE("forcing signedness overrides the name prefix") {
  MultiplierLibrary::ImportOptions o;
  o.force_signed = true;
  MultiplierLibrary::instance().import_verilog({test::fixture("mul8u_tiny.v")}, o);
  CHECK(MultiplierLibrary::instance().info("mul8u_tiny").is_signed);
  o.force_signed = false;
  MultiplierLibrary::instance().import_verilog({test::fixture("mul8u_tiny.v")}, o);
  CHECK_FALSE(MultiplierLibrary::instance().info("mul8u_tiny").is_signed);
}

TEST_CASE("bad Verilog is rejected with the file and the reason, and nothing is cached") {
  namespace fs = std::filesystem;
  auto& lib = MultiplierLibrary::instance();
  auto models_in_cache = [] {
    size_t n = 0;
    const fs::path dir = cache_directory() + "/models";
    if (fs::exists(dir))
      for (auto& e : fs::directory_iterator(dir)) n += e.is_directory();
    return n;
  };
  // A cache of its own, so that imports running in parallel tests do not count.
  const fs::path cache = fs::temp_directory_path() / "alwann-test-bad-verilog-cache";
  fs::remove_all(cache);
  ::setenv("ALWANN_CACHE_DIR", cache.c_str(), 1);
  const size_t before = models_in_cache();
  auto import = [&](const std::string& f) { return test::error_of([&] { lib.import_verilog({f}, {}); }); };

  const std::string missing = import(test::fixture("bad/does_not_exist.v"));
  CHECK(missing.find("does_not_exist.v: file not found") != std::string::npos);

  const std::string misnamed = import(test::fixture("bad/mul8u_misnamed.v"));
  CHECK(misnamed.find("mul8u_misnamed.v: no module named 'mul8u_misnamed'") != std::string::npos);

  const std::string ports = import(test::fixture("bad/mul8u_badports.v"));
  CHECK(ports.find("mul8u_badports.v") != std::string::npos);
  CHECK(ports.find("must have exactly the ports input [7:0] A, input [7:0] B, output [15:0] O") != std::string::npos);
  CHECK(ports.find("input [3:0] A") != std::string::npos);

  const std::string syntax = import(test::fixture("bad/mul8u_syntax.v"));
  CHECK(syntax.find("mul8u_syntax.v: Verilator: %Error") != std::string::npos);
  CHECK(syntax.find("mul8u_syntax.v:5") != std::string::npos);

  const std::string always = import(test::fixture("bad/mul8u_always.v"));
  CHECK(always.find("mul8u_always.v:5: unsupported construct 'always'") != std::string::npos);

  const std::string undriven = import(test::fixture("bad/mul8u_undriven.v"));
  CHECK(undriven.find("mul8u_undriven.v:2: output bits O[15:1] are not driven") != std::string::npos);

  CHECK(models_in_cache() == before);
  CHECK_FALSE(lib.contains("mul8u_badports"));
  CHECK_FALSE(lib.contains("mul8u_syntax"));
  fs::remove_all(cache);
}

TEST_CASE("cells defined only in a --cells library are found through it") {
  auto& lib = MultiplierLibrary::instance();
  const std::string file = test::fixture("custom_cells/mul8u_customcells.v");
  const std::string without = test::error_of([&] { lib.import_verilog({file}, {}); });
  CHECK(without.find("mul8u_customcells.v: Verilator: %Error") != std::string::npos);
  MultiplierLibrary::ImportOptions o;
  o.cell_libraries = {test::fixture("custom_cells/my_cells.v")};
  lib.import_verilog({file}, o);
  check_table("mul8u_customcells", [](int a, int b) { return (a & b) | ((a ^ b) << 8); });
}
