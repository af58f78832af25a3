// The search's fitness oracle on ResNet-8 and the 4-tile array, measured
// against the plain inference engine in the same run:
//   * per evaluation: simulation (operands + fold-level model + toggle
//     energy) and accuracy on the search images, cold and with the caches;
//   * a whole search (NSGA-II, memo + activation cache): evaluations per
//     second, cache hit rate, wall time.
// Usage: bench_search [images] [population] [generations] [threads]   (env REJECT_MARGIN=pp|off, MAX_LOSS=pp,
//   KEEP_BATCH_ONLY=1: save only the frontiers the rest of a generation restarts from)
#include <fmt/core.h>

#include <time.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "mapping/AcceleratorConfig.hpp"
#include "optimizer/Search.hpp"
#include "optimizer/SearchOracle.hpp"
#include "rtl/MultiplierLibrary.hpp"

using namespace alwann;
using namespace alwann::optimizer;
using Clock = std::chrono::steady_clock;

namespace {
double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
// Process CPU time: on a shared machine it moves less than the wall clock.
double cpu_seconds() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}
}  // namespace

int main(int argc, char** argv) {
  optimizer::keep_freed_memory();
  const int images = argc > 1 ? std::stoi(argv[1]) : 1000;
  const int population = argc > 2 ? std::stoi(argv[2]) : 48;
  const int generations = argc > 3 ? std::stoi(argv[3]) : 30;
  const int threads = argc > 4 ? std::stoi(argv[4]) : nn::default_threads();
  const std::string src = ALWANN_SOURCE_DIR;
  nn::EvaluationSetup setup;
  setup.model_path = src + "/models/resnet8.onnx";
  setup.images = 1;
  setup.validation_images = static_cast<std::size_t>(images);
  setup.threads = threads;
  auto t0 = Clock::now();
  sim::ModelSimulation model(setup);
  fmt::print("prepare (load, calibrate, quantise {} search images): {:.2f} s, {} threads\n", images, seconds_since(t0),
             threads);
  const auto acc = mapping::AcceleratorConfig::load(src + "/configs/accelerators/tile_array_4x16.yaml");
  std::vector<std::string> mults;
  for (const auto& n : rtl::MultiplierLibrary::instance().names())
    if (n.rfind("mul8u_", 0) == 0) mults.push_back(n);
  const SearchSpace space(acc, model.work(), mults);

  // Baseline: the plain engine on the same images (no cache, no simulation).
  const auto& val = model.prepared().validation();
  const auto table = rtl::MultiplierLibrary::instance().table("mul8u_vct7");
  std::vector<nn::LayerMultiplier> m(model.network().layers().size());
  for (int id : space.layer_ids()) m[static_cast<std::size_t>(id)].table = table;
  const nn::IntegerEngine engine(model.prepared().quantized(), m);
  engine.classify(val.codes, threads);  // warm-up
  t0 = Clock::now();
  double c0 = cpu_seconds();
  engine.classify(val.codes, threads);
  const double plain_s = seconds_since(t0), plain_cpu = cpu_seconds() - c0;
  fmt::print("baseline: plain engine, mul8u_vct7 on {} images: {:.3f} s ({:.3f} s CPU)\n", images, plain_s, plain_cpu);

  // One evaluation, split, cold and warm.
  SearchOracle cold(model, acc, space, nn::Tune::Alwann, 0, threads);
  Candidate c = space.uniform(0);
  c.layer_unit = {0, 1, 1, 2, 2, 3, 3, 3, 0};
  c.unit_multiplier = {3, 7, 11, 15};
  t0 = Clock::now();
  cold.simulate_only(c);
  const double sim_cold = seconds_since(t0);
  t0 = Clock::now();
  cold.simulate_only(c);
  const double sim_warm = seconds_since(t0);
  t0 = Clock::now();
  c0 = cpu_seconds();
  cold.evaluate_one(c);
  const double eval_nocache = seconds_since(t0), eval_cpu = cpu_seconds() - c0;
  fmt::print("one evaluation: simulation cold {:.3f} s, with warm energy cache {:.3f} s; simulation + accuracy "
             "without activation cache {:.3f} s, {:.3f} s CPU ({:.2f}x the plain engine's CPU)\n",
             sim_cold, sim_warm, eval_nocache, eval_cpu, eval_cpu / plain_cpu);
  // Simulation of new mixed candidates once every multiplier's netlist is loaded.
  for (int i = 0; i < static_cast<int>(mults.size()); ++i) cold.simulate_only(space.uniform(i));
  t0 = Clock::now();
  c0 = cpu_seconds();
  for (int i = 0; i < 10; ++i) {
    Candidate e = c;
    e.unit_multiplier = {i, i + 1, i + 2, i + 3};
    cold.simulate_only(e);
  }
  fmt::print("simulation of a new mixed candidate (netlists loaded): {:.3f} s, {:.3f} s CPU\n", seconds_since(t0) / 10,
             (cpu_seconds() - c0) / 10);
  SearchOracle warm(model, acc, space, nn::Tune::Alwann, std::size_t{2048} << 20, threads);
  warm.evaluate_one(c);
  Candidate d = c;
  d.unit_multiplier[3] = 16;  // differs only in the last layers' tile
  t0 = Clock::now();
  c0 = cpu_seconds();
  warm.evaluate_one(d);
  fmt::print("a neighbour sharing 5 of 9 layers' multipliers, activation cache on: {:.3f} s, {:.3f} s CPU\n",
             seconds_since(t0), cpu_seconds() - c0);

  // A whole search.
  SearchOracle oracle(model, acc, space, nn::Tune::Alwann, std::size_t{4096} << 20, threads);
  oracle.set_keep_all(std::getenv("KEEP_BATCH_ONLY") == nullptr);
  const CandidateResult exact = oracle.evaluate_exact();
  // MAX_LOSS=pp: the search's accuracy constraint, as `optimize --max-loss`.
  ObjectiveOptions oo;
  if (const char* ml = std::getenv("MAX_LOSS")) {
    oo.max_loss_pp = std::stod(ml);
    oracle.set_rejection(exact.accuracy_validation, *oo.max_loss_pp);
  }
  const Objectives obj(oo, exact);
  FitnessMemo memo;
  auto fn = std::make_shared<BatchFitnessFunction>(space, oracle, obj, memo);
  SearchOptions so;
  so.population = population;
  so.generations = generations;
  // Dominance rejection as `optimize` does by default (margin 1 pp);
  // REJECT_MARGIN=off measures every candidate on every image.
  const char* margin = std::getenv("REJECT_MARGIN");
  if (!margin || std::string(margin) != "off") so.reject_margin_pp = margin ? std::stod(margin) : 1.0;
  Search search(fn, memo, so);
  search.set_cache_stats([&] { return oracle.cache_stats(); });
  t0 = Clock::now();
  c0 = cpu_seconds();
  search.run({});
  const double total = seconds_since(t0), total_cpu = cpu_seconds() - c0;
  std::size_t requested = 0;
  for (const auto& r : search.history()) requested += r.evaluated + r.from_memo;
  const CacheStats cs = oracle.cache_stats();
  fmt::print("search: population {} x {} generations = {} fitness requests, {} evaluated ({} from the memo) in {:.1f} s: "
             "{:.1f} evaluations/s, {:.1f} requests/s; {:.1f} s CPU\n",
             population, generations, requested, memo.entries().size(), requested - memo.entries().size(), total,
             static_cast<double>(memo.entries().size()) / total, static_cast<double>(requested) / total, total_cpu);
  fmt::print("activation cache: {:.0f} % of lookups hit, {:.0f} % of approximable-layer work skipped, {} evictions, "
             "{:.0f} MiB held; {} candidates stopped early (rejection margin {}), {:.0f} % of image evaluations saved; "
             "{} repeated another's multiplier per layer (accuracy reused)\n",
             100 * cs.hit_rate(), 100 * cs.skipped_share(), cs.evictions, static_cast<double>(cs.bytes) / (1 << 20),
             cs.stopped, so.reject_margin_pp ? fmt::format("{} pp", *so.reject_margin_pp) : std::string("off"),
             100 * cs.rejected_share(), cs.repeats);
  fmt::print("the same evaluations on the plain engine would take about {:.0f} s CPU (accuracy alone)\n",
             plain_cpu * static_cast<double>(memo.entries().size()));
  return 0;
}
