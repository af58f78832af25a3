// `alwann compare`: several accelerator+mapping pairs side by side, with the
// change against the first; writes a CSV and an SVG bar chart.
#include <fmt/core.h>

#include <fstream>

#include "cli/CommandRegistry.hpp"
#include "cli/LibraryOptions.hpp"
#include "cli/CommonOptions.hpp"
#include "common/AtomicFile.hpp"
#include "common/Error.hpp"
#include "sim/CompareChart.hpp"
#include "cli/WorkloadOptions.hpp"
#include "sim/ModelSimulation.hpp"

namespace {

struct CompareArgs {
  std::vector<std::string> configs;
  std::string csv = "compare.csv", chart = "compare.svg", detail = "fold", tune = "alwann";
  int images = 0, stream = 1;
  alwann::cli::WorkloadArgs workload;
  alwann::cli::LibraryArgs library;
};

struct Pair {
  std::string accelerator, mapping;
};

// CONFIG: MAPPING.yaml (its own accelerator), ACCEL.yaml,MAPPING.yaml, or a
// text file listing one such entry per line ('#' comments).
void expand(const std::string& arg, std::vector<Pair>& out, int depth = 0) {
  const auto comma = arg.find(',');
  if (comma != std::string::npos) {
    out.push_back({arg.substr(0, comma), arg.substr(comma + 1)});
    return;
  }
  const bool yaml = arg.size() > 5 && (arg.substr(arg.size() - 5) == ".yaml" || arg.substr(arg.size() - 4) == ".yml");
  if (yaml || depth > 0) {
    out.push_back({"", arg});
    return;
  }
  std::ifstream in(arg);
  if (!in) throw alwann::file_error(arg, "cannot read config list");
  std::string line;
  while (std::getline(in, line)) {
    line = line.substr(0, line.find('#'));
    const auto b = line.find_first_not_of(" \t"), e = line.find_last_not_of(" \t\r");
    if (b == std::string::npos) continue;
    line = line.substr(b, e - b + 1);
    const auto sp = line.find_first_of(" \t");
    if (sp != std::string::npos) {
      const auto rest = line.find_first_not_of(" \t", sp);
      out.push_back({line.substr(0, sp), line.substr(rest)});
    } else {
      expand(line, out, depth + 1);
    }
  }
}

const alwann::cli::CommandRegistration registration{
    "compare", "Compare accelerator+mapping pairs: energy, cycles, accuracy; CSV and SVG chart", [](CLI::App& sub) {
      auto a = std::make_shared<CompareArgs>();
      sub.add_option("configs", a->configs, "MAPPING.yaml, ACCEL.yaml,MAPPING.yaml, or a file listing them")->required();
      alwann::cli::add_workload_options(sub, a->workload);
      sub.add_option("--images", a->images, "Test images for the accuracy (0: none)")
          ->check(alwann::cli::whole_number_range(0, alwann::cli::kMaxImages))
          ->capture_default_str();
      sub.add_option("--detail", a->detail, "pe or fold")->check(CLI::IsMember({"pe", "fold"}))->capture_default_str();
      sub.add_option("--tune", a->tune, "Weight update: none|alwann|data")
          ->check(CLI::IsMember({"none", "alwann", "data"}))
          ->capture_default_str();
      sub.add_option("--stream", a->stream, "Images simulated back to back")
          ->check(alwann::cli::whole_number_range(1, alwann::sim::kMaxStreamImages))
          ->capture_default_str();
      sub.add_option("--csv", a->csv, "CSV output")->capture_default_str();
      sub.add_option("--chart", a->chart, "Bar chart of the energy by component: FILE.svg or FILE.png (gnuplot)")
          ->capture_default_str();
      alwann::cli::add_library_options(sub, a->library);
      return [a]() {
        using namespace alwann;
        check_output_path(a->csv);
        check_output_path(a->chart);
        std::vector<Pair> pairs;
        for (const auto& c : a->configs) expand(c, pairs);
        // Parse and validate every file before simulating anything.
        std::vector<mapping::MappingConfig> maps;
        std::vector<mapping::AcceleratorConfig> accs;
        for (const auto& p : pairs) {
          maps.push_back(mapping::MappingConfig::load(p.mapping, p.accelerator));
          accs.push_back(mapping::AcceleratorConfig::load(maps.back().accelerator_path));
        }
        std::vector<std::string> libraries;  // the mappings' library: paths
        for (const auto& m : maps) libraries.insert(libraries.end(), m.library_paths.begin(), m.library_paths.end());
        cli::load_library(a->library, libraries);
        sim::ModelRunOptions o;
        o.sim.detail = sim::parse_detail(a->detail);
        o.accuracy_images = a->images;
        o.sim.images = a->stream;
        o.tune = nn::parse_tune(a->tune);
        for (const auto& acc : accs) sim::check_limits(acc, o.sim);
        auto model = cli::make_workload(a->workload, a->images, sim::ModelSimulation::scheme_for(maps));
        std::vector<sim::ComparedRun> runs;
        for (std::size_t i = 0; i < pairs.size(); ++i) {
          runs.push_back({maps[i].name + "@" + accs[i].name, model->run(accs[i], maps[i], o)});
          fmt::print(stderr, "compare: {} done\n", runs.back().label);
        }
        fmt::print("{}", sim::compare_table(runs));
        OutputSet out;
        out.stage(a->csv, sim::compare_csv(runs));
        const PlotOutput chart = sim::energy_chart(runs);
        out.stage(a->chart, a->chart.size() > 4 && a->chart.substr(a->chart.size() - 4) == ".png" ? chart.png : chart.svg);
        out.commit();
        fmt::print("wrote {} and {}\n", a->csv, a->chart);
        return 0;
      };
    }};

}  // namespace
