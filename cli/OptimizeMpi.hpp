#pragma once
// `alwann optimize` under mpirun (docs/distributed.md). Built with MPI
// (ALWANN_WITH_MPI) and started by mpirun with several ranks, every rank
// prepares the model; rank 0 runs the search with an MpiEvaluator and writes
// every file, the other ranks evaluate the candidates it sends. Otherwise
// (no MPI, no mpirun, one rank) these are the single-process behaviour.
#include "cli/OptimizeRun.hpp"
#include "optimizer/SearchOracle.hpp"

namespace alwann::cli {

// The command's entry: MPI set-up and tear-down around run_optimize.
int run_optimize_command(OptimizeArgs a);

// True on the ranks other than 0 of a distributed run.
bool optimize_worker_rank();
// A worker rank: evaluate what rank 0 sends until it says stop; returns 0.
int serve_optimize_worker(optimizer::SearchOracle& oracle);
// Rank 0: the evaluator of the search (`oracle` itself unless distributed)
// and the activation-cache figures over all ranks.
optimizer::CandidateEvaluator& optimize_evaluator(optimizer::SearchOracle& oracle);
optimizer::CacheStats optimize_cache_stats(const optimizer::SearchOracle& oracle);

}  // namespace alwann::cli
