// `alwann simulate`: one accelerator + mapping + model through the SystemC
// models; per-layer table, totals, optional JSON.
#include <fmt/core.h>

#include <nlohmann/json.hpp>

#include "cli/CommandRegistry.hpp"
#include "cli/LibraryOptions.hpp"
#include "cli/CommonOptions.hpp"
#include "common/AtomicFile.hpp"
#include "cli/WorkloadOptions.hpp"
#include "sim/ModelSimulation.hpp"
#include "sim/Report.hpp"

namespace {

struct SimulateArgs {
  std::string accelerator, mapping, json, detail = "fold", tune = "alwann";
  int images = 0, samples = 1024, stream = 1;
  alwann::cli::WorkloadArgs workload;
  alwann::cli::LibraryArgs library;
};

const alwann::cli::CommandRegistration registration{
    "simulate", "Simulate a mapped network on an accelerator (cycles, energy, accuracy)", [](CLI::App& sub) {
      auto a = std::make_shared<SimulateArgs>();
      sub.add_option("--accelerator", a->accelerator, "Accelerator YAML")->default_str("the mapping's");
      alwann::cli::add_workload_options(sub, a->workload);
      sub.add_option("--mapping", a->mapping, "Mapping YAML")->required();
      sub.add_option("--images", a->images, "Test images for the accuracy (0: none)")
          ->check(alwann::cli::whole_number_range(0, alwann::cli::kMaxImages))
          ->capture_default_str();
      sub.add_option("--detail", a->detail, "pe: every PE clocked; fold: one event per fold")
          ->check(CLI::IsMember({"pe", "fold"}))
          ->capture_default_str();
      sub.add_option("--json", a->json, "Write the results as JSON")->default_str("none");
      sub.add_option("--stream", a->stream, "Images simulated back to back (pipeline fill and steady state)")
          ->check(alwann::cli::whole_number_range(1, alwann::sim::kMaxStreamImages))
          ->capture_default_str();
      sub.add_option("--tune", a->tune, "Weight update: none|alwann|data")
          ->check(CLI::IsMember({"none", "alwann", "data"}))
          ->capture_default_str();
      sub.add_option("--samples", a->samples, "Fold level: operand-stream segments per layer for multiplier energy")
          ->check(alwann::cli::whole_number_range(1, alwann::sim::kMaxSampleSegments))
          ->capture_default_str();
      alwann::cli::add_library_options(sub, a->library);
      return [a]() {
        using namespace alwann;
        if (!a->json.empty()) check_output_path(a->json);
        auto mapping = mapping::MappingConfig::load(a->mapping, a->accelerator);
        cli::load_library(a->library, mapping.library_paths);  // before any multiplier name is resolved
        const auto acc = mapping::AcceleratorConfig::load(mapping.accelerator_path);
        sim::ModelRunOptions o;
        o.sim.detail = sim::parse_detail(a->detail);
        o.sim.sample_segments = a->samples;
        o.sim.images = a->stream;
        o.accuracy_images = a->images;
        o.tune = nn::parse_tune(a->tune);
        sim::check_limits(acc, o.sim);
        auto model = cli::make_workload(a->workload, a->images, sim::ModelSimulation::scheme_for({mapping}));
        const auto r = model->run(acc, mapping, o);
        fmt::print("{}\n{}", sim::layer_table(r), sim::totals_text(r));
        if (!a->json.empty()) write_file_atomically(a->json, sim::to_json(r).dump(2) + "\n");
        return 0;
      };
    }};

}  // namespace
