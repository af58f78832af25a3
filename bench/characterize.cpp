// Characterization speed: toggle-counted evaluations per second against the
// plain Verilated model in the same run, the whole built-in library, and a
// first-time run-time import of 36 external netlists (compiler included).
// Usage: bench_characterize [--skip-import]
#include <fmt/core.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <random>
#include <string>
#include <thread>

#include "common/AtomicFile.hpp"
#include "rtl/Characterization.hpp"
#include "rtl/GateNetlist.hpp"
#include "rtl/MultiplierLibrary.hpp"
#include "rtl/TechModel.hpp"
#include "rtl/ToggleEnergy.hpp"
#include "rtl/generator/MultiplierGenerator.hpp"

using namespace alwann;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

void fresh_cache(const std::string& tag) {
  const auto dir = std::filesystem::temp_directory_path() / ("alwann-bench-cache-" + tag);
  std::filesystem::remove_all(dir);
  ::setenv("ALWANN_CACHE_DIR", dir.c_str(), 1);
}

// Characterizes `names` on `threads` threads; returns wall seconds.
double characterize_all(const std::vector<std::string>& names, unsigned threads,
                        std::shared_ptr<const rtl::TechModel> tech) {
  auto& lib = rtl::MultiplierLibrary::instance();
  std::atomic<size_t> next{0};
  const auto t0 = Clock::now();
  std::vector<std::thread> pool;
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      for (size_t i; (i = next++) < names.size();) rtl::characterize(lib, names[i], tech, 1000000);
    });
  for (auto& t : pool) t.join();
  return seconds_since(t0);
}

}  // namespace

int main(int argc, char** argv) {
  const bool skip_import = argc > 1 && std::string(argv[1]) == "--skip-import";
  fresh_cache("library");
  auto tech = std::make_shared<const rtl::TechModel>(rtl::TechModel::load(rtl::TechModel::default_path()));
  auto& lib = rtl::MultiplierLibrary::instance();

  // 1. Evaluations per second, one core: Verilated model vs toggle counting.
  const size_t n = 4000000;
  std::vector<std::uint8_t> a(n), b(n);
  std::mt19937_64 rng(1);
  for (size_t i = 0; i < n; ++i) {
    a[i] = static_cast<std::uint8_t>(rng());
    b[i] = static_cast<std::uint8_t>(rng());
  }
  auto model = lib.model("mul8u_exact");
  auto t0 = Clock::now();
  unsigned sink = 0;
  for (size_t i = 0; i < n; ++i) sink += model->multiply(a[i], b[i]);
  const double verilated_rate = n / seconds_since(t0);
  rtl::ToggleSimulator sim(lib.netlist("mul8u_exact"), tech);
  t0 = Clock::now();
  sim.feed(a.data(), b.data(), n);
  const double toggle_rate = n / seconds_since(t0);
  fmt::print("mul8u_exact ({} gates), one core, {} random operand pairs:\n", lib.netlist("mul8u_exact")->gate_count(), n);
  fmt::print("  Verilated model, products only      {:>10.3g} evaluations/s\n", verilated_rate);
  fmt::print("  gate netlist with toggle counting   {:>10.3g} evaluations/s  ({:.1f}x the Verilated model; goal >= 2e6)\n",
             toggle_rate, toggle_rate / verilated_rate, sink & 0);

  // 2. The whole built-in library: tables from the Verilated models (65,536
  //    each), netlist check, metrics, 1e6-operand random stream each.
  const auto names = lib.names();
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  const double lib_s = characterize_all(names, cores, tech);
  fmt::print("built-in library: {} multipliers characterized in {:.2f} s on {} threads (goal < 60 s)\n", names.size(),
             lib_s, cores);

  if (skip_import) return 0;
  // 3. 36 external netlists imported at run time into an empty cache.
  const auto dir = std::filesystem::temp_directory_path() / "alwann-bench-netlists";
  std::filesystem::remove_all(dir);
  std::vector<std::string> files;
  for (bool s : {false, true})
    for (int k = 1; k <= 18; ++k) {
      rtl::generator::MultiplierDesign d{k <= 9 ? "trunc" : "bam", s, k <= 9 ? k : (k - 10) % 7, k <= 9 ? 0 : 4 + k % 5};
      if (k > 9) d.family = "bam";
      std::string text = rtl::generator::generate_verilog(d);
      const std::string module = "ext" + std::to_string(files.size()) + "_" + d.name();
      text.replace(text.find("module " + d.name()), 7 + d.name().size(), "module " + module);
      files.push_back((dir / (module + ".v")).string());
      write_file_atomically(files.back(), text);
    }
  fresh_cache("import");
  t0 = Clock::now();
  const auto imported = lib.import_verilog({dir.string()}, {});
  const double import_s = seconds_since(t0);
  t0 = Clock::now();
  lib.import_verilog({dir.string()}, {});
  const double again_s = seconds_since(t0);
  fmt::print("run-time import of {} netlists into an empty cache (Verilator runtime, models, link): {:.1f} s "
             "(goal < 180 s); again from the cache: {:.2f} s\n", imported.size(), import_s, again_s);
  return 0;
}
