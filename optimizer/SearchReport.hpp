#pragma once
// What a search leaves behind (docs/optimizer.md): the front (CSV, JSON, a
// mapping file per point that `alwann simulate` reproduces), the summary
// (exact, best uniform, savings at 0.5/1/2 pp loss), the history and the
// front chart (gnuplot, PNG and SVG). Text only; the CLI writes the files.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "optimizer/Checkpoint.hpp"
#include "optimizer/FitnessMemo.hpp"

namespace alwann::optimizer {

struct ReportedPoint {
  Candidate candidate;
  CandidateResult result;
  double accuracy_test = 0;
  std::string multipliers_text, layers_text;  // in words
  std::vector<std::string> multipliers, layers;
  std::string mapping;              // path of its mapping file ("" for none)
  bool non_dominated_on_test = false;
};

struct Threshold {
  double loss_pp = 0;
  std::optional<double> layerwise_saving_pct, uniform_saving_pct;
  std::optional<double> layerwise_energy, uniform_energy;
};

struct SearchReport {
  std::string energy_objective, energy_unit;  // "multiply" / "pJ"
  std::size_t validation_images = 0, test_images = 0;
  ReportedPoint exact;
  std::vector<ReportedPoint> front, uniform;  // front by energy; uniform: generation 0's
  std::optional<ReportedPoint> best_uniform;  // lowest energy within 1 pp (test), else the most accurate
  std::optional<ReportedPoint> chosen;        // the front point with the lowest energy within 1 pp, else the most accurate
  std::vector<Threshold> thresholds;
  std::vector<GenerationRecord> history;
  nlohmann::json options;

  // Fills non_dominated_on_test, best_uniform, chosen and thresholds.
  void finish(const Objectives& o);
  std::size_t non_dominated_on_test() const;

  std::string front_csv() const;
  nlohmann::json front_json() const;
  nlohmann::json summary_json() const;
  std::string history_csv() const;
  std::string summary_table() const;  // the terminal table
  // gnuplot script and data for the front chart (energy relative to exact vs test accuracy).
  std::map<std::string, std::string> chart_data() const;
  std::string chart_script() const;
};

nlohmann::json to_json(const ReportedPoint& p, const std::string& energy_objective);

}  // namespace alwann::optimizer
