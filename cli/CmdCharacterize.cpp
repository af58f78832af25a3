// alwann characterize: error metrics, toggle energy and area of multipliers.
#include <fmt/core.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "cli/CommandRegistry.hpp"
#include "cli/CommonOptions.hpp"
#include "common/AtomicFile.hpp"
#include "common/Error.hpp"
#include "mapping/TechnologyFigures.hpp"
#include "rtl/Characterization.hpp"
#include "rtl/TechModel.hpp"

namespace alwann::cli {
namespace {

struct Options {
  std::vector<std::string> verilog, cells, only;
  bool force_signed = false, force_unsigned = false;
  std::string out = ".", export_tables, tech;  // tech empty: rtl::TechModel::default_path()
  std::size_t random_operations = 1000000;
  int threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
};

std::string tech_path(const Options& o) { return o.tech.empty() ? rtl::TechModel::default_path() : o.tech; }

std::vector<std::string> select_names(const Options& o, rtl::MultiplierLibrary& lib) {
  if (!o.verilog.empty()) {
    rtl::MultiplierLibrary::ImportOptions io;
    io.cell_libraries = o.cells;
    if (o.force_signed) io.force_signed = true;
    if (o.force_unsigned) io.force_signed = false;
    return lib.import_verilog(o.verilog, io);
  }
  if (o.only.empty()) return lib.names();
  for (const auto& n : o.only) lib.info(n);  // unknown names fail before any work
  return o.only;
}

void print_table(const std::vector<rtl::Characterization>& rows) {
  fmt::print("{:<18} {:>3} {:>9} {:>9} {:>9} {:>7} {:>9} {:>10} {:>6} {:>9} {:>9}\n", "multiplier", "sgn",
             "MAE%", "WCE%", "MRE%", "EP%", "bias", "E_rand/fJ", "gates", "area/um2", "lib/mW");
  for (const auto& c : rows)
    fmt::print("{:<18} {:>3} {:>9.4f} {:>9.4f} {:>9.3f} {:>7.2f} {:>9.2f} {:>10.1f} {:>6} {:>9.1f} {:>9}\n",
               c.info.name, c.info.is_signed ? "s" : "u", c.error.mae_pct, c.error.wce_pct, c.error.mre_pct,
               c.error.ep_pct, c.error.bias, c.energy_uniform_fj, c.gates, c.area_um2,
               c.info.figures.power_mw ? fmt::format("{:.3f}", *c.info.figures.power_mw) : "-");
}

int run(const Options& o) {
  if (o.force_signed && o.force_unsigned) throw Error("--signed and --unsigned exclude each other");
  // The whole file through the declared keys and ranges, as simulate reads it, so both accept the same files.
  mapping::TechnologyFigures::load(tech_path(o));
  auto tech = std::make_shared<const rtl::TechModel>(rtl::TechModel::load(tech_path(o)));
  auto& lib = rtl::MultiplierLibrary::instance();
  const std::vector<std::string> names = select_names(o, lib);
  std::vector<rtl::Characterization> rows(names.size());
  std::atomic<size_t> next{0}, done{0};
  std::mutex m;
  std::string error;
  std::vector<std::thread> pool;
  for (std::size_t t = 0; t < std::min<std::size_t>(static_cast<std::size_t>(o.threads), names.size()); ++t)
    pool.emplace_back([&] {
      for (size_t i; (i = next++) < names.size();) {
        try {
          rows[i] = rtl::characterize(lib, names[i], tech, o.random_operations);
          std::lock_guard<std::mutex> lock(m);
          fmt::print(stderr, "\ralwann: characterized {}/{} ({})      ", ++done, names.size(), names[i]);
        } catch (const std::exception& e) {
          std::lock_guard<std::mutex> lock(m);
          if (error.empty()) error = e.what();
        }
      }
    });
  for (auto& t : pool) t.join();
  fmt::print(stderr, "\n");
  if (!error.empty()) throw Error(error);

  OutputSet out;
  nlohmann::json json = nlohmann::json::array();
  for (const auto& c : rows) json.push_back(rtl::to_json(c));
  out.stage(o.out + "/characterization.json", json.dump(2) + "\n");
  out.stage(o.out + "/characterization.csv", rtl::to_csv(rows));
  out.commit();
  if (!o.export_tables.empty())
    for (const auto& n : names) lib.table(n)->save_bin(o.export_tables + "/" + n + ".bin");
  print_table(rows);
  fmt::print("wrote {0}/characterization.json and {0}/characterization.csv ({1} multipliers, technology {2})\n",
             o.out, rows.size(), tech_path(o));
  if (!o.export_tables.empty()) fmt::print("exported {} product tables to {}\n", names.size(), o.export_tables);
  return 0;
}

CommandRegistration registration(
    "characterize", "Error metrics, toggle energy and area of the built-in library or of your Verilog",
    [](CLI::App& app) {
      auto o = std::make_shared<Options>();
      app.add_option("--verilog", o->verilog, "Verilog files or folders of .v files to import and characterize")
          ->default_str("none: the built-in library");
      app.add_option("--cells", o->cells, "Verilog files defining the cells your netlists instantiate")
          ->default_str("$ALWANN_CELLS_FILE, else the built-in 45 nm cells");
      app.add_flag("--signed", o->force_signed, "Treat the imported multipliers as signed (default: from mul8s_/mul8u_ prefix)");
      app.add_flag("--unsigned", o->force_unsigned, "Treat the imported multipliers as unsigned");
      app.add_option("--multipliers", o->only, "Only these built-in multipliers")->delimiter(',')->default_str("all");
      app.add_option("--out", o->out, "Folder for characterization.json/.csv")->capture_default_str();
      app.add_option("--export-tables", o->export_tables, "Write <DIR>/<name>.bin product tables (tf-approximate format)")
          ->default_str("none");
      app.add_option("--random-ops", o->random_operations, "Random operand pairs for the energy estimate")
          ->check(whole_number_range(1, 1000000000))
          ->capture_default_str();
      // The default is resolved when the command runs, so --help does not show the build machine's path.
      app.add_option("--tech", o->tech, "Technology file")
          ->default_str("$ALWANN_TECH_FILE, else configs/tech/generic45.yaml of the alwann sources");
      add_threads_option(app, o->threads, "Worker threads");
      return [o] { return run(*o); };
    });

}  // namespace
}  // namespace alwann::cli
