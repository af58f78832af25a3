#pragma once
// The `optimize` command's work, apart from its option declarations.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/LibraryOptions.hpp"

namespace alwann::cli {

struct OptimizeArgs {
  std::string model, accelerator, scheme = "tf-uint8", energy = "multiply", tune = "alwann", out = "optimize", resume;
  std::vector<std::string> multipliers;
  int population = 48, generations = 30, images = 1000, test_images = 10000, threads = default_thread_count();
  // Default 5 pp: the summary reports losses up to 2 pp, and two thirds of an
  // unconstrained search's evaluations went to configurations losing more
  // than 10 pp (the low-energy end of the front).
  std::optional<double> max_loss = 5.0;
  double reject_margin = 0.0;  // pp; see optimizer/DominanceRejection.hpp
  std::optional<std::int64_t> max_cycles;
  std::uint64_t seed = 1;
  std::int64_t cache_mb = default_cache_mb();
  bool latency = false, full_evaluation = false;
  bool threads_set = false;  // --threads given (else, under mpirun: cores / ranks on the node)
  LibraryArgs library;       // --library: searched instead of the built-in library

  static int default_thread_count();
  static std::int64_t default_cache_mb();  // a quarter of the machine's memory, at most 8 GiB
};

int run_optimize(OptimizeArgs a);

}  // namespace alwann::cli
