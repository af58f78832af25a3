#pragma once
// The workload options `simulate` and `compare` share: an ONNX model or a
// SCALE-Sim topology, and where the arrays' operand codes come from.
#include <CLI/CLI.hpp>

#include <memory>
#include <string>

#include "common/Error.hpp"
#include "mapping/TopologyCsv.hpp"
#include "sim/ModelSimulation.hpp"

namespace alwann::cli {

struct WorkloadArgs {
  std::string model, topology, operands = "auto";
  double zero_fraction = 0;
};

inline void add_workload_options(CLI::App& sub, WorkloadArgs& w) {
  // Exactly one of the two: checked by make_workload (one-line error, exit 1).
  sub.add_option("--model", w.model, "ONNX model (its YAML and data set, if any, beside it)")->default_str("none");
  sub.add_option("--topology", w.topology, "SCALE-Sim topology CSV as the workload (random operands)")->default_str("none");
  sub.add_option("--operands", w.operands, "Operand codes: auto (data set if the model has one), data, random")
      ->check(CLI::IsMember({"auto", "data", "random"}))
      ->capture_default_str();
  sub.add_option("--zero-fraction", w.zero_fraction, "Random operands: share of zero activation codes (ReLU sparsity)")
      ->capture_default_str();
}

inline std::unique_ptr<sim::ModelSimulation> make_workload(const WorkloadArgs& w, int images, nn::Scheme scheme) {
  if (w.model.empty() == w.topology.empty()) throw Error("give one workload: --model M.onnx or --topology T.csv");
  if (!w.topology.empty())
    return std::make_unique<sim::ModelSimulation>(mapping::load_topology_csv(w.topology), w.zero_fraction);
  return std::make_unique<sim::ModelSimulation>(w.model, images, scheme, sim::parse_operand_source(w.operands), w.zero_fraction);
}

}  // namespace alwann::cli
