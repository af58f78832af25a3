// Import speed of a large library (issue 8, item 4): a generated library of
// N netlists (default 200) in mixed styles — flat gate-level assigns (the
// built-in generator), technology-mapped with one wide bus over the shipped
// 45 nm cells, and behavioural — imported into an empty cache, then again
// from the cache. Reports total and per-circuit times.
// Usage: bench_import [N]
#include <fmt/core.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "common/AtomicFile.hpp"
#include "rtl/MultiplierLibrary.hpp"
#include "rtl/generator/MultiplierGenerator.hpp"

using namespace alwann;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// An unsigned array multiplier of HAX1/FAX1/AND2X1 cells on one wide bus,
// partial products of columns < k tied to 0 (distinct circuits per k, salt).
std::string wide_bus_multiplier(const std::string& module, int k, int salt) {
  std::string body;
  int next = 16 + salt % 7;
  auto fresh = [&] { return next++; };
  auto net = [](int n) { return fmt::format("N[{}]", n); };
  int a[8], b[8], pp[8][8];
  for (int i = 0; i < 8; ++i) {
    a[i] = fresh();
    b[i] = fresh();
    body += fmt::format("  assign {} = A[{}];\n  assign {} = B[{}];\n", net(a[i]), i, net(b[i]), i);
  }
  int cell = 0;
  for (int i = 0; i < 8; ++i)
    for (int j = 0; j < 8; ++j) {
      pp[i][j] = fresh();
      if (i + j < k)
        body += fmt::format("  assign {} = 1'b0;\n", net(pp[i][j]));
      else
        body += fmt::format("  AND2X1 U{} (.A({}), .B({}), .Y({}));\n", cell++, net(a[j]), net(b[i]), net(pp[i][j]));
    }
  int acc[16];
  for (int j = 0; j < 8; ++j) acc[j] = pp[0][j];
  for (int w = 8; w < 16; ++w) acc[w] = -1;
  for (int i = 1; i < 8; ++i) {
    int carry = -1;
    for (int j = 0; j < 8; ++j) {
      const int w = i + j, s = fresh(), c = fresh(), y = acc[w] >= 0 ? acc[w] : carry;
      if (acc[w] >= 0 && carry >= 0)
        body += fmt::format("  FAX1 U{} (.A({}), .B({}), .C({}), .YS({}), .YC({}));\n", cell++, net(pp[i][j]), net(acc[w]),
                            net(carry), net(s), net(c));
      else
        body += fmt::format("  HAX1 U{} (.A({}), .B({}), .YS({}), .YC({}));\n", cell++, net(pp[i][j]), net(y), net(s), net(c));
      const int copy = fresh();  // a bit copy inside the bus, as real libraries have
      body += fmt::format("  assign {} = {};\n", net(copy), net(s));
      acc[w] = copy;
      carry = c;
    }
    acc[i + 8] = carry;
  }
  for (int w = 0; w < 16; ++w) body += fmt::format("  assign O[{}] = {};\n", w, net(acc[w]));
  return fmt::format("// Power (45) = {:.2f}\nmodule {}(A, B, O);\n  input [7:0] A;\n  input [7:0] B;\n  output [15:0] O;\n"
                     "  wire [2031:0] N;\n{}endmodule\n", 300.0 - 10 * k, module, body);
}

}  // namespace

int main(int argc, char** argv) {
  const int n = argc > 1 ? std::max(3, std::atoi(argv[1])) : 200;
  const fs::path dir = fs::temp_directory_path() / "alwann-bench-import-library";
  fs::remove_all(dir);
  int styles[3] = {0, 0, 0};
  for (int i = 0; i < n; ++i) {
    const std::string module = fmt::format("mul8u_lib{:03}", i);
    std::string text;
    if (i % 3 == 0) {  // flat gate-level assigns
      rtl::generator::MultiplierDesign d{"trunc", false, 1 + (i / 3) % 9, 0};
      text = rtl::generator::generate_verilog(d);
      text.replace(text.find("module " + d.name()), 7 + d.name().size(), "module " + module);
    } else if (i % 3 == 1) {  // technology-mapped, one wide bus
      text = wide_bus_multiplier(module, (i / 3) % 12, i);
    } else {  // behavioural
      text = fmt::format("module {}(A, B, O);\n  input [7:0] A;\n  input [7:0] B;\n  output [15:0] O;\n"
                         "  wire [15:0] p;\n  assign p = A * B;\n  assign O = p & 16'h{:04x};\nendmodule\n",
                         module, 0xFFFF & ~((1 << ((i / 3) % 10)) - 1) & ~(i & 0x100));
    }
    ++styles[i % 3];
    write_file_atomically((dir / (module + ".v")).string(), text);
  }
  const fs::path cache = fs::temp_directory_path() / "alwann-bench-import-cache";
  fs::remove_all(cache);
  ::setenv("ALWANN_CACHE_DIR", cache.c_str(), 1);
  auto& lib = rtl::MultiplierLibrary::instance();
  rtl::MultiplierLibrary::ImportOptions lenient;
  lenient.strict = false;
  auto t0 = Clock::now();
  const auto first = lib.import_library({dir.string()}, lenient);
  const double first_s = seconds_since(t0);
  t0 = Clock::now();
  const auto again = lib.import_library({dir.string()}, lenient);
  const double again_s = seconds_since(t0);
  fmt::print("library: {} netlists ({} flat, {} wide-bus technology-mapped, {} behavioural)\n", n, styles[0], styles[1],
             styles[2]);
  fmt::print("first-time import (empty cache: Verilator runtime, netlists, models, link, netlist-vs-model check): "
             "{:.1f} s, {:.2f} s per circuit; {} imported, {} failed\n",
             first_s, first_s / n, first.names.size(), first.failures.size());
  for (const auto& f : first.failures) fmt::print("  failed: {}: {}\n", f.file, f.reason);
  fmt::print("cached import: {:.2f} s, {:.1f} ms per circuit ({} imported)\n", again_s, 1000 * again_s / n,
             again.names.size());
  fmt::print("goals (505 netlists, 2 cores): first time < 300 s, cached < 2 s\n");
  fs::remove_all(dir);
  return first.failures.empty() ? 0 : 1;
}
