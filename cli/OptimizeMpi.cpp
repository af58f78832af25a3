#include "cli/OptimizeMpi.hpp"

#include <sched.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "common/Error.hpp"
#ifdef ALWANN_WITH_MPI
#include <fmt/core.h>

#include "optimizer/MpiEvaluator.hpp"
#endif

namespace alwann::cli {

#ifdef ALWANN_WITH_MPI

namespace {

// Up to this many ranks, rank 0 evaluates chunks too (its share of the
// machine matters); beyond, it only coordinates (its answers matter more).
constexpr int kRank0EvaluatesUpTo = 8;

optimizer::MpiEvaluator* g_evaluator = nullptr;  // rank 0 of a distributed run
bool g_worker = false;

bool started_by_mpirun() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMIX_RANK", "PMI_RANK"})
    if (std::getenv(v)) return true;
  return false;
}

// The cores this rank may run on: mpirun binds ranks (to a core with up to
// 2 ranks, to a socket beyond) unless told --bind-to none.
int cores_of_this_rank() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) return OptimizeArgs::default_thread_count();
  return std::max(1, CPU_COUNT(&set));
}

int ranks_on_this_node() {
  MPI_Comm node;
  MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, 0, MPI_INFO_NULL, &node);
  int n = 1;
  MPI_Comm_size(node, &n);
  MPI_Comm_free(&node);
  return n;
}

struct MpiSession {
  MpiSession() {
    int provided = 0;  // only the main thread calls MPI
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided);
  }
  ~MpiSession() { MPI_Finalize(); }
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
};

int run_worker(OptimizeArgs a) {
  // Rank 0 speaks for the run: the workers' lines would repeat its own.
  [[maybe_unused]] FILE* out = std::freopen("/dev/null", "w", stdout);
  [[maybe_unused]] FILE* err = std::freopen("/dev/null", "w", stderr);
  g_worker = true;
  try {
    return run_optimize(std::move(a));  // serve_optimize_worker returns once rank 0 says stop
  } catch (const Error& e) {
    optimizer::fail_mpi_worker(MPI_COMM_WORLD, e.what(), true);
  } catch (const std::exception& e) {
    optimizer::fail_mpi_worker(MPI_COMM_WORLD, e.what(), false);
  }
  return 0;  // rank 0 reports the error and exits 1: mpirun's status
}

}  // namespace

int run_optimize_command(OptimizeArgs a) {
  if (!started_by_mpirun()) return run_optimize(std::move(a));
  MpiSession session;
  int rank = 0, size = 1;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  if (size == 1) return run_optimize(std::move(a));
  if (!a.threads_set)
    a.threads = std::max(1, std::min(OptimizeArgs::default_thread_count() / ranks_on_this_node(), cores_of_this_rank()));
  if (rank != 0) return run_worker(std::move(a));
  optimizer::MpiEvaluator evaluator(MPI_COMM_WORLD);  // its destructor stops the workers, also on errors
  g_evaluator = &evaluator;
  struct Reset {
    ~Reset() { g_evaluator = nullptr; }
  } reset;
  fmt::print(stderr, "optimize: {} MPI ranks, {} threads per rank on rank 0's node\n", size, a.threads);
  const int rc = run_optimize(std::move(a));
  const auto& o = evaluator.overhead();
  fmt::print(stderr, "optimize: MPI: {} candidates in {} chunks ({} on rank 0), rank-0 dispatch {:.1f} us per candidate\n",
             o.candidates, o.chunks, o.local_candidates, o.per_candidate_us());
  return rc;
}

bool optimize_worker_rank() { return g_worker; }

int serve_optimize_worker(optimizer::SearchOracle& oracle) {
  optimizer::run_mpi_worker(MPI_COMM_WORLD, oracle);
  return 0;
}

optimizer::CandidateEvaluator& optimize_evaluator(optimizer::SearchOracle& oracle) {
  if (!g_evaluator) return oracle;
  int size = 1;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  g_evaluator->set_local(size <= kRank0EvaluatesUpTo ? &oracle : nullptr);
  return *g_evaluator;
}

optimizer::CacheStats optimize_cache_stats(const optimizer::SearchOracle& oracle) {
  return g_evaluator ? g_evaluator->cache_stats() : oracle.cache_stats();
}

#else  // built without MPI: one process

int run_optimize_command(OptimizeArgs a) { return run_optimize(std::move(a)); }
bool optimize_worker_rank() { return false; }
int serve_optimize_worker(optimizer::SearchOracle&) { return 0; }
optimizer::CandidateEvaluator& optimize_evaluator(optimizer::SearchOracle& oracle) { return oracle; }
optimizer::CacheStats optimize_cache_stats(const optimizer::SearchOracle& oracle) { return oracle.cache_stats(); }

#endif

}  // namespace alwann::cli
