#pragma once
// Fitness evaluation spread over MPI ranks (docs/distributed.md). Rank 0
// runs the search and this evaluator; every other rank has prepared the same
// model and search space and runs run_mpi_worker.
//
// A batch is put in multiplier-sequence order (candidates sharing a layer
// prefix side by side), cut into small chunks, and the chunks into one
// contiguous segment per evaluating rank: a rank works through its own
// segment from the front (its activation cache sees neighbours in prefix
// order) and, once done, takes chunks from the back of the longest segment
// left (dynamic load balancing: cache hits, early rejection and layer counts
// make candidates differ in cost). Each chunk carries the frontiers its
// candidates should keep for the later ones of their segment (a stolen
// chunk's are kept in vain, harmless). Each worker holds two chunks, so it never
// waits for rank 0 between chunks. Rank 0 may evaluate chunks itself between
// messages (`local`). Results come back in the batch's order; they do not
// depend on which rank computed them (every cache is keyed by content), so
// the front is the single-process front bit for bit.
//
// A worker's exception comes back as an error message: rank 0 hands out no
// more work, waits for the chunks in flight, and throws it (alwann::Error for
// users' errors, naming the rank).
#include <mpi.h>

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "optimizer/SearchOracle.hpp"

namespace alwann::optimizer {

// Rank 0's own time per candidate spent on the distribution (encoding,
// sending, receiving, decoding; waiting excluded), for docs/distributed.md.
struct MpiOverhead {
  std::size_t candidates = 0, chunks = 0, local_candidates = 0;
  double dispatch_seconds = 0;
  double per_candidate_us() const { return candidates ? 1e6 * dispatch_seconds / static_cast<double>(candidates) : 0.0; }
};

class MpiEvaluator : public CandidateEvaluator {
 public:
  explicit MpiEvaluator(MPI_Comm comm);
  ~MpiEvaluator() override;
  // Rank 0's oracle, evaluating chunks while rank 0 would idle (null: coordinate only).
  void set_local(SearchOracle* local);
  std::vector<CandidateResult> evaluate(const std::vector<Candidate>& batch) override;
  // Sent with every work message, so every rank rejects exactly as one process would.
  void set_reference(const RejectionReference& reference) override;

  // Summed over the ranks (each worker's figures as of its last result).
  CacheStats cache_stats() const;
  const MpiOverhead& overhead() const { return overhead_; }
  // Tells every worker to leave its loop (idempotent; also on destruction).
  void stop_workers();

 private:
  struct Worker {
    int rank = 0;
    bool alive = true;
    std::deque<std::size_t> in_flight;  // chunk ids, in the order sent
    CacheStats stats;
  };
  struct Round;  // one batch's bookkeeping (MpiEvaluator.cpp)
  void send_chunk(Round& r, Worker& w, std::size_t chunk);
  void receive(Round& r, bool wait);

  MPI_Comm comm_;
  SearchOracle* local_ = nullptr;
  std::optional<nlohmann::json> reference_;
  std::vector<Worker> workers_;
  const std::vector<Candidate>* batch_ = nullptr;  // during evaluate
  MpiOverhead overhead_;
  bool stopped_ = false;
};

// A worker rank's loop: evaluate the chunks rank 0 sends with `oracle`, send
// back the results and cache figures, until told to stop. An exception while
// evaluating becomes an error message to rank 0 (the loop then waits for the
// stop). Test hook: with ALWANN_TEST_FAIL_CANDIDATE=N in its environment a
// worker throws a user error on the N-th candidate it evaluates (the MPI
// tests check that such a failure ends the run cleanly).
void run_mpi_worker(MPI_Comm comm, SearchOracle& oracle);

// A worker rank that failed before its loop (preparing the model, say):
// report `what` to rank 0 as a user error (`user`) or an internal one, then
// wait for the stop.
void fail_mpi_worker(MPI_Comm comm, const std::string& what, bool user);

}  // namespace alwann::optimizer
