#pragma once
// The NSGA-II driver (pagmo2): initial population (every uniform
// configuration, then seeded random individuals), one pagmo generation at a
// time with the memoised batch evaluator, a checkpoint after each
// generation, history (hypervolume etc.) and the archive front. The same
// inputs and seed give the same front bit for bit at any thread count, and
// a resumed run ends where an uninterrupted one does.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "optimizer/ActivationCache.hpp"
#include "optimizer/Checkpoint.hpp"
#include "optimizer/FitnessMemo.hpp"

namespace alwann::optimizer {

struct SearchOptions {
  int population = 48;   // a multiple of 4, >= 8 (pagmo's NSGA-II)
  int generations = 30;  // after the initial population
  std::uint64_t seed = 1;
  double crossover = 0.95, eta_c = 10.0, eta_m = 50.0;
  double mutation = 0;   // per gene; 0 = 1 / genes
  // Early rejection of candidates dominated by more than this error margin
  // (percentage points) by the archive front (DominanceRejection.hpp); off when unset.
  std::optional<double> reject_margin_pp;
  std::string checkpoint_path;  // "" = none
  nlohmann::json fingerprint;   // stored in checkpoints, compared on resume
};

// Hypervolume reference (documented in docs/optimizer.md): error as a
// fraction (reference 1), energy and cycles relative to the exact
// configuration (reference 2).
std::vector<double> normalised_objectives(const std::vector<double>& f, const Objectives& o);
std::vector<double> hypervolume_reference(const Objectives& o);

class Search {
 public:
  using Progress = std::function<void(const GenerationRecord&, int generations)>;
  // `uniform_energy` orders the library when it has more multipliers than
  // the initial population takes (uniform ones spread over the energy range).
  Search(std::shared_ptr<BatchFitnessFunction> fn, FitnessMemo& memo, SearchOptions o,
         std::function<double(const Candidate&)> uniform_energy = {});

  // Where the history's cache figures come from (optional).
  void set_cache_stats(std::function<CacheStats()> f) { cache_stats_ = std::move(f); }

  void run(const Progress& progress, const std::optional<Checkpoint>& resume = std::nullopt);

  const std::vector<GenerationRecord>& history() const { return history_; }
  std::vector<std::vector<double>> population() const { return population_; }
  // Canonical keys of the feasible non-dominated configurations among all evaluated, by energy.
  std::vector<std::string> front_keys() const;
  // The uniform configurations put into generation 0 (canonical keys).
  const std::vector<std::string>& uniform_keys() const { return uniform_keys_; }

 private:
  std::vector<std::vector<double>> initial_population();
  GenerationRecord record(int generation, double seconds);
  RejectionReference rejection_reference() const;
  void checkpoint(int generation) const;

  std::shared_ptr<BatchFitnessFunction> fn_;
  FitnessMemo& memo_;
  SearchOptions o_;
  std::function<double(const Candidate&)> uniform_energy_;
  std::function<CacheStats()> cache_stats_;
  std::vector<std::vector<double>> population_;
  std::vector<GenerationRecord> history_;
  std::vector<std::string> uniform_keys_;
  double elapsed_ = 0;
};

}  // namespace alwann::optimizer
