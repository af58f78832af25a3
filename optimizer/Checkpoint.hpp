#pragma once
// The search's state after a generation, written atomically into the output
// folder, so a killed run (even kill -9) resumes from the last finished
// generation and ends with the front an uninterrupted run gives. The RNG
// needs no saving: each generation's NSGA-II is seeded from (seed,
// generation), and fitness comes back from the memo, not from a re-run.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace alwann::optimizer {

struct GenerationRecord {
  int generation = 0;              // 0 = the initial population
  std::size_t evaluated = 0, from_memo = 0, total_evaluated = 0;
  double hypervolume = 0, best_error = 0, lowest_energy = 0;
  double seconds = 0, elapsed_seconds = 0;
  double cache_hit_rate = 0, cache_skipped_share = 0;
};
nlohmann::json to_json(const GenerationRecord& r);
GenerationRecord generation_record_from_json(const nlohmann::json& j);

struct Checkpoint {
  nlohmann::json fingerprint;      // what defines the problem (model, accelerator, library, options)
  int generation = -1;             // last finished generation
  std::vector<std::vector<double>> population;  // decision vectors, in pagmo's order
  nlohmann::json memo;             // FitnessMemo::to_json
  std::vector<GenerationRecord> history;

  void save(const std::string& path) const;  // atomic
  static Checkpoint load(const std::string& path);  // alwann::Error naming the file when unreadable
  // Throws alwann::Error naming the first field that differs ("--resume DIR: ... differs: ...").
  static void check_same_problem(const std::string& dir, const nlohmann::json& saved, const nlohmann::json& now);
};

constexpr const char* kCheckpointFile = "checkpoint.json";

}  // namespace alwann::optimizer
