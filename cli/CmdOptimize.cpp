// `alwann optimize`: the ALWANN search. NSGA-II over the multiplier of each
// compute unit and the unit of each layer, the bit-true engine and the
// fold-level simulator as fitness oracle; the front, re-evaluated on the
// test set, with a mapping file per point (docs/optimizer.md).
#include <fmt/core.h>
#include <unistd.h>

#include <filesystem>

#include "cli/CommandRegistry.hpp"
#include "cli/CommonOptions.hpp"
#include "cli/OptimizeMpi.hpp"

namespace {

const alwann::cli::CommandRegistration registration{
    "optimize", "Search multiplier-per-unit and layer-to-unit choices (NSGA-II): accuracy vs energy front",
    [](CLI::App& sub) {
      auto a = std::make_shared<alwann::cli::OptimizeArgs>();
      sub.add_option("--model", a->model, "ONNX model (its YAML beside it)")->required();
      sub.add_option("--accelerator", a->accelerator, "Accelerator YAML (tile_array or pipelined)")->required();
      sub.add_option("--multipliers", a->multipliers, "Restrict the library to these names (comma-separated)")
          ->delimiter(',')
          ->default_str("the whole library of the scheme's signedness");
      sub.add_option("--scheme", a->scheme, "Quantisation: tf-uint8 (mul8u_*) or int8-symmetric (mul8s_*)")
          ->check(CLI::IsMember({"tf-uint8", "int8-symmetric"}))
          ->capture_default_str();
      sub.add_option("--population", a->population, "NSGA-II population (a multiple of 4, >= 8)")->capture_default_str();
      sub.add_option("--generations", a->generations, "Generations after the initial population (>= 1)")
          ->capture_default_str();
      sub.add_option("--images", a->images, "Search (validation) images, held out from the training split")
          ->capture_default_str();
      sub.add_option("--test-images", a->test_images, "Test images for the final re-evaluation of the front")
          ->capture_default_str();
      sub.add_option("--energy", a->energy, "Energy objective: multiply, total or library-power")
          ->check(CLI::IsMember({"multiply", "total", "library-power"}))
          ->capture_default_str();
      sub.add_flag("--latency", a->latency, "Cycles per inference as a third objective");
      sub.add_option("--max-loss", a->max_loss,
                     "Constraint: validation accuracy loss against exact, in pp; keeps the search on the useful "
                     "part of the front (100: the whole front)")
          ->default_str("5");
      sub.add_option("--max-cycles", a->max_cycles, "Constraint: cycles per inference")->default_str("none");
      sub.add_flag("--full-evaluation", a->full_evaluation,
                   "Run every candidate on every search image (no early rejection)");
      sub.add_option("--reject-margin", a->reject_margin,
                     "Stop a candidate once its search error must exceed, by this many pp, that of an evaluated "
                     "point with no more energy (it is dominated)")
          ->capture_default_str();
      sub.add_option("--tune", a->tune, "Weight update per candidate: none|alwann|data")
          ->check(CLI::IsMember({"none", "alwann", "data"}))
          ->capture_default_str();
      sub.add_option("--seed", a->seed, "Seed of the search and of the validation images")->capture_default_str();
      auto* threads =
          alwann::cli::add_threads_option(sub, a->threads, "Worker threads (under mpirun: cores / ranks per node)");
      sub.add_option("--cache-mb", a->cache_mb, "Activation cache budget in MiB (0: off)")->capture_default_str();
      sub.add_option("--out", a->out, "Output folder")->capture_default_str();
      sub.add_option("--resume", a->resume, "Continue the search whose checkpoint is in this folder")->default_str("none");
      alwann::cli::add_library_options(sub, a->library);
      return [a, threads]() {
        a->threads_set = threads->count() > 0;
        return alwann::cli::run_optimize_command(*a);  // under mpirun: distributed (docs/distributed.md)
      };
    }};

}  // namespace
