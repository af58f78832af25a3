#pragma once
// Every configuration the search has measured, by canonical key, so that no
// configuration is evaluated twice (NSGA-II revisits many), and the batch
// fitness function pagmo calls: decode, look up, evaluate only the new ones
// (in first-seen order, through the CandidateEvaluator), return fitness.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "optimizer/CandidateResult.hpp"
#include "optimizer/SearchOracle.hpp"
#include "optimizer/SearchSpace.hpp"

namespace alwann::optimizer {

struct MemoEntry {
  Candidate candidate;  // canonical
  CandidateResult result;
  int generation = 0;   // first evaluated in
};

class FitnessMemo {
 public:
  const MemoEntry* find(const std::string& key) const;
  void put(const std::string& key, MemoEntry e) { entries_[key] = std::move(e); }
  const std::map<std::string, MemoEntry>& entries() const { return entries_; }
  nlohmann::json to_json() const;
  static FitnessMemo from_json(const nlohmann::json& j, const SearchSpace& space);

 private:
  std::map<std::string, MemoEntry> entries_;
};

struct BatchCounts {
  std::size_t requested = 0, evaluated = 0, from_memo = 0;
};

class BatchFitnessFunction {
 public:
  BatchFitnessFunction(const SearchSpace& space, CandidateEvaluator& evaluator, const Objectives& objectives,
                       FitnessMemo& memo);
  // Fitness vectors of decision vectors, memoised.
  std::vector<std::vector<double>> operator()(const std::vector<std::vector<double>>& xs);
  void set_generation(int g) { generation_ = g; }
  void set_reference(const RejectionReference& r) { evaluator_.set_reference(r); }
  BatchCounts take_counts();
  const SearchSpace& space() const { return space_; }
  const Objectives& objectives() const { return objectives_; }

 private:
  const SearchSpace& space_;
  CandidateEvaluator& evaluator_;
  const Objectives& objectives_;
  FitnessMemo& memo_;
  int generation_ = 0;
  BatchCounts counts_;
};

}  // namespace alwann::optimizer
