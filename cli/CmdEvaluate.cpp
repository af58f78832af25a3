// alwann evaluate: top-1 accuracy of a quantised network with approximate
// multipliers (float, exact 8-bit and approximate), per-layer MACs, wall time.
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "cli/CommandRegistry.hpp"
#include "cli/LibraryOptions.hpp"
#include "cli/CommonOptions.hpp"
#include "common/AtomicFile.hpp"
#include "nn/Evaluation.hpp"
#include "rtl/LibraryFile.hpp"
#include "rtl/MultiplierLibrary.hpp"

namespace alwann::cli {
namespace {

struct EvaluateArgs {
  std::string model, data, multipliers = "exact", tune = "none", scheme = "tf-uint8", json_out;
  std::size_t images = 10000, calibration = 1000;
  std::uint64_t seed = 1;
  int threads = nn::default_threads();
  bool approximate_fc = false, skip_float = false, sweep = false;
  LibraryArgs library;
};

// --library, plus a .bin table given to --multipliers (imported as a
// table-only multiplier named like the file, never read as YAML).
std::vector<std::string> load_multipliers(EvaluateArgs& a) {
  std::vector<std::string> more;
  if (rtl::is_table_file(a.multipliers)) more.push_back(a.multipliers);
  const auto names = load_library(a.library, more);
  if (!more.empty()) a.multipliers = std::filesystem::path(a.multipliers).stem().string();
  return names;
}

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

nn::EvaluationSetup make_setup(const EvaluateArgs& a) {
  nn::EvaluationSetup setup;
  setup.model_path = a.model;
  setup.data = a.data;
  setup.scheme = nn::parse_scheme(a.scheme);
  setup.images = a.images;
  setup.calibration_images = a.calibration;
  setup.calibration_seed = a.seed;
  setup.threads = a.threads;
  setup.import.keep_fully_connected_exact = !a.approximate_fc;
  return setup;
}

void progress(const std::string& s) { fmt::print(stderr, "[evaluate] {}\n", s); }

// Every multiplier of the scheme's signedness (the --library ones when given,
// else the built-in library), used uniformly, with each weight update: the
// table of docs/nn.md. Preparation is shared.
int run_sweep(const EvaluateArgs& a, const std::vector<std::string>& imported) {
  const auto t0 = std::chrono::steady_clock::now();
  const nn::EvaluationSetup setup = make_setup(a);
  const nn::PreparedEvaluation prep(setup, progress);
  auto& lib = rtl::MultiplierLibrary::instance();
  const auto resolve = nn::library_resolver();
  const bool want_signed = prep.quantized()->is_signed();
  const double exact = prep.accuracy({});
  fmt::print("model {}, data {} ({} test images), scheme {}, calibration {} images (seed {})\n", prep.network().name(),
             prep.data_name(), prep.images(), a.scheme, a.calibration, a.seed);
  fmt::print("exact 8-bit top-1: {:.2f} %\n", exact);
  fmt::print("{:<18} {:>9} {:>10} {:>10} {:>10}\n", "multiplier", "power_mW", "none", "alwann", "data");
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& name : a.library.paths.empty() ? lib.names() : imported) {
    if (lib.info(name).is_signed != want_signed) continue;
    const auto assignment = nn::MultiplierAssignment::uniform(prep.network(), name);
    nlohmann::json row{{"multiplier", name}};
    std::string line = fmt::format("{:<18} {:>9}", name,
                                   lib.info(name).figures.power_mw ? fmt::format("{:.3f}", *lib.info(name).figures.power_mw) : "-");
    for (nn::Tune t : {nn::Tune::None, nn::Tune::Alwann, nn::Tune::Data}) {
      const double acc = prep.accuracy(prep.multipliers(assignment, t, resolve));
      row[std::string("accuracy_") + nn::to_string(t)] = acc;
      line += fmt::format(" {:>10.2f}", acc);
    }
    if (lib.info(name).figures.power_mw) row["power_mw"] = *lib.info(name).figures.power_mw;
    fmt::print("{}\n", line);
    std::fflush(stdout);
    rows.push_back(row);
  }
  const double total = seconds_since(t0);
  fmt::print("wall time {:.1f} s, {} threads\n", total, setup.threads);
  if (!a.json_out.empty()) {
    const nlohmann::json j{{"model", prep.network().name()}, {"data", prep.data_name()}, {"images", prep.images()},
                           {"scheme", a.scheme}, {"calibration_images", a.calibration}, {"accuracy_exact", exact},
                           {"seconds", total}, {"multipliers", rows}};
    write_file_atomically(a.json_out, j.dump(2) + "\n");
  }
  return 0;
}

int run(EvaluateArgs a) {
  if (!a.json_out.empty()) check_output_path(a.json_out);
  const std::vector<std::string> imported = load_multipliers(a);
  if (a.sweep) return run_sweep(a, imported);
  const auto t0 = std::chrono::steady_clock::now();
  const nn::Tune tune = nn::parse_tune(a.tune);
  const nn::EvaluationSetup setup = make_setup(a);
  const nn::PreparedEvaluation prep(setup, progress);
  const nn::Network& net = prep.network();
  const auto assignment = nn::MultiplierAssignment::from_argument(a.multipliers, net);
  const auto multipliers = prep.multipliers(assignment, tune, nn::library_resolver());
  const double t_prepare = seconds_since(t0);

  auto timed = [&](const char* what, auto&& f) {
    progress(fmt::format("{} on {} images, {} threads", what, prep.images(), setup.threads));
    const auto t = std::chrono::steady_clock::now();
    const double acc = f();
    return std::make_pair(acc, seconds_since(t));
  };
  const auto fl = a.skip_float ? std::make_pair(-1.0, 0.0) : timed("float", [&] { return prep.float_accuracy(); });
  const auto ex = timed("exact 8-bit", [&] { return prep.accuracy({}); });
  const auto ap = timed("approximate", [&] { return prep.accuracy(multipliers); });
  const double total = seconds_since(t0);

  fmt::print("model {} ({}), data {} ({} test images), scheme {}, tune {}, multipliers {}\n", net.name(), a.model,
             prep.data_name(), prep.images(), a.scheme, a.tune, assignment.summary());
  size_t w = 5;  // name column as wide as the longest name
  for (const auto& l : net.layers()) w = std::max(w, l.name.size());
  fmt::print("{:<{}} {:<16} {:>12}  {}\n", "layer", w, "op", "MACs", "multiplier");
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& l : net.layers()) {
    if (l.macs == 0) continue;
    const std::string mult = l.approximable ? assignment.of(l.name) : "exact (not approximable)";
    fmt::print("{:<{}} {:<16} {:>12}  {}\n", l.name, w, nn::op_name(l.op), l.macs, mult);
    layers.push_back({{"name", l.name}, {"op", nn::op_name(l.op)}, {"macs", l.macs},
                      {"approximable", l.approximable}, {"multiplier", l.approximable ? assignment.of(l.name) : "exact"}});
  }
  fmt::print("MACs per image: {} ({} approximable)\n", net.total_macs(), net.approximable_macs());
  if (a.skip_float)
    fmt::print("top-1 accuracy: float skipped, exact 8-bit {:.2f} %, approximate {:.2f} %\n", ex.first, ap.first);
  else
    fmt::print("top-1 accuracy: float {:.2f} %, exact 8-bit {:.2f} %, approximate {:.2f} %\n", fl.first, ex.first, ap.first);
  fmt::print("wall time {:.2f} s (prepare {:.2f} s, float {:.2f} s, exact {:.2f} s, approximate {:.2f} s), {} threads\n",
             total, t_prepare, fl.second, ex.second, ap.second, setup.threads);

  if (!a.json_out.empty()) {
    nlohmann::json j{{"model", net.name()}, {"model_path", a.model}, {"data", prep.data_name()},
                     {"images", prep.images()}, {"scheme", a.scheme}, {"tune", a.tune},
                     {"multipliers", assignment.summary()}, {"calibration_images", a.calibration},
                     {"calibration_seed", a.seed}, {"threads", setup.threads},
                     {"accuracy_exact", ex.first}, {"accuracy_approx", ap.first},
                     {"macs_per_image", net.total_macs()}, {"approximable_macs", net.approximable_macs()},
                     {"seconds", total},
                     {"seconds_by_phase", {{"prepare", t_prepare}, {"float", fl.second}, {"exact", ex.second}, {"approx", ap.second}}},
                     {"layers", layers}};
    j["accuracy_float"] = a.skip_float ? nlohmann::json(nullptr) : nlohmann::json(fl.first);
    write_file_atomically(a.json_out, j.dump(2) + "\n");
  }
  return 0;
}

const CommandRegistration reg{
    "evaluate", "Top-1 accuracy of a quantised network with approximate multipliers", [](CLI::App& sub) {
      auto a = std::make_shared<EvaluateArgs>();
      sub.add_option("--model", a->model, "ONNX model (its .yaml beside it gives the input normalisation)")->required();
      sub.add_option("--data", a->data, "fashion-mnist or a directory with IDX or CIFAR-10 binary files")
          ->default_str("the model's data set");
      sub.add_option("--multipliers", a->multipliers,
                     "one multiplier name (or a .bin product table) for every approximable layer, or a YAML file "
                     "layer -> multiplier")
          ->capture_default_str();
      sub.add_option("--tune", a->tune, "weight update: none | alwann | data")->capture_default_str();
      sub.add_option("--images", a->images, "number of test images (the first N)")
          ->check(whole_number_range(1, kMaxImages))
          ->capture_default_str();
      sub.add_option("--scheme", a->scheme, "quantisation: tf-uint8 | int8-symmetric")->capture_default_str();
      add_threads_option(sub, a->threads);
      // 0 would leave every activation range empty (21 % instead of 94 %).
      sub.add_option("--calibration-images", a->calibration, "training images for calibration")
          ->check(whole_number_range(1, kMaxImages))
          ->capture_default_str();
      sub.add_option("--seed", a->seed, "seed choosing the calibration images")->capture_default_str();
      sub.add_flag("--approximate-fc", a->approximate_fc, "approximate fully connected layers too");
      sub.add_flag("--skip-float", a->skip_float, "do not run the float reference");
      sub.add_flag("--sweep", a->sweep,
                   "evaluate every multiplier of the scheme's signedness (--library's, else the built-in ones) "
                   "uniformly with each --tune");
      add_library_options(sub, a->library);
      sub.add_option("--json", a->json_out, "write the results as JSON")->default_str("none");
      return [a]() { return run(*a); };
    }};

}  // namespace
}  // namespace alwann::cli
