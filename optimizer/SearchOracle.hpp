#pragma once
// The fitness oracle: one configuration -> validation accuracy (bit-true
// integer inference on the held-out search images, through the activation
// cache) and the fold-level simulation's energy and cycles. The same path as
// `alwann simulate` (ModelSimulation::prepare + simulate), so a front
// point's mapping file reproduces its figures exactly.
#include <memory>
#include <optional>
#include <vector>

#include "mapping/AcceleratorConfig.hpp"
#include "optimizer/ActivationCache.hpp"
#include "optimizer/CandidateResult.hpp"
#include "optimizer/DominanceRejection.hpp"
#include "optimizer/SearchSpace.hpp"
#include "sim/ModelSimulation.hpp"

namespace alwann::optimizer {

// Evaluates a batch of candidates, results in order (the seam where threads
// or MPI ranks plug in).
class CandidateEvaluator {
 public:
  virtual ~CandidateEvaluator() = default;
  virtual std::vector<CandidateResult> evaluate(const std::vector<Candidate>& batch) = 0;
  // Early rejection of dominated candidates for the batches that follow
  // (DominanceRejection.hpp); an evaluator that cannot stop early ignores it.
  virtual void set_reference(const RejectionReference& /*reference*/) {}
};

// The multiplier index of each approximable layer, in layer order: candidates
// sharing a prefix of it share the activation cache's frontiers.
std::vector<int> multiplier_sequence(const Candidate& c);
// `batch`'s indices ordered by multiplier_sequence (stable).
std::vector<std::size_t> prefix_order(const std::vector<Candidate>& batch);

// For candidates evaluated in this order (multiplier sequences, sorted):
// the prefix lengths whose frontiers each one should keep, those it shares
// with a later one (in sorted order the only restarts the run needs).
std::vector<std::vector<int>> frontiers_to_keep(const std::vector<std::vector<int>>& sorted_sequences);

class SearchOracle : public CandidateEvaluator {
 public:
  SearchOracle(sim::ModelSimulation& model, mapping::AcceleratorConfig acc, const SearchSpace& space, nn::Tune tune,
               std::size_t cache_bytes, int threads);

  CandidateResult evaluate_one(const Candidate& c) { return evaluate_in(space_, c); }
  std::vector<CandidateResult> evaluate(const std::vector<Candidate>& batch) override;
  // In the given order, candidate i keeping the frontiers keep[i] (frontiers_to_keep).
  std::vector<CandidateResult> evaluate_keeping(const std::vector<Candidate>& cands,
                                                const std::vector<std::vector<int>>& keep);
  // Simulation only (no accuracy): energy and cycles.
  CandidateResult simulate_only(const Candidate& c) { return simulate(space_, c, nullptr); }
  // Top-1 accuracy (percent) on the prepared test images.
  double test_accuracy(const Candidate& c) { return test_accuracy_in(space_, c); }

  // The exact 8-bit configuration: the built-in exact multiplier of the
  // scheme's signedness on every unit, every layer on the first unit (the
  // search's list need not hold it, so it has its own one-entry space).
  const SearchSpace& exact_space() const { return exact_space_; }
  Candidate exact_candidate() const { return exact_space_.uniform(0); }
  CandidateResult evaluate_exact() { return evaluate_in(exact_space_, exact_candidate()); }
  double test_accuracy_exact() { return test_accuracy_in(exact_space_, exact_candidate()); }

  // Early rejection (with a --max-loss constraint): a candidate stops once
  // so many search images are misclassified that its loss against `exact`
  // accuracy (percent) must exceed `max_loss_pp`. Off until set.
  void set_rejection(double exact_accuracy, double max_loss_pp);
  // Early rejection of dominated candidates: see DominanceRejection.hpp.
  void set_reference(const RejectionReference& reference) override { reference_ = reference; }

  // Keep every frontier (the default: later generations restart from them
  // too; the cache's byte budget bounds the memory, and those the rest of
  // the batch restarts from are evicted last), or only those.
  void set_keep_all(bool all) { keep_all_ = all; }

  CacheStats cache_stats() const { return cache_->stats(); }
  const SearchSpace& space() const { return space_; }
  sim::ModelSimulation& model() { return model_; }

 private:
  // `prepared`: the candidate's ModelSimulation::prepare() result, if done already (consumed).
  CandidateResult simulate(const SearchSpace& sp, const Candidate& c, std::vector<nn::LayerMultiplier>* multipliers,
                           sim::ModelSimulation::PreparedRun* prepared = nullptr);
  CandidateResult evaluate_in(const SearchSpace& sp, const Candidate& c, const std::vector<int>* keep = nullptr,
                              sim::ModelSimulation::PreparedRun* prepared = nullptr);
  double test_accuracy_in(const SearchSpace& sp, const Candidate& c);

  sim::ModelSimulation& model_;
  mapping::AcceleratorConfig acc_;
  const SearchSpace& space_;
  SearchSpace exact_space_;
  nn::Tune tune_;
  int threads_;
  std::unique_ptr<ActivationCache> cache_;
  std::size_t max_wrong_ = static_cast<std::size_t>(-1);
  std::optional<RejectionReference> reference_;
  bool keep_all_ = true;
};

}  // namespace alwann::optimizer
