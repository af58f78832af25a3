#include "cli/OptimizeRun.hpp"

#include <fmt/core.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>


#include "cli/OptimizeMpi.hpp"
#include "common/AtomicFile.hpp"
#include "common/ContentHash.hpp"
#include "common/Error.hpp"
#include "common/PathQuery.hpp"
#include "common/Plot.hpp"
#include "nn/ParallelFor.hpp"
#include "optimizer/PagmoAdapters.hpp"
#include "optimizer/Search.hpp"
#include "optimizer/SearchReport.hpp"
#include "rtl/MultiplierLibrary.hpp"

namespace alwann::cli {

namespace fs = std::filesystem;
using namespace alwann::optimizer;

int OptimizeArgs::default_thread_count() { return nn::default_threads(); }

std::int64_t OptimizeArgs::default_cache_mb() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  const std::int64_t mb = pages > 0 && page > 0 ? static_cast<std::int64_t>(pages) * page / 4 / (1 << 20) : 1024;
  return std::clamp<std::int64_t>(mb, 64, 8192);
}

namespace {

void check_args(const OptimizeArgs& a) {
  const int hw = OptimizeArgs::default_thread_count();
  if (a.population < 8 || a.population % 4 != 0)
    throw Error("--population " + std::to_string(a.population) + ": must be a multiple of 4 and at least 8 (NSGA-II)");
  if (a.generations < 1 || a.generations > 100000)
    throw Error("--generations " + std::to_string(a.generations) + ": must be in 1..100000");
  if (a.images < 1 || a.images > 59000) throw Error("--images " + std::to_string(a.images) + ": must be in 1..59000");
  if (a.test_images < 1) throw Error("--test-images " + std::to_string(a.test_images) + ": must be at least 1");
  if (a.threads < 1 || a.threads > 4 * hw)
    throw Error("--threads " + std::to_string(a.threads) + ": must be in 1.." + std::to_string(4 * hw));
  if (a.cache_mb < 0 || a.cache_mb > (1 << 20)) throw Error("--cache-mb " + std::to_string(a.cache_mb) + ": must be in 0..1048576");
  if (!(a.reject_margin >= 0 && a.reject_margin <= 100))
    throw Error("--reject-margin " + fmt::format("{}", a.reject_margin) + ": must be in 0..100 (percentage points)");
  if (a.max_loss && (*a.max_loss < 0 || *a.max_loss > 100))
    throw Error("--max-loss " + fmt::format("{}", *a.max_loss) + ": must be in 0..100 (percentage points)");
  if (a.max_cycles && *a.max_cycles < 1) throw Error("--max-cycles " + std::to_string(*a.max_cycles) + ": must be at least 1");
}

// The library multipliers of the scheme's signedness (the --library ones when
// given, else the built-in ones), optionally restricted by --multipliers.
std::vector<std::string> search_multipliers(const OptimizeArgs& a, bool want_signed,
                                            const std::vector<std::string>& imported) {
  auto& lib = rtl::MultiplierLibrary::instance();
  std::vector<std::string> out;
  if (!a.multipliers.empty()) {
    for (const auto& n : a.multipliers) {
      if (lib.info(n).is_signed != want_signed)  // info() throws "unknown multiplier ..."
        throw Error("--multipliers: '" + n + "' is " + (want_signed ? "unsigned" : "signed") + " but --scheme " + a.scheme +
                    " needs " + (want_signed ? "signed (mul8s_*)" : "unsigned (mul8u_*)") + " multipliers");
      if (std::find(out.begin(), out.end(), n) == out.end()) out.push_back(n);
    }
    return out;
  }
  for (const auto& n : a.library.paths.empty() ? lib.names() : imported)
    if (lib.info(n).is_signed == want_signed) out.push_back(n);
  if (out.empty())
    throw Error(std::string("the library has no ") + (want_signed ? "signed (mul8s_*)" : "unsigned (mul8u_*)") +
                " multiplier for --scheme " + a.scheme);
  return out;
}

nlohmann::json fingerprint(const OptimizeArgs& a, const std::vector<std::string>& mults) {
  auto& lib = rtl::MultiplierLibrary::instance();
  nlohmann::json library = nlohmann::json::array();
  for (const auto& m : mults) library.push_back(m + "@" + lib.info(m).content_hash);
  return {{"model", ContentHash().add_file(a.model).hex()},
          {"accelerator", ContentHash().add_file(a.accelerator).hex()},
          {"library", library},
          {"scheme", a.scheme},
          {"population", a.population},
          {"images", a.images},
          {"seed", a.seed},
          {"tune", a.tune},
          {"energy", a.energy},
          {"latency", a.latency},
          {"full_evaluation", a.full_evaluation},
          {"reject_margin", a.full_evaluation ? nlohmann::json() : nlohmann::json(a.reject_margin)},
          {"max_loss", a.max_loss ? nlohmann::json(*a.max_loss) : nlohmann::json()},
          {"max_cycles", a.max_cycles ? nlohmann::json(*a.max_cycles) : nlohmann::json()}};
}

std::string eta_text(double s) {
  const auto whole = static_cast<long long>(std::llround(std::max(0.0, s)));  // round once: never "40m60s"
  if (whole < 60) return fmt::format("{}s", whole);
  return fmt::format("{}m{:02}s", whole / 60, whole % 60);
}

// The mapping file of a configuration; its accelerator path as the user
// gave it when that resolves from the file's folder too, else absolute. The
// --library paths go in as `library:`, relative to the mapping file, so
// `alwann simulate --mapping` needs no extra flag.
std::string mapping_yaml(const SearchSpace& sp, const Candidate& c, const std::string& name, const std::string& acc_path,
                         const std::string& file, const std::string& comment, const std::vector<std::string>& library) {
  std::string acc = acc_path;
  if (mapping::resolve_config_path(acc, file) != acc || !path_exists(acc)) acc = fs::absolute(acc_path).string();
  YAML::Emitter y;
  y << YAML::BeginMap << YAML::Key << "name" << YAML::Value << name << YAML::Key << "accelerator" << YAML::Value << acc;
  y << YAML::Key << "multipliers" << YAML::Value << YAML::Flow << sp.unit_multiplier_names(c);
  y << YAML::Key << "layers" << YAML::Value << YAML::Flow << sp.layer_unit_names(c);
  if (!library.empty()) {
    std::vector<std::string> relative;
    const fs::path dir = fs::absolute(file).parent_path();
    for (const auto& p : library) relative.push_back(fs::absolute(p).lexically_normal().lexically_relative(dir).string());
    y << YAML::Key << "library" << YAML::Value << YAML::Flow << relative;
  }
  y << YAML::EndMap;
  return comment + y.c_str() + "\n";
}

}  // namespace

int run_optimize(OptimizeArgs a) {
  check_args(a);
  keep_freed_memory();
  const bool resuming = !a.resume.empty();
  if (resuming) a.out = a.resume;
  const std::string ckpt_path = (fs::path(a.out) / kCheckpointFile).string();
  std::optional<Checkpoint> resume;
  if (resuming) {
    if (!is_regular_file_path(ckpt_path)) throw Error("--resume " + a.resume + ": no " + kCheckpointFile + " in that folder");
    resume = Checkpoint::load(ckpt_path);
  } else if (!optimize_worker_rank() && path_exists(a.out) && (!is_directory_path(a.out) || !fs::is_empty(a.out))) {
    throw Error("--out " + a.out + ": exists and is not an empty folder (use --resume " + a.out +
                " to continue its search, or another --out)");
  }
  const auto acc = mapping::AcceleratorConfig::load(a.accelerator);
  const bool want_signed = a.scheme == "int8-symmetric";
  const auto imported = load_library(a.library);
  const auto mults = search_multipliers(a, want_signed, imported);
  auto& lib = rtl::MultiplierLibrary::instance();
  if (a.energy == "library-power")
    for (const auto& m : mults)
      if (!lib.info(m).figures.power_mw)
        throw Error("--energy library-power: multiplier '" + m + "' (" + lib.info(m).source +
                    ") has no published power figure; use --energy multiply or restrict --multipliers");
  const nlohmann::json print = fingerprint(a, mults);
  if (resume) Checkpoint::check_same_problem(a.resume, resume->fingerprint, print);

  nn::EvaluationSetup setup;
  setup.model_path = a.model;
  setup.scheme = nn::parse_scheme(a.scheme);
  setup.images = static_cast<std::size_t>(a.test_images);
  setup.validation_images = static_cast<std::size_t>(a.images);
  setup.validation_seed = a.seed;
  setup.threads = a.threads;
  fmt::print(stderr, "optimize: preparing {} ({} search images, {} test images)\n", a.model, a.images, a.test_images);
  sim::ModelSimulation model(setup);
  const SearchSpace space(acc, model.work(), mults);
  if (!space.pipelined() && space.units() > static_cast<int>(space.layer_ids().size()))
    fmt::print(stderr, "optimize: warning: {} tiles for {} approximable layers: at most {} can be used\n", space.units(),
               space.layer_ids().size(), space.layer_ids().size());
  SearchOracle oracle(model, acc, space, nn::parse_tune(a.tune),
                      static_cast<std::size_t>(a.cache_mb) << 20, a.threads);
  ObjectiveOptions oo;
  oo.energy = parse_energy_objective(a.energy);
  oo.latency = a.latency;
  oo.max_loss_pp = a.max_loss;
  oo.max_cycles = a.max_cycles;
  const CandidateResult exact = oracle.evaluate_exact();
  const Objectives objectives(oo, exact);
  if (a.max_loss && !a.full_evaluation) oracle.set_rejection(exact.accuracy_validation, *a.max_loss);
  if (optimize_worker_rank()) return serve_optimize_worker(oracle);  // MPI ranks > 0 (cli/OptimizeMpi.hpp)
  fmt::print(stderr, "optimize: {} multipliers, {} units, {} approximable layers, {} genes; exact 8-bit: {:.2f} % on the search images, {:.4g} {}\n",
             mults.size(), space.units(), space.layer_ids().size(), space.genes(), exact.accuracy_validation,
             objectives.energy(exact), objectives.energy_unit());

  FitnessMemo memo = resume ? FitnessMemo::from_json(resume->memo, space) : FitnessMemo();
  auto fn = std::make_shared<BatchFitnessFunction>(space, optimize_evaluator(oracle), objectives, memo);
  SearchOptions so;
  so.population = a.population;
  so.generations = a.generations;
  so.seed = a.seed;
  so.checkpoint_path = ckpt_path;
  if (!a.full_evaluation) so.reject_margin_pp = a.reject_margin;
  so.fingerprint = print;
  Search search(fn, memo, so, [&](const Candidate& c) { return objectives.energy(oracle.simulate_only(c)); });
  search.set_cache_stats([&] { return optimize_cache_stats(oracle); });
  fs::create_directories(a.out);
  search.run(
      [&](const GenerationRecord& r, int total) {
        const double rate = r.seconds > 0 ? static_cast<double>(r.evaluated) / r.seconds : 0.0;
        const double per_gen = r.elapsed_seconds / (r.generation + 1);
        fmt::print(stderr,
                   "generation {}/{}: {} new, {} from memo, cache hits {:.0f} % (layers skipped {:.0f} %), hypervolume "
                   "{:.5f}, best error {:.2f} %, lowest energy {:.4g} {}, {:.1f} eval/s, ETA {}\n",
                   r.generation, total, r.evaluated, r.from_memo, 100 * r.cache_hit_rate, 100 * r.cache_skipped_share,
                   r.hypervolume, r.best_error, r.lowest_energy, objectives.energy_unit(), rate,
                   eta_text(per_gen * (total - r.generation)));
      },
      resume);

  // The front, the exact and the uniform configurations on the test images.
  SearchReport report;
  report.energy_objective = a.energy;
  report.energy_unit = objectives.energy_unit();
  report.validation_images = static_cast<std::size_t>(a.images);
  report.test_images = model.prepared().images();
  report.history = search.history();
  report.options = print;
  report.options["generations"] = a.generations;
  report.options["model_path"] = a.model;
  report.options["accelerator_path"] = a.accelerator;
  auto point = [&](const SearchSpace& sp, const Candidate& c, const CandidateResult& r, double test) {
    ReportedPoint p;
    p.candidate = c;
    p.result = r;
    p.accuracy_test = test;
    p.multipliers_text = sp.multipliers_text(c);
    p.layers_text = sp.layers_text(c);
    p.multipliers = sp.unit_multiplier_names(c);
    p.layers = sp.layer_unit_names(c);
    return p;
  };
  fmt::print(stderr, "optimize: re-evaluating the front and the uniform configurations on {} test images\n",
             report.test_images);
  report.exact = point(oracle.exact_space(), oracle.exact_candidate(), exact, oracle.test_accuracy_exact());
  OutputSet out;
  const auto keys = search.front_keys();
  for (std::size_t i = 0; i < keys.size(); ++i) {
    const MemoEntry& e = *memo.find(keys[i]);
    ReportedPoint p = point(space, e.candidate, e.result, oracle.test_accuracy(e.candidate));
    const std::string name = fmt::format("front_{:02}", i);
    p.mapping = (fs::path(a.out) / "mappings" / (name + ".yaml")).string();
    const std::string comment = fmt::format(
        "# alwann optimize, front point {}: {:.2f} % on {} search images, {:.2f} % on {} test images,\n"
        "# {:.6g} pJ multiplication / {:.6g} pJ total energy per inference, {} cycles.\n"
        "# Reproduce: alwann simulate --model {} --mapping {} --images {} --tune {}\n",
        i, p.result.accuracy_validation, a.images, p.accuracy_test, report.test_images, p.result.energy_multiply_pj,
        p.result.energy_total_pj, p.result.cycles, a.model, p.mapping, report.test_images, a.tune);
    fs::create_directories(fs::path(a.out) / "mappings");
    out.stage(p.mapping, mapping_yaml(space, e.candidate, name, a.accelerator, p.mapping, comment, a.library.paths));
    report.front.push_back(std::move(p));
  }
  for (const auto& k : search.uniform_keys()) {
    const MemoEntry& e = *memo.find(k);
    report.uniform.push_back(point(space, e.candidate, e.result, oracle.test_accuracy(e.candidate)));
  }
  report.finish(objectives);
  // Mapping files for the comparison points, so `alwann compare` can set them side by side.
  auto write_point = [&](ReportedPoint& p, const SearchSpace& sp, const std::string& name, const std::string& what) {
    p.mapping = (fs::path(a.out) / "mappings" / (name + ".yaml")).string();
    const std::string comment = fmt::format("# alwann optimize: {}, {:.2f} % on {} test images.\n"
                                            "# Reproduce: alwann simulate --model {} --mapping {} --images {} --tune {}\n",
                                            what, p.accuracy_test, report.test_images, a.model, p.mapping,
                                            report.test_images, a.tune);
    out.stage(p.mapping, mapping_yaml(sp, p.candidate, name, a.accelerator, p.mapping, comment, a.library.paths));
  };
  fs::create_directories(fs::path(a.out) / "mappings");
  write_point(report.exact, oracle.exact_space(), "exact", "the exact 8-bit configuration");
  if (report.best_uniform) write_point(*report.best_uniform, space, "best_uniform", "the best uniform configuration");
  if (report.chosen) write_point(*report.chosen, space, "chosen", "the chosen front point (lowest energy within 1 pp)");
  const PlotOutput chart = render_plot(report.chart_script(), report.chart_data());
  const fs::path dir(a.out);
  out.stage((dir / "front.csv").string(), report.front_csv());
  out.stage((dir / "front.json").string(), report.front_json().dump(2) + "\n");
  out.stage((dir / "summary.json").string(), report.summary_json().dump(2) + "\n");
  out.stage((dir / "history.csv").string(), report.history_csv());
  out.stage((dir / "front.png").string(), chart.png);
  out.stage((dir / "front.svg").string(), chart.svg);
  out.commit();
  const CacheStats cs = optimize_cache_stats(oracle);
  fmt::print("{}", report.summary_table());
  fmt::print("\nsearch: {} evaluations in {:.1f} s; activation cache: {:.0f} % of lookups hit, {:.0f} % of layer work skipped; "
             "{} stopped early, {:.0f} % of image evaluations saved; {} repeated another's multiplier per layer "
             "(accuracy reused)\n",
             memo.entries().size(), report.history.back().elapsed_seconds, 100 * cs.hit_rate(), 100 * cs.skipped_share(),
             cs.stopped, 100 * cs.rejected_share(), cs.repeats);
  fmt::print("wrote {}/front.csv, front.json, summary.json, history.csv, front.png, front.svg and {} mappings\n", a.out,
             report.front.size());
  return 0;
}

}  // namespace alwann::cli
