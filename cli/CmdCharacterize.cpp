// alwann characterize: error metrics, toggle energy and area of multipliers.
// A circuit that fails is reported and skipped (exit status 3) unless
// --strict; every output file of one run appears whole or not at all.
#include <fmt/core.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/CommandRegistry.hpp"
#include "cli/LibraryOptions.hpp"
#include "cli/CommonOptions.hpp"
#include "common/AtomicFile.hpp"
#include "common/Error.hpp"
#include "mapping/TechnologyFigures.hpp"
#include "rtl/Characterization.hpp"
#include "rtl/TechModel.hpp"

namespace alwann::cli {
namespace {

// Exit status when some circuits were skipped and the rest written (docs/multipliers.md).
constexpr int kSomeSkipped = 3;
constexpr std::int64_t kMaxRandomOperations = 1000000000;  // 0 gave energy 0.0, 2^64-1 never ended

struct Options {
  LibraryArgs library;
  std::vector<std::string> only;
  bool strict = false;
  std::string out = ".", export_tables, tech;  // tech empty: rtl::TechModel::default_path()
  std::size_t random_operations = 1000000;
  int threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
};

std::string tech_path(const Options& o) { return o.tech.empty() ? rtl::TechModel::default_path() : o.tech; }

std::vector<std::string> select_names(const Options& o, rtl::MultiplierLibrary& lib,
                                      std::vector<rtl::CharacterizationError>& errors) {
  std::vector<std::string> names;
  if (!o.library.paths.empty()) {
    LibraryArgs args = o.library;
    args.strict = o.strict;
    const auto imported = load_library_reporting(args);
    for (const auto& f : imported.failures) errors.push_back({f.file, f.reason});
    names = imported.names;
    if (o.only.empty()) return names;
  }
  if (o.only.empty()) return lib.names();
  for (const auto& n : o.only) lib.info(n);  // unknown names fail before any work
  return o.only;
}

void print_table(const std::vector<rtl::Characterization>& rows) {
  fmt::print("{:<18} {:>3} {:>9} {:>9} {:>9} {:>7} {:>9} {:>10} {:>6} {:>9} {:>9}\n", "multiplier", "sgn",
             "MAE%", "WCE%", "MRE%", "EP%", "bias", "E_rand/fJ", "gates", "area/um2", "lib/mW");
  for (const auto& c : rows) {
    const bool n = c.info.has_netlist;
    fmt::print("{:<18} {:>3} {:>9.4f} {:>9.4f} {:>9.3f} {:>7.2f} {:>9.2f} {:>10} {:>6} {:>9} {:>9}\n", c.info.name,
               c.info.is_signed ? "s" : "u", c.error.mae_pct, c.error.wce_pct, c.error.mre_pct, c.error.ep_pct,
               c.error.bias, n ? fmt::format("{:.1f}", c.energy_uniform_fj) : "-", n ? std::to_string(c.gates) : "-",
               n ? fmt::format("{:.1f}", c.area_um2) : "-",
               c.info.figures.power_mw ? fmt::format("{:.3f}", *c.info.figures.power_mw) : "-");
  }
}

void check_options(const Options& o) {
  std::error_code ec;
  if (!o.export_tables.empty() && std::filesystem::exists(o.export_tables, ec) &&
      !std::filesystem::is_directory(o.export_tables, ec))
    throw file_error(o.export_tables, "--export-tables: exists and is not a folder");
  if (std::filesystem::exists(o.out, ec) && !std::filesystem::is_directory(o.out, ec))
    throw file_error(o.out, "--out: exists and is not a folder");
}

int run(const Options& o) {
  check_options(o);
  import_options(o.library);  // --signed/--unsigned/--cells consistency before any work
  // The whole file through the declared keys and ranges, as simulate reads it, so both accept the same files.
  mapping::TechnologyFigures::load(tech_path(o));
  auto tech = std::make_shared<const rtl::TechModel>(rtl::TechModel::load(tech_path(o)));
  auto& lib = rtl::MultiplierLibrary::instance();
  std::vector<rtl::CharacterizationError> errors;
  std::vector<std::string> names = select_names(o, lib, errors);
  std::vector<std::optional<rtl::Characterization>> results(names.size());
  std::atomic<size_t> next{0}, done{0};
  std::mutex m;
  std::vector<std::thread> pool;
  for (std::size_t t = 0; t < std::min<std::size_t>(static_cast<std::size_t>(o.threads), names.size()); ++t)
    pool.emplace_back([&] {
      for (size_t i; (i = next++) < names.size();) {
        try {
          results[i] = rtl::characterize(lib, names[i], tech, o.random_operations);
          std::lock_guard<std::mutex> lock(m);
          fmt::print(stderr, "\ralwann: characterized {}/{} ({})      ", ++done, names.size(), names[i]);
        } catch (const std::exception& e) {
          std::lock_guard<std::mutex> lock(m);
          const std::string file = lib.info(names[i]).source, what = e.what();
          errors.push_back({file, what.rfind(file + ": ", 0) == 0 ? what.substr(file.size() + 2) : what});
        }
      }
    });
  for (auto& t : pool) t.join();
  if (!names.empty()) fmt::print(stderr, "\n");
  if (!errors.empty() && (o.strict || names.empty() || o.library.paths.empty()))
    throw Error(errors.front().reason.rfind(errors.front().file + ":", 0) == 0
                    ? errors.front().reason
                    : errors.front().file + ": " + errors.front().reason);
  std::vector<rtl::Characterization> rows;
  for (auto& r : results)
    if (r) rows.push_back(std::move(*r));
  if (rows.empty()) throw Error("no multiplier could be characterized");

  OutputSet out;
  out.stage(o.out + "/characterization.json", rtl::to_json(rows, errors).dump(2) + "\n");
  out.stage(o.out + "/characterization.csv", rtl::to_csv(rows));
  if (!o.export_tables.empty())
    for (const auto& c : rows) out.stage(o.export_tables + "/" + c.info.name + ".bin", lib.table(c.info.name)->bin_bytes());
  out.commit();
  print_table(rows);
  fmt::print("wrote {0}/characterization.json and {0}/characterization.csv ({1} multipliers, technology {2})\n",
             o.out, rows.size(), tech_path(o));
  if (!o.export_tables.empty()) fmt::print("exported {} product tables to {}\n", rows.size(), o.export_tables);
  if (errors.empty()) return 0;
  fmt::print("skipped {} circuit(s):\n", errors.size());
  for (const auto& e : errors) fmt::print("  {}: {}\n", e.file, e.reason);
  return kSomeSkipped;
}

CommandRegistration registration(
    "characterize", "Error metrics, toggle energy and area of the built-in library or of your Verilog",
    [](CLI::App& app) {
      auto o = std::make_shared<Options>();
      add_library_options(app, o->library, "--verilog");
      app.add_flag("--strict", o->strict, "Any failing circuit is fatal and nothing is written (default: skip it, exit 3)");
      app.add_option("--multipliers", o->only, "Only these multipliers")->delimiter(',')->default_str("all");
      app.add_option("--out", o->out, "Folder for characterization.json/.csv")->capture_default_str();
      app.add_option("--export-tables", o->export_tables, "Write <DIR>/<name>.bin product tables (tf-approximate format)")
          ->default_str("none");
      app.add_option("--random-ops", o->random_operations, "Random operand pairs for the energy estimate")
          ->check(whole_number_range(1, kMaxRandomOperations))
          ->capture_default_str();
      // The default is resolved when the command runs, so --help does not show the build machine's path.
      app.add_option("--tech", o->tech, "Technology file")
          ->default_str("$ALWANN_TECH_FILE, else configs/tech/generic45.yaml of the alwann sources");
      add_threads_option(app, o->threads, "Worker threads");
      return [o] { return run(*o); };
    });

}  // namespace
}  // namespace alwann::cli
